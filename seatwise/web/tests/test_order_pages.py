"""My account → Orders and the order detail: the access matrix (anonymous, another
organization, members of any role, reseller staff acting inside the customer), paging,
the detail's lines, totals, event log and payment history, and the menu entry."""

from decimal import Decimal
from urllib.parse import quote

import pytest

from seatwise.orders.enums import OrderStatus
from seatwise.orders.services import Charges
from seatwise.orders.tests.factories import line, make_order, make_vendor_offer
from seatwise.tenancy.enums import Role
from seatwise.tenancy.tests.factories import (
    make_customer,
    make_member,
    make_provider,
    make_reseller,
    make_user,
)

pytestmark = pytest.mark.django_db

LIST = "/account/orders/"


def _detail(order) -> str:
    return f"/account/orders/{quote(order.number)}/"


@pytest.fixture
def orgs():
    provider = make_provider("Provider")
    reseller = make_reseller(provider, "Reseller")
    return {
        "provider": provider,
        "reseller": reseller,
        "acme": make_customer(reseller, "Acme"),
        "globex": make_customer(reseller, "Globex"),
    }


@pytest.fixture
def order(orgs):
    offer = make_vendor_offer(name="Microsoft 365 Business Basic")
    return make_order(
        orgs["acme"],
        lines=[line(offer, quantity=3, unit_price="6.00")],
        charges=Charges(discount=Decimal("2"), tax=Decimal("3.20")),
    )


def test_anonymous_is_sent_to_sign_in(client, order):
    for url in (LIST, _detail(order)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_a_user_without_an_organization_is_told_so(client, order):
    client.force_login(make_user())
    response = client.get(LIST)
    assert response.status_code == 404
    assert "You do not act for an organization yet." in response.content.decode()
    assert client.get(_detail(order)).status_code == 404


def test_another_organization_sees_neither_the_order_nor_its_row(client, orgs, order):
    client.force_login(make_member(orgs["globex"], Role.OWNER))
    listing = client.get(LIST)
    assert listing.status_code == 200
    assert order.number not in listing.content.decode()
    response = client.get(_detail(order))
    assert response.status_code == 404
    assert "This order does not exist or is not yours." in response.content.decode()
    assert order.number not in response.content.decode()


@pytest.mark.parametrize("role", [Role.READ_ONLY, Role.BILLING, Role.OWNER])
def test_a_member_of_any_role_sees_the_orders(client, orgs, order, role):
    client.force_login(make_member(orgs["acme"], role))
    listing = client.get(LIST).content.decode()
    assert f'data-order="{order.number}"' in listing
    assert "$19.20" in listing  # 3 × 6.00 − 2.00 + 3.20 tax
    assert f'href="{_detail(order)}"' in listing and "%20" in _detail(order)
    assert client.get(_detail(order)).status_code == 200


def test_reseller_staff_see_the_order_only_while_acting_inside_the_customer(client, orgs, order):
    staff = make_member(orgs["reseller"], Role.ACCOUNT_MANAGER)
    client.force_login(staff)
    # acting for the reseller itself: the customer's order is not theirs
    assert order.number not in client.get(LIST).content.decode()
    assert client.get(_detail(order)).status_code == 404
    assert (
        client.post("/organizations/switch/", {"organization": orgs["acme"].pk}).status_code == 302
    )
    assert f'data-order="{order.number}"' in client.get(LIST).content.decode()
    assert client.get(_detail(order)).status_code == 200


def test_the_detail_shows_lines_totals_status_events_and_payment_history(client, orgs, order):
    client.force_login(make_member(orgs["acme"]))
    html = client.get(_detail(order)).content.decode()
    assert f"Order {order.number}" in html
    assert "Microsoft 365 Business Basic" in html
    assert 'data-status="placed"' in html
    assert "$18.00" in html and "$6.00" in html  # line total and unit price
    assert "−$2.00" in html and "$3.20" in html
    assert '<td class="text-end" data-total>$19.20</td>' in html
    assert "Not required" in html  # no shipping
    assert 'data-event="placed"' in html
    assert "Payment history" in html and "No payments yet." in html


def test_the_list_pages_and_refuses_a_bad_page(client, orgs):
    user = make_member(orgs["acme"])
    for _ in range(3):
        make_order(orgs["acme"], placed_by=user)
    client.force_login(user)
    first = client.get(LIST, {"page_size": 2}).content.decode()
    assert first.count("data-order=") == 2 and 'rel="next"' in first
    second = client.get(LIST, {"page_size": 2, "page": 2}).content.decode()
    assert second.count("data-order=") == 1 and 'rel="prev"' in second
    assert client.get(LIST, {"page": "x"}).status_code == 400


def test_the_list_query_count_does_not_grow_with_orders(
    client, orgs, django_assert_max_num_queries
):
    user = make_member(orgs["acme"])
    client.force_login(user)
    make_order(orgs["acme"], placed_by=user)
    with django_assert_max_num_queries(30) as few:
        client.get(LIST)
    for _ in range(5):
        make_order(orgs["acme"], placed_by=user)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(LIST)


def test_an_empty_list_says_so_and_the_menu_links_to_it(client, orgs):
    client.force_login(make_member(orgs["acme"]))
    html = client.get(LIST).content.decode()
    assert "No orders yet." in html
    assert 'href="/account/orders/" data-menu="orders"' in html


def test_status_changes_show_on_the_pages(client, orgs):
    user = make_member(orgs["acme"])
    paid = make_order(orgs["acme"], placed_by=user, status=OrderStatus.PROVISIONING)
    client.force_login(user)
    html = client.get(_detail(paid)).content.decode()
    assert 'data-status="provisioning"' in html
    assert 'data-event="paid"' in html and 'data-event="provisioning"' in html
