"""Coupon discount maths: no database."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from seatwise.core.money import CurrencyMismatchError, Money
from seatwise.pricing.discounts import CouponTerms, DiscountLine, coupon_discount
from seatwise.pricing.enums import CouponKind, CouponScope


def _line(offer_id, amount, categories=(1,), currency="USD"):
    return DiscountLine(
        offer_id=offer_id, category_ids=frozenset(categories), total=Money(amount, currency)
    )


def test_percent_of_the_whole_order_rounds_half_up():
    terms = CouponTerms(kind=CouponKind.PERCENT, value=Decimal(10))
    lines = [_line(1, "10.05"), _line(2, "0.00")]
    assert coupon_discount(terms=terms, lines=lines, currency="USD") == Money("1.01", "USD")


def test_percent_counts_only_the_lines_of_the_offer():
    terms = CouponTerms(kind=CouponKind.PERCENT, value=Decimal(50), scope="offer", offer_id=2)
    lines = [_line(1, "100.00"), _line(2, "30.00")]
    assert coupon_discount(terms=terms, lines=lines, currency="USD") == Money("15.00", "USD")


def test_category_scope_matches_a_line_under_the_category():
    terms = CouponTerms(
        kind=CouponKind.PERCENT, value=Decimal(20), scope=CouponScope.CATEGORY, category_id=7
    )
    lines = [_line(1, "50.00", categories=(3, 7)), _line(2, "40.00", categories=(4,))]
    assert coupon_discount(terms=terms, lines=lines, currency="USD") == Money("10.00", "USD")


def test_fixed_amount_is_capped_at_the_eligible_subtotal():
    terms = CouponTerms(kind=CouponKind.FIXED, value=Decimal(25), currency="USD")
    assert coupon_discount(terms=terms, lines=[_line(1, "19.99")], currency="USD") == Money(
        "19.99", "USD"
    )
    assert coupon_discount(terms=terms, lines=[_line(1, "99.00")], currency="USD") == Money(
        "25.00", "USD"
    )


def test_no_eligible_line_gives_no_discount():
    terms = CouponTerms(kind=CouponKind.FIXED, value=Decimal(5), currency="USD", scope="offer")
    assert coupon_discount(terms=terms, lines=[_line(1, "9.00")], currency="USD") == Money(
        "0", "USD"
    )


def test_fixed_amount_in_another_currency_is_refused():
    terms = CouponTerms(kind=CouponKind.FIXED, value=Decimal(5), currency="EUR")
    with pytest.raises(CurrencyMismatchError):
        coupon_discount(terms=terms, lines=[_line(1, "9.00")], currency="USD")


amounts = st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False)


@given(
    totals=st.lists(amounts, min_size=0, max_size=6),
    kind=st.sampled_from([CouponKind.PERCENT, CouponKind.FIXED]),
    value=st.decimals(min_value=0, max_value=10**6, places=4, allow_nan=False),
    scope_offer=st.one_of(st.none(), st.integers(min_value=0, max_value=5)),
)
def test_discount_is_never_negative_nor_above_the_eligible_subtotal(
    totals, kind, value, scope_offer
):
    if kind == CouponKind.PERCENT:
        value = min(value, Decimal(100))
    terms = CouponTerms(
        kind=kind,
        value=value,
        currency="USD",
        scope=CouponScope.ORDER if scope_offer is None else CouponScope.OFFER,
        offer_id=scope_offer,
    )
    lines = [_line(n, total) for n, total in enumerate(totals)]
    eligible = sum(
        (t for n, t in enumerate(totals) if scope_offer is None or n == scope_offer), Decimal(0)
    )
    discount = coupon_discount(terms=terms, lines=lines, currency="USD")
    assert discount.currency == "USD"
    assert Decimal(0) <= discount.amount <= eligible
    assert discount.amount == discount.quantize().amount
