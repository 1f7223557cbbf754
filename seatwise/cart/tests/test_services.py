"""Cart services and the priced totals."""

from decimal import Decimal

import pytest

from seatwise.cart.exceptions import (
    AddonNeedsBase,
    CartLineNotFound,
    InvalidBillingPlan,
    InvalidQuantity,
    OfferNotAvailable,
)
from seatwise.cart.models import Cart, CartLine
from seatwise.cart.selectors import cart_totals, cart_viewer_get
from seatwise.cart.services import (
    cart_coupon_apply,
    cart_coupon_remove,
    cart_get_or_create,
    cart_line_add,
    cart_line_remove,
    cart_line_update,
    cart_merge,
)
from seatwise.cart.tests.factories import build_cart_shop
from seatwise.core.money import Money
from seatwise.pricing.enums import CouponKind, CouponScope
from seatwise.pricing.exceptions import CouponNotApplicable, CouponNotFound
from seatwise.pricing.models import Coupon
from seatwise.pricing.selectors import price_context_get
from seatwise.tenancy.tests.factories import make_customer, make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    return build_cart_shop()


def _viewer(shop, organization=None, currency="USD"):
    return cart_viewer_get(
        organization=organization,
        provider=shop.provider,
        price_context=price_context_get(provider=shop.provider, viewer=organization),
        currency=currency,
    )


def _visitor_cart():
    return cart_get_or_create(session_key="abc", user=None, organization=None)


def test_a_visitor_gets_back_their_cart_by_id_but_never_a_users_cart(shop):
    cart = _visitor_cart()
    assert cart_get_or_create(session_key="", user=None, organization=None, cart_id=cart.pk) == cart
    user = make_member(shop.customer)
    users = cart_get_or_create(session_key="", user=user, organization=shop.customer)
    again = cart_get_or_create(session_key="", user=None, organization=None, cart_id=users.pk)
    assert again not in (cart, users)
    assert cart_get_or_create(session_key="", user=user, organization=shop.customer) == users


def test_add_checks_plan_quantity_and_addon_rules(shop):
    cart = _visitor_cart()
    with pytest.raises(InvalidBillingPlan):
        cart_line_add(cart=cart, offer=shop.e3, billing_plan="one_time", quantity=1)
    with pytest.raises(InvalidQuantity) as error:
        cart_line_add(cart=cart, offer=shop.e3, billing_plan="monthly", quantity=0)
    assert error.value.message == "Choose a quantity from 1 to 300."
    with pytest.raises(AddonNeedsBase):
        cart_line_add(cart=cart, offer=shop.teams_addon, billing_plan="monthly", quantity=1)
    cart_line_add(cart=cart, offer=shop.e3, billing_plan="monthly", quantity=299)
    with pytest.raises(InvalidQuantity):
        cart_line_add(cart=cart, offer=shop.e3, billing_plan="monthly", quantity=2)
    assert list(CartLine.objects.values_list("quantity", flat=True)) == [299]


def test_an_organization_cannot_add_an_offer_for_another_segment(shop):
    business = make_customer(shop.reseller)
    cart = cart_get_or_create(session_key="", user=make_member(business), organization=business)
    with pytest.raises(OfferNotAvailable) as error:
        cart_line_add(cart=cart, offer=shop.e3_academic, billing_plan="monthly", quantity=1)
    assert error.value.message == "Your organization is not eligible for this offer."
    assert not CartLine.objects.exists()


def test_update_and_remove_look_only_inside_the_cart(shop):
    mine, theirs = _visitor_cart(), _visitor_cart()
    line = cart_line_add(cart=theirs, offer=shop.e3, billing_plan="monthly", quantity=1)
    with pytest.raises(CartLineNotFound):
        cart_line_update(cart=mine, line_id=line.pk, quantity=5)
    with pytest.raises(CartLineNotFound):
        cart_line_remove(cart=mine, line_id=line.pk)
    assert cart_line_update(cart=theirs, line_id=line.pk, quantity=0) is None
    assert not CartLine.objects.exists()


def test_merge_adds_quantities_caps_them_and_keeps_the_coupon(shop):
    visitor = _visitor_cart()
    visitor.coupon_code = "SAVE10"
    visitor.save()
    cart_line_add(cart=visitor, offer=shop.e3, billing_plan="monthly", quantity=200)
    cart_line_add(cart=visitor, offer=shop.book_offer, billing_plan="one_time", quantity=1)
    user = make_member(shop.customer)
    users = cart_get_or_create(session_key="", user=user, organization=shop.customer)
    cart_line_add(cart=users, offer=shop.e3, billing_plan="monthly", quantity=150)

    cart_merge(from_cart=visitor, into_cart=users)

    assert not Cart.objects.filter(pk=visitor.pk).exists()
    users.refresh_from_db()
    assert users.coupon_code == "SAVE10"
    assert sorted(users.lines.values_list("offer__sku", "quantity", "organization")) == [
        ("BOOK-WININT-7", 1, shop.customer.pk),
        (shop.e3.sku, 300, shop.customer.pk),
    ]


def test_totals_for_a_visitor_with_a_category_coupon(shop):
    Coupon.objects.create(
        organization=shop.provider,
        code="CLOUD",
        kind=CouponKind.FIXED,
        value=Decimal(30),
        currency="USD",
        scope=CouponScope.CATEGORY,
        category=shop.cloud,
    )
    cart = _visitor_cart()
    cart_line_add(cart=cart, offer=shop.e3, billing_plan="monthly", quantity=1)
    cart_line_add(cart=cart, offer=shop.book_offer, billing_plan="one_time", quantity=1)
    viewer = _viewer(shop)
    cart_coupon_apply(cart=cart, code="cloud", viewer=viewer)

    totals = cart_totals(cart=cart, viewer=viewer)

    assert totals.subtotal == Money("72.00", "USD")
    assert totals.discount == Money("23.00", "USD")  # capped at the cloud line's 23.00
    assert totals.shipping_required is True
    assert totals.tax == Money("0.00", "USD")
    assert totals.total == Money("49.00", "USD")
    assert totals.item_count == 2


def test_a_coupon_that_stops_applying_shows_its_reason_in_the_totals(shop):
    Coupon.objects.create(
        organization=shop.provider,
        code="E3",
        kind=CouponKind.PERCENT,
        value=Decimal(50),
        scope=CouponScope.OFFER,
        offer=shop.e3,
    )
    cart = _visitor_cart()
    line = cart_line_add(cart=cart, offer=shop.e3, billing_plan="monthly", quantity=1)
    cart_line_add(cart=cart, offer=shop.book_offer, billing_plan="one_time", quantity=1)
    viewer = _viewer(shop)
    cart_coupon_apply(cart=cart, code="E3", viewer=viewer)
    cart_line_remove(cart=cart, line_id=line.pk)

    totals = cart_totals(cart=cart, viewer=viewer)

    assert totals.discount == Money("0", "USD")
    assert totals.coupon_error == "This coupon does not apply to any item in your cart."
    with pytest.raises(CouponNotApplicable):
        cart_coupon_apply(cart=cart, code="E3", viewer=viewer)
    cart_coupon_remove(cart=cart)
    assert Cart.objects.get(pk=cart.pk).coupon_code == ""


def test_a_resellers_customer_gets_the_resellers_coupons_not_the_providers(shop):
    Coupon.objects.create(organization=shop.provider, code="PROV", kind="percent", value=5)
    Coupon.objects.create(organization=shop.reseller, code="RES", kind="percent", value=10)
    cart = cart_get_or_create(
        session_key="", user=make_member(shop.customer), organization=shop.customer
    )
    cart_line_add(cart=cart, offer=shop.e3, billing_plan="monthly", quantity=1)
    viewer = _viewer(shop, organization=shop.customer)
    with pytest.raises(CouponNotFound):
        cart_coupon_apply(cart=cart, code="PROV", viewer=viewer)
    cart_coupon_apply(cart=cart, code="RES", viewer=viewer)
    totals = cart_totals(cart=cart, viewer=viewer)
    assert totals.subtotal == Money("21.74", "USD")  # 23 × 0.9 reseller price + 5 %
    assert totals.discount == Money("2.17", "USD")


def test_totals_in_another_currency_use_the_providers_rate(shop):
    cart = _visitor_cart()
    cart_line_add(cart=cart, offer=shop.e3, billing_plan="monthly", quantity=2)
    totals = cart_totals(cart=cart, viewer=_viewer(shop, currency="UAH"))
    assert totals.subtotal == Money("1909.00", "UAH")  # 46 USD × 41.50
