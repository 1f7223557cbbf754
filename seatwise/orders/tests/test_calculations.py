import datetime as dt
from decimal import Decimal

from seatwise.core.money import Money
from seatwise.orders.calculations import line_total, order_number_format, order_totals


def test_order_number_is_the_day_a_space_and_the_sequence():
    assert order_number_format(day=dt.date(2026, 11, 24), sequence=27131) == "24-11-2026 27131"
    assert order_number_format(day=dt.date(2026, 1, 2), sequence=7) == "02-01-2026 00007"


def test_line_total_rounds_once_to_the_minor_unit():
    assert line_total(unit_price=Money("3.333", "USD"), quantity=3) == Money("10.00", "USD")
    assert line_total(unit_price=Money("12.5", "UAH"), quantity=4) == Money("50.00", "UAH")


def test_order_totals_subtract_the_discount_and_add_the_charges():
    totals = order_totals(
        line_totals=[Money("10.00", "USD"), Money("25.50", "USD")],
        currency="USD",
        discount=Money("5", "USD"),
        extra_charge=Money("1.25", "USD"),
        shipping=Money("0", "USD"),
        tax=Money("6.35", "USD"),
    )
    assert totals.subtotal == Money("35.50", "USD")
    assert totals.total == Money("38.10", "USD")
    assert totals.amounts()["total"] == Decimal("38.10")


def test_order_totals_default_charges_are_zero():
    totals = order_totals(line_totals=[Money("7", "EUR")], currency="EUR")
    assert totals.total == Money("7.00", "EUR")
    assert totals.discount == Money.zero("EUR")
