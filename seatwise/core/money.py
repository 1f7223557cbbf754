"""Money: a Decimal amount with an ISO 4217 currency.

Full precision is kept through arithmetic; ``quantize`` rounds to the currency's minor unit
by a named rule, once, at the edge (an invoice line, a charge, a display).
"""

from __future__ import annotations

import decimal
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

# ISO 4217 minor units of the currencies Seatwise knows. Add a currency here to support it.
MINOR_UNITS: dict[str, int] = {
    "USD": 2,
    "EUR": 2,
    "UAH": 2,
    "GBP": 2,
    "PLN": 2,
    "CHF": 2,
    "CZK": 2,
    "JPY": 0,
    "KWD": 3,
}


class Rounding(StrEnum):
    """Named rounding rules, so a vendor policy can say which one it uses."""

    HALF_UP = "half_up"  # commercial rounding: 0.005 -> 0.01
    HALF_EVEN = "half_even"  # banker's rounding
    UP = "up"  # away from zero: never under-charge
    DOWN = "down"  # towards zero: never over-charge

    @property
    def decimal_mode(self) -> str:
        return {
            Rounding.HALF_UP: decimal.ROUND_HALF_UP,
            Rounding.HALF_EVEN: decimal.ROUND_HALF_EVEN,
            Rounding.UP: decimal.ROUND_UP,
            Rounding.DOWN: decimal.ROUND_DOWN,
        }[self]


class CurrencyMismatchError(ValueError):
    """Raised when an operation mixes two currencies."""


def minor_unit(currency: str) -> int:
    try:
        return MINOR_UNITS[currency]
    except KeyError:
        raise ValueError(f"Unknown currency {currency!r}") from None


def _to_decimal(value: Any) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int | str):
        return Decimal(value)
    raise TypeError(f"Money amounts are Decimal, int or str, not {type(value).__name__}")


@dataclass(frozen=True, slots=True)
class Money:
    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "amount", _to_decimal(self.amount))
        if not self.amount.is_finite():
            raise ValueError("Money amount must be finite")
        minor_unit(self.currency)

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(Decimal(0), currency)

    def _check(self, other: object) -> Money:
        if not isinstance(other, Money):
            raise TypeError(f"Cannot combine Money with {type(other).__name__}")
        if other.currency != self.currency:
            raise CurrencyMismatchError(f"Cannot mix {self.currency} and {other.currency}")
        return other

    def __add__(self, other: Money) -> Money:
        return Money(self.amount + self._check(other).amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        return Money(self.amount - self._check(other).amount, self.currency)

    def __mul__(self, factor: Decimal | int) -> Money:
        if isinstance(factor, Money):
            raise TypeError("Cannot multiply Money by Money")
        return Money(self.amount * _to_decimal(factor), self.currency)

    __rmul__ = __mul__

    def __truediv__(self, divisor: Decimal | int) -> Money:
        if isinstance(divisor, Money):
            raise TypeError("Cannot divide Money by Money; compare amounts instead")
        return Money(self.amount / _to_decimal(divisor), self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __lt__(self, other: Money) -> bool:
        return self.amount < self._check(other).amount

    def __le__(self, other: Money) -> bool:
        return self.amount <= self._check(other).amount

    def __gt__(self, other: Money) -> bool:
        return self.amount > self._check(other).amount

    def __ge__(self, other: Money) -> bool:
        return self.amount >= self._check(other).amount

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        return self.currency == other.currency and self.amount == other.amount

    def __hash__(self) -> int:
        return hash((self.amount, self.currency))

    def __bool__(self) -> bool:
        return bool(self.amount)

    def quantize(self, rounding: Rounding = Rounding.HALF_UP) -> Money:
        """Round to the currency's minor unit by the named rule."""
        exponent = Decimal(1).scaleb(-minor_unit(self.currency))
        return Money(self.amount.quantize(exponent, rounding=rounding.decimal_mode), self.currency)

    def convert(self, *, to: str, rate: Decimal) -> Money:
        """Convert with a rate meaning 1 unit of this currency = ``rate`` units of ``to``."""
        if to == self.currency:
            return self
        return Money(self.amount * _to_decimal(rate), to)

    def __str__(self) -> str:
        return f"{self.quantize().amount} {self.currency}"

    def __repr__(self) -> str:
        return f"Money('{self.amount}', '{self.currency}')"


def money_sum(values: list[Money] | tuple[Money, ...], currency: str) -> Money:
    total = Money.zero(currency)
    for value in values:
        total = total + value
    return total
