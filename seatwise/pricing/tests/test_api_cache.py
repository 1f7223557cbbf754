"""The priced catalogue API serves repeated reads from the versioned cache, and any write
through a service or the admin is visible on the next request."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from seatwise.catalog.tests.factories import make_offer
from seatwise.pricing.enums import PriceListKind
from seatwise.pricing.services import price_set, reseller_terms_set
from seatwise.pricing.tests.factories import make_price, make_price_list
from seatwise.tenancy.enums import Role
from seatwise.tenancy.tests.factories import (
    make_customer,
    make_member,
    make_provider,
    make_reseller,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/catalog/offers?page_size=20"


@pytest.fixture
def shop():
    provider = make_provider()
    reseller = make_reseller(provider)
    customer = make_customer(reseller)
    cost = make_price_list(provider, PriceListKind.COST)
    standard = make_price_list(provider, PriceListKind.RESELLER, name="Standard")
    offer = make_offer(billing_plans=["monthly"])
    make_price(cost, offer, "4.80", "6.00")
    make_price(standard, offer, "5.40", "6.00")
    return {
        "cost": cost,
        "standard": standard,
        "offer": offer,
        "customer": customer,
        "reseller": reseller,
    }


def _amount(client):
    body = client.get(URL).json()
    return body["items"][0]["prices"][0]["amount"]


def test_a_repeated_read_costs_one_query(client, shop):
    assert _amount(client) == "6.00"
    with CaptureQueriesContext(connection) as ctx:
        assert _amount(client) == "6.00"
    assert len(ctx.captured_queries) == 1
    assert "core_cachegeneration" in ctx.captured_queries[0]["sql"]


def test_a_price_change_through_the_service_shows_on_the_next_request(client, shop):
    assert _amount(client) == "6.00"
    price_set(
        price_list=shop["cost"],
        offer=shop["offer"],
        billing_plan="monthly",
        cost="4.80",
        erp="6.50",
    )
    assert _amount(client) == "6.50"


def test_each_caller_gets_its_own_cached_price(client, shop):
    assert _amount(client) == "6.00"
    client.force_login(make_member(shop["customer"], Role.OWNER))
    assert _amount(client) == "5.67"
    reseller_terms_set(reseller=shop["reseller"], markup_percent="10")
    assert _amount(client) == "5.94"
    client.logout()
    assert _amount(client) == "6.00"


def test_an_admin_edit_invalidates_the_cache(admin_client, client, shop):
    assert _amount(client) == "6.00"
    price = shop["cost"].prices.get()
    response = admin_client.post(
        f"/admin/pricing/price/{price.pk}/change/",
        {
            "organization": price.organization_id,
            "price_list": price.price_list_id,
            "offer": price.offer_id,
            "currency": "USD",
            "billing_plan": "monthly",
            "cost": "4.80",
            "erp": "7.00",
        },
    )
    assert response.status_code == 302, response.content[:500]
    assert _amount(client) == "7.00"
