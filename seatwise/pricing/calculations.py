"""Price resolution: pure maths, no ORM.

The markup chain has up to three tiers::

    provider cost ──(provider list)──> reseller price ──(reseller markup)──> customer price

A customer that sits directly under the provider pays the suggested retail price (ERP).
Margins are reported at each tier. Amounts keep full precision; round at the edge with
``Money.quantize``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from seatwise.core.money import Money

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class PriceBreakdown:
    cost: Money
    erp: Money
    reseller_price: Money | None
    customer_price: Money
    provider_margin: Money
    reseller_margin: Money | None

    @property
    def provider_margin_percent(self) -> Decimal | None:
        sale = self.reseller_price if self.reseller_price is not None else self.customer_price
        return margin_percent(cost=self.cost, sale=sale)

    @property
    def reseller_margin_percent(self) -> Decimal | None:
        if self.reseller_price is None:
            return None
        return margin_percent(cost=self.reseller_price, sale=self.customer_price)


def apply_markup(amount: Money, percent: Decimal) -> Money:
    """``amount`` raised by ``percent`` (5 -> +5 %). A negative percent is a discount."""
    if percent < -HUNDRED:
        raise ValueError("A markup cannot take a price below zero")
    return amount * (1 + percent / HUNDRED)


def margin_percent(*, cost: Money, sale: Money) -> Decimal | None:
    """Margin as a percentage of the sale price, or None when the sale price is zero."""
    if not sale.amount:
        return None
    return (sale - cost).amount / sale.amount * HUNDRED


def resolve_price(
    *,
    cost: Money,
    erp: Money,
    reseller_price: Money | None,
    markup_percent: Decimal | None,
) -> PriceBreakdown:
    """The price at each tier for one unit of one offer.

    ``reseller_price`` and ``markup_percent`` are given when the customer buys through a
    reseller; both None for a direct customer of the provider.
    """
    if (reseller_price is None) != (markup_percent is None):
        raise ValueError("Give both reseller_price and markup_percent, or neither")
    if reseller_price is None:
        customer_price = erp
        return PriceBreakdown(
            cost=cost,
            erp=erp,
            reseller_price=None,
            customer_price=customer_price,
            provider_margin=customer_price - cost,
            reseller_margin=None,
        )
    assert markup_percent is not None
    customer_price = apply_markup(reseller_price, markup_percent)
    return PriceBreakdown(
        cost=cost,
        erp=erp,
        reseller_price=reseller_price,
        customer_price=customer_price,
        provider_margin=reseller_price - cost,
        reseller_margin=customer_price - reseller_price,
    )


class MissingExchangeRate(LookupError):
    """No rate (direct or inverse) between two currencies."""


def convert(amount: Money, *, to: str, rates: Mapping[tuple[str, str], Decimal]) -> Money:
    """Convert with the provider's rates; a reverse rate is used inverted if only it is set."""
    if amount.currency == to:
        return amount
    direct = rates.get((amount.currency, to))
    if direct is not None:
        return amount.convert(to=to, rate=direct)
    reverse = rates.get((to, amount.currency))
    if reverse is not None:
        return amount.convert(to=to, rate=1 / reverse)
    raise MissingExchangeRate(f"No exchange rate from {amount.currency} to {to}")
