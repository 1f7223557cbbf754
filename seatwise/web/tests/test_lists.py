import pytest

from seatwise.catalog.tests.factories import make_category, make_offer, make_product
from seatwise.pricing.tests.factories import make_price
from seatwise.web.tests.helpers import product_slugs, text

pytestmark = pytest.mark.django_db


def _fill(shop, count: int):
    """A category with ``count`` products named Item 01, Item 02, ... priced 1, 2, ..."""
    category = make_category("Many")
    for n in range(1, count + 1):
        product = make_product(f"Item {n:02d}", category=category, slug=f"item-{n:02d}")
        make_price(shop.cost, make_offer(product), str(n), str(n))
    return category


def test_sort_by_name_orders_a_to_z_and_z_to_a(client, shop):
    a_to_z = product_slugs(client.get(f"/c/{shop.azure.slug}/?sort=name"))
    z_to_a = product_slugs(client.get(f"/c/{shop.azure.slug}/?sort=-name"))

    assert a_to_z == ["aad-basic", "aad-premium", "azure"]
    assert z_to_a == ["azure", "aad-premium", "aad-basic"]


def test_sort_by_price_orders_low_to_high_and_high_to_low(client, shop):
    low_high = product_slugs(client.get(f"/c/{shop.azure.slug}/?sort=price"))
    high_low = product_slugs(client.get(f"/c/{shop.azure.slug}/?sort=-price"))

    # ERP per month: AAD Basic $1, AAD Premium $6, Azure $25.
    assert low_high == ["aad-basic", "aad-premium", "azure"]
    assert high_low == ["azure", "aad-premium", "aad-basic"]


def test_price_sort_is_not_alphabetical(client, shop):
    cheap = make_offer(make_product("AAA cheap", category=shop.azure, slug="aaa"))
    make_price(shop.cost, cheap, "0.10", "0.50")
    expensive = make_offer(make_product("AAB expensive", category=shop.azure, slug="aab"))
    make_price(shop.cost, expensive, "90", "100")

    high_low = product_slugs(client.get(f"/c/{shop.azure.slug}/?sort=-price"))

    assert high_low == ["aab", "azure", "aad-premium", "aad-basic", "aaa"]


def test_sort_select_shows_the_chosen_order(client, shop):
    body = text(client.get("/products/?sort=-price"))

    assert '<option value="-price" selected>Price: high to low</option>' in body
    assert '<option value="name">Name: A to Z</option>' in body


def test_default_page_size_is_24(client, shop):
    category = _fill(shop, 30)

    response = client.get(f"/c/{category.slug}/")

    assert len(product_slugs(response)) == 24
    assert "Showing 1–24 of 30" in text(response)
    assert '<option value="24" selected>24</option>' in text(response)


def test_page_size_12_shows_12_products_and_three_pages(client, shop):
    category = _fill(shop, 30)

    response = client.get(f"/c/{category.slug}/?page_size=12")

    assert product_slugs(response) == [f"item-{n:02d}" for n in range(1, 13)]
    body = text(response)
    assert "Showing 1–12 of 30" in body
    assert 'href="?page_size=12&page=3"' in body
    assert 'rel="next"' in body


def test_last_page_shows_the_rest(client, shop):
    category = _fill(shop, 30)

    response = client.get(f"/c/{category.slug}/?page_size=12&page=3")

    assert product_slugs(response) == [f"item-{n:02d}" for n in range(25, 31)]
    assert "Showing 25–30 of 30" in text(response)
    assert 'rel="next"' not in text(response)
    assert 'rel="prev"' in text(response)


def test_paging_keeps_the_sort_order(client, shop):
    category = _fill(shop, 30)

    response = client.get(f"/c/{category.slug}/?sort=-price&page_size=12&page=2")

    assert product_slugs(response) == [f"item-{n:02d}" for n in range(18, 6, -1)]
    assert 'href="?sort=-price&page_size=12&page=3"' in text(response)


def test_page_size_48_and_96_are_offered(client, shop):
    category = _fill(shop, 50)

    assert len(product_slugs(client.get(f"/c/{category.slug}/?page_size=48"))) == 48
    assert len(product_slugs(client.get(f"/c/{category.slug}/?page_size=96"))) == 50


def test_search_finds_products_by_name(client, shop):
    response = client.get("/search/?q=premium")

    assert response.status_code == 200
    assert product_slugs(response) == ["aad-premium"]
    assert "Results for “premium”" in text(response)


def test_search_finds_products_by_offer_sku(client, shop):
    assert product_slugs(client.get("/search/?q=TEAMS-PHONE-STD")) == ["teams-phone"]
    assert product_slugs(client.get("/search/?q=cfq7ttc0lf8q")) == ["office-365-e3"]


def test_search_without_matches_says_so(client, shop):
    response = client.get("/search/?q=nothing-like-this")

    assert response.status_code == 200
    assert product_slugs(response) == []
    assert "No product or SKU matches “nothing-like-this”." in text(response)


def test_empty_search_asks_for_a_term(client, shop):
    response = client.get("/search/?q=+")

    assert response.status_code == 200
    assert product_slugs(response) == []
    assert "Type a product name or an SKU into the search box." in text(response)


def test_search_results_sort_and_keep_the_term_in_the_controls(client, shop):
    response = client.get("/search/?q=azure&sort=-name")

    assert product_slugs(response) == ["azure", "aad-premium", "aad-basic"]
    assert '<input type="hidden" name="q" value="azure">' in text(response)


def test_htmx_request_returns_only_the_results_partial(client, shop):
    response = client.get(f"/c/{shop.azure.slug}/?sort=-name", headers={"HX-Request": "true"})

    assert response.status_code == 200
    body = response.content.decode().strip()
    assert body.startswith('<title>Azure · Seatwise</title>\n<div id="product-results"')
    assert "<html" not in body
    assert "Categories" not in body
    assert product_slugs(response) == ["azure", "aad-premium", "aad-basic"]
    assert "HX-Request" in response["Vary"]


def test_the_same_url_without_htmx_renders_the_full_page(client, shop):
    response = client.get(f"/c/{shop.azure.slug}/?sort=-name")

    body = response.content.decode()
    assert body.startswith("<!doctype html>")
    assert '<div id="product-results"' in body
    assert "HX-Request" in response["Vary"]


def test_htmx_history_restore_gets_the_full_page(client, shop):
    response = client.get(
        f"/c/{shop.azure.slug}/",
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )

    assert response.content.decode().startswith("<!doctype html>")


def test_list_controls_update_the_results_through_htmx(client, shop):
    body = text(client.get("/products/"))

    assert 'hx-get="/products/" hx-target="#product-results"' in body
    assert 'hx-push-url="true" hx-trigger="change"' in body


def test_htmx_search_returns_the_heading_and_title_with_the_results(client, shop):
    response = client.get("/search/?q=premium", headers={"HX-Request": "true"})

    body = text(response)
    assert body.startswith("<title>Search: premium · Seatwise</title>")
    assert "Results for “premium”" in body
    assert product_slugs(response) == ["aad-premium"]


def test_search_page_has_a_search_box_that_updates_the_results_through_htmx(client, shop):
    body = text(client.get("/search/?q=premium"))

    assert 'id="search-page-q"' in body
    assert 'value="premium"' in body
    assert 'hx-get="/search/" hx-target="#product-results"' in body
