"""*Add to cart* from the list pages: each product card offers its offers and billing plans
with a quantity, posts to the cart with HTMX, and the mini-cart follows."""

from __future__ import annotations

import re

import pytest

from seatwise.cart.models import CartLine

pytestmark = pytest.mark.django_db


def _card(page: str, slug: str) -> str:
    match = re.search(rf'<form class="card-add[^>]*data-card-add="{slug}".*?</form>', page, re.S)
    assert match, f"no quick-add form for {slug}"
    return match.group(0)


def test_each_priced_product_card_lists_its_offers_and_plans(client, shop):
    page = client.get("/products/").content.decode()
    card = _card(page, "office-365-e3")
    assert f'value="{shop.e3.pk}:monthly"' in card and f'value="{shop.e3.pk}:annual"' in card
    assert 'hx-post="/cart/add/"' in card and 'name="quantity"' in card
    # Without JS the form leads to the product page, whose forms carry the CSRF token.
    assert 'method="get" action="/p/office-365-e3/"' in card
    # HTMX sends the CSRF token from the page (the cards are cached for every buyer alike).
    assert 'hx-headers=\'{"X-CSRFToken": "' in page


def test_the_card_adds_the_chosen_offer_and_plan_and_updates_the_mini_cart(client, shop):
    client.get("/products/")  # the CSRF cookie, as a browser would have it
    response = client.post(
        "/cart/add/",
        {"choice": f"{shop.e3.pk}:annual", "quantity": "3"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Added to your cart: Office 365 E3." in body
    assert 'hx-swap-oob="true"' in body  # the mini-cart
    line = CartLine.objects.get()
    assert (line.offer, line.billing_plan, line.quantity) == (shop.e3, "annual", 3)


def test_a_wrong_choice_or_quantity_is_explained_and_adds_nothing(client, shop):
    for data, message in (
        ({"choice": "nonsense", "quantity": "1"}, "Choose an offer and a billing plan."),
        ({"choice": f"{shop.e3.pk}:weekly", "quantity": "1"}, ""),
        ({"choice": f"{shop.e3.pk}:monthly", "quantity": "0"}, ""),
    ):
        response = client.post("/cart/add/", data, HTTP_HX_REQUEST="true")
        assert response.status_code == 200
        body = response.content.decode()
        assert "alert-danger" in body or "text-danger" in body, body
        assert message in body
    assert not CartLine.objects.exists()
