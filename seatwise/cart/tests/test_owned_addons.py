"""An add-on needs one of its base offers in the cart or already owned by the buyer (a
provisioned line of one of its orders)."""

from __future__ import annotations

import pytest

from seatwise.cart.exceptions import AddonNeedsBase
from seatwise.cart.models import CartLine
from seatwise.cart.services import cart_get_or_create, cart_line_add, cart_line_remove
from seatwise.cart.tests.factories import build_cart_shop
from seatwise.orders.enums import LineStatus, OrderStatus
from seatwise.orders.models import OrderLine
from seatwise.orders.tests.factories import line, make_order
from seatwise.tenancy.tests.factories import make_customer, make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    return build_cart_shop()


def _cart(organization):
    user = make_member(organization)
    return cart_get_or_create(session_key="", user=user, organization=organization)


def _own(shop, organization, status=LineStatus.PROVISIONED):
    order = make_order(organization, status=OrderStatus.PAID, lines=[line(shop.e3)])
    OrderLine.objects.filter(order=order).update(status=status)
    return order


def test_an_owned_base_offer_lets_the_addon_in_alone(shop):
    cart = _cart(shop.customer)
    with pytest.raises(AddonNeedsBase):
        cart_line_add(cart=cart, offer=shop.teams_addon, billing_plan="monthly", quantity=1)
    _own(shop, shop.customer)
    added = cart_line_add(cart=cart, offer=shop.teams_addon, billing_plan="monthly", quantity=2)
    assert added.quantity == 2


def test_a_base_offer_not_provisioned_or_of_another_customer_does_not_count(shop):
    _own(shop, shop.customer, status=LineStatus.PENDING)  # paid, not provisioned yet
    _own(shop, make_customer(shop.reseller))  # someone else's subscription
    cart = _cart(shop.customer)
    with pytest.raises(AddonNeedsBase):
        cart_line_add(cart=cart, offer=shop.teams_addon, billing_plan="monthly", quantity=1)
    assert not CartLine.objects.exists()


def test_removing_the_base_from_the_cart_keeps_an_addon_whose_base_is_owned(shop):
    _own(shop, shop.customer)
    cart = _cart(shop.customer)
    base = cart_line_add(cart=cart, offer=shop.e3, billing_plan="monthly", quantity=1)
    cart_line_add(cart=cart, offer=shop.teams_addon, billing_plan="monthly", quantity=1)
    cart_line_remove(cart=cart, line_id=base.pk)
    assert list(cart.lines.values_list("offer", flat=True)) == [shop.teams_addon.pk]
