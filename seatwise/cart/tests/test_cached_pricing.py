"""Carts and the checkout price from the catalogue cache (ADR 0018): a change made through
the pricing and catalogue services or the admin is seen by the next pricing of a cart, and a
request's pricings share one read of the catalogue's generation."""

from __future__ import annotations

from decimal import Decimal

import pytest

from seatwise.cart.selectors import cart_totals, cart_viewer_get
from seatwise.cart.tests.factories import make_shipping_methods
from seatwise.cart.tests.test_shipping import _cart, _place, _viewer, buyer, shop  # noqa: F401
from seatwise.catalog.services import offer_upsert
from seatwise.core.cache import CATALOG, CacheScope
from seatwise.core.money import Money
from seatwise.pricing.models import Price
from seatwise.pricing.selectors import price_context_get
from seatwise.pricing.services import price_set, shipping_method_upsert

pytestmark = pytest.mark.django_db


def test_a_price_set_through_the_service_prices_the_next_checkout(shop, buyer):  # noqa: F811
    cart = _cart(shop, buyer, (shop.e3, 2))
    before = cart_totals(cart=cart, viewer=_viewer(shop))
    for row in Price.objects.filter(
        offer=shop.e3, currency="USD", billing_plan=shop.e3.billing_plans[0]
    ).select_related("price_list"):  # the provider's cost list and the reseller's list
        price_set(
            price_list=row.price_list,
            offer=shop.e3,
            billing_plan=row.billing_plan,
            cost=row.cost + Decimal("10.00"),
            erp=row.erp + Decimal("10.00"),
        )
    after = cart_totals(cart=cart, viewer=_viewer(shop))
    assert after.subtotal > before.subtotal
    order = _place(shop, buyer, cart).order
    assert order.subtotal == after.subtotal.amount


def test_a_shipping_price_changed_through_the_service_is_charged(shop, buyer):  # noqa: F811
    methods = make_shipping_methods(shop.provider)
    cart = _cart(shop, buyer, (shop.book_offer, 1))
    courier = methods["courier"].pk
    first = cart_totals(cart=cart, viewer=_viewer(shop), checkout=True, shipping_method_id=courier)
    assert first.shipping == Money(Decimal("3.00"), "USD")
    shipping_method_upsert(
        provider=shop.provider,
        name="Courier (Nova Poshta)",
        prices={"USD": Decimal("5.00")},
        position=1,
    )
    second = cart_totals(cart=cart, viewer=_viewer(shop), checkout=True, shipping_method_id=courier)
    assert second.shipping == Money(Decimal("5.00"), "USD")
    # A method switched off is no longer offered.
    shipping_method_upsert(
        provider=shop.provider,
        name="Courier (Nova Poshta)",
        prices={"USD": Decimal("5.00")},
        is_active=False,
    )
    third = cart_totals(cart=cart, viewer=_viewer(shop), checkout=True, shipping_method_id=courier)
    assert courier not in [quote.method_id for quote in third.shipping_methods]
    assert third.shipping == Money(Decimal(0), "USD")


def test_an_offer_withdrawn_through_the_service_is_refused_at_checkout(shop, buyer):  # noqa: F811
    cart = _cart(shop, buyer, (shop.e3, 1))
    assert cart_totals(cart=cart, viewer=_viewer(shop)).lines[0].line.offer.is_active
    offer_upsert(
        product=shop.e3.product,
        sku=shop.e3.sku,
        name=shop.e3.name,
        term=shop.e3.term,
        billing_plans=shop.e3.billing_plans,
        is_active=False,
    )
    totals = cart_totals(cart=cart, viewer=_viewer(shop))
    assert not totals.lines[0].line.offer.is_active


def test_one_request_reads_the_generation_once_for_all_its_cart_pricings(
    shop,  # noqa: F811
    buyer,  # noqa: F811
    django_assert_num_queries,
):
    methods = make_shipping_methods(shop.provider)
    cart = _cart(shop, buyer, (shop.e3, 2), (shop.book_offer, 1))
    viewer = cart_viewer_get(
        organization=shop.customer,
        provider=shop.provider,
        price_context=price_context_get(provider=shop.provider, viewer=shop.customer),
        currency="USD",
        cache=CacheScope(CATALOG),
    )
    cart_totals(cart=cart, viewer=viewer, checkout=True)  # fills the cache
    # Then: the cart's lines only (the generation is read once per scope, already read).
    with django_assert_num_queries(1):
        totals = cart_totals(
            cart=cart, viewer=viewer, checkout=True, shipping_method_id=methods["courier"].pk
        )
    assert [line.line.offer.sku for line in totals.lines] == [shop.e3.sku, shop.book_offer.sku]
    assert totals.shipping == Money(Decimal("3.00"), "USD")
