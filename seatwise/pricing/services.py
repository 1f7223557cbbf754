"""Pricing writes: price lists, prices, reseller terms and exchange rates.

Every writer is an *upsert* keyed by a natural key: it creates the row when it is missing,
updates the fields whose values differ, and leaves the row alone (no UPDATE query, no
``save``) when everything already matches, so a loader can run it again and change nothing.
Amounts are ``Decimal`` (or an ``int`` or a decimal string); a float is refused.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import transaction

from seatwise.catalog.models import Offer
from seatwise.core.cache import CATALOG, generation_bump
from seatwise.core.errors import ValidationError
from seatwise.core.money import MINOR_UNITS
from seatwise.core.upsert import upsert
from seatwise.pricing.enums import DEFAULT_RESELLER_MARKUP_PERCENT, PriceListKind
from seatwise.pricing.models import ExchangeRate, Price, PriceList, ResellerTerms
from seatwise.tenancy.enums import OrganizationKind
from seatwise.tenancy.models import Organization


def _fail(field: str, message: str) -> ValidationError:
    return ValidationError(message, details={field: [message]})


def _decimal(value: Decimal | int | str, *, field: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        raise _fail(field, f"{field} must be a Decimal, an int or a decimal string, never a float.")
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise _fail(field, f"{field} is not a number: {value!r}.") from None
    if not amount.is_finite():
        raise _fail(field, f"{field} must be a finite number.")
    return amount


def _currency(value: str, *, field: str = "currency") -> str:
    if value not in MINOR_UNITS:
        raise _fail(
            field, f"Unknown currency {value!r}; use one of {', '.join(sorted(MINOR_UNITS))}."
        )
    return value


def _require_provider(organization: Organization, *, field: str = "organization") -> None:
    if organization.kind != OrganizationKind.PROVIDER:
        raise _fail(field, f"Only a provider sets this; {organization} is a {organization.kind}.")


@transaction.atomic
def price_list_upsert(
    *,
    organization: Organization,
    name: str,
    kind: str,
    currency: str = "USD",
    is_default: bool = False,
) -> PriceList:
    """Create or update a provider's price list by (organization, name).

    Making a list the default takes the flag from the provider's other list of that kind.
    """
    _require_provider(organization)
    _currency(currency)
    if kind not in PriceListKind.values:
        raise _fail("kind", f"Unknown price list kind {kind!r}.")
    if is_default:
        others = PriceList.objects.select_for_update().filter(
            organization=organization, kind=kind, is_default=True
        )
        for other in others.exclude(name=name):
            other.is_default = False
            other.save(update_fields=["is_default"])
            generation_bump(name=CATALOG)
    price_list, _created, _changed = upsert(
        PriceList,
        what="price list",
        cache_namespace=CATALOG,
        lookup={"organization": organization, "name": name},
        values={"kind": kind, "currency": currency, "is_default": is_default},
    )
    return price_list


@transaction.atomic
def price_set(
    *,
    price_list: PriceList,
    offer: Offer,
    billing_plan: str,
    cost: Decimal | int | str,
    erp: Decimal | int | str,
    currency: str | None = None,
) -> Price:
    """Set one offer's price in a list for a currency (the list's unless given) and billing
    plan: ``cost`` is what the list's buyer pays, ``erp`` the suggested retail price, both
    per unit and billing period."""
    currency = _currency(currency or price_list.currency)
    cost_amount = _decimal(cost, field="cost")
    erp_amount = _decimal(erp, field="erp")
    if billing_plan not in (offer.billing_plans or []):
        raise _fail(
            "billing_plan",
            f"{offer.sku} is not billed {billing_plan}; its plans are "
            f"{', '.join(offer.billing_plans) or 'none'}.",
        )
    price, _created, _changed = upsert(
        Price,
        what="price",
        cache_namespace=CATALOG,
        lookup={
            "price_list": price_list,
            "offer": offer,
            "currency": currency,
            "billing_plan": billing_plan,
        },
        values={
            "organization_id": price_list.organization_id,
            "cost": cost_amount,
            "erp": erp_amount,
        },
    )
    return price


@transaction.atomic
def reseller_terms_set(
    *,
    reseller: Organization,
    price_list: PriceList | None = None,
    markup_percent: Decimal | int | str = DEFAULT_RESELLER_MARKUP_PERCENT,
) -> ResellerTerms:
    """Set how a reseller buys (``price_list``; None: its provider's default reseller list)
    and its default markup on that price for its customers (5 % unless changed)."""
    if reseller.kind != OrganizationKind.RESELLER:
        raise _fail("reseller", f"{reseller} is a {reseller.kind}, not a reseller.")
    markup = _decimal(markup_percent, field="markup_percent")
    if price_list is not None:
        if price_list.kind != PriceListKind.RESELLER:
            raise _fail("price_list", f"{price_list} is not a provider-to-reseller price list.")
        if price_list.organization_id != reseller.parent_id:
            raise _fail("price_list", f"{price_list} belongs to another provider.")
    terms, _created, _changed = upsert(
        ResellerTerms,
        what="reseller terms",
        cache_namespace=CATALOG,
        lookup={"organization": reseller},
        values={"price_list": price_list, "markup_percent": markup},
    )
    return terms


@transaction.atomic
def exchange_rate_set(
    *,
    provider: Organization,
    base_currency: str,
    quote_currency: str,
    rate: Decimal | int | str,
    valid_from: dt.datetime,
) -> ExchangeRate:
    """From ``valid_from`` on, 1 ``base_currency`` = ``rate`` ``quote_currency`` for the
    provider's prices."""
    _require_provider(provider, field="provider")
    _currency(base_currency, field="base_currency")
    _currency(quote_currency, field="quote_currency")
    if base_currency == quote_currency:
        raise _fail("quote_currency", "A rate converts between two different currencies.")
    amount = _decimal(rate, field="rate")
    if amount <= 0:
        raise _fail("rate", "An exchange rate must be above zero.")
    if valid_from.tzinfo is None:
        raise _fail("valid_from", "valid_from must be an aware datetime (UTC).")
    exchange_rate, _created, _changed = upsert(
        ExchangeRate,
        what="exchange rate",
        cache_namespace=CATALOG,
        lookup={
            "organization": provider,
            "base_currency": base_currency,
            "quote_currency": quote_currency,
            "valid_from": valid_from,
        },
        values={"rate": amount},
    )
    return exchange_rate
