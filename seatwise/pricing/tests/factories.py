"""Test factories for price lists and prices."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from seatwise.catalog.models import Offer
from seatwise.core.cache import generation_bump
from seatwise.pricing.enums import PriceListKind
from seatwise.pricing.models import ExchangeRate, Price, PriceList, ResellerTerms
from seatwise.tenancy.models import Organization


def make_price_list(provider: Organization, kind: str = PriceListKind.COST, **extra) -> PriceList:
    extra.setdefault("is_default", True)
    extra.setdefault("name", f"{provider.name} {kind}")
    generation_bump()  # as the services do: cached catalogue reads see the change
    return PriceList.objects.create(organization=provider, kind=kind, **extra)


def make_price(
    price_list: PriceList,
    offer: Offer,
    cost: str | Decimal,
    erp: str | Decimal | None = None,
    *,
    billing_plan: str = "monthly",
    currency: str | None = None,
) -> Price:
    generation_bump()  # as the services do: cached catalogue reads see the change
    return Price.objects.create(
        organization_id=price_list.organization_id,
        price_list=price_list,
        offer=offer,
        currency=currency or price_list.currency,
        billing_plan=billing_plan,
        cost=Decimal(cost),
        erp=Decimal(erp if erp is not None else cost),
    )


def make_reseller_terms(
    reseller: Organization, markup: str = "5", price_list: PriceList | None = None
) -> ResellerTerms:
    generation_bump()  # as the services do: cached catalogue reads see the change
    return ResellerTerms.objects.create(
        organization=reseller, markup_percent=Decimal(markup), price_list=price_list
    )


def make_rate(provider: Organization, quote: str, rate: str, base: str = "USD") -> ExchangeRate:
    generation_bump()  # as the services do: cached catalogue reads see the change
    return ExchangeRate.objects.create(
        organization=provider,
        base_currency=base,
        quote_currency=quote,
        rate=Decimal(rate),
        valid_from=dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
    )
