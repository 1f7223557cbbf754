"""My account → Microsoft subscriptions (SMART cloud guide 7, 7.1): the customer's
subscriptions with their state, quantity, creation date, price and total, and one
subscription's details and event log. Reseller or provider staff acting inside the customer
see the reseller's columns instead (ALEF manual 2.3: term end, assigned and purchased seats,
add-ons, vendor, type, the customer's unit cost and monthly / yearly cost, and the reseller's
monthly / yearly cost). A subscription whose quantity or state changed at Microsoft (drift)
is flagged; a manager takes Microsoft's values with *Use Microsoft's values*. Thin views over
``subscriptions.selectors`` and ``subscriptions.services``; another organization's
subscription is a 404."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from seatwise.catalog.enums import BillingPlan, Term
from seatwise.core import clock
from seatwise.core.errors import ApplicationError
from seatwise.core.money import MINOR_UNITS, Money
from seatwise.subscriptions.enums import SubscriptionStatus
from seatwise.subscriptions.models import Subscription
from seatwise.subscriptions.selectors import (
    subscription_costs,
    subscription_events,
    subscription_get,
    subscription_list,
)
from seatwise.subscriptions.services import subscription_drift_accept
from seatwise.tenancy.enums import MANAGING_ROLES
from seatwise.tenancy.exceptions import OrganizationNotFound
from seatwise.tenancy.selectors import acting_from_organization, require_role
from seatwise.web.errors import render_error
from seatwise.web.formatting import format_money
from seatwise.web.shop import shop_for

SUBSCRIPTION_BADGES = {
    SubscriptionStatus.ACTIVE: "text-bg-success",
    SubscriptionStatus.PENDING: "text-bg-info",
    SubscriptionStatus.SUSPENDED: "text-bg-warning",
    SubscriptionStatus.DELETED: "text-bg-secondary",
    SubscriptionStatus.EXPIRED: "text-bg-secondary",
    SubscriptionStatus.DISABLED: "text-bg-danger",
}


def subscription_badge(status: str) -> str:
    return SUBSCRIPTION_BADGES.get(status, "text-bg-light")


def _messages() -> dict[str, str]:
    return {
        "organization_not_found": _("You do not act for an organization yet."),
        "subscription_not_found": _("This subscription does not exist or is not yours."),
        "role_required": _(
            "Your role in this organization does not allow changing its subscriptions."
        ),
    }


def _label(choices, value: str) -> str:
    return choices(value).label if value in choices.values else value


def _status_label(value: str) -> str:
    return _label(SubscriptionStatus, value)


def _money(amount: Decimal | None, currency: str) -> str:
    """``$6.56``; empty when the amount is not known."""
    if amount is None:
        return ""
    if currency in MINOR_UNITS:
        return format_money(Money(amount, currency))
    return f"{amount.quantize(Decimal('0.01'))} {currency}".strip()


@dataclass(frozen=True)
class SubscriptionRow:
    subscription: Subscription
    badge: str
    is_addon: bool
    addons: int  # how many add-ons a base subscription has
    price: str  # the customer's price of one unit for one billing period
    total: str  # price × quantity
    vendor: str
    kind: str
    trial: bool
    unit_cost: str
    monthly: str
    yearly: str
    reseller_monthly: str
    reseller_yearly: str


def _vendor(subscription: Subscription) -> str:
    offer = subscription.offer
    if offer is not None:
        return offer.product.vendor.name
    return subscription.account.vendor.capitalize()


def _kind(subscription: Subscription) -> str:
    offer = subscription.offer
    if offer is None:
        return ""
    return _("Trial") if offer.is_trial else offer.get_unit_type_display()


def _row(subscription: Subscription, *, is_addon: bool = False, addons: int = 0):
    costs = subscription_costs(subscription)
    currency = subscription.currency
    total = (
        subscription.unit_price * subscription.quantity
        if subscription.unit_price is not None
        else None
    )
    return SubscriptionRow(
        subscription=subscription,
        badge=subscription_badge(subscription.status),
        is_addon=is_addon,
        addons=addons,
        price=_money(subscription.unit_price, currency),
        total=_money(total, currency),
        vendor=_vendor(subscription),
        kind=_kind(subscription),
        trial=bool(subscription.offer and subscription.offer.is_trial),
        unit_cost=_money(costs.unit_cost, currency),
        monthly=_money(costs.monthly, currency),
        yearly=_money(costs.yearly, currency),
        reseller_monthly=_money(costs.reseller_monthly, currency),
        reseller_yearly=_money(costs.reseller_yearly, currency),
    )


def _rows(found: list[Subscription]) -> list[SubscriptionRow]:
    """Base subscriptions in the selector's order, each followed by its add-ons."""
    ids = {s.pk for s in found}
    addons: dict[int, list[Subscription]] = defaultdict(list)
    for subscription in found:
        if subscription.parent_id in ids:
            addons[subscription.parent_id].append(subscription)
    rows = []
    for subscription in found:
        if subscription.parent_id in ids:
            continue
        rows.append(_row(subscription, addons=len(addons[subscription.pk])))
        rows.extend(_row(addon, is_addon=True) for addon in addons[subscription.pk])
    return rows


def _organization(request):
    organization = shop_for(request).viewer
    if organization is None:
        raise OrganizationNotFound("No organization.")
    return organization


def _is_staff(request, organization) -> bool:
    """Reseller or provider staff acting inside the customer (they see the costs)."""
    return acting_from_organization(user=request.user, organization=organization) is not None


def _may_accept_drift(request, organization) -> bool:
    try:
        require_role(user=request.user, organization=organization, roles=MANAGING_ROLES)
    except ApplicationError:
        return False
    return True


@login_required
@require_GET
def subscriptions(request):
    try:
        organization = _organization(request)
        found = list(subscription_list(user=request.user, organization=organization))
    except ApplicationError as exc:
        return render_error(request, exc, _messages())
    return render(
        request,
        "web/subscriptions/subscriptions.html",
        {
            "organization": organization,
            "rows": _rows(found),
            "staff": _is_staff(request, organization),
        },
    )


@login_required
@require_GET
def subscription_detail(request, pk: int):
    try:
        organization = _organization(request)
        subscription = subscription_get(user=request.user, organization=organization, pk=pk)
    except ApplicationError as exc:
        return render_error(request, exc, _messages())
    drift = ""
    if subscription.has_drift:
        drift = _(
            "Microsoft reports %(vendor_quantity)s seats / status %(vendor_status)s; "
            "Seatwise has %(quantity)s / %(status)s."
        ) % {
            "vendor_quantity": (
                subscription.vendor_quantity if subscription.vendor_quantity is not None else "—"
            ),
            "vendor_status": _status_label(subscription.vendor_status or subscription.status),
            "quantity": subscription.quantity,
            "status": subscription.get_status_display(),
        }
    until = subscription.cancellation_allowed_until
    return render(
        request,
        "web/subscriptions/subscription_detail.html",
        {
            "organization": organization,
            "subscription": subscription,
            "row": _row(subscription),
            "badge": subscription_badge(subscription.status),
            "staff": _is_staff(request, organization),
            "drift": drift,
            "may_accept_drift": _may_accept_drift(request, organization),
            "cancellable": until is not None and until > clock.now(),
            "term": _label(Term, subscription.term),
            "billing_plan": _label(BillingPlan, subscription.billing_plan),
            "addons": [
                _row(addon, is_addon=True)
                for addon in subscription_list(
                    user=request.user, organization=organization, account=subscription.account
                )
                if addon.parent_id == subscription.pk
            ],
            "events": list(subscription_events(subscription=subscription)),
        },
    )


@login_required
@require_POST
def subscription_drift_accept_view(request, pk: int):
    """*Use Microsoft's values*: a manager makes Microsoft's quantity and state the record."""
    try:
        organization = _organization(request)
        subscription = subscription_get(user=request.user, organization=organization, pk=pk)
        accepted = subscription_drift_accept(
            actor=request.user, subscription=subscription, request=request
        )
    except ApplicationError as exc:
        return render_error(request, exc, _messages())
    messages.success(
        request,
        _("Microsoft's values are now the record: %(quantity)s seats, %(status)s.")
        % {"quantity": accepted.quantity, "status": accepted.get_status_display()},
    )
    return redirect("web:subscription_detail", pk=accepted.pk)
