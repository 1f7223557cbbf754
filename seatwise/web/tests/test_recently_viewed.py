import pytest

from seatwise.catalog.tests.factories import make_product
from seatwise.web.tests.helpers import recent_slugs, text

pytestmark = pytest.mark.django_db


def test_no_recently_viewed_strip_before_any_product_is_viewed(client, shop):
    assert "Recently viewed products" not in text(client.get("/products/"))


def test_list_page_shows_viewed_products_most_recent_first(client, shop):
    for slug in ("aad-premium", "aad-basic", "office-365-e3"):
        client.get(f"/p/{slug}/")

    response = client.get("/products/")

    assert "Recently viewed products" in text(response)
    assert recent_slugs(response) == ["office-365-e3", "aad-basic", "aad-premium"]


def test_home_and_category_pages_show_recently_viewed_too(client, shop):
    client.get("/p/aad-basic/")

    assert recent_slugs(client.get("/")) == ["aad-basic"]
    assert recent_slugs(client.get(f"/c/{shop.books.slug}/")) == ["aad-basic"]


def test_only_the_last_five_products_are_kept(client, shop):
    order = ["aad-premium", "aad-basic", "azure", "office-365-e3", "teams-phone"]
    for slug in [*order, "windows-internals"]:
        client.get(f"/p/{slug}/")

    response = client.get("/products/")

    assert recent_slugs(response) == [
        "windows-internals",
        "teams-phone",
        "office-365-e3",
        "azure",
        "aad-basic",
    ]
    assert len(client.session["recently_viewed"]) == 5


def test_viewing_a_product_again_moves_it_to_the_front_without_duplicates(client, shop):
    for slug in ("aad-premium", "aad-basic", "aad-premium"):
        client.get(f"/p/{slug}/")

    assert recent_slugs(client.get("/products/")) == ["aad-premium", "aad-basic"]


def test_product_page_shows_the_others_but_not_itself(client, shop):
    client.get("/p/aad-premium/")
    client.get("/p/aad-basic/")

    response = client.get("/p/aad-premium/")

    assert recent_slugs(response) == ["aad-basic"]


def test_products_withdrawn_from_sale_drop_out_of_recently_viewed(client, shop):
    client.get("/p/aad-premium/")
    client.get("/p/aad-basic/")
    shop.aad_basic.is_active = False
    shop.aad_basic.save(update_fields=["is_active"])

    assert recent_slugs(client.get("/products/")) == ["aad-premium"]


def test_a_missing_product_is_not_remembered(client, shop):
    client.get("/p/no-such-product/")

    assert client.session.get("recently_viewed", []) == []


def test_recently_viewed_shows_a_placeholder_for_products_without_image(client, shop):
    make_product("Lone Widget", slug="lone-widget")
    client.get("/p/lone-widget/")

    body = text(client.get("/products/"))

    assert '<div class="placeholder-art small"' in body
    assert '<span class="initials">LW</span>' in body
