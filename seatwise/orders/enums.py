from django.db import models
from django.utils.translation import gettext_lazy as _


class OrderStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PLACED = "placed", _("Placed")
    AWAITING_PAYMENT = "awaiting_payment", _("Awaiting payment")
    PAID = "paid", _("Paid")
    PROVISIONING = "provisioning", _("Provisioning")
    COMPLETED = "completed", _("Completed")
    PARTIALLY_FAILED = "partially_failed", _("Partially failed")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")
    REFUNDED = "refunded", _("Refunded")


class LineStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    AWAITING_SHIPMENT = "awaiting_shipment", _("Awaits shipment")
    PROVISIONING = "provisioning", _("Provisioning")
    PROVISIONED = "provisioned", _("Provisioned")
    FAILED = "failed", _("Failed")


class PaymentMethod(models.TextChoices):
    LIQPAY = "liqpay", _("Card (LiqPay)")
    INVOICE = "invoice", _("Sales invoice")


class ProvisioningStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    IN_PROGRESS = "in_progress", _("In progress")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED_RETRYING = "failed_retrying", _("Failed, will retry")
    FAILED_PERMANENT = "failed_permanent", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class RefundState(models.TextChoices):
    NONE = "", _("None")
    REQUESTED = "requested", _("Refund requested from the payment provider")
    DUE = "due", _("Refund due (to be paid back by the seller)")


# What a payment's status (payments.payment_status_changed) means for its order.
PAYMENT_PAID = "paid"
PAYMENT_FAILED = "failed"
PAYMENT_REFUNDED = "refunded"
