"""How the storefront writes money, prices per billing plan and placeholders. Presentation
only: the amounts come ready from ``pricing``."""

from __future__ import annotations

import zlib

from django.utils.formats import number_format
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from seatwise.catalog.enums import BillingPlan, UnitType
from seatwise.core.money import Money, minor_unit

CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "UAH": "₴"}

UNIT_NOUNS = {
    UnitType.LICENCE: pgettext_lazy("per unit", "licence"),
    UnitType.USER: pgettext_lazy("per unit", "user"),
    UnitType.DEVICE: pgettext_lazy("per unit", "device"),
    UnitType.INSTANCE: pgettext_lazy("per unit", "instance"),
    UnitType.USAGE: pgettext_lazy("per unit", "unit of usage"),
    UnitType.ITEM: pgettext_lazy("per unit", "item"),
}

PRICE_FORMATS = {
    BillingPlan.MONTHLY: _("%(price)s / %(unit)s / month"),
    BillingPlan.ANNUAL: _("%(price)s / %(unit)s / year"),
    BillingPlan.TRIENNIAL: _("%(price)s / %(unit)s / 3 years"),
    BillingPlan.ONE_TIME: _("%(price)s / %(unit)s, one-time"),
}


def format_money(value: Money) -> str:
    """``$6.00`` in English, ``6,00 $`` in Ukrainian; a currency without a symbol by code."""
    rounded = value.quantize()
    number = number_format(
        rounded.amount, decimal_pos=minor_unit(rounded.currency), use_l10n=True, force_grouping=True
    )
    symbol = CURRENCY_SYMBOLS.get(rounded.currency)
    if symbol is None:
        return f"{number}\xa0{rounded.currency}"
    if (get_language() or "en").startswith("en"):
        return f"{symbol}{number}"
    return f"{number}\xa0{symbol}"


def format_plan_price(value: Money, *, billing_plan: str, unit_type: str) -> str:
    """``$6.00 / user / month``: the price of one unit for one period of the plan. A usage
    offer with no fixed fee (the Azure plan) says so instead of showing a zero price."""
    if unit_type == UnitType.USAGE and not value.amount:
        return str(_("Pay as you go, billed on usage"))
    unit = UNIT_NOUNS.get(unit_type, UNIT_NOUNS[UnitType.LICENCE])
    template = PRICE_FORMATS.get(billing_plan, PRICE_FORMATS[BillingPlan.MONTHLY])
    return str(template) % {"price": format_money(value), "unit": unit}


def initials(name: str, *, limit: int = 2) -> str:
    letters = [word[0] for word in name.split() if word[:1].isalnum()]
    return "".join(letters[:limit]).upper() or "?"


def _is_code(word: str) -> bool:
    """Short edition codes such as E3, P1 or A3 are kept whole."""
    return len(word) <= 3 and any(ch.isdigit() for ch in word) and any(ch.isalpha() for ch in word)


def product_initials(name: str, vendor_name: str) -> str:
    """``Office 365 E3`` -> ``OE3``, ``Azure Active Directory Basic`` -> ``AB``: the first and
    last words of the name without the vendor's name and bare numbers."""
    vendor_words = {word.lower() for word in vendor_name.split()}
    words = [
        word
        for word in name.replace(",", " ").split()
        if word.lower() not in vendor_words and not word.isdigit() and word[:1].isalnum()
    ] or name.split()
    if not words:
        return "?"
    first = words[0][0]
    if len(words) == 1:
        return "".join(ch for ch in words[0] if ch.isalnum())[:2].upper() or "?"
    last = words[-1] if _is_code(words[-1]) else words[-1][0]
    return (first + last).upper()


# Pleasant hues for generated artwork: blue, indigo, violet, teal, sea green, orange, rose.
PALETTE = (214, 235, 262, 188, 158, 24, 340)


def hue(key: str) -> int:
    """A stable colour (a hue, 0-359) for a key such as a vendor's slug."""
    return PALETTE[zlib.crc32(key.encode()) % len(PALETTE)]


def placeholder(product) -> dict[str, object]:
    """What a product without an image shows instead: initials of its name, the colour of
    its vendor shifted a little by product group, and the vendor's name."""
    vendor = product.vendor
    shift = zlib.crc32((product.product_group or product.name).encode()) % 25 - 12
    return {
        "initials": product_initials(product.name, vendor.name),
        "hue": (hue(vendor.slug) + shift) % 360,
        "caption": vendor.name,
    }
