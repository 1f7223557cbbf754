"""Celery tasks: one service call, safe to run twice."""

from decimal import Decimal

from celery import shared_task

from seatwise.payments.enums import Gateway, PaymentStatus
from seatwise.payments.exceptions import GatewayUnavailable
from seatwise.payments.models import Payment
from seatwise.payments.services import payment_pending_poll, payment_refund


@shared_task(name="payments.pending_poll")
def pending_poll_task() -> int:
    return payment_pending_poll()


@shared_task(
    name="payments.refund",
    autoretry_for=(GatewayUnavailable,),
    retry_backoff=60,
    retry_backoff_max=3600,
    max_retries=8,
)
def refund_task(payment_id: str, amount: str = "") -> str:
    """Give back a card payment, in full (e.g. paid after its order was cancelled) or
    ``amount`` of it (the lines a vendor would not provision). Safe to run twice: LiqPay
    refunds by the payment's own order id, and a payment that is no longer paid, or has
    already given back at least ``amount``, is left alone."""
    payment = Payment.objects.select_related("account").filter(pk=payment_id).first()
    if payment is None or payment.gateway != Gateway.LIQPAY:
        return "skipped"
    wanted = Decimal(amount) if amount else payment.amount
    if payment.status != PaymentStatus.PAID or payment.refunded_amount >= wanted:
        return "nothing to refund"
    payment_refund(payment=payment, amount=min(wanted - payment.refunded_amount, payment.amount))
    return "requested"
