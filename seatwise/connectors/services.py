"""Customer self-registration with a Microsoft tenant (guide 2.3–2.5).

This use case lives here, not in ``tenancy``, because it needs the vendor port and the
notifications, which sit above ``tenancy``; ``connectors`` is the lowest layer that sees all
three (docs/adr/0011-vendor-connector-port.md). ``tenancy.services.organization_register``
does the organization's own writes."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from seatwise.connectors.domains import prefix_normalize, prefix_validate
from seatwise.connectors.exceptions import InvalidTenantDomain, TenantDomainTaken
from seatwise.connectors.ports import TenantDomainChecker
from seatwise.connectors.registry import MICROSOFT, connector_for
from seatwise.core.errors import ValidationError
from seatwise.notifications.services import notification_send
from seatwise.tenancy.enums import TenantChoice
from seatwise.tenancy.models import Organization, OrganizationRegistration
from seatwise.tenancy.services import organization_register, registration_profile_clean


@dataclass(frozen=True)
class CompanyDetails:
    name: str
    address_line1: str
    address_line2: str
    postal_code: str
    city: str
    country: str
    phone: str
    tax_number: str = (
        ""  # the company's registration number (required by Microsoft in some countries)
    )


def _tenant_errors(
    *, tenant_choice: str, domain: str, domain_confirm: str, agreement_accepted: bool
) -> tuple[str, dict[str, str]]:
    """The validated prefix (empty unless a new tenant) and the tenant fields' errors."""
    if tenant_choice != TenantChoice.NEW:
        return "", {}
    errors: dict[str, str] = {}
    prefix = ""
    try:
        prefix = prefix_validate(domain)
    except InvalidTenantDomain as exc:
        errors["domain"] = exc.message
    if "domain" not in errors and prefix_normalize(domain_confirm) != prefix:
        errors["domain_confirm"] = _("The two domain names are not the same.")
    if not agreement_accepted:
        errors["agreement"] = _("Accept the Microsoft Customer Agreement to register a new tenant.")
    return prefix, errors


@transaction.atomic
def customer_register(
    *,
    user,
    parent: Organization | None,
    company: CompanyDetails,
    tenant_choice: str,
    domain: str = "",
    domain_confirm: str = "",
    agreement_accepted: bool = False,
    agreement_version: str,
    ip: str | None = None,
    sign_in_url: str,
    language: str = "en",
    connector: TenantDomainChecker | None = None,
) -> OrganizationRegistration:
    """Register ``user``'s company as a customer of ``parent`` (guide 2.3–2.5), in one
    transaction: the organization with the user as owner, the tenant choice, the Microsoft
    Customer Agreement (required for a new tenant, recorded when accepted for an existing
    one), the requested domain reserved through the Microsoft connector after a fresh
    availability check, and the welcome e-mail (sent after commit).

    Raises ``ValidationError`` with ``details["fields"]`` (one message per field),
    ``TenantDomainTaken``, ``ConnectorUnavailable`` (nothing written: try again later) or
    ``AlreadyRegistered``."""
    if tenant_choice not in TenantChoice.values:
        raise ValidationError(
            _("Choose what to do about the Microsoft tenant."), details={"field": "tenant_choice"}
        )
    prefix, errors = _tenant_errors(
        tenant_choice=tenant_choice,
        domain=domain,
        domain_confirm=domain_confirm,
        agreement_accepted=agreement_accepted,
    )
    _values, profile_errors = registration_profile_clean(
        name=company.name,
        address_line1=company.address_line1,
        address_line2=company.address_line2,
        postal_code=company.postal_code,
        city=company.city,
        country=company.country,
        phone=company.phone,
        tax_number=company.tax_number,
        new_tenant=tenant_choice == TenantChoice.NEW,
    )
    errors = {**profile_errors, **errors}
    if errors:
        raise ValidationError(_("Please correct the marked fields."), details={"fields": errors})
    connector = connector or connector_for(MICROSOFT)
    if prefix and not connector.domain_available(prefix=prefix):  # before any write or lock
        message = _("%(domain)s is already taken; choose another name.") % {
            "domain": f"{prefix}.onmicrosoft.com"
        }
        raise TenantDomainTaken(message, details={"fields": {"domain": message}})
    registration = organization_register(
        user=user,
        parent=parent,
        name=company.name,
        address_line1=company.address_line1,
        address_line2=company.address_line2,
        postal_code=company.postal_code,
        city=company.city,
        country=company.country,
        phone=company.phone,
        tax_number=company.tax_number,
        tenant_choice=tenant_choice,
        tenant_domain=prefix,
        agreement_version=agreement_version
        if agreement_accepted and tenant_choice != TenantChoice.NONE
        else "",
        ip=ip,
    )
    if prefix:
        connector.domain_reserve(prefix=prefix)
    notification_send(
        event="identity.welcome",
        to_email=user.email,
        context={
            "name": user.get_full_name() or user.email,
            "username": user.get_username(),
            "sign_in_url": sign_in_url,
        },
        language=language,
        organization_id=registration.organization_id,
        idempotency_key=f"welcome:{user.pk}",
    )
    return registration
