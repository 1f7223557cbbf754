"""Tenants and subscriptions API: the customer's Microsoft tenants (a new one asked for, an
existing one linked through the reseller relationship link) and the subscriptions in them,
with their costs, drift from Microsoft and history.

Mounted by ``config.api`` under ``/api/v1/tenants/`` and ``/api/v1/subscriptions/``.
Authentication: an API key (``X-API-Key``) or the browser session; everything is scoped to
the organization the caller acts for (``api_organization``): another organization's tenant
or subscription is a 404 (``tenant_not_found``, ``subscription_not_found``). Reading needs
any role; asking for, linking or checking a tenant needs a managing or technical role
(``TENANT_ROLES``) and accepting drift a managing role, else a 403 ``role_required``. Every
POST honours ``Idempotency-Key``. A tenant never shows sign-in details: the new tenant's
administrator sign-in is e-mailed once to the customer's primary contact and kept nowhere.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Query, Router

from seatwise.connectors.exceptions import InvalidTenantDomain, TenantDomainTaken
from seatwise.core.errors import ApplicationError, ValidationError
from seatwise.core.idempotency import IdempotencyKeyHeader, idempotent
from seatwise.core.pagination import page_body, paginate, parse_page
from seatwise.core.schemas import ErrorOut
from seatwise.subscriptions import selectors, services
from seatwise.subscriptions.enums import SubscriptionStatus
from seatwise.subscriptions.schemas import (
    SubscriptionDetailOut,
    SubscriptionListQuery,
    SubscriptionPageOut,
    TenantCreateIn,
    TenantLinkIn,
    TenantLinkOut,
    TenantListQuery,
    TenantOut,
    TenantPageOut,
    subscription_detail_out,
    subscription_out,
    tenant_out,
)
from seatwise.tenancy.api_auth import (
    api_organization,
    api_organization_required,
    session_or_api_key,
)
from seatwise.tenancy.models import Organization
from seatwise.tenancy.selectors import acting_from_organization, require_role

tenants_router = Router(tags=["tenants"], auth=session_or_api_key())
router = Router(tags=["subscriptions"], auth=session_or_api_key())

ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
# 503: Microsoft could not answer now (``connector_unavailable``) or no connection to it is
# configured (``connector_not_configured``); nothing was written, retry later.
WRITE_ERRORS = {**ERRORS, 409: ErrorOut, 422: ErrorOut, 503: ErrorOut}


def _named_prefix(exc: ApplicationError) -> ApplicationError:
    """The services name the tenant's ``domain``; the body of a new tenant names ``prefix``."""
    details = {**exc.details, "field": "prefix"} if "field" in exc.details else exc.details
    return type(exc)(exc.message, code=exc.code, details=details)


# --- tenants ----------------------------------------------------------------------------------


@tenants_router.get(
    "/",
    response={200: TenantPageOut, **ERRORS},
    summary="List the organization's Microsoft tenants",
    url_name="tenant_list",
)
def tenant_list(request, filters: Query[TenantListQuery]):
    """The tenants of the organization the caller acts for, by domain."""
    page_request = parse_page(filters.page, filters.page_size)
    accounts = selectors.account_list(
        user=request.user, organization=api_organization_required(request)
    )
    rows, total = paginate(accounts, page_request)
    return page_body(page_request, [tenant_out(account) for account in rows], total)


@tenants_router.post(
    "/",
    response={201: TenantOut, 200: TenantOut, **WRITE_ERRORS},
    summary="Ask for a new tenant <prefix>.onmicrosoft.com",
    url_name="tenant_create",
)
@idempotent(organization=api_organization)
def tenant_create(request, payload: TenantCreateIn, idempotency_key: IdempotencyKeyHeader = None):
    """The name is checked with Microsoft first; the tenant is recorded as ``requested``
    (``201``) and created at Microsoft right after, its administrator sign-in e-mailed once
    to the customer's primary contact. A taken name is a 409 ``tenant_domain_taken`` with
    free names in ``details.suggestions``; a malformed one a 400 ``invalid_tenant_domain``
    (``details.field`` is ``prefix``). A replay with the same ``Idempotency-Key`` answers
    the same tenant (``200``)."""
    organization = api_organization_required(request)
    try:
        account = services.tenant_request(
            actor=request.user, organization=organization, prefix=payload.prefix, request=request
        )
    except (InvalidTenantDomain, TenantDomainTaken) as exc:
        raise _named_prefix(exc) from None
    return 201, TenantOut(**tenant_out(account))


@tenants_router.post(
    "/link/",
    response={201: TenantLinkOut, 200: TenantLinkOut, **WRITE_ERRORS},
    summary="Link the customer's existing tenant",
    url_name="tenant_link",
)
@idempotent(organization=api_organization)
def tenant_link(request, payload: TenantLinkIn, idempotency_key: IdempotencyKeyHeader = None):
    """Records the tenant as ``link_pending`` and answers the reseller relationship link
    (``relationship_url``) its admin opens to accept; ``POST /api/v1/tenants/{id}/check/``
    (or the periodic check) then makes it ``active``. A domain another customer holds is a
    409 ``tenant_not_ours``; linking a domain already on record answers that tenant."""
    started = services.tenant_link_start(
        actor=request.user,
        organization=api_organization_required(request),
        domain=payload.domain,
        request=request,
    )
    return 201, TenantLinkOut(tenant=tenant_out(started.account), relationship_url=started.url)


@tenants_router.get(
    "/{tenant_id}/",
    response={200: TenantOut, **ERRORS},
    summary="Get a tenant",
    url_name="tenant_get",
)
def tenant_get(request, tenant_id: int):
    account = selectors.account_get(
        user=request.user, organization=api_organization_required(request), pk=tenant_id
    )
    return tenant_out(account)


@tenants_router.post(
    "/{tenant_id}/check/",
    response={200: TenantOut, **WRITE_ERRORS},
    summary="Check whether the tenant's admin accepted the relationship",
    url_name="tenant_link_check",
)
@idempotent(organization=api_organization)
def tenant_link_check(request, tenant_id: int, idempotency_key: IdempotencyKeyHeader = None):
    """Asks Microsoft whether a ``link_pending`` tenant is now among the partner's
    customers (it becomes ``active``); any other tenant is answered as it is."""
    organization = api_organization_required(request)
    require_role(user=request.user, organization=organization, roles=services.TENANT_ROLES)
    account = selectors.account_get(user=request.user, organization=organization, pk=tenant_id)
    return 200, TenantOut(**tenant_out(services.tenant_link_check(account_id=account.pk)))


# --- subscriptions ----------------------------------------------------------------------------


def _detail(request, organization: Organization, subscription_id: int) -> dict:
    subscription = selectors.subscription_get(
        user=request.user, organization=organization, pk=subscription_id
    )
    # The reseller's cost is for the reseller's and the provider's staff acting inside the
    # customer, not for the customer's own members.
    staff = acting_from_organization(user=request.user, organization=organization) is not None
    return subscription_detail_out(
        subscription,
        costs=selectors.subscription_costs(subscription),
        events=list(selectors.subscription_events(subscription=subscription)),
        show_reseller_costs=staff,
    )


@router.get(
    "/",
    response={200: SubscriptionPageOut, **ERRORS},
    summary="List the organization's subscriptions",
    url_name="subscription_list",
)
def subscription_list(request, filters: Query[SubscriptionListQuery]):
    """Newest first; ``tenant_id`` keeps one tenant's (another organization's tenant is a
    404 ``tenant_not_found``), ``status`` one status."""
    page_request = parse_page(filters.page, filters.page_size)
    if filters.status and filters.status not in SubscriptionStatus.values:
        raise ValidationError(
            _("Unknown subscription status."),
            code="invalid_status",
            details={"field": "status", "allowed": list(SubscriptionStatus.values)},
        )
    organization = api_organization_required(request)
    account = None
    if filters.tenant_id is not None:
        account = selectors.account_get(
            user=request.user, organization=organization, pk=filters.tenant_id
        )
    subscriptions = selectors.subscription_list(
        user=request.user, organization=organization, account=account
    )
    if filters.status:
        subscriptions = subscriptions.filter(status=filters.status)
    rows, total = paginate(subscriptions, page_request)
    return page_body(page_request, [subscription_out(s) for s in rows], total)


@router.get(
    "/{subscription_id}/",
    response={200: SubscriptionDetailOut, **ERRORS},
    summary="Get a subscription with its costs, drift and history",
    url_name="subscription_get",
)
def subscription_get(request, subscription_id: int):
    return _detail(request, api_organization_required(request), subscription_id)


@router.post(
    "/{subscription_id}/accept-drift/",
    response={200: SubscriptionDetailOut, **WRITE_ERRORS},
    summary="Take Microsoft's quantity and status as the record",
    url_name="subscription_drift_accept",
)
@idempotent(organization=api_organization)
def subscription_drift_accept(
    request, subscription_id: int, idempotency_key: IdempotencyKeyHeader = None
):
    """The drift Microsoft reported (``vendor_quantity``, ``vendor_status``) becomes the
    record, logged as an event and in the audit log; a subscription without drift is
    answered unchanged. Needs a managing role."""
    organization = api_organization_required(request)
    subscription = selectors.subscription_get(
        user=request.user, organization=organization, pk=subscription_id
    )
    services.subscription_drift_accept(
        actor=request.user, subscription=subscription, request=request
    )
    return 200, SubscriptionDetailOut(**_detail(request, organization, subscription_id))
