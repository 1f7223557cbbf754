"""The admin shows orders with their lines and read-only events, and provisioning requests."""

import pytest

from seatwise.orders.enums import OrderStatus
from seatwise.orders.models import ProvisioningRequest
from seatwise.orders.tests.factories import make_order
from seatwise.tenancy.tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(make_user(is_staff=True, is_superuser=True))
    return client


def test_order_pages_of_the_admin(admin_client):
    order = make_order(status=OrderStatus.PROVISIONING)
    listing = admin_client.get("/admin/orders/order/")
    assert listing.status_code == 200 and order.number in listing.content.decode()
    change = admin_client.get(f"/admin/orders/order/{order.pk}/change/")
    assert change.status_code == 200
    html = change.content.decode()
    assert order.lines.get().sku in html
    assert "Provisioning" in html
    request = ProvisioningRequest.objects.get()
    assert admin_client.get("/admin/orders/provisioningrequest/").status_code == 200
    assert (
        admin_client.get(f"/admin/orders/provisioningrequest/{request.pk}/change/").status_code
        == 200
    )
    assert admin_client.get("/admin/orders/orderevent/").status_code == 200
    assert admin_client.get("/admin/orders/orderevent/add/").status_code == 403
