"""Tenants (a customer's accounts at Microsoft) and the subscriptions in them.

Vendor calls go through the connector ports (``connectors.ports``) and never run under a
database lock: a row is read, the vendor is asked (with the request id stored on the row, so a
repeat is the same operation), then the answer is written under the row's lock, where a
second writer that got there first wins and the answer is dropped.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from seatwise.audit.enums import AuditEventType
from seatwise.audit.services import audit_record
from seatwise.catalog.models import Offer
from seatwise.connectors.domains import SUFFIX, prefix_normalize, prefix_validate
from seatwise.connectors.exceptions import (
    ConnectorUnavailable,
    InvalidTenantDomain,
    TenantDomainTaken,
    VendorError,
)
from seatwise.connectors.ports import MicrosoftCustomers, MicrosoftSubscriptions
from seatwise.connectors.registry import MICROSOFT, connector_for
from seatwise.connectors.selectors import tenant_domain_check
from seatwise.connectors.vendor import NewCustomer, VendorSubscription
from seatwise.core import clock
from seatwise.core.errors import ApplicationError, ConflictError, ValidationError
from seatwise.core.events import enqueue_after_commit
from seatwise.notifications.services import notification_send
from seatwise.subscriptions.enums import AccountOrigin, AccountStatus, SubscriptionStatus
from seatwise.subscriptions.models import Subscription, SubscriptionEvent, VendorAccount
from seatwise.subscriptions.notifications import TENANT_CREATED
from seatwise.tenancy.enums import MANAGING_ROLES, OrganizationKind, Role
from seatwise.tenancy.models import Organization
from seatwise.tenancy.selectors import (
    organization_primary_contact,
    organization_provider,
    require_role,
)

logger = logging.getLogger(__name__)

# Who may add or link a tenant: the customer's owners, account managers and technical staff
# (and, through ``require_role``, the reseller's or provider's managers acting inside it).
TENANT_ROLES = MANAGING_ROLES | {Role.TECHNICAL}


class TenantNotOurs(ConflictError):
    code = "tenant_not_ours"


class TenantNotReady(ConnectorUnavailable):
    """The tenant cannot take a purchase yet (its link awaits the customer): retry later."""

    code = "tenant_not_ready"


def _microsoft(organization: Organization):
    provider = organization_provider(organization=organization)
    return connector_for(MICROSOFT, provider=provider)


def _customers(organization: Organization) -> MicrosoftCustomers:
    connector = _microsoft(organization)
    if not isinstance(connector, MicrosoftCustomers):
        raise ConnectorUnavailable(
            _("No connection to Microsoft is configured; tenants cannot be created now."),
            code="connector_not_configured",
        )
    return connector


def subscriptions_connector(*, organization: Organization) -> MicrosoftSubscriptions:
    connector = _microsoft(organization)
    if not isinstance(connector, MicrosoftSubscriptions):
        raise ConnectorUnavailable(
            _("No connection to Microsoft is configured; nothing can be provisioned now."),
            code="connector_not_configured",
        )
    return connector


def _domain_full(value: str) -> str:
    """``contoso`` or ``Contoso.onmicrosoft.com`` -> ``contoso.onmicrosoft.com``; another
    domain (an existing tenant's custom one) in lower case."""
    text = str(value or "").strip().lower()
    if not text:
        return ""
    return text if "." in text else f"{text}{SUFFIX}"


def _event(subscription: Subscription, kind: str, message: str = "") -> None:
    SubscriptionEvent.objects.create(
        organization_id=subscription.organization_id,
        subscription=subscription,
        kind=kind,
        message=message[:500],
        at=clock.now(),
    )


def _check_customer(organization: Organization) -> None:
    if organization.kind != OrganizationKind.CUSTOMER:
        raise ValidationError(_("Only a customer has Microsoft tenants."))


# --- Tenants ----------------------------------------------------------------------------------


def account_for_domain(
    *, organization: Organization, domain: str, requested_by=None
) -> VendorAccount:
    """The customer's tenant ``domain``, recorded as *to be created* if it is not on record
    (a Microsoft line naming a new tenant: created at provisioning). A domain on record for
    another customer is refused."""
    _check_customer(organization)
    name = _domain_full(domain)
    if not name:
        raise InvalidTenantDomain(_("Name the Microsoft tenant."), details={"field": "domain"})
    account, _created = VendorAccount.objects.get_or_create(
        vendor=MICROSOFT,
        domain=name,
        defaults={
            "organization": organization,
            "company_name": organization.legal_name or organization.name,
            "requested_by": requested_by,
            "created_at": clock.now(),
        },
    )
    if account.organization_id != organization.pk:
        raise TenantNotOurs(
            _("The tenant %(domain)s belongs to another customer.") % {"domain": name},
            details={"field": "domain"},
        )
    return account


@transaction.atomic
def tenant_request(*, actor, organization: Organization, prefix: str, request=None):
    """A new tenant ``<prefix>.onmicrosoft.com`` for the customer, created by the worker
    right after (its admin sign-in e-mailed once to the customer's primary contact). The
    name is checked with Microsoft first; a taken one is refused with free suggestions."""
    _check_customer(organization)
    require_role(user=actor, organization=organization, roles=TENANT_ROLES)
    prefix = prefix_validate(prefix)
    check = tenant_domain_check(prefix=prefix, country=str(organization.country or ""))
    if not check.available or VendorAccount.objects.filter(domain=check.domain).exists():
        raise TenantDomainTaken(
            _("%(domain)s is taken.") % {"domain": check.domain},
            details={"field": "domain", "suggestions": list(check.suggestions)},
        )
    account = VendorAccount.objects.create(
        organization=organization,
        vendor=MICROSOFT,
        domain=check.domain,
        company_name=organization.legal_name or organization.name,
        origin=AccountOrigin.CREATED,
        status=AccountStatus.REQUESTED,
        requested_by=actor,
        created_at=clock.now(),
    )
    audit_record(
        organization=organization,
        actor=actor,
        event=AuditEventType.TENANT_REQUESTED,
        details={"domain": account.domain},
        request=request,
    )
    from seatwise.subscriptions.tasks import tenant_create_task  # tasks call services

    enqueue_after_commit(tenant_create_task, account.pk)
    return account


def _tenants_url() -> str:
    return settings.SEATWISE_PUBLIC_URL.rstrip("/") + "/account/tenants/"


def _new_customer(account: VendorAccount) -> tuple[NewCustomer, object]:
    organization = account.organization
    contact = organization_primary_contact(organization=organization)
    first, last = "", ""
    email = ""
    if contact is not None:
        first = (getattr(contact, "first_name", "") or "").strip()
        last = (getattr(contact, "last_name", "") or "").strip()
        email = contact.email
    provider = organization_provider(organization=organization)
    reseller_id = ""
    if organization.parent_id and organization.parent_id != provider.pk:
        reseller_id = getattr(organization.parent, "partner_id", "") or ""
    customer = NewCustomer(
        domain_prefix=prefix_normalize(account.domain),
        company_name=(organization.legal_name or organization.name)[:250],
        email=email or settings.DEFAULT_FROM_EMAIL,
        first_name=(first or organization.name)[:50],
        last_name=(last or "Admin")[:50],
        address_line1=(organization.address_line1 or "-")[:200],
        address_line2=organization.address_line2[:200],
        city=organization.city or "-",
        postal_code=organization.postal_code or "-",
        country=str(organization.country or "US").upper(),
        phone=str(organization.phone or ""),
        registration_number=organization.tax_number,
        reseller_partner_id=reseller_id,
    )
    return customer, contact


def tenant_create_at_vendor(*, account_id: int) -> VendorAccount:
    """Create the requested tenant at Microsoft (idempotent: the account's own request id
    goes with every attempt, so a repeat never makes a second tenant), then mark it active
    and e-mail its admin sign-in, once, to the primary contact. Raises
    ``ConnectorUnavailable`` to be retried, ``VendorError`` when Microsoft refuses (kept as
    the account's last error)."""
    account = VendorAccount.objects.select_related("organization__parent").get(pk=account_id)
    if account.status == AccountStatus.ACTIVE:
        return account
    if account.origin != AccountOrigin.CREATED:
        raise TenantNotReady(
            _("The tenant %(domain)s waits for the customer to accept the relationship.")
            % {"domain": account.domain}
        )
    customer, contact = _new_customer(account)
    connector = _customers(account.organization)
    try:
        created = connector.customer_create(request_id=str(account.request_id), customer=customer)
    except TenantDomainTaken:
        # Taken: by this partner already (an attempt whose answer was lost long ago, or a
        # demo database rebuilt beside a sandbox that kept its tenants), then it is ours;
        # by anyone else, the name is gone.
        found = connector.customer_find(domain=account.domain)
        if found is None or found.relationship in ("", "none"):
            VendorAccount.objects.filter(pk=account.pk).exclude(status=AccountStatus.ACTIVE).update(
                status=AccountStatus.FAILED,
                last_error=_("%(domain)s was taken by someone else.") % {"domain": account.domain},
            )
            raise
        created = found
    except VendorError as error:
        VendorAccount.objects.filter(pk=account.pk).exclude(status=AccountStatus.ACTIVE).update(
            status=AccountStatus.FAILED, last_error=error.message[:2000]
        )
        raise
    with transaction.atomic():
        locked = VendorAccount.objects.select_for_update().get(pk=account.pk)
        if locked.status == AccountStatus.ACTIVE:
            return locked
        now = clock.now()
        locked.status = AccountStatus.ACTIVE
        locked.vendor_customer_id = created.customer_id
        locked.admin_username = created.admin_username[:255]
        locked.activated_at = now
        locked.last_error = ""
        if created.admin_password and contact is not None and contact.email:
            with translation.override(getattr(contact, "language", "") or "en"):
                notification_send(
                    event=TENANT_CREATED,
                    to_email=contact.email,
                    context={
                        "name": contact.get_short_name(),
                        "company": account.organization.name,
                        "domain": locked.domain,
                        "username": created.admin_username,
                        "password": created.admin_password,
                        "portal_url": _tenants_url(),
                    },
                    language=translation.get_language() or "en",
                    organization_id=account.organization_id,
                    idempotency_key=f"tenant-created-{locked.pk}",
                )
            locked.credentials_sent_to = contact.email
            locked.credentials_sent_at = now
        locked.save()
    return locked


@dataclass(frozen=True)
class LinkStart:
    account: VendorAccount
    url: str


@transaction.atomic
def tenant_link_start(*, actor, organization: Organization, domain: str, request=None):
    """Link the customer's existing tenant ``domain``: recorded as awaiting the customer,
    who opens the returned reseller relationship link as the tenant's admin and accepts;
    ``tenant_link_check`` then finds it among the partner's customers."""
    _check_customer(organization)
    require_role(user=actor, organization=organization, roles=TENANT_ROLES)
    name = _domain_full(domain)
    if not name or "." not in name or " " in name:
        raise InvalidTenantDomain(
            _("Enter the tenant's domain, e.g. contoso.onmicrosoft.com."),
            details={"field": "domain"},
        )
    url = _customers(organization).relationship_link()
    account = VendorAccount.objects.filter(vendor=MICROSOFT, domain=name).first()
    if account is not None and account.organization_id != organization.pk:
        raise TenantNotOurs(
            _("The tenant %(domain)s belongs to another customer.") % {"domain": name},
            details={"field": "domain"},
        )
    if account is None:
        account = VendorAccount.objects.create(
            organization=organization,
            vendor=MICROSOFT,
            domain=name,
            company_name=organization.legal_name or organization.name,
            origin=AccountOrigin.LINKED,
            status=AccountStatus.LINK_PENDING,
            requested_by=actor,
            created_at=clock.now(),
        )
        audit_record(
            organization=organization,
            actor=actor,
            event=AuditEventType.TENANT_LINK_REQUESTED,
            details={"domain": name},
            request=request,
        )
    return LinkStart(account=account, url=url)


def tenant_link_check(*, account_id: int) -> VendorAccount:
    """Whether the customer accepted the relationship: the tenant becomes active once
    Microsoft lists it among the partner's customers."""
    account = VendorAccount.objects.select_related("organization").get(pk=account_id)
    if account.status != AccountStatus.LINK_PENDING:
        return account
    found = _customers(account.organization).customer_find(domain=account.domain)
    if found is None or found.relationship in ("", "none"):
        return account
    with transaction.atomic():
        locked = VendorAccount.objects.select_for_update().get(pk=account.pk)
        if locked.status == AccountStatus.LINK_PENDING:
            locked.status = AccountStatus.ACTIVE
            locked.vendor_customer_id = found.customer_id
            locked.company_name = found.company_name or locked.company_name
            locked.activated_at = clock.now()
            locked.save()
    return locked


def tenant_link_check_pending() -> int:
    """Check every tenant awaiting its customer (periodic); returns how many became active."""
    linked = 0
    for pk in VendorAccount.objects.filter(status=AccountStatus.LINK_PENDING).values_list(
        "pk", flat=True
    ):
        try:
            if tenant_link_check(account_id=pk).status == AccountStatus.ACTIVE:
                linked += 1
        except ConnectorUnavailable as error:
            logger.info("Tenant link check of %s postponed: %s", pk, error.code)
    return linked


def tenants_create_requested() -> int:
    """Create the tenants asked for on the tenants page that are still to be created (the
    worker's retry; the periodic sweep). Returns how many became active."""
    created = 0
    pending = VendorAccount.objects.filter(
        status=AccountStatus.REQUESTED, origin=AccountOrigin.CREATED
    ).values_list("pk", flat=True)
    for pk in pending:
        try:
            tenant_create_at_vendor(account_id=pk)
            created += 1
        except ApplicationError as error:  # unavailable (retried), or refused (kept on it)
            logger.info("Tenant %s not created now: %s", pk, error.code)
    return created


# --- Subscriptions ----------------------------------------------------------------------------


def subscription_record(
    *,
    account: VendorAccount,
    vendor: VendorSubscription,
    offer: Offer | None,
    seller: Organization | None,
    billing_plan: str,
    currency: str,
    unit_price=None,
    partner_unit_price=None,
) -> Subscription:
    """The local record of a subscription the vendor reported (idempotent by the vendor's
    id: a repeat returns the first record)."""
    subscription, created = Subscription.objects.get_or_create(
        account=account,
        vendor_subscription_id=vendor.subscription_id,
        defaults={
            "organization_id": account.organization_id,
            "seller": seller,
            "offer": offer,
            "vendor_order_id": vendor.order_id[:64],
            "name": (vendor.friendly_name or vendor.offer_name or str(offer or ""))[:250],
            "offer_name": (vendor.offer_name or (offer.name if offer else ""))[:250],
            "quantity": vendor.quantity,
            "status": _status(vendor.status),
            "term": vendor.term,
            "billing_plan": billing_plan or vendor.billing_cycle,
            "auto_renew": vendor.auto_renew,
            "currency": currency,
            "unit_price": unit_price,
            "partner_unit_price": partner_unit_price,
            "created_at": vendor.creation_date or clock.now(),
            "term_end": vendor.commitment_end_date,
            "cancellation_allowed_until": vendor.cancellation_allowed_until,
            "synced_at": clock.now(),
        },
    )
    if created:
        _event(subscription, "created", _("Provisioned at Microsoft."))
    return subscription


def _status(value: str) -> str:
    value = (value or "").lower()
    return value if value in SubscriptionStatus.values else SubscriptionStatus.NONE


@dataclass(frozen=True)
class SyncResult:
    checked: int
    drifted: int
    found: int  # subscriptions at the vendor Seatwise had no record of


def subscriptions_sync(*, account_id: int) -> SyncResult:
    """Compare the tenant's subscriptions with Microsoft's. A quantity or status that
    changed at Microsoft is recorded as drift (shown, logged), never copied over the
    record; a subscription Seatwise did not know is recorded, with an event saying so."""
    account = VendorAccount.objects.select_related("organization").get(pk=account_id)
    if account.status != AccountStatus.ACTIVE or not account.vendor_customer_id:
        return SyncResult(0, 0, 0)
    remote = subscriptions_connector(organization=account.organization).subscriptions_list(
        customer_id=account.vendor_customer_id
    )
    now = clock.now()
    checked = drifted = found = 0
    with transaction.atomic():
        local = {
            s.vendor_subscription_id: s
            for s in Subscription.objects.select_for_update().filter(account=account)
        }
        for vendor in remote:
            subscription = local.get(vendor.subscription_id)
            if subscription is None:
                offer = Offer.objects.filter(catalog_item_id=vendor.offer_id).first()
                subscription = subscription_record(
                    account=account,
                    vendor=vendor,
                    offer=offer,
                    seller=None,
                    billing_plan=vendor.billing_cycle,
                    currency=vendor.currency,
                )
                _event(subscription, "found", _("Found at Microsoft; not bought here."))
                found += 1
                continue
            checked += 1
            status = _status(vendor.status)
            differs = vendor.quantity != subscription.quantity or status != subscription.status
            fields = ["synced_at"]
            subscription.synced_at = now
            if differs:
                drifted += 1
                if (subscription.vendor_quantity, subscription.vendor_status) != (
                    vendor.quantity,
                    status,
                ):
                    subscription.vendor_quantity = vendor.quantity
                    subscription.vendor_status = status
                    subscription.drift_detected_at = now
                    fields += ["vendor_quantity", "vendor_status", "drift_detected_at"]
                    _event(
                        subscription,
                        "drift",
                        _("Microsoft reports %(vq)s × %(vs)s; Seatwise has %(q)s × %(s)s.")
                        % {
                            "vq": vendor.quantity,
                            "vs": status,
                            "q": subscription.quantity,
                            "s": subscription.status,
                        },
                    )
            elif subscription.drift_detected_at is not None:
                subscription.vendor_quantity = None
                subscription.vendor_status = ""
                subscription.drift_detected_at = None
                fields += ["vendor_quantity", "vendor_status", "drift_detected_at"]
                _event(subscription, "in_sync", _("Matches Microsoft again."))
            subscription.save(update_fields=fields)
    return SyncResult(checked=checked, drifted=drifted, found=found)


def subscriptions_sync_all() -> int:
    """Sync every active tenant (periodic). Returns how many subscriptions drifted."""
    drifted = 0
    for pk in VendorAccount.objects.filter(status=AccountStatus.ACTIVE).values_list(
        "pk", flat=True
    ):
        try:
            drifted += subscriptions_sync(account_id=pk).drifted
        except ConnectorUnavailable as error:
            logger.info("Subscription sync of tenant %s postponed: %s", pk, error.code)
    return drifted


@transaction.atomic
def subscription_drift_accept(*, actor, subscription: Subscription, request=None) -> Subscription:
    """Take Microsoft's quantity and status as the record (an explicit choice of the
    customer's or reseller's manager after looking at the drift)."""
    organization = subscription.organization
    require_role(user=actor, organization=organization, roles=MANAGING_ROLES)
    locked = Subscription.objects.select_for_update().get(pk=subscription.pk)
    if locked.drift_detected_at is None:
        return locked
    before = (locked.quantity, locked.status)
    locked.quantity = locked.vendor_quantity if locked.vendor_quantity is not None else 0
    locked.status = locked.vendor_status or locked.status
    locked.vendor_quantity, locked.vendor_status, locked.drift_detected_at = None, "", None
    locked.save()
    _event(
        locked,
        "drift_accepted",
        _("Microsoft's values taken: %(q)s × %(s)s (was %(bq)s × %(bs)s).")
        % {"q": locked.quantity, "s": locked.status, "bq": before[0], "bs": before[1]},
    )
    audit_record(
        organization=organization,
        actor=actor,
        event=AuditEventType.SUBSCRIPTION_DRIFT_ACCEPTED,
        details={"subscription": locked.pk, "quantity": locked.quantity, "status": locked.status},
        request=request,
    )
    return locked
