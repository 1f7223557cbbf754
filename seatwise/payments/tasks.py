"""Celery tasks: one service call, safe to run twice."""

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
def refund_task(payment_id: str) -> str:
    """Give back a card payment in full (e.g. paid after its order was cancelled). Safe to
    run twice: LiqPay refunds by the payment's own order id, and a payment that is no longer
    paid is left alone."""
    payment = Payment.objects.select_related("account").filter(pk=payment_id).first()
    if payment is None or payment.gateway != Gateway.LIQPAY:
        return "skipped"
    if payment.status != PaymentStatus.PAID or payment.refunded_amount >= payment.amount:
        return "nothing to refund"
    payment_refund(payment=payment)
    return "requested"
