from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from seatwise.catalog.tests.factories import make_offer, make_product
from seatwise.core.money import Money
from seatwise.core.pagination import PageRequest
from seatwise.pricing.enums import PriceKind, PriceListKind
from seatwise.pricing.selectors import (
    offer_price_map,
    price_context_get,
    priced_product_get,
    priced_product_page,
)
from seatwise.pricing.tests.factories import (
    make_price,
    make_price_list,
    make_rate,
    make_reseller_terms,
)
from seatwise.tenancy.tests.factories import make_customer, make_provider, make_reseller

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    provider = make_provider()
    reseller = make_reseller(provider)
    customer = make_customer(reseller)
    direct = make_customer(provider)
    cost = make_price_list(provider, PriceListKind.COST)
    standard = make_price_list(provider, PriceListKind.RESELLER, name="Standard")
    offer = make_offer()
    make_price(cost, offer, "4.80", "6.00", billing_plan="monthly")
    make_price(cost, offer, "57.60", "72.00", billing_plan="annual")
    make_price(standard, offer, "5.40", "6.00", billing_plan="monthly")
    make_price(standard, offer, "64.80", "72.00", billing_plan="annual")
    make_rate(provider, "UAH", "41.50")
    return {
        "provider": provider,
        "reseller": reseller,
        "customer": customer,
        "direct": direct,
        "offer": offer,
        "standard": standard,
        "cost": cost,
    }


def _monthly(world, viewer, currency="USD"):
    context = price_context_get(provider=world["provider"], viewer=viewer)
    prices = offer_price_map(context=context, offer_ids=[world["offer"].pk], currency=currency)
    return {p.billing_plan: p for p in prices[world["offer"].pk]}["monthly"]


def test_visitor_sees_the_suggested_retail_price(world):
    price = _monthly(world, None)
    assert price.kind == PriceKind.RETAIL
    assert price.amount == Money("6.00", "USD")


def test_customer_of_a_reseller_pays_the_reseller_price_plus_the_default_five_percent(world):
    price = _monthly(world, world["customer"])
    assert price.kind == PriceKind.CUSTOMER
    assert price.amount == Money("5.67", "USD")
    assert price.breakdown.reseller_margin == Money("0.27", "USD")
    assert price.breakdown.provider_margin == Money("0.60", "USD")


def test_reseller_terms_change_the_markup(world):
    make_reseller_terms(world["reseller"], markup="10")
    assert _monthly(world, world["customer"]).amount == Money("5.94", "USD")


def test_direct_customer_pays_the_suggested_retail_price(world):
    price = _monthly(world, world["direct"])
    assert price.kind == PriceKind.CUSTOMER
    assert price.amount == Money("6.00", "USD")
    assert price.breakdown.reseller_price is None


def test_reseller_sees_its_own_cost_and_provider_sees_cost(world):
    assert _monthly(world, world["reseller"]).amount == Money("5.40", "USD")
    assert _monthly(world, world["provider"]).amount == Money("4.80", "USD")


def test_prices_convert_with_the_provider_rate(world):
    price = _monthly(world, None, currency="UAH")
    assert price.amount == Money(Decimal("6.00") * Decimal("41.50"), "UAH")
    assert price.display == Money("249.00", "UAH")


def test_an_explicit_price_in_the_currency_wins_over_conversion(world):
    make_price(world["cost"], world["offer"], "180", "240", billing_plan="monthly", currency="UAH")
    assert _monthly(world, None, currency="UAH").amount == Money("240", "UAH")


def test_offer_missing_from_the_reseller_list_is_not_priced_for_its_customers(world):
    other = make_offer(product=world["offer"].product)
    make_price(world["cost"], other, "1", "2")
    context = price_context_get(provider=world["provider"], viewer=world["customer"])
    assert other.pk not in offer_price_map(context=context, offer_ids=[other.pk], currency="USD")


def test_product_page_query_count_does_not_grow_with_offers(world):
    def count_queries():
        context = price_context_get(provider=world["provider"], viewer=world["customer"])
        with CaptureQueriesContext(connection) as ctx:
            page = priced_product_page(
                context=context, currency="UAH", page_request=PageRequest(1, 24), sort="price"
            )
        return len(ctx.captured_queries), page

    small, _ = count_queries()
    for _ in range(10):
        product = make_product()
        for _ in range(3):
            offer = make_offer(product=product)
            make_price(world["cost"], offer, "1", "2")
            make_price(world["standard"], offer, "1.5", "2")
    large, page = count_queries()
    assert page.total == 11
    assert small == large


def test_product_detail_prices_addons(world):
    addon = make_offer(product=make_product())
    addon.base_offers.add(world["offer"])
    make_price(world["cost"], addon, "7", "8")
    priced = priced_product_get(
        context=price_context_get(provider=world["provider"], viewer=None),
        currency="USD",
        pk=world["offer"].product_id,
    )
    (offer,) = priced.offers
    assert [a.offer.pk for a in offer.addons] == [addon.pk]
    assert offer.addons[0].primary_price.amount == Money("8", "USD")
    assert [p.billing_plan for p in offer.prices] == ["monthly", "annual"]


def test_price_sort_follows_the_headline_price_and_puts_unpriced_products_last(world):
    cost = world["cost"]
    with_trial = make_product(name="With trial")
    make_price(cost, make_offer(product=with_trial, is_trial=True, trial_days=30), "0", "0")
    make_price(cost, make_offer(product=with_trial), "8", "10")
    academic = make_product(name="Academic")
    make_price(
        cost, make_offer(product=academic, for_commercial=False, for_academic=True), "1", "1"
    )
    make_price(cost, make_offer(product=academic), "7", "9")
    make_offer(product=make_product(name="Unpriced"))

    def names(sort):
        context = price_context_get(provider=world["provider"], viewer=None)
        page = priced_product_page(
            context=context, currency="USD", page_request=PageRequest(1, 24), sort=sort
        )
        return [
            (p.product.name, p.from_price.display.amount if p.from_price else None)
            for p in page.items
        ]

    first = world["offer"].product.name
    assert names("price") == [
        (first, Decimal("6.00")),
        ("Academic", Decimal("9.00")),
        ("With trial", Decimal("10.00")),
        ("Unpriced", None),
    ]
    assert names("-price") == [
        ("With trial", Decimal("10.00")),
        ("Academic", Decimal("9.00")),
        (first, Decimal("6.00")),
        ("Unpriced", None),
    ]
