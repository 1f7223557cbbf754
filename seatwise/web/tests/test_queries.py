"""List and product pages cost the same number of queries whatever their size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from seatwise.catalog.tests.factories import make_offer, make_product
from seatwise.web.tests.shop_data import add_prices

pytestmark = pytest.mark.django_db


def _count(client, url, **headers) -> int:
    client.get(url, headers=headers)  # warm the session
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
    assert response.status_code == 200
    return len(queries.captured_queries)


def _grow_category(shop, products: int, offers: int):
    for _ in range(products):
        product = make_product(category=shop.azure)
        for _ in range(offers):
            add_prices(shop.cost, shop.resale, make_offer(product), "3.00")


@pytest.mark.parametrize("sort", ["name", "price"])
def test_category_page_query_count_does_not_grow_with_products(client, shop, sort):
    url = f"/c/{shop.azure.slug}/?sort={sort}"
    client.get("/p/aad-basic/")  # something recently viewed
    small = _count(client, url)

    _grow_category(shop, products=12, offers=3)

    assert _count(client, url) == small


def test_all_products_page_query_count_for_a_signed_in_customer(client, shop, customer_user):
    client.force_login(customer_user)
    small = _count(client, "/products/?sort=-price")

    _grow_category(shop, products=12, offers=3)

    assert _count(client, "/products/?sort=-price") == small


def test_htmx_partial_query_count_does_not_grow_with_products(client, shop):
    url = f"/c/{shop.azure.slug}/"
    small = _count(client, url, HX_Request="true")

    _grow_category(shop, products=12, offers=3)

    assert _count(client, url, HX_Request="true") == small


def test_product_page_query_count_does_not_grow_with_offers_and_add_ons(client, shop):
    url = "/p/office-365-e3/"
    small = _count(client, url)

    for _ in range(6):
        offer = make_offer(shop.office)
        add_prices(shop.cost, shop.resale, offer, "9.00")
        addon = make_offer(shop.teams_phone)
        addon.base_offers.add(offer)
        add_prices(shop.cost, shop.resale, addon, "2.00")
    for slug in ("aad-basic", "aad-premium", "azure"):
        client.get(f"/p/{slug}/")

    assert _count(client, url) == small


def test_home_page_query_count_does_not_grow_with_products(client, shop):
    small = _count(client, "/")

    _grow_category(shop, products=12, offers=3)

    assert _count(client, "/") == small
