from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganizationKind(models.TextChoices):
    PROVIDER = "provider", _("Provider")
    RESELLER = "reseller", _("Reseller")
    CUSTOMER = "customer", _("Customer")


class Role(models.TextChoices):
    OWNER = "owner", _("Owner (primary contact)")
    ACCOUNT_MANAGER = "account_manager", _("Account manager")
    BILLING = "billing", _("Billing")
    TECHNICAL = "technical", _("Technical")
    READ_ONLY = "read_only", _("Read-only")


# Which parent kinds each kind may sit under.
ALLOWED_PARENTS: dict[str, frozenset[str | None]] = {
    OrganizationKind.PROVIDER: frozenset({None}),
    OrganizationKind.RESELLER: frozenset({OrganizationKind.PROVIDER}),
    OrganizationKind.CUSTOMER: frozenset({OrganizationKind.PROVIDER, OrganizationKind.RESELLER}),
}

MANAGING_ROLES = frozenset({Role.OWNER, Role.ACCOUNT_MANAGER})
ALL_ROLES = frozenset(Role)


class TenantChoice(models.TextChoices):
    """What a customer chose for its Microsoft tenant at registration (guide 2.3–2.5)."""

    NEW = "new", _("New Microsoft tenant")
    EXISTING = "existing", _("Existing Microsoft tenant, linked later")
    NONE = "none", _("No CSP products now")


class AgreementType(models.TextChoices):
    MICROSOFT_CUSTOMER_AGREEMENT = "microsoft_customer_agreement", _("Microsoft Customer Agreement")
    VENDOR_TERMS = "vendor_terms", _("Vendor's terms")
