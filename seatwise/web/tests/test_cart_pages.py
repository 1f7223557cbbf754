"""The cart pages: add to cart, the mini-cart, /cart/ with quantities, removal, coupons and
totals; whose cart a request reaches; the visitor's cart joining the user's at sign-in."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from seatwise.cart.models import Cart, CartLine
from seatwise.identity.services import user_email_mark_verified
from seatwise.pricing.enums import CouponKind, CouponScope
from seatwise.pricing.models import Coupon
from seatwise.tenancy.enums import Role
from seatwise.tenancy.tests.factories import make_customer, make_member, make_user
from seatwise.web.tests.signin_helpers import sign_in

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}


def _add(client, offer, plan="monthly", quantity=1, **extra):
    data = {"offer": offer.pk, "billing_plan": plan, "quantity": quantity, **extra}
    return client.post("/cart/add/", data, headers=extra.pop("headers", {}))


def _coupon(shop, code="SAVE10", **extra):
    extra.setdefault("kind", CouponKind.PERCENT)
    extra.setdefault("value", Decimal(10))
    return Coupon.objects.create(organization=shop.provider, code=code, **extra)


def test_product_page_has_an_add_to_cart_form_per_priced_offer(client, shop):
    page = client.get("/p/office-365-e3/").content.decode()
    assert f'data-cart-add="{shop.e3.sku}"' in page
    assert 'name="quantity" value="1" min="1" max="300"' in page
    assert 'data-cart-count aria-label="Items in cart">0<' in page


def test_a_visitor_adds_an_offer_and_sees_it_in_the_mini_cart_and_the_cart(client, shop):
    response = _add(client, shop.e3, quantity=3, next="/p/office-365-e3/")
    assert response.status_code == 302
    assert response["Location"] == "/p/office-365-e3/"

    page = client.get("/cart/").content.decode()
    assert "Office 365 E3" in page
    assert 'data-total="subtotal">$69.00<' in page  # ERP 23.00 × 3 for a visitor
    assert 'data-total="shipping">Not required<' in page
    assert 'data-total="total">$69.00<' in page
    assert 'data-cart-count aria-label="Items in cart">1<' in page
    assert 'href="/checkout/" data-checkout' in page  # a visitor signs in there


def test_adding_the_same_offer_and_plan_again_adds_up_the_quantity(client, shop):
    _add(client, shop.e3, quantity=2)
    _add(client, shop.e3, quantity=5)
    _add(client, shop.e3, plan="annual", quantity=1)
    lines = sorted(CartLine.objects.values_list("billing_plan", "quantity"))
    assert lines == [("annual", 1), ("monthly", 7)]


def test_htmx_add_returns_the_message_and_the_mini_cart_out_of_band(client, shop):
    response = client.post(
        "/cart/add/",
        {"offer": shop.e3.pk, "billing_plan": "monthly", "quantity": 2},
        headers=HX,
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Added to your cart: Office 365 E3." in body
    assert 'id="mini-cart"' in body and 'hx-swap-oob="true"' in body
    assert "data-mini-cart-subtotal>$46.00<" in body


@pytest.mark.parametrize(
    ("quantity", "plan", "message"),
    [
        (0, "monthly", "Choose a quantity from 1 to 300."),
        (301, "monthly", "Choose a quantity from 1 to 300."),
        ("two", "monthly", "Enter a whole number."),
        (1, "triennial", "This billing plan is not available for this offer."),
    ],
)
def test_bad_quantity_or_plan_is_refused_with_a_message(client, shop, quantity, plan, message):
    response = client.post(
        "/cart/add/",
        {"offer": shop.e3.pk, "billing_plan": plan, "quantity": quantity},
        headers=HX,
    )
    assert message in response.content.decode()
    assert "data-cart-add-error" in response.content.decode()
    assert not CartLine.objects.exists()


def test_an_addon_needs_its_base_offer_in_the_cart(client, shop):
    response = _add(client, shop.teams_addon, headers=HX)
    assert "only be bought with one of its base offers" in response.content.decode()
    _add(client, shop.e3)
    _add(client, shop.teams_addon)
    assert CartLine.objects.count() == 2


def test_removing_the_base_offer_removes_its_addons(client, shop):
    _add(client, shop.e3)
    _add(client, shop.teams_addon)
    base = CartLine.objects.get(offer=shop.e3)
    client.post(f"/cart/lines/{base.pk}/remove/")
    assert not CartLine.objects.exists()


def test_prices_sent_by_the_browser_are_ignored(client, shop):
    _add(client, shop.e3, quantity=1, price="0.01", unit_price="0.01", total="0.01")
    page = client.get("/cart/").content.decode()
    assert 'data-total="subtotal">$23.00<' in page


def test_update_quantity_and_remove_a_line(client, shop):
    _add(client, shop.e3, quantity=2)
    line = CartLine.objects.get()
    response = client.post(f"/cart/lines/{line.pk}/", {"quantity": 4})
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.quantity == 4

    response = client.post(f"/cart/lines/{line.pk}/", {"quantity": 999}, headers=HX)
    assert "Choose a quantity from 1 to 300." in response.content.decode()
    line.refresh_from_db()
    assert line.quantity == 4

    response = client.post(f"/cart/lines/{line.pk}/remove/", headers=HX)
    assert "Your cart is empty." in response.content.decode()
    assert not CartLine.objects.exists()


def test_a_shippable_line_needs_shipping(client, shop):
    _add(client, shop.book_offer, plan="one_time")
    page = client.get("/cart/").content.decode()
    assert 'data-total="shipping">Calculated at checkout<' in page


def test_coupon_apply_shows_the_discount_and_totals(client, shop):
    _coupon(shop)
    _add(client, shop.e3, quantity=2)
    response = client.post("/cart/coupon/", {"code": "save10"})
    assert response.status_code == 302
    page = client.get("/cart/").content.decode()
    assert 'data-total="subtotal">$46.00<' in page
    assert 'data-total="discount">−$4.60<' in page
    assert 'data-total="total">$41.40<' in page
    assert "Coupon save10 applied." in page


def test_vat_of_the_sellers_country_is_added(client, shop, settings):
    settings.SEATWISE_VAT_RATES = {"UA": Decimal(20)}
    shop.provider.country = "UA"
    shop.provider.save(update_fields=["country"])
    _add(client, shop.e3)
    page = client.get("/cart/").content.decode()
    assert 'data-total="tax">$4.60<' in page
    assert 'data-total="total">$27.60<' in page


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"code": "NOPE"}, "This coupon code is not valid."),
        ({"usage_limit": 1, "times_used": 1}, "This coupon has been used up."),
        (
            {"minimum_subtotal": Decimal(100), "minimum_currency": "USD"},
            "This coupon needs a sub-total of at least 100.00 USD.",
        ),
        (
            {"scope": CouponScope.OFFER, "offer_id": None},
            "This coupon does not apply to any item in your cart.",
        ),
    ],
)
def test_a_refused_coupon_says_why_and_changes_nothing(client, shop, extra, message):
    if extra.get("scope"):
        extra["offer_id"] = shop.book_offer.pk
    code = extra.pop("code", "SAVE10")
    _coupon(shop, **extra)
    _add(client, shop.e3, quantity=2)
    response = client.post("/cart/coupon/", {"code": code}, headers=HX)
    body = response.content.decode()
    assert message in body
    assert 'data-total="discount">$0.00<' in body
    assert Cart.objects.get().coupon_code == ""


def test_a_refused_coupon_without_javascript_comes_back_as_a_message(client, shop):
    _add(client, shop.e3)
    response = client.post("/cart/coupon/", {"code": "NOPE"}, follow=True)
    assert "This coupon code is not valid." in response.content.decode()


def test_another_session_cannot_see_or_change_a_visitors_cart(client, shop):
    _add(client, shop.e3, quantity=2)
    line = CartLine.objects.get()
    stranger = Client()
    assert "Your cart is empty." in stranger.get("/cart/").content.decode()
    stranger.post(f"/cart/lines/{line.pk}/", {"quantity": 9})
    stranger.post(f"/cart/lines/{line.pk}/remove/")
    line.refresh_from_db()
    assert line.quantity == 2


def test_a_signed_in_users_cart_is_per_user_and_organization(client, shop):
    owner = make_member(shop.customer)
    colleague = make_member(shop.customer, role=Role.READ_ONLY)
    outsider = make_member(make_customer(shop.reseller))
    client.force_login(owner)
    _add(client, shop.e3, quantity=2)
    line = CartLine.objects.get()
    assert Cart.objects.get().organization == shop.customer

    for user in (colleague, outsider):
        other = Client()
        other.force_login(user)
        assert "Your cart is empty." in other.get("/cart/").content.decode()
        other.post(f"/cart/lines/{line.pk}/", {"quantity": 9})
        other.post(f"/cart/lines/{line.pk}/remove/")
    anonymous = Client()
    anonymous.post(f"/cart/lines/{line.pk}/remove/")
    line.refresh_from_db()
    assert line.quantity == 2

    page = client.get("/cart/").content.decode()
    # The customer of a reseller pays the reseller price plus the default 5 % markup.
    assert 'data-total="subtotal">$43.48<' in page


def test_a_visitors_cart_joins_the_users_cart_at_sign_in(client, shop):
    user = make_user("buyer@example.test")
    user_email_mark_verified(user=user)
    make_member(shop.customer, user=user)
    _add(client, shop.e3, quantity=2)
    _add(client, shop.aad_premium.offers.get(), quantity=1)
    client.post("/cart/coupon/", {"code": "WHATEVER"})

    response = sign_in(client, "buyer@example.test", "Passw0rd!x")
    assert response.status_code == 302

    cart = Cart.objects.get()
    assert cart.user == user
    assert cart.organization == shop.customer
    assert sorted(cart.lines.values_list("offer__sku", "quantity")) == [
        ("AAD-P1", 1),
        (shop.e3.sku, 2),
    ]
    assert 'data-cart-count aria-label="Items in cart">2<' in client.get("/").content.decode()


def test_sign_in_adds_up_lines_already_in_the_users_cart(client, shop):
    user = make_user("buyer@example.test")
    user_email_mark_verified(user=user)
    make_member(shop.customer, user=user)
    mine = Cart.objects.create(user=user, organization=shop.customer)
    CartLine.objects.create(
        cart=mine,
        organization=shop.customer,
        offer=shop.e3,
        term=shop.e3.term,
        billing_plan="monthly",
        quantity=5,
    )
    _add(client, shop.e3, quantity=2)
    sign_in(client, "buyer@example.test", "Passw0rd!x")
    assert list(CartLine.objects.values_list("cart_id", "quantity")) == [(mine.pk, 7)]
    assert Cart.objects.count() == 1


def test_cart_page_query_count_does_not_grow_with_lines(client, shop):
    _coupon(shop)
    _add(client, shop.e3)
    client.post("/cart/coupon/", {"code": "SAVE10"})
    client.get("/cart/")
    with CaptureQueriesContext(connection) as small:
        client.get("/cart/")
    _add(client, shop.teams_addon)
    _add(client, shop.book_offer, plan="one_time")
    _add(client, shop.aad_premium.offers.get(), plan="annual")
    with CaptureQueriesContext(connection) as cold:
        client.get("/cart/")  # the new lines' offers and prices: read once, then cached
    with CaptureQueriesContext(connection) as large:
        client.get("/cart/")
    assert len(large.captured_queries) == len(small.captured_queries)
    assert len(cold.captured_queries) == len(small.captured_queries) + 2


def test_a_read_only_member_sees_the_cart_but_cannot_fill_it(shop):
    owner = make_member(shop.customer, role=Role.OWNER)
    reader = make_member(shop.customer, role=Role.READ_ONLY)
    buyer = Client()
    buyer.force_login(owner)
    _add(buyer, shop.e3, quantity=2)
    client = Client()
    client.force_login(reader)

    response = _add(client, shop.e3, quantity=1)
    page = client.get(response["Location"]).content.decode()
    assert "is read-only: it cannot buy." in page
    assert client.get("/cart/").status_code == 200
    (line,) = CartLine.objects.all()  # the owner's line, nobody else's cart
    assert (line.cart.user, line.quantity) == (owner, 2)
    assert Cart.objects.count() == 1
