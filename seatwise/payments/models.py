"""Payments: a gateway account per provider, payment attempts, and their append-only
event log."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from seatwise.core import clock
from seatwise.payments.enums import Gateway, PaymentEventKind, PaymentStatus


class PaymentAccount(models.Model):
    """A provider organization's merchant account at a gateway. The private key is stored
    encrypted (``seatwise.payments.vault``) and never shown back."""

    organization = models.ForeignKey(
        "tenancy.Organization",
        verbose_name=_("provider"),
        on_delete=models.PROTECT,
        related_name="payment_accounts",
        db_index=True,
    )
    gateway = models.CharField(
        _("gateway"), max_length=16, choices=Gateway.choices, default=Gateway.LIQPAY
    )
    public_key = models.CharField(_("public key"), max_length=128)
    private_key_encrypted = models.TextField(_("private key (encrypted)"), blank=True)
    sandbox = models.BooleanField(
        _("sandbox"), default=True, help_text=_("Test mode: no money moves.")
    )
    checkout_url = models.URLField(
        _("checkout URL"),
        max_length=300,
        blank=True,
        help_text=_("Empty: LIQPAY_CHECKOUT_URL (LiqPay, or the simulator under make run)."),
    )
    api_url = models.URLField(
        _("API URL"),
        max_length=300,
        blank=True,
        help_text=_("Empty: LIQPAY_API_URL (LiqPay, or the simulator under make run)."),
    )
    created_at = models.DateTimeField(_("created"), default=clock.now)
    updated_at = models.DateTimeField(_("updated"), default=clock.now)

    class Meta:
        verbose_name = _("payment account")
        verbose_name_plural = _("payment accounts")
        constraints = [
            models.UniqueConstraint(
                fields=("organization", "gateway"), name="payments_account_one_per_gateway"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_gateway_display()} {self.public_key}"

    @property
    def effective_checkout_url(self) -> str:
        return self.checkout_url or settings.LIQPAY_CHECKOUT_URL

    @property
    def effective_api_url(self) -> str:
        return self.api_url or settings.LIQPAY_API_URL


class Payment(models.Model):
    """One payment attempt. ``organization`` is the payer; ``reference`` the order number
    (orders sit above payments, so it is a string, not a key)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        "tenancy.Organization",
        verbose_name=_("payer"),
        on_delete=models.PROTECT,
        related_name="payments",
        db_index=True,
    )
    account = models.ForeignKey(
        PaymentAccount,
        verbose_name=_("payment account"),
        on_delete=models.PROTECT,
        related_name="payments",
        null=True,
        blank=True,
    )
    reference = models.CharField(_("reference"), max_length=64, db_index=True)
    gateway = models.CharField(_("gateway"), max_length=16, choices=Gateway.choices)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    description = models.CharField(_("description"), max_length=255, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=PaymentStatus.choices, default=PaymentStatus.PENDING
    )
    sandbox = models.BooleanField(_("sandbox"), default=False)
    gateway_order_id = models.CharField(_("gateway order id"), max_length=255, unique=True)
    gateway_payment_id = models.CharField(_("gateway payment id"), max_length=64, blank=True)
    refunded_amount = models.DecimalField(
        _("refunded amount"), max_digits=14, decimal_places=2, default=0
    )
    created_at = models.DateTimeField(_("created"), default=clock.now, db_index=True)
    updated_at = models.DateTimeField(_("updated"), default=clock.now)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ("-created_at",)
        indexes = [models.Index(fields=("status", "gateway", "created_at"))]

    def __str__(self) -> str:
        return f"{self.reference} {self.amount} {self.currency} ({self.status})"


class PaymentEvent(models.Model):
    """An append-only record of one step: a callback, a query, a refund request."""

    organization = models.ForeignKey(
        "tenancy.Organization",
        verbose_name=_("payer"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=True,
    )
    payment = models.ForeignKey(
        Payment, verbose_name=_("payment"), on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField(_("kind"), max_length=24, choices=PaymentEventKind.choices)
    gateway_status = models.CharField(_("gateway status"), max_length=32, blank=True)
    status_before = models.CharField(_("status before"), max_length=16, blank=True)
    status_after = models.CharField(_("status after"), max_length=16, blank=True)
    payload = models.TextField(_("payload"), blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    actor = models.ForeignKey(
        "identity.User",
        verbose_name=_("actor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), default=clock.now, db_index=True)

    class Meta:
        verbose_name = _("payment event")
        verbose_name_plural = _("payment events")
        ordering = ("at", "id")

    def __str__(self) -> str:
        return f"{self.kind} {self.status_before}→{self.status_after}"
