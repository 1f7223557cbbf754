"""Celery tasks of the core: one call, safe to run twice."""

from celery import shared_task

from seatwise.core.idempotency import idempotency_prune


@shared_task(name="core.idempotency_prune")
def idempotency_prune_task() -> int:
    """Delete ``Idempotency-Key`` records older than 24 hours (beat: hourly)."""
    return idempotency_prune()
