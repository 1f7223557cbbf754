from django.db import models
from django.utils.translation import gettext_lazy as _


class Gateway(models.TextChoices):
    LIQPAY = "liqpay", _("LiqPay")
    INVOICE = "invoice", _("Invoice")


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    PAID = "paid", _("Paid")
    FAILED = "failed", _("Failed")
    REFUNDED = "refunded", _("Refunded")
    CANCELLED = "cancelled", _("Cancelled")


class PaymentEventKind(models.TextChoices):
    CREATED = "created", _("Created")
    CHECKOUT = "checkout", _("Checkout form issued")
    CALLBACK = "callback", _("Callback")
    CALLBACK_REJECTED = "callback_rejected", _("Callback rejected")
    STATUS_QUERY = "status_query", _("Status query")
    REFUND_REQUESTED = "refund_requested", _("Refund requested")
    MANUAL = "manual", _("Payment recorded manually")
    CANCELLED = "cancelled", _("Cancelled with its order")
