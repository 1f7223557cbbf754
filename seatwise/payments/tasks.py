"""Celery tasks: one service call, safe to run twice."""

from celery import shared_task

from seatwise.payments.services import payment_pending_poll


@shared_task(name="payments.pending_poll")
def pending_poll_task() -> int:
    return payment_pending_poll()
