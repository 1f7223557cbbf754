"""Pricing writes: price lists, prices, reseller terms and exchange rates.

Every writer is an *upsert* keyed by a natural key: it creates the row when it is missing,
updates the fields whose values differ, and leaves the row alone (no UPDATE query, no
``save``) when everything already matches, so a loader can run it again and change nothing.
Amounts are ``Decimal`` (or an ``int`` or a decimal string); a float is refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from seatwise.catalog.models import Offer
from seatwise.core import clock
from seatwise.core.cache import CATALOG, generation_bump
from seatwise.core.errors import ValidationError
from seatwise.core.money import MINOR_UNITS, Money
from seatwise.core.upsert import upsert
from seatwise.pricing.calculations import MissingExchangeRate, convert
from seatwise.pricing.discounts import (
    CouponTerms,
    DiscountLine,
    coupon_discount,
    line_is_eligible,
)
from seatwise.pricing.enums import (
    DEFAULT_RESELLER_MARKUP_PERCENT,
    CouponKind,
    CouponScope,
    PriceListKind,
)
from seatwise.pricing.exceptions import (
    CouponAlreadyUsed,
    CouponExhausted,
    CouponExpired,
    CouponMinimumNotReached,
    CouponNotApplicable,
    CouponNotFound,
    CouponNotStarted,
    CouponWrongCurrency,
)
from seatwise.pricing.models import (
    Coupon,
    CouponRedemption,
    ExchangeRate,
    Price,
    PriceList,
    ResellerTerms,
    ShippingMethod,
    ShippingMethodPrice,
)
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


# --- Coupons ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CouponQuote:
    """A coupon that applies, and the discount it gives on the lines it was checked with."""

    coupon: Coupon
    discount: Money


def _coupon_terms(coupon: Coupon) -> CouponTerms:
    return CouponTerms(
        kind=coupon.kind,
        value=coupon.value,
        scope=coupon.scope,
        currency=coupon.currency,
        category_id=coupon.category_id,
        offer_id=coupon.offer_id,
    )


def _in_currency(amount: Money, currency: str, rates) -> Money | None:
    try:
        return convert(amount, to=currency, rates=rates or {})
    except MissingExchangeRate:
        return None


def _coupon_validate(
    *,
    coupon: Coupon,
    customer: Organization | None,
    subtotal: Money,
    lines: list[DiscountLine],
    at: dt.datetime,
    rates,
) -> Money:
    """The discount ``coupon`` gives, or the typed error that says why it does not apply."""
    if coupon.valid_from is not None and at < coupon.valid_from:
        raise CouponNotStarted(
            _("This coupon is not valid yet: it can be used from %(date)s.")
            % {"date": date_format(coupon.valid_from, "DATE_FORMAT")}
        )
    if coupon.valid_until is not None and at >= coupon.valid_until:
        raise CouponExpired(
            _("This coupon expired on %(date)s.")
            % {"date": date_format(coupon.valid_until, "DATE_FORMAT")}
        )
    if coupon.usage_limit is not None and coupon.times_used >= coupon.usage_limit:
        raise CouponExhausted(_("This coupon has been used up."))
    if customer is not None and coupon.per_customer_limit is not None:
        used = CouponRedemption.objects.filter(
            coupon=coupon, organization=customer, released_at__isnull=True
        ).count()
        if used >= coupon.per_customer_limit:
            raise CouponAlreadyUsed(
                _("You have already used this coupon.")
                if coupon.per_customer_limit == 1
                else _("You have already used this coupon %(count)s times, its limit.")
                % {"count": coupon.per_customer_limit}
            )
    if coupon.minimum_subtotal is not None:
        minimum = Money(coupon.minimum_subtotal, coupon.minimum_currency or subtotal.currency)
        local = _in_currency(minimum, subtotal.currency, rates)
        if local is None or subtotal < local:
            shown = local.quantize() if local is not None else minimum.quantize()
            raise CouponMinimumNotReached(
                _("This coupon needs a sub-total of at least %(minimum)s.") % {"minimum": shown},
                details={"minimum": str(shown)},
            )
    terms = _coupon_terms(coupon)
    if coupon.kind == CouponKind.FIXED and coupon.currency != subtotal.currency:
        local = _in_currency(Money(coupon.value, coupon.currency), subtotal.currency, rates)
        if local is None:
            raise CouponWrongCurrency(
                _("This coupon can only be used for purchases in %(currency)s.")
                % {"currency": coupon.currency}
            )
        terms = replace(terms, value=local.amount, currency=subtotal.currency)
    if not any(line_is_eligible(terms, line) for line in lines):
        raise CouponNotApplicable(_("This coupon does not apply to any item in your cart."))
    return coupon_discount(terms=terms, lines=lines, currency=subtotal.currency)


def _coupon_find(*, code: str, seller: Organization | None, lock: bool = False) -> Coupon:
    code = (code or "").strip()
    queryset = Coupon.objects.filter(organization=seller, code__iexact=code, is_active=True)
    if lock:
        queryset = queryset.select_for_update()
    coupon = queryset.first() if code and seller is not None else None
    if coupon is None:
        raise CouponNotFound(_("This coupon code is not valid."))
    return coupon


def coupon_check(
    *,
    code: str,
    customer: Organization | None,
    seller: Organization | None,
    subtotal: Money,
    lines: list[DiscountLine],
    at: dt.datetime | None = None,
    rates=None,
) -> CouponQuote:
    """Whether ``code`` from ``seller`` applies to these lines for ``customer`` (None for a
    visitor: the per-customer limit is checked again at redemption) and its discount.
    Raises a ``CouponError`` subclass whose message says why not."""
    coupon = _coupon_find(code=code, seller=seller)
    discount = _coupon_validate(
        coupon=coupon,
        customer=customer,
        subtotal=subtotal,
        lines=lines,
        at=at or clock.now(),
        rates=rates,
    )
    return CouponQuote(coupon=coupon, discount=discount)


def coupon_redeem(
    *,
    code: str,
    customer: Organization,
    seller: Organization | None,
    subtotal: Money,
    lines: list[DiscountLine],
    order_reference: str,
    at: dt.datetime | None = None,
    rates=None,
) -> CouponRedemption:
    """Count one use of ``code`` for ``customer``'s order. The coupon row is locked and every
    limit checked again inside the lock, so two buyers racing for the last use cannot both
    get it. Calling again for the same order returns the first redemption."""
    moment = at or clock.now()
    with transaction.atomic():
        coupon = _coupon_find(code=code, seller=seller, lock=True)
        done = CouponRedemption.objects.filter(
            coupon=coupon, order_reference=order_reference
        ).first()
        if done is not None:
            return done
        _coupon_validate(
            coupon=coupon,
            customer=customer,
            subtotal=subtotal,
            lines=lines,
            at=moment,
            rates=rates,
        )
        redemption = CouponRedemption.objects.create(
            organization=customer,
            coupon=coupon,
            order_reference=order_reference,
            redeemed_at=moment,
        )
        coupon.times_used += 1
        coupon.save(update_fields=["times_used"])
    return redemption


def coupon_release(
    *, customer: Organization, order_reference: str, at: dt.datetime | None = None
) -> int:
    """Give back the coupon uses of ``customer``'s cancelled order ``order_reference``: each
    redemption is marked released and its coupon's use count goes down by one, under the
    coupon's row lock. Idempotent: a released use is not released again. Returns how many
    uses were given back."""
    moment = at or clock.now()
    released = 0
    with transaction.atomic():
        redemptions = CouponRedemption.objects.filter(
            organization=customer, order_reference=order_reference, released_at__isnull=True
        ).select_for_update()
        for redemption in redemptions:
            coupon = Coupon.objects.select_for_update().get(pk=redemption.coupon_id)
            coupon.times_used = max(coupon.times_used - 1, 0)
            coupon.save(update_fields=["times_used"])
            redemption.released_at = moment
            redemption.save(update_fields=["released_at"])
            released += 1
    return released


@transaction.atomic
def coupon_upsert(
    *,
    organization: Organization,
    code: str,
    kind: str,
    value: Decimal | int | str,
    currency: str = "",
    minimum_subtotal: Decimal | int | str | None = None,
    minimum_currency: str = "",
    usage_limit: int | None = None,
    per_customer_limit: int | None = None,
) -> Coupon:
    """Create or update an order-wide coupon of ``organization`` (a provider or reseller) by
    its code, writing nothing when it already matches (the demo data and imports use it)."""
    if organization.kind == OrganizationKind.CUSTOMER:
        raise _fail("organization", "Only a provider or a reseller issues coupons.")
    code = (code or "").strip().upper()
    if not code:
        raise _fail("code", "A coupon needs a code.")
    coupon, _created, _changed = upsert(
        Coupon,
        what="coupon",
        lookup={"organization": organization, "code": code},
        values={
            "kind": kind,
            "value": _decimal(value, field="value"),
            "currency": currency,
            "scope": CouponScope.ORDER,
            "minimum_subtotal": None
            if minimum_subtotal is None
            else _decimal(minimum_subtotal, field="minimum_subtotal"),
            "minimum_currency": minimum_currency,
            "usage_limit": usage_limit,
            "per_customer_limit": per_customer_limit,
            "is_active": True,
        },
    )
    return coupon


# --- Shipping methods ------------------------------------------------------------------------


@transaction.atomic
def shipping_method_upsert(
    *,
    provider: Organization,
    name: str,
    prices: Mapping[str, Decimal | int | str],
    is_active: bool = True,
    position: int = 0,
) -> ShippingMethod:
    """Create or update the provider's shipping method ``name`` with its price in each
    currency of ``prices`` (a price in a currency not listed is removed). Writes nothing
    when everything already matches."""
    _require_provider(provider, field="provider")
    name = " ".join(str(name or "").split())
    if not name:
        raise _fail("name", "A shipping method needs a name.")
    if not prices:
        raise _fail("prices", "A shipping method needs a price in at least one currency.")
    amounts = {}
    for currency, amount in prices.items():
        value = _decimal(amount, field="prices")
        if value < 0:
            raise _fail("prices", f"The price in {currency} cannot be negative.")
        amounts[_currency(currency, field="prices")] = value
    method, _created, _changed = upsert(
        ShippingMethod,
        what="shipping method",
        lookup={"organization": provider, "name": name},
        values={"is_active": bool(is_active), "position": position},
        # The checkout caches the shipping quotes under the catalogue's generation.
        cache_namespace=CATALOG,
    )
    for currency, value in amounts.items():
        upsert(
            ShippingMethodPrice,
            what="shipping method price",
            lookup={"method": method, "currency": currency},
            values={"organization_id": provider.pk, "amount": value},
            cache_namespace=CATALOG,
        )
    removed, _by_model = method.prices.exclude(currency__in=list(amounts)).delete()
    if removed:
        generation_bump(name=CATALOG)
    return method
