"""Price options (ALEF 2.2): a reseller sets the customer price of one line as a markup over
its partner price, or as a target customer price turned into that markup; the summary table
shows the partner price, the suggested retail price, the customer price and the reseller's
margin. Pure maths: no ORM. Amounts keep full precision; only the table's cells are rounded
(to the currency's minor unit), as a display is."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from seatwise.core.money import Money
from seatwise.pricing.calculations import apply_markup

HUNDRED = Decimal(100)
MARKUP_PLACES = Decimal("0.001")  # CartLine.markup_percent keeps three decimals
MARKUP_MIN = Decimal(-100)
MARKUP_MAX = Decimal("9999.999")


class MarkupOutOfRange(ValueError):
    """A markup below -100 % (a negative price) or above what a line can keep."""


def markup_check(percent: Decimal) -> Decimal:
    """``percent`` rounded to three decimals, or ``MarkupOutOfRange``."""
    if not isinstance(percent, Decimal) or not percent.is_finite():
        raise MarkupOutOfRange("A markup is a finite Decimal")
    rounded = percent.quantize(MARKUP_PLACES, rounding=ROUND_HALF_UP)
    if not MARKUP_MIN <= rounded <= MARKUP_MAX:
        raise MarkupOutOfRange(f"A markup goes from {MARKUP_MIN} to {MARKUP_MAX}")
    return rounded


def markup_for_target(*, partner: Money, target: Money) -> Decimal:
    """The markup over ``partner`` that gives the customer price ``target``, rounded to three
    decimals (14.16 → 15.58 is 10.028 %). ``MarkupOutOfRange`` when the partner price is
    zero (no markup reaches a target) or the result is out of range."""
    if partner.currency != target.currency:
        raise MarkupOutOfRange("The target price is in another currency")
    if partner.amount <= 0:
        raise MarkupOutOfRange("A free offer has no markup")
    return markup_check((target.amount / partner.amount - 1) * HUNDRED)


def customer_unit_price(*, partner: Money, markup_percent: Decimal) -> Money:
    """The customer's unit price: ``partner`` × (1 + markup / 100), full precision."""
    return apply_markup(partner, markup_percent)


@dataclass(frozen=True)
class PriceOptionRow:
    """One row of the summary table (rounded for display)."""

    quantity: int
    partner_price: Money
    suggested_retail_price: Money
    customer_price: Money
    margin: Money


def price_option_rows(
    *, partner: Money, srp: Money, customer_unit: Money, quantity: int
) -> tuple[PriceOptionRow, PriceOptionRow]:
    """The table's two rows: one unit, then the chosen quantity. Each cell is rounded once;
    the margin is the rounded customer price less the rounded partner price, so that the
    row adds up as the reseller reads it (15.58 − 14.16 = 1.42)."""

    def row(count: int) -> PriceOptionRow:
        partner_total = (partner * count).quantize()
        customer_total = (customer_unit * count).quantize()
        return PriceOptionRow(
            quantity=count,
            partner_price=partner_total,
            suggested_retail_price=(srp * count).quantize(),
            customer_price=customer_total,
            margin=customer_total - partner_total,
        )

    return row(1), row(quantity)
