"""Reads of tenants and subscriptions, always scoped to the organization the caller acts for
(a customer sees its own; a reseller or provider acting inside a customer sees that
customer's, through ``require_role``)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from seatwise.core.errors import NotFoundError
from seatwise.subscriptions.models import Subscription, SubscriptionEvent, VendorAccount
from seatwise.tenancy.models import Organization
from seatwise.tenancy.selectors import require_role


class TenantNotFound(NotFoundError):
    code = "tenant_not_found"


class SubscriptionNotFound(NotFoundError):
    code = "subscription_not_found"


def account_list(*, user, organization: Organization) -> QuerySet[VendorAccount]:
    require_role(user=user, organization=organization)
    return VendorAccount.objects.filter(organization=organization).order_by("domain")


def account_get(*, user, organization: Organization, pk) -> VendorAccount:
    require_role(user=user, organization=organization)
    try:
        return VendorAccount.objects.get(organization=organization, pk=int(pk))
    except (VendorAccount.DoesNotExist, TypeError, ValueError):
        raise TenantNotFound("Tenant not found.") from None


def subscription_list(
    *, user, organization: Organization, account: VendorAccount | None = None
) -> QuerySet[Subscription]:
    require_role(user=user, organization=organization)
    found = Subscription.objects.filter(organization=organization).select_related(
        "account", "offer__product__vendor", "parent"
    )
    if account is not None:
        found = found.filter(account=account)
    return found.order_by("-created_at", "-pk")


def subscription_get(*, user, organization: Organization, pk) -> Subscription:
    require_role(user=user, organization=organization)
    try:
        return Subscription.objects.select_related(
            "account", "offer__product__vendor", "parent"
        ).get(organization=organization, pk=int(pk))
    except (Subscription.DoesNotExist, TypeError, ValueError):
        raise SubscriptionNotFound("Subscription not found.") from None


def subscription_events(*, subscription: Subscription) -> QuerySet[SubscriptionEvent]:
    return SubscriptionEvent.objects.filter(
        organization_id=subscription.organization_id, subscription=subscription
    ).order_by("-at", "-pk")


MONTHS = {"monthly": 1, "annual": 12, "triennial": 36}


@dataclass(frozen=True)
class SubscriptionCosts:
    """A subscription's money per month and per year (ALEF 2.3): the customer's price and
    the reseller's cost, from the unit prices of the billing plan it was sold on."""

    unit_cost: Decimal | None  # the customer's price per unit and billing period
    monthly: Decimal | None
    yearly: Decimal | None
    reseller_monthly: Decimal | None
    reseller_yearly: Decimal | None


def _per_month(unit: Decimal | None, plan: str, quantity: int) -> Decimal | None:
    if unit is None:
        return None
    months = MONTHS.get(plan, 1)
    return (unit * quantity / months).quantize(Decimal("0.01"))


def subscription_costs(subscription: Subscription) -> SubscriptionCosts:
    monthly = _per_month(subscription.unit_price, subscription.billing_plan, subscription.quantity)
    reseller = _per_month(
        subscription.partner_unit_price, subscription.billing_plan, subscription.quantity
    )
    return SubscriptionCosts(
        unit_cost=subscription.unit_price,
        monthly=monthly,
        yearly=monthly * 12 if monthly is not None else None,
        reseller_monthly=reseller,
        reseller_yearly=reseller * 12 if reseller is not None else None,
    )
