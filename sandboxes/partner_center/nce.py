"""Pure NCE arithmetic for the Partner Center sandbox: terms, charge cycles, proration and
rounding (../shared/reference/microsoft-nce-rules.md §4, §5, §15). Standard library only, no
state, no clock: every function takes the instant or date it needs.
"""

from __future__ import annotations

import calendar
import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

CYCLE_MONTHS = {"monthly": 1, "annual": 12, "biennial": 24, "triennial": 36}
_DURATION = re.compile(r"^P(\d+)([MY])$")
_FRACTION = re.compile(r"(\.\d{1,6})\d*")


def parse_datetime(value: str) -> datetime:
    """An ISO 8601 instant in any of the forms Partner Center uses: a trailing ``Z``, no
    offset (UTC), an explicit offset, up to 7 fractional digits, or a bare date."""
    text = value.strip().replace("z", "Z")
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    text = _FRACTION.sub(r"\1", text, count=1)
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def iso(moment: datetime | None) -> str | None:
    """An instant as Partner Center writes it: ``2021-01-14T16:57:15Z``."""
    if moment is None:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_date(day: date | None) -> str | None:
    """A date as an NCE date field: midnight UTC (``2022-01-13T00:00:00Z``)."""
    return None if day is None else f"{day.isoformat()}T00:00:00Z"


def add_months(day: date, months: int) -> date:
    """``day`` plus whole calendar months, clamped to the last day of the target month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def term_months(duration: str | None) -> int | None:
    """Months in an ISO term duration (``P1M`` → 1, ``P1Y`` → 12, ``P3Y`` → 36)."""
    if not duration:
        return None
    match = _DURATION.match(duration.upper())
    if not match:
        raise ValueError(f"unsupported term duration {duration!r}")
    count = int(match.group(1))
    return count if match.group(2) == "M" else count * 12


def cycle_months(billing_cycle: str, duration: str | None) -> int | None:
    """Months in one charge cycle; a trial (``none``) or one-off charge covers the term."""
    return CYCLE_MONTHS.get(billing_cycle.lower(), term_months(duration))


def cycles_in_term(duration: str | None, billing_cycle: str) -> int:
    """Charge cycles in one term (``P1Y`` monthly → 12); 1 for one-off purchases."""
    months = term_months(duration)
    per_cycle = cycle_months(billing_cycle, duration)
    if not months or not per_cycle:
        return 1
    return max(1, months // per_cycle)


def term_end(anchor: date, months: int) -> date:
    """Inclusive end of a term starting on ``anchor`` (§15 rule 2/3)."""
    return add_months(anchor, months) - timedelta(days=1)


def cycle_bounds(anchor: date, months: int, day: date) -> tuple[date, date]:
    """The charge cycle (inclusive start and end) containing ``day``, always computed from
    the anchor, never chained (§15 rule 3)."""
    n = max(0, (day.year - anchor.year) * 12 + day.month - anchor.month) // months
    start = add_months(anchor, n * months)
    while start > day and n > 0:
        n -= 1
        start = add_months(anchor, n * months)
    while add_months(anchor, (n + 1) * months) <= day:
        n += 1
        start = add_months(anchor, n * months)
    return start, add_months(anchor, (n + 1) * months) - timedelta(days=1)


def cycle_starts(anchor: date, months: int, first: date, last: date) -> list[date]:
    """Every charge-cycle start from the anchor that falls inside ``[first, last]``."""
    starts, n = [], 0
    while True:
        start = add_months(anchor, n * months)
        if start > last:
            return starts
        if start >= first:
            starts.append(start)
        n += 1


def cycle_days(start: date, end: date, months: int) -> int:
    """The proration denominator (§4.1): days of the start month for a monthly cycle, the
    actual length for longer cycles."""
    if months == 1:
        return calendar.monthrange(start.year, start.month)[1]
    return (end - start).days + 1


def effective_unit_price(unit: Decimal, billing_days: int, days_in_cycle: int) -> Fraction:
    """EUP = UnitPrice × billingDays / cycleDays, exact (§4.2)."""
    return Fraction(unit) * billing_days / days_in_cycle


def trunc2(value: Fraction) -> Decimal:
    """Truncate toward zero at two decimal places (spreadsheet ROUNDDOWN)."""
    cents = int(value * 100)  # int() truncates a Fraction toward zero
    return Decimal(cents).scaleb(-2)


def line_amount(eup: Fraction, quantity: int, rule: str) -> Decimal:
    """A line subtotal under a rounding rule (§5): ``line_truncation`` (the default for
    Microsoft) or ``unit_truncation``."""
    if rule == "unit_truncation":
        return trunc2(eup) * quantity
    return trunc2(eup * quantity)


def display_eup(eup: Fraction, rule: str) -> Decimal:
    """The EUP shown on a line: exact to 6 places, or truncated to 2 under unit truncation."""
    if rule == "unit_truncation":
        return trunc2(eup)
    return (Decimal(eup.numerator) / Decimal(eup.denominator)).quantize(Decimal("0.000001"))
