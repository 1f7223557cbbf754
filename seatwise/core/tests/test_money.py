from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from seatwise.core.money import CurrencyMismatchError, Money, Rounding, money_sum


def test_money_adds_and_subtracts_in_one_currency():
    assert Money("6.00", "USD") + Money("0.30", "USD") == Money("6.30", "USD")
    assert Money("6.00", "USD") - Money("0.30", "USD") == Money("5.70", "USD")


def test_money_refuses_to_mix_currencies():
    with pytest.raises(CurrencyMismatchError):
        Money("1", "USD") + Money("1", "EUR")
    with pytest.raises(CurrencyMismatchError):
        Money("1", "USD") < Money("2", "UAH")  # noqa: B015


def test_money_refuses_float_and_unknown_currency():
    with pytest.raises(TypeError):
        Money(1.5, "USD")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="Unknown currency"):
        Money("1", "XYZ")
    with pytest.raises(ValueError, match="finite"):
        Money(Decimal("NaN"), "USD")


def test_money_is_not_multiplied_by_money():
    with pytest.raises(TypeError):
        Money("2", "USD") * Money("2", "USD")  # type: ignore[operator]


@pytest.mark.parametrize(
    ("amount", "rule", "expected"),
    [
        ("2.345", Rounding.HALF_UP, "2.35"),
        ("2.345", Rounding.HALF_EVEN, "2.34"),
        ("2.355", Rounding.HALF_EVEN, "2.36"),
        ("2.341", Rounding.UP, "2.35"),
        ("2.349", Rounding.DOWN, "2.34"),
        ("-2.345", Rounding.HALF_UP, "-2.35"),
    ],
)
def test_quantize_uses_the_named_rule(amount, rule, expected):
    assert Money(amount, "USD").quantize(rule) == Money(expected, "USD")
    assert str(Money(amount, "USD").quantize(rule).amount) == expected


def test_quantize_follows_the_currency_minor_unit():
    assert str(Money("1234.5", "JPY").quantize().amount) == "1235"
    assert str(Money("1.2345", "KWD").quantize().amount) == "1.235"


def test_convert_multiplies_by_the_rate_and_keeps_precision():
    assert Money("6.00", "USD").convert(to="UAH", rate=Decimal("41.5")) == Money("249.000", "UAH")
    assert Money("1", "USD").convert(to="USD", rate=Decimal("2")) == Money("1", "USD")


def test_money_sum_and_zero():
    assert money_sum([Money("1.10", "EUR"), Money("2.20", "EUR")], "EUR") == Money("3.30", "EUR")
    assert money_sum([], "EUR") == Money.zero("EUR")
    assert not Money.zero("EUR")


def test_str_rounds_for_display_only():
    value = Money("1.005", "USD")
    assert str(value) == "1.01 USD"
    assert value.amount == Decimal("1.005")


amounts = st.decimals(min_value=-(10**9), max_value=10**9, allow_nan=False, places=4)


@given(amounts, amounts)
def test_addition_is_exact_and_commutative(a, b):
    assert Money(a, "USD") + Money(b, "USD") == Money(b, "USD") + Money(a, "USD")
    assert (Money(a, "USD") + Money(b, "USD")).amount == a + b


@given(amounts)
def test_quantize_never_moves_more_than_half_a_cent_with_half_up(a):
    rounded = Money(a, "USD").quantize(Rounding.HALF_UP)
    assert abs(rounded.amount - a) <= Decimal("0.005")
    assert rounded.amount == rounded.amount.quantize(Decimal("0.01"))
