"""Price resolution is pure: no database."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from seatwise.core.money import CurrencyMismatchError, Money
from seatwise.pricing.calculations import (
    MissingExchangeRate,
    apply_markup,
    convert,
    margin_percent,
    resolve_price,
)


def usd(amount):
    return Money(amount, "USD")


def test_chain_cost_to_reseller_to_customer_with_margins():
    price = resolve_price(
        cost=usd("4.80"), erp=usd("6.00"), reseller_price=usd("5.40"), markup_percent=Decimal(5)
    )
    assert price.customer_price == usd("5.67")
    assert price.provider_margin == usd("0.60")
    assert price.reseller_margin == usd("0.27")
    assert price.provider_margin_percent == Decimal("0.60") / Decimal("5.40") * 100
    assert price.reseller_margin_percent.quantize(Decimal("0.01")) == Decimal("4.76")


def test_direct_customer_pays_erp_and_provider_keeps_the_whole_margin():
    price = resolve_price(
        cost=usd("4.80"), erp=usd("6.00"), reseller_price=None, markup_percent=None
    )
    assert price.customer_price == usd("6.00")
    assert price.provider_margin == usd("1.20")
    assert price.reseller_margin is None
    assert price.reseller_margin_percent is None
    assert price.provider_margin_percent == Decimal(20)


def test_full_precision_is_kept_until_quantize():
    price = resolve_price(
        cost=usd("1"), erp=usd("2"), reseller_price=usd("1.11"), markup_percent=Decimal("7.5")
    )
    assert price.customer_price.amount == Decimal("1.19325")
    assert price.customer_price.quantize() == usd("1.19")


def test_reseller_price_and_markup_go_together():
    with pytest.raises(ValueError):
        resolve_price(cost=usd(1), erp=usd(2), reseller_price=usd(1), markup_percent=None)
    with pytest.raises(ValueError):
        resolve_price(cost=usd(1), erp=usd(2), reseller_price=None, markup_percent=Decimal(5))


def test_mixed_currencies_are_refused():
    with pytest.raises(CurrencyMismatchError):
        resolve_price(
            cost=usd(1), erp=usd(2), reseller_price=Money(1, "EUR"), markup_percent=Decimal(5)
        )


def test_markup_below_minus_hundred_percent_is_refused_and_negative_is_a_discount():
    assert apply_markup(usd(100), Decimal(-10)) == usd(90)
    with pytest.raises(ValueError):
        apply_markup(usd(100), Decimal(-101))


def test_margin_percent_of_zero_sale_is_none():
    assert margin_percent(cost=usd(1), sale=usd(0)) is None


def test_convert_uses_direct_then_inverse_rate():
    rates = {("USD", "UAH"): Decimal("41.5"), ("EUR", "USD"): Decimal("1.25")}
    assert convert(usd("2"), to="UAH", rates=rates) == Money("83.0", "UAH")
    assert convert(usd("5"), to="EUR", rates=rates) == Money("4", "EUR")
    assert convert(usd("5"), to="USD", rates=rates) == usd("5")
    with pytest.raises(MissingExchangeRate):
        convert(Money(1, "UAH"), to="EUR", rates=rates)


prices = st.decimals(min_value=0, max_value=10_000, places=4, allow_nan=False)
markups = st.decimals(min_value=0, max_value=200, places=3, allow_nan=False)


@given(prices, prices, markups)
def test_tiers_add_up(cost, reseller, markup):
    price = resolve_price(
        cost=usd(cost), erp=usd(reseller * 2), reseller_price=usd(reseller), markup_percent=markup
    )
    assert price.cost + price.provider_margin + price.reseller_margin == price.customer_price
    assert price.customer_price >= price.reseller_price
