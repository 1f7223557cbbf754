"""The demo price lists, reseller terms and exchange rates, and the maths that derives every
price from an offer's suggested retail price (ERP).

Each list charges a share of the ERP, by vendor: the provider's cost (what Seatwise
Distribution pays the vendor) is the lowest, the standard reseller price sits between cost
and ERP, and the Gold partner price is a little lower. A tier's price per month is rounded to
the cent first and then multiplied by the months in the billing period, so an annual price is
always exactly twelve monthly ones.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from seatwise.catalog.enums import BillingPlan
from seatwise.demo.data.catalog import CISCO, HUDDLEWAVE, LOCKFERN, MICROSOFT, OBLIK, STASHWELL
from seatwise.demo.data.catalog import STORE as STORE_VENDOR
from seatwise.demo.data.organizations import PROVIDER, RESELLER_DNIPRO, RESELLER_NORTHWIND
from seatwise.pricing.enums import PriceListKind

CENT = Decimal("0.01")
PLAN_MONTHS = {
    BillingPlan.MONTHLY: 1,
    BillingPlan.ANNUAL: 12,
    BillingPlan.TRIENNIAL: 36,
    BillingPlan.ONE_TIME: 1,  # a one-time price is stored as is
}


@dataclass(frozen=True)
class PriceListSpec:
    name: str
    kind: str
    currency: str
    is_default: bool
    share: dict[str, Decimal]  # vendor slug -> share of the ERP this list charges


def _shares(microsoft: str, cisco: str, saas: str, software: str, store: str) -> dict[str, Decimal]:
    return {
        MICROSOFT: Decimal(microsoft),
        CISCO: Decimal(cisco),
        STASHWELL: Decimal(saas),
        LOCKFERN: Decimal(saas),
        HUDDLEWAVE: Decimal(saas),
        OBLIK: Decimal(software),
        STORE_VENDOR: Decimal(store),
    }


COST_LIST = PriceListSpec(
    name="Provider cost",
    kind=PriceListKind.COST,
    currency="USD",
    is_default=True,
    share=_shares(microsoft="0.80", cisco="0.70", saas="0.75", software="0.75", store="0.60"),
)
STANDARD_RESELLER_LIST = PriceListSpec(
    name="Standard reseller",
    kind=PriceListKind.RESELLER,
    currency="USD",
    is_default=True,
    share=_shares(microsoft="0.90", cisco="0.85", saas="0.88", software="0.88", store="0.80"),
)
GOLD_PARTNER_LIST = PriceListSpec(
    name="Gold partner",
    kind=PriceListKind.RESELLER,
    currency="USD",
    is_default=False,
    share=_shares(microsoft="0.87", cisco="0.82", saas="0.85", software="0.85", store="0.75"),
)
PRICE_LISTS = (COST_LIST, STANDARD_RESELLER_LIST, GOLD_PARTNER_LIST)


@dataclass(frozen=True)
class ResellerTermsSpec:
    reseller: str  # organization slug
    price_list: str | None  # list name; None: the provider's default reseller list
    markup_percent: Decimal | None  # None: the default markup (5 %)


RESELLER_TERMS = (
    ResellerTermsSpec(RESELLER_NORTHWIND, price_list=None, markup_percent=None),
    ResellerTermsSpec(
        RESELLER_DNIPRO, price_list=GOLD_PARTNER_LIST.name, markup_percent=Decimal(8)
    ),
)


@dataclass(frozen=True)
class CouponSpec:
    issuer: str  # organization slug
    code: str
    percent: Decimal
    minimum_usd: Decimal | None = None


# Visitors and direct customers buy with the provider's codes, a reseller's customers with
# their reseller's (see ``pricing.services.coupon_check``).
COUPONS = (
    CouponSpec(PROVIDER, "WELCOME10", Decimal(10)),
    CouponSpec(RESELLER_NORTHWIND, "NORTHWIND15", Decimal(15), minimum_usd=Decimal(100)),
)


@dataclass(frozen=True)
class ShippingMethodSpec:
    name: str
    prices: dict[str, Decimal]  # currency -> price per order
    position: int


# How the provider delivers its shippable store goods (books, hardware).
SHIPPING_METHODS = (
    ShippingMethodSpec(
        "Courier (Nova Poshta)",
        {"USD": Decimal("3.00"), "EUR": Decimal("2.80"), "UAH": Decimal("120.00")},
        position=1,
    ),
    ShippingMethodSpec(
        "Pickup in Kyiv (free)",
        {"USD": Decimal("0.00"), "EUR": Decimal("0.00"), "UAH": Decimal("0.00")},
        position=2,
    ),
)

RATES_VALID_FROM = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
EXCHANGE_RATES: tuple[tuple[str, str, Decimal], ...] = (
    ("USD", "EUR", Decimal("0.92")),
    ("USD", "UAH", Decimal("41.50")),
)


def tier_unit(erp_unit: Decimal, share: Decimal) -> Decimal:
    """A tier's price per unit and month (or once), rounded to the cent."""
    return (erp_unit * share).quantize(CENT, rounding=ROUND_HALF_UP)


def plan_amount(unit: Decimal, billing_plan: str) -> Decimal:
    """The price for one billing period of ``billing_plan``."""
    return unit * PLAN_MONTHS[billing_plan]
