"""Pure order maths: readable numbers, line totals and the order's totals. No ORM."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from seatwise.core.money import Money, money_sum

NUMBER_DIGITS = 5


def order_number_format(*, day: dt.date, sequence: int) -> str:
    """``24-11-2026 00042``: the day, a space, the day's sequence number."""
    return f"{day:%d-%m-%Y} {sequence:0{NUMBER_DIGITS}d}"


def line_total(*, unit_price: Money, quantity: int) -> Money:
    return (unit_price * quantity).quantize()


@dataclass(frozen=True)
class OrderTotals:
    subtotal: Money
    discount: Money
    extra_charge: Money
    shipping: Money
    tax: Money

    @property
    def total(self) -> Money:
        return (
            self.subtotal - self.discount + self.extra_charge + self.shipping + self.tax
        ).quantize()

    def amounts(self) -> dict[str, Decimal]:
        return {
            "subtotal": self.subtotal.amount,
            "discount": self.discount.amount,
            "extra_charge": self.extra_charge.amount,
            "shipping": self.shipping.amount,
            "tax": self.tax.amount,
            "total": self.total.amount,
        }


def order_totals(
    *,
    line_totals: list[Money],
    currency: str,
    discount: Money | None = None,
    extra_charge: Money | None = None,
    shipping: Money | None = None,
    tax: Money | None = None,
) -> OrderTotals:
    zero = Money.zero(currency)
    return OrderTotals(
        subtotal=money_sum(line_totals, currency).quantize(),
        discount=(discount or zero).quantize(),
        extra_charge=(extra_charge or zero).quantize(),
        shipping=(shipping or zero).quantize(),
        tax=(tax or zero).quantize(),
    )
