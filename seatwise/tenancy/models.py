"""Organizations in a tree (provider -> reseller -> customer) and their memberships."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from phonenumber_field.modelfields import PhoneNumberField

from seatwise.tenancy.enums import AgreementType, OrganizationKind, Role, TenantChoice
from seatwise.tenancy.validators import validate_company_name


class Organization(models.Model):
    """A provider, reseller or customer. This is the tenant itself, so it has no
    ``organization_id``; its ``parent`` places it in the tree."""

    kind = models.CharField(_("kind"), max_length=16, choices=OrganizationKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    legal_name = models.CharField(
        _("legal name"), max_length=250, validators=[validate_company_name]
    )
    address_line1 = models.CharField(_("street address"), max_length=200, blank=True)
    address_line2 = models.CharField(_("street address 2"), max_length=200, blank=True)
    postal_code = models.CharField(_("zip / postal code"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = CountryField(_("country"), blank=True)
    phone = PhoneNumberField(_("phone"), blank=True)
    tax_number = models.CharField(_("registration / tax number"), max_length=50, blank=True)
    is_academic = models.BooleanField(_("academic"), default=False)
    is_government = models.BooleanField(_("government"), default=False)
    is_nonprofit = models.BooleanField(_("nonprofit"), default=False)
    default_currency = models.CharField(_("default currency"), max_length=3, default="USD")
    is_contract_customer = models.BooleanField(
        _("contract customer (pays by invoice)"), default=False
    )
    billing_day = models.PositiveSmallIntegerField(
        _("billing day"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_("Resellers only: the day of the month their billing cycle starts."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ("name",)
        constraints = [
            models.CheckConstraint(
                name="organization_provider_is_root",
                condition=(models.Q(kind=OrganizationKind.PROVIDER, parent__isnull=True))
                | (~models.Q(kind=OrganizationKind.PROVIDER) & models.Q(parent__isnull=False)),
            ),
            models.CheckConstraint(
                name="organization_billing_day_resellers_only",
                condition=models.Q(billing_day__isnull=True)
                | models.Q(kind=OrganizationKind.RESELLER),
            ),
        ]
        indexes = [models.Index(fields=["kind", "parent"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_provider(self) -> bool:
        return self.kind == OrganizationKind.PROVIDER

    @property
    def is_reseller(self) -> bool:
        return self.kind == OrganizationKind.RESELLER

    @property
    def is_customer(self) -> bool:
        return self.kind == OrganizationKind.CUSTOMER


class Membership(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships", db_index=True
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "user"], name="membership_unique_user_per_org"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organization} ({self.role})"


class ApiKey(models.Model):
    """A key for the REST API, held by one user for one organization (see ``apikeys``).

    Only the SHA-256 of the key is stored (``secret_hash``); ``prefix`` is its first
    characters, kept in clear so lists can tell keys apart. Rows are never deleted by the
    services: a revoked key keeps its row, with ``revoked_at`` set."""

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="api_keys",
        db_index=True,
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="api_keys",
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=16)
    secret_hash = models.CharField(_("SHA-256 of the key"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ("-created_at", "-pk")
        indexes = [models.Index(fields=["organization", "user"], name="apikey_org_user_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class Invitation(models.Model):
    """An invitation of an e-mail address into an organization with a role (see
    ``invitations``). Only the SHA-256 of the token is stored (``token_hash``); the token
    itself travels only in the e-mail's link. Rows are kept: an accepted, declined or
    replaced invitation keeps its row with ``accepted_at`` / ``declined_at`` /
    ``expires_at`` set."""

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="invitations",
        db_index=True,
    )
    email = models.EmailField(_("e-mail"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        on_delete=models.CASCADE,
        related_name="invitations_sent",
    )
    token_hash = models.CharField(_("SHA-256 of the token"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"))
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    declined_at = models.DateTimeField(_("declined"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations_accepted",
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ("-created_at", "-pk")
        indexes = [models.Index(fields=["organization", "email"], name="invitation_org_email_idx")]

    def __str__(self) -> str:
        return f"{self.email} → {self.organization} ({self.role})"

    def is_pending_at(self, moment) -> bool:
        return self.accepted_at is None and self.declined_at is None and self.expires_at > moment


class OrganizationTerms(models.Model):
    """The terms and conditions a reseller (or the provider, for its direct customers) asks
    its users to accept. ``organization`` is the *owner* of the terms. ``version`` goes up
    each time the text changes, so everyone accepts again (see ``services.terms_set``)."""

    organization = models.OneToOneField(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="terms",
        db_index=True,
    )
    require_terms = models.BooleanField(_("require acceptance"), default=False)
    text = models.TextField(_("text"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_at = models.DateTimeField(_("updated"))

    class Meta:
        verbose_name = _("terms and conditions")
        verbose_name_plural = _("terms and conditions")

    def __str__(self) -> str:
        return f"{self.organization} v{self.version}"


class TermsAcceptance(models.Model):
    """One user's acceptance of one version of an organization's terms. Rows are kept."""

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="terms_acceptances",
        db_index=True,
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="terms_acceptances",
    )
    version = models.PositiveIntegerField(_("version"))
    accepted_at = models.DateTimeField(_("accepted"))
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("terms acceptance")
        verbose_name_plural = _("terms acceptances")
        ordering = ("-accepted_at", "-pk")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "user", "version"],
                name="terms_acceptance_unique_version_per_user",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} accepted {self.organization} v{self.version}"


class AuthenticationSettings(models.Model):
    """How users of a reseller's customers (or the provider's direct customers) sign in:
    *Settings → Authentication management* (ALEF guide 1.2). ``organization`` is the
    reseller or provider that owns the policy; see ``selectors.authentication_settings_for``.
    Without a row the defaults apply: local accounts only, a second factor for everyone.
    The primary contact (an owner) always keeps local sign-in."""

    organization = models.OneToOneField(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="authentication_settings",
        db_index=True,
    )
    allow_local = models.BooleanField(_("account created here"), default=True)
    allow_microsoft_personal = models.BooleanField(_("personal Microsoft account"), default=False)
    allow_microsoft_work = models.BooleanField(_("work Microsoft account"), default=False)
    second_factor_required = models.BooleanField(
        _("require a second factor for customers"),
        default=True,
        help_text=_("Customers' users confirm every sign-in with an SMS code or an app."),
    )
    updated_at = models.DateTimeField(_("updated"))

    class Meta:
        verbose_name = _("authentication settings")
        verbose_name_plural = _("authentication settings")

    def __str__(self) -> str:
        return f"{self.organization} authentication"


class PaymentSettings(models.Model):
    """Which payment methods a reseller (or the provider, for its direct customers) offers
    its customers at checkout: *Settings → Payment methods*. Contract customers always pay
    by invoice; the others pay by card (LiqPay) and, when ``allow_invoice`` is on, may also
    pay by invoice. Without a row the default applies: card only."""

    organization = models.OneToOneField(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="payment_settings",
        db_index=True,
    )
    allow_invoice = models.BooleanField(
        _("allow payment by invoice for customers without a contract"),
        default=False,
        help_text=_("Customers may choose to pay by bank transfer against an invoice."),
    )
    bank_details = models.TextField(
        _("bank details for invoices"),
        blank=True,
        max_length=1000,
        help_text=_(
            "Printed on your invoices: beneficiary, bank, IBAN, SWIFT. Empty: the installation's "
            "default (INVOICE_BANK_DETAILS)."
        ),
    )
    updated_at = models.DateTimeField(_("updated"))

    class Meta:
        verbose_name = _("payment settings")
        verbose_name_plural = _("payment settings")

    def __str__(self) -> str:
        return f"{self.organization} payment methods"


class OrganizationRegistration(models.Model):
    """How a customer registered itself (guide 2.3–2.5): who did it, and what it chose for
    its Microsoft tenant. ``tenant_domain`` is the requested ``<prefix>.onmicrosoft.com``
    prefix for a new tenant, created later at provisioning; empty otherwise. An existing
    tenant is linked later too."""

    organization = models.OneToOneField(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="registration",
        db_index=True,
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="organizations_registered",
    )
    tenant_choice = models.CharField(
        _("Microsoft tenant"), max_length=16, choices=TenantChoice.choices
    )
    tenant_domain = models.CharField(_("requested tenant domain prefix"), max_length=27, blank=True)
    registered_at = models.DateTimeField(_("registered"))

    class Meta:
        verbose_name = _("organization registration")
        verbose_name_plural = _("organization registrations")
        ordering = ("-registered_at", "-pk")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant_domain"],
                condition=~models.Q(tenant_domain=""),
                name="registration_unique_tenant_domain",
            ),
            models.CheckConstraint(
                name="registration_domain_only_for_new_tenant",
                condition=(models.Q(tenant_choice=TenantChoice.NEW) & ~models.Q(tenant_domain=""))
                | (~models.Q(tenant_choice=TenantChoice.NEW) & models.Q(tenant_domain="")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} ({self.get_tenant_choice_display()})"

    @property
    def tenant_domain_name(self) -> str:
        return f"{self.tenant_domain}.onmicrosoft.com" if self.tenant_domain else ""


class AgreementAcceptance(models.Model):
    """A vendor agreement accepted for an organization (the Microsoft Customer Agreement, or
    another vendor's terms, named by ``subject``): which version, when, by whom, from which IP
    address. Rows are kept."""

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="agreement_acceptances",
        db_index=True,
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agreement_acceptances",
    )
    agreement = models.CharField(_("agreement"), max_length=40, choices=AgreementType.choices)
    # Whose terms, for vendor terms: the vendor's slug (empty for the Customer Agreement).
    subject = models.CharField(_("vendor"), max_length=60, blank=True, default="")
    version = models.CharField(_("version"), max_length=20)
    accepted_at = models.DateTimeField(_("accepted"))
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("agreement acceptance")
        verbose_name_plural = _("agreement acceptances")
        ordering = ("-accepted_at", "-pk")

    def __str__(self) -> str:
        subject = f" ({self.subject})" if self.subject else ""
        return f"{self.organization}: {self.get_agreement_display()}{subject} {self.version}"


class Address(models.Model):
    """An entry of an organization's address book: a billing or shipping address saved at
    checkout or on *My account → Addresses*. Orders copy the address they use, so an entry
    may be changed or removed without touching them. The company profile's own address is
    not stored here (it stays on ``Organization``)."""

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="addresses",
        db_index=True,
    )
    name = models.CharField(_("company or recipient"), max_length=250)
    contact_name = models.CharField(_("contact name"), max_length=150, blank=True)
    email = models.EmailField(_("e-mail"), max_length=254, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    address_line1 = models.CharField(_("street address"), max_length=200)
    address_line2 = models.CharField(_("street address 2"), max_length=200, blank=True)
    postal_code = models.CharField(_("zip / postal code"), max_length=20)
    city = models.CharField(_("city"), max_length=100)
    country = CountryField(_("country"))
    tax_number = models.CharField(_("registration / tax number"), max_length=50, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"))
    updated_at = models.DateTimeField(_("updated"))

    class Meta:
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        ordering = ("organization_id", "name", "pk")

    def __str__(self) -> str:
        return ", ".join(
            part
            for part in (self.name, self.address_line1, f"{self.postal_code} {self.city}".strip())
            if part
        )
