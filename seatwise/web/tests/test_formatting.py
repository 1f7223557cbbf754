from decimal import Decimal

from django.utils import translation

from seatwise.core.money import Money
from seatwise.web.formatting import (
    format_money,
    format_plan_price,
    hue,
    product_initials,
)


def test_money_is_quantized_with_the_symbol_in_front_in_english():
    with translation.override("en"):
        assert format_money(Money(Decimal("6"), "USD")) == "$6.00"
        assert format_money(Money(Decimal("5.525"), "EUR")) == "€5.53"
        assert format_money(Money(Decimal("1234.5"), "UAH")) == "₴1,234.50"


def test_money_in_ukrainian_puts_the_symbol_after_with_a_comma():
    with translation.override("uk"):
        assert format_money(Money(Decimal("1234.5"), "UAH")) == "1\xa0234,50\xa0₴"


def test_currency_without_a_symbol_is_written_by_its_code():
    with translation.override("en"):
        assert format_money(Money(Decimal("3"), "GBP")) == "3.00\xa0GBP"


def test_plan_prices_name_the_unit_and_the_period():
    with translation.override("en"):
        six = Money(Decimal("6"), "USD")
        assert format_plan_price(six, billing_plan="monthly", unit_type="user") == (
            "$6.00 / user / month"
        )
        assert format_plan_price(six, billing_plan="annual", unit_type="licence") == (
            "$6.00 / licence / year"
        )
        assert format_plan_price(six, billing_plan="triennial", unit_type="device") == (
            "$6.00 / device / 3 years"
        )
        assert format_plan_price(six, billing_plan="one_time", unit_type="item") == (
            "$6.00 / item, one-time"
        )


def test_product_initials_skip_the_vendor_and_keep_edition_codes():
    assert product_initials("Office 365 E3", "Microsoft") == "OE3"
    assert product_initials("Microsoft 365 Business Basic", "Microsoft") == "BB"
    assert product_initials("Azure Active Directory Premium P1", "Microsoft") == "AP1"
    assert product_initials("Microsoft Azure", "Microsoft") == "AZ"
    assert product_initials("Seatwise T-shirt", "Seatwise Store") == "TS"


def test_vendor_colour_is_stable():
    assert hue("microsoft") == hue("microsoft")
    assert 0 <= hue("cisco") < 360


def test_a_usage_offer_without_a_fixed_fee_is_pay_as_you_go():
    from seatwise.core.money import Money
    from seatwise.web.formatting import format_plan_price

    assert (
        format_plan_price(Money("0", "USD"), billing_plan="monthly", unit_type="usage")
        == "Pay as you go, billed on usage"
    )
    assert format_plan_price(
        Money("2", "USD"), billing_plan="monthly", unit_type="usage"
    ).startswith("$2.00")
