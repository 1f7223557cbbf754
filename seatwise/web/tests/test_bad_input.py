import pytest

from seatwise.web.tests.helpers import error_message, text

pytestmark = pytest.mark.django_db

PAGE_MESSAGE = "The page number must be a whole number, 1 or more."


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("page=-1", PAGE_MESSAGE),
        ("page=0", PAGE_MESSAGE),
        ("page=abc", PAGE_MESSAGE),
        ("page=1.5", PAGE_MESSAGE),
        ("page=99999999999999999999999", "The page number is too large."),
        ("sort=bogus", "Unknown sort order “bogus”. Choose one of: name, -name, price, -price."),
        ("page_size=1000", "1000 products per page is not offered. Choose one of: 12, 24, 48, 96."),
        ("page_size=13", "13 products per page is not offered. Choose one of: 12, 24, 48, 96."),
        ("page_size=abc", "abc products per page is not offered. Choose one of: 12, 24, 48, 96."),
        ("q=a%00b", "Null characters are not allowed."),
        ("q=" + "x" * 201, "Ensure this value has at most 200 characters (it has 201)."),
    ],
)
@pytest.mark.parametrize("path", ["/products/", "/search/", "category"])
def test_bad_list_parameters_give_400_with_a_message(client, shop, path, query, message):
    url = f"/c/{shop.azure.slug}/" if path == "category" else path

    response = client.get(f"{url}?{query}")

    assert response.status_code == 400
    assert error_message(response) == message
    assert "We could not read that request" in text(response)


def test_bad_input_over_htmx_is_a_400_too(client, shop):
    response = client.get("/products/?sort=bogus", headers={"HX-Request": "true"})

    assert response.status_code == 400


def test_page_beyond_the_last_is_404_with_a_message(client, shop):
    response = client.get("/products/?page=2")

    assert response.status_code == 404
    assert error_message(response) == "Page 2 does not exist: the list has 1 page(s)."


def test_unknown_category_is_404(client, shop):
    response = client.get("/c/no-such-category/")

    assert response.status_code == 404
    assert error_message(response) == "This category does not exist."
    assert "Page not found" in text(response)


def test_unknown_product_is_404(client, shop):
    response = client.get("/p/no-such-product/")

    assert response.status_code == 404
    assert error_message(response) == "This product does not exist or is no longer sold."


def test_inactive_product_is_404(client, shop):
    shop.aad_basic.is_active = False
    shop.aad_basic.save(update_fields=["is_active"])

    assert client.get("/p/aad-basic/").status_code == 404


def test_unknown_address_gets_the_shop_404_page(client, shop):
    response = client.get("/no/such/page/")

    assert response.status_code == 404
    body = text(response)
    assert "Page not found" in body
    assert "Seatwise" in body
    assert 'href="/products/"' in body


def test_error_pages_render_without_a_request(shop):
    from django.template.loader import render_to_string

    for name, words in [
        ("400.html", "We could not read that request"),
        ("404.html", "Page not found"),
        ("500.html", "Something went wrong"),
    ]:
        html = render_to_string(name)
        assert words in html
        assert "vendor/bootstrap/bootstrap.min.css" in html


def test_bad_input_changes_nothing_in_the_session(client, shop):
    client.get("/p/aad-basic/")

    client.get("/products/?sort=bogus")

    assert client.session["recently_viewed"] == [shop.aad_basic.pk]
