"""Coupon discounts: pure maths, no ORM.

A coupon applies to the *eligible* lines of a cart (all of them, those in a category or
those of one offer). A percent coupon takes its share of the eligible sub-total, rounded
half-up to the currency's minor unit; a fixed coupon takes its amount, never more than the
eligible sub-total. A discount is never negative.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from seatwise.core.money import CurrencyMismatchError, Money, Rounding, money_sum
from seatwise.pricing.enums import CouponKind, CouponScope

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class DiscountLine:
    """One cart line as the discount sees it. ``category_ids`` holds the product's category
    and its ancestors, so a coupon for a parent category applies to its sub-categories."""

    offer_id: int
    category_ids: frozenset[int]
    total: Money


@dataclass(frozen=True)
class CouponTerms:
    kind: str
    value: Decimal  # percent (0–100) or an amount in ``currency``
    scope: str = CouponScope.ORDER
    currency: str = ""
    category_id: int | None = None
    offer_id: int | None = None


def line_is_eligible(terms: CouponTerms, line: DiscountLine) -> bool:
    if terms.scope == CouponScope.CATEGORY:
        return terms.category_id in line.category_ids
    if terms.scope == CouponScope.OFFER:
        return line.offer_id == terms.offer_id
    return True


def eligible_subtotal(*, terms: CouponTerms, lines: list[DiscountLine], currency: str) -> Money:
    return money_sum([line.total for line in lines if line_is_eligible(terms, line)], currency)


def coupon_discount(*, terms: CouponTerms, lines: list[DiscountLine], currency: str) -> Money:
    """The discount ``terms`` give on ``lines`` (all in ``currency``)."""
    eligible = eligible_subtotal(terms=terms, lines=lines, currency=currency)
    if eligible.amount <= 0:
        return Money.zero(currency)
    if terms.kind == CouponKind.PERCENT:
        percent = min(max(terms.value, Decimal(0)), HUNDRED)
        discount = (eligible * percent / HUNDRED).quantize(Rounding.HALF_UP)
    else:
        if terms.currency != currency:
            raise CurrencyMismatchError(f"Cannot apply a {terms.currency} coupon in {currency}")
        discount = Money(max(terms.value, Decimal(0)), currency).quantize(Rounding.HALF_UP)
    return min(discount, eligible, key=lambda m: m.amount)
