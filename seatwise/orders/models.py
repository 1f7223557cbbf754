"""Orders, their lines, their event log and the provisioning requests of paid lines.

An order belongs to the buying organization (``organization``); ``seller`` is the reseller
or provider that sells it. Amounts are Decimal beside the order's currency; ``money``
gives them as ``Money``. Statuses change only through ``services`` (see ``states``).
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from seatwise.catalog.enums import BillingPlan, Term
from seatwise.core.money import Money
from seatwise.orders.enums import (
    LineStatus,
    OrderStatus,
    PaymentMethod,
    ProvisioningStatus,
    RefundState,
)

AMOUNT = {"max_digits": 14, "decimal_places": 4, "default": Decimal(0)}
TOTAL_FIELDS = ("subtotal", "discount", "extra_charge", "shipping", "tax", "total")


class OrderNumberCounter(models.Model):
    """The last sequence number handed out on a day (``24-11-2026 00042``). Incremented
    under the row lock, so two placements never get the same number."""

    day = models.DateField(_("day"), unique=True)
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("order number counter")
        verbose_name_plural = _("order number counters")
        ordering = ("-day",)

    def __str__(self) -> str:
        return f"{self.day:%d-%m-%Y}: {self.last}"


class Order(models.Model):
    organization = models.ForeignKey(
        "tenancy.Organization",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="orders",
        db_index=True,
    )
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("placed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="orders_placed",
    )
    seller = models.ForeignKey(
        "tenancy.Organization",
        verbose_name=_("seller"),
        on_delete=models.PROTECT,
        related_name="sales",
    )
    number = models.CharField(_("number"), max_length=24, unique=True)
    status = models.CharField(
        _("status"), max_length=20, choices=OrderStatus.choices, default=OrderStatus.DRAFT
    )
    currency = models.CharField(_("currency"), max_length=3)
    subtotal = models.DecimalField(_("sub-total"), **AMOUNT)
    discount = models.DecimalField(_("discount"), **AMOUNT)
    extra_charge = models.DecimalField(_("extra charge"), **AMOUNT)
    shipping = models.DecimalField(_("shipping"), **AMOUNT)
    tax = models.DecimalField(_("tax"), **AMOUNT)
    total = models.DecimalField(_("total"), **AMOUNT)
    payment_method = models.CharField(
        _("payment method"), max_length=12, choices=PaymentMethod.choices, blank=True
    )
    billing_name = models.CharField(_("billing name"), max_length=250, blank=True)
    billing_address_line1 = models.CharField(_("street address"), max_length=200, blank=True)
    billing_address_line2 = models.CharField(_("street address 2"), max_length=200, blank=True)
    billing_postal_code = models.CharField(_("zip / postal code"), max_length=20, blank=True)
    billing_city = models.CharField(_("city"), max_length=100, blank=True)
    billing_country = models.CharField(_("country"), max_length=2, blank=True)
    billing_tax_number = models.CharField(_("registration / tax number"), max_length=50, blank=True)
    billing_contact_name = models.CharField(_("billing contact"), max_length=150, blank=True)
    billing_email = models.EmailField(_("billing e-mail"), max_length=254, blank=True)
    billing_phone = models.CharField(_("billing phone"), max_length=32, blank=True)
    # Goods that ship: where to and how (empty for an order of licences only). The method's
    # price is the order's ``shipping`` amount.
    shipping_name = models.CharField(_("ship to"), max_length=250, blank=True)
    shipping_contact_name = models.CharField(_("shipping contact"), max_length=150, blank=True)
    shipping_email = models.EmailField(_("shipping e-mail"), max_length=254, blank=True)
    shipping_phone = models.CharField(_("shipping phone"), max_length=32, blank=True)
    shipping_address_line1 = models.CharField(
        _("shipping street address"), max_length=200, blank=True
    )
    shipping_address_line2 = models.CharField(
        _("shipping street address 2"), max_length=200, blank=True
    )
    shipping_postal_code = models.CharField(
        _("shipping zip / postal code"), max_length=20, blank=True
    )
    shipping_city = models.CharField(_("shipping city"), max_length=100, blank=True)
    shipping_country = models.CharField(_("shipping country"), max_length=2, blank=True)
    shipping_method_name = models.CharField(_("shipping method"), max_length=120, blank=True)
    agreement_acceptance = models.ForeignKey(
        "tenancy.AgreementAcceptance",
        verbose_name=_("agreement acceptance"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    idempotency_key = models.CharField(_("idempotency key"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created"))
    placed_at = models.DateTimeField(_("placed"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ("-created_at", "-pk")
        indexes = [models.Index(fields=["organization", "-created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="order_idempotency_key_unique_per_organization",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def money(self, field: str) -> Money:
        """One of ``TOTAL_FIELDS`` as ``Money`` in the order's currency."""
        if field not in TOTAL_FIELDS:
            raise ValueError(f"{field!r} is not an amount of an order")
        return Money(getattr(self, field), self.currency)


class OrderLine(models.Model):
    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="lines"
    )
    organization = models.ForeignKey(
        "tenancy.Organization",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=True,
    )
    offer = models.ForeignKey(
        "catalog.Offer", verbose_name=_("offer"), on_delete=models.PROTECT, related_name="+"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    product_name = models.CharField(_("product"), max_length=200)
    offer_name = models.CharField(_("offer"), max_length=200)
    sku = models.CharField(_("SKU / item code"), max_length=80)
    term = models.CharField(_("term"), max_length=10, choices=Term.choices)
    billing_plan = models.CharField(_("billing plan"), max_length=12, choices=BillingPlan.choices)
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    unit_price = models.DecimalField(_("unit price"), **AMOUNT)
    line_total = models.DecimalField(_("line total"), **AMOUNT)
    status = models.CharField(
        _("status"), max_length=20, choices=LineStatus.choices, default=LineStatus.PENDING
    )
    target_tenant = models.CharField(
        _("target tenant"),
        max_length=255,
        blank=True,
        help_text=_("Microsoft lines: a new tenant's domain or an existing tenant's id."),
    )
    partner_unit_price = models.DecimalField(
        _("partner unit price"),
        max_digits=14,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("What the seller pays per unit (the reseller's buy price), when known."),
    )
    markup_percent = models.DecimalField(
        _("markup %"),
        max_digits=7,
        decimal_places=3,
        null=True,
        blank=True,
        help_text=_("The seller's markup over the partner price, when the line has one."),
    )

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ("order_id", "position", "pk")
        constraints = [
            models.CheckConstraint(
                name="order_line_quantity_positive", condition=models.Q(quantity__gte=1)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.offer_name} ({self.sku})"


class OrderEvent(models.Model):
    """Append-only: one row per status change of an order (who, from, to, why)."""

    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="events"
    )
    organization = models.ForeignKey(
        "tenancy.Organization",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=True,
    )
    from_status = models.CharField(
        _("from"), max_length=20, choices=OrderStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=20, choices=OrderStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    message = models.CharField(_("message"), max_length=500, blank=True)
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("order event")
        verbose_name_plural = _("order events")
        ordering = ("order_id", "at", "pk")

    def __str__(self) -> str:
        return f"{self.order_id}: {self.from_status or '-'} → {self.to_status}"


class ProvisioningRequest(models.Model):
    """The vendor work a paid line asks for (consumed by the connector of the line's vendor;
    the Microsoft issue adds the states after *queued*)."""

    organization = models.ForeignKey(
        "tenancy.Organization",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=True,
    )
    line = models.OneToOneField(
        OrderLine,
        verbose_name=_("order line"),
        on_delete=models.PROTECT,
        related_name="provisioning_request",
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ProvisioningStatus.choices,
        default=ProvisioningStatus.QUEUED,
    )
    idempotency_key = models.CharField(_("idempotency key"), max_length=100, unique=True)
    # The vendor operation's own key (Partner Center's MS-RequestId): stored with the request
    # before the first call and sent with every attempt, so a repeat never buys twice.
    vendor_request_id = models.UUIDField(_("vendor request id"), default=uuid.uuid4, editable=False)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("started"), null=True, blank=True)
    claimed_by = models.CharField(_("task"), max_length=64, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    subscription = models.ForeignKey(
        "subscriptions.Subscription",
        verbose_name=_("subscription"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    refund_state = models.CharField(
        _("refund"), max_length=12, choices=RefundState.choices, default="", blank=True
    )
    refund_amount = models.DecimalField(
        _("refund amount"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    created_at = models.DateTimeField(_("created"))

    class Meta:
        verbose_name = _("provisioning request")
        verbose_name_plural = _("provisioning requests")
        ordering = ("-created_at", "-pk")
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.line} ({self.status})"


class InvoiceNumberCounter(models.Model):
    """The last invoice number handed out in a year (``INV-2026-000123``). Incremented under
    the row lock, so two invoices never get the same number."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("invoice number counter")
        verbose_name_plural = _("invoice number counters")
        ordering = ("-year",)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class OrderInvoice(models.Model):
    """The invoice document of an order paid by invoice: issued once, never changed. The
    seller and buyer details are a snapshot taken at issue; ``pdf`` holds the document as
    sent, ``sha256`` its digest."""

    organization = models.ForeignKey(
        "tenancy.Organization",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=True,
    )
    order = models.OneToOneField(
        Order, verbose_name=_("order"), on_delete=models.PROTECT, related_name="invoice"
    )
    number = models.CharField(_("number"), max_length=24, unique=True)
    issued_at = models.DateTimeField(_("issued"))
    due_date = models.DateField(_("due date"))
    seller_details = models.JSONField(_("seller details"), default=dict)
    buyer_details = models.JSONField(_("buyer details"), default=dict)
    total = models.DecimalField(_("total"), **AMOUNT)
    currency = models.CharField(_("currency"), max_length=3)
    pdf = models.BinaryField(_("PDF document"))
    sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64)

    class Meta:
        verbose_name = _("order invoice")
        verbose_name_plural = _("order invoices")
        ordering = ("-issued_at", "-pk")

    def __str__(self) -> str:
        return self.number

    @property
    def filename(self) -> str:
        return f"{self.number}.pdf"
