"""Output and input schemas of the tenants and subscriptions API. Amounts are strings
rounded to the currency's minor unit; a tenant never shows sign-in details."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema
from pydantic import ConfigDict

from seatwise.core.money import MINOR_UNITS, Money
from seatwise.core.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from seatwise.subscriptions.enums import AccountStatus, SubscriptionStatus
from seatwise.subscriptions.models import Subscription, SubscriptionEvent, VendorAccount
from seatwise.subscriptions.selectors import SubscriptionCosts

CENT = Decimal("0.01")


# --- tenants ----------------------------------------------------------------------------------


class TenantListQuery(Schema):
    page: int = Field(1, description="Page number, from 1.", json_schema_extra={"minimum": 1})
    page_size: int = Field(
        DEFAULT_PAGE_SIZE,
        description=f"Tenants per page, 1 to {MAX_PAGE_SIZE}.",
        json_schema_extra={"minimum": 1, "maximum": MAX_PAGE_SIZE},
    )


class TenantCreateIn(Schema):
    model_config = ConfigDict(extra="forbid")

    prefix: str = Field(
        ...,
        max_length=100,
        description="The new tenant's name: `<prefix>.onmicrosoft.com` (Latin letters and digits).",
        examples=["contoso2"],
    )


class TenantLinkIn(Schema):
    model_config = ConfigDict(extra="forbid")

    domain: str = Field(
        ...,
        max_length=255,
        description="The existing tenant's domain.",
        examples=["contoso.onmicrosoft.com"],
    )


class TenantOut(Schema):
    id: int
    vendor: str = Field(..., examples=["microsoft"])
    domain: str = Field(..., examples=["contoso.onmicrosoft.com"])
    company_name: str
    origin: str = Field(..., description="`created` (by us) or `linked` (the customer's own).")
    status: str = Field(
        ...,
        description=(
            f"{', '.join(f'`{s}`' for s in AccountStatus.values)}: a new tenant is `requested` "
            "until Microsoft creates it; a linked one is `link_pending` until its admin "
            "accepts the reseller relationship."
        ),
    )
    vendor_customer_id: str = Field(..., description="Microsoft's tenant id, once known.")
    last_error: str = Field(..., description="Microsoft's message if creating it failed.")
    created_at: dt.datetime
    activated_at: dt.datetime | None


class TenantPageOut(Schema):
    items: list[TenantOut]
    page: int
    page_size: int
    total: int
    pages: int


class TenantLinkOut(Schema):
    tenant: TenantOut
    relationship_url: str = Field(
        ...,
        description=(
            "The reseller relationship link: the tenant's admin opens it and accepts; "
            "then `POST /api/v1/tenants/{id}/check/` makes the tenant active."
        ),
    )


def tenant_out(account: VendorAccount) -> dict:
    # Deliberately no sign-in fields (administrator name, where the sign-in was sent).
    return {
        "id": account.pk,
        "vendor": account.vendor,
        "domain": account.domain,
        "company_name": account.company_name,
        "origin": account.origin,
        "status": account.status,
        "vendor_customer_id": account.vendor_customer_id,
        "last_error": account.last_error,
        "created_at": account.created_at,
        "activated_at": account.activated_at,
    }


# --- subscriptions ----------------------------------------------------------------------------


class SubscriptionListQuery(Schema):
    tenant_id: int | None = Field(
        None,
        description="Only the subscriptions in this tenant.",
        json_schema_extra={"minimum": 1},
    )
    status: str = Field(
        "",
        description=f"Only subscriptions in this status: {', '.join(SubscriptionStatus.values)}.",
    )
    page: int = Field(1, description="Page number, from 1.", json_schema_extra={"minimum": 1})
    page_size: int = Field(
        DEFAULT_PAGE_SIZE,
        description=f"Subscriptions per page, 1 to {MAX_PAGE_SIZE}.",
        json_schema_extra={"minimum": 1, "maximum": MAX_PAGE_SIZE},
    )


class TenantRefOut(Schema):
    id: int
    domain: str


class SubscriptionOut(Schema):
    id: int
    tenant: TenantRefOut
    vendor_subscription_id: str = Field(..., description="Microsoft's subscription id.")
    parent_id: int | None = Field(..., description="The base subscription of an add-on.")
    offer_id: int | None
    name: str
    offer_name: str
    quantity: int = Field(..., description="The licences on Seatwise's record.")
    assigned: int
    status: str = Field(
        ..., description=f"{', '.join(f'`{s}`' for s in SubscriptionStatus.values)}."
    )
    term: str = Field(..., examples=["P1Y"])
    billing_plan: str = Field(..., examples=["monthly"])
    auto_renew: bool
    currency: str
    unit_price: str | None = Field(..., description="The customer's price per licence and period.")
    created_at: dt.datetime
    term_end: dt.datetime | None
    cancellation_allowed_until: dt.datetime | None
    synced_at: dt.datetime | None = Field(..., description="Last compared with Microsoft.")
    vendor_quantity: int | None = Field(
        ...,
        description=(
            "Drift: the quantity Microsoft reports when it differs from `quantity` (never "
            "copied over the record until accepted)."
        ),
    )
    vendor_status: str = Field(
        ..., description="Drift: the status Microsoft reports when it differs; else empty."
    )
    drift_detected_at: dt.datetime | None = Field(
        ..., description="When the drift was seen; null when the record matches Microsoft."
    )


class SubscriptionPageOut(Schema):
    items: list[SubscriptionOut]
    page: int
    page_size: int
    total: int
    pages: int


class SubscriptionCostsOut(Schema):
    monthly: str | None = Field(..., description="The customer's price per month.")
    yearly: str | None = Field(..., description="The customer's price per year.")
    reseller_monthly: str | None = Field(
        ...,
        description=(
            "The reseller's cost per month; shown to reseller and provider staff only "
            "(null for the customer's own members)."
        ),
    )
    reseller_yearly: str | None = Field(
        ..., description="The reseller's cost per year; as `reseller_monthly`."
    )


class SubscriptionEventOut(Schema):
    kind: str = Field(
        ...,
        description="`created`, `found`, `drift`, `in_sync`, `drift_accepted`, …",
    )
    message: str
    at: dt.datetime


class SubscriptionDetailOut(SubscriptionOut):
    costs: SubscriptionCostsOut
    events: list[SubscriptionEventOut] = Field(..., description="Newest first.")


def _amount(value: Decimal | None, currency: str) -> str | None:
    if value is None:
        return None
    if currency in MINOR_UNITS:
        return format(Money(value, currency).quantize().amount, "f")
    return format(value.quantize(CENT), "f")


def subscription_out(subscription: Subscription) -> dict:
    """``subscription`` with its tenant (joined by the selectors)."""
    account = subscription.account
    return {
        "id": subscription.pk,
        "tenant": {"id": account.pk, "domain": account.domain},
        "vendor_subscription_id": subscription.vendor_subscription_id,
        "parent_id": subscription.parent_id,
        "offer_id": subscription.offer_id,
        "name": subscription.name,
        "offer_name": subscription.offer_name,
        "quantity": subscription.quantity,
        "assigned": subscription.assigned,
        "status": subscription.status,
        "term": subscription.term,
        "billing_plan": subscription.billing_plan,
        "auto_renew": subscription.auto_renew,
        "currency": subscription.currency,
        "unit_price": _amount(subscription.unit_price, subscription.currency),
        "created_at": subscription.created_at,
        "term_end": subscription.term_end,
        "cancellation_allowed_until": subscription.cancellation_allowed_until,
        "synced_at": subscription.synced_at,
        "vendor_quantity": subscription.vendor_quantity,
        "vendor_status": subscription.vendor_status,
        "drift_detected_at": subscription.drift_detected_at,
    }


def _event_out(event: SubscriptionEvent) -> dict:
    return {"kind": event.kind, "message": event.message, "at": event.at}


def subscription_detail_out(
    subscription: Subscription,
    *,
    costs: SubscriptionCosts,
    events: list[SubscriptionEvent],
    show_reseller_costs: bool,
) -> dict:
    currency = subscription.currency
    return {
        **subscription_out(subscription),
        "costs": {
            "monthly": _amount(costs.monthly, currency),
            "yearly": _amount(costs.yearly, currency),
            "reseller_monthly": (
                _amount(costs.reseller_monthly, currency) if show_reseller_costs else None
            ),
            "reseller_yearly": (
                _amount(costs.reseller_yearly, currency) if show_reseller_costs else None
            ),
        },
        "events": [_event_out(event) for event in events],
    }
