"""Customers' accounts at vendors (a Microsoft tenant) and the subscriptions in them.

The vendor is the record of a subscription's quantity and state; Seatwise keeps its own
copy, what it sold, and what the last sync saw at the vendor. A difference is *drift*: it is
shown (``vendor_quantity`` / ``vendor_status``, ``drift_detected_at``) and logged, never
written over the copy silently."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from seatwise.subscriptions.enums import AccountOrigin, AccountStatus, SubscriptionStatus

AMOUNT = {"max_digits": 14, "decimal_places": 4}


class VendorAccount(models.Model):
    """A customer's tenant at a vendor: ``domain`` is ``<prefix>.onmicrosoft.com``. A new one
    is *to be created* until the vendor creates it (at provisioning, or from the tenants
    page); an existing one waits for the customer to accept the reseller relationship."""

    organization = models.ForeignKey(
        "tenancy.Organization",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=True,
    )
    vendor = models.CharField(_("vendor"), max_length=30, default="microsoft")
    domain = models.CharField(_("domain"), max_length=255)
    company_name = models.CharField(_("company name"), max_length=250, blank=True)
    origin = models.CharField(
        _("origin"), max_length=10, choices=AccountOrigin.choices, default=AccountOrigin.CREATED
    )
    status = models.CharField(
        _("status"), max_length=20, choices=AccountStatus.choices, default=AccountStatus.REQUESTED
    )
    vendor_customer_id = models.CharField(_("tenant id"), max_length=64, blank=True)
    # The MS-RequestId of the creation, kept before the call and reused on every retry.
    request_id = models.UUIDField(_("vendor request id"), default=uuid.uuid4, editable=False)
    admin_username = models.CharField(_("administrator"), max_length=255, blank=True)
    credentials_sent_to = models.EmailField(_("sign-in sent to"), blank=True)
    credentials_sent_at = models.DateTimeField(_("sign-in sent"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("requested"))
    activated_at = models.DateTimeField(_("active since"), null=True, blank=True)

    class Meta:
        verbose_name = _("tenant")
        verbose_name_plural = _("tenants")
        ordering = ("domain",)
        constraints = [
            models.UniqueConstraint(fields=["vendor", "domain"], name="account_domain_unique"),
        ]

    def __str__(self) -> str:
        return self.domain


class Subscription(models.Model):
    organization = models.ForeignKey(
        "tenancy.Organization",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=True,
    )
    account = models.ForeignKey(
        VendorAccount,
        verbose_name=_("tenant"),
        on_delete=models.PROTECT,
        related_name="subscriptions",
    )
    seller = models.ForeignKey(
        "tenancy.Organization",
        verbose_name=_("seller"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    offer = models.ForeignKey(
        "catalog.Offer",
        verbose_name=_("offer"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    vendor_subscription_id = models.CharField(_("vendor subscription id"), max_length=64)
    vendor_order_id = models.CharField(_("vendor order id"), max_length=64, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("base subscription"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="addons",
    )
    name = models.CharField(_("name"), max_length=250)
    offer_name = models.CharField(_("offer"), max_length=250, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"))
    assigned = models.PositiveIntegerField(_("assigned"), default=0)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=SubscriptionStatus.choices,
        default=SubscriptionStatus.PENDING,
    )
    term = models.CharField(_("term"), max_length=10, blank=True)
    billing_plan = models.CharField(_("billing plan"), max_length=20, blank=True)
    auto_renew = models.BooleanField(_("auto-renew"), default=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    unit_price = models.DecimalField(_("unit price"), null=True, blank=True, **AMOUNT)
    partner_unit_price = models.DecimalField(
        _("reseller unit cost"), null=True, blank=True, **AMOUNT
    )
    created_at = models.DateTimeField(_("created"))
    term_end = models.DateTimeField(_("term end"), null=True, blank=True)
    cancellation_allowed_until = models.DateTimeField(_("cancellable until"), null=True, blank=True)
    synced_at = models.DateTimeField(_("last synced"), null=True, blank=True)
    # What the last sync saw at the vendor when it differs from the above (drift).
    vendor_quantity = models.PositiveIntegerField(
        _("quantity at the vendor"), null=True, blank=True
    )
    vendor_status = models.CharField(_("status at the vendor"), max_length=12, blank=True)
    drift_detected_at = models.DateTimeField(_("drift detected"), null=True, blank=True)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        ordering = ("-created_at", "-pk")
        constraints = [
            models.UniqueConstraint(
                fields=["account", "vendor_subscription_id"], name="subscription_vendor_id_unique"
            ),
        ]
        indexes = [models.Index(fields=["organization", "status"])]

    def __str__(self) -> str:
        return f"{self.name} × {self.quantity}"

    @property
    def has_drift(self) -> bool:
        return self.drift_detected_at is not None


class SubscriptionEvent(models.Model):
    """What happened to a subscription: created, synced, drift seen, drift resolved."""

    organization = models.ForeignKey(
        "tenancy.Organization", on_delete=models.PROTECT, related_name="+", db_index=True
    )
    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=30)
    message = models.CharField(_("message"), max_length=500, blank=True)
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("subscription event")
        verbose_name_plural = _("subscription events")
        ordering = ("at", "pk")

    def __str__(self) -> str:
        return f"{self.kind} {self.at:%Y-%m-%d %H:%M}"
