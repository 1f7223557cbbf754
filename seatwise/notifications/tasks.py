"""Celery tasks: an id in, one service call, safe to run twice."""

from celery import shared_task

from seatwise.notifications.services import (
    DELIVERY_MAX_ATTEMPTS,
    delivery_attempt,
    delivery_requeue_stuck,
    mailbox_prune,
)


@shared_task(name="notifications.mailbox_prune")
def mailbox_prune_task() -> int:
    return mailbox_prune()


@shared_task(bind=True, name="notifications.delivery_send", max_retries=DELIVERY_MAX_ATTEMPTS)
def delivery_send_task(self, delivery_id: int):
    """Send one delivery. The service counts the tries in the database and says when a
    transient failure deserves another; Celery only schedules it."""
    outcome = delivery_attempt(delivery_id=delivery_id)
    if outcome.retry_in is None:
        return outcome.status
    retry = self.retry(countdown=outcome.retry_in, throw=False)  # schedules the next try
    if self.request.is_eager:
        # Run eagerly (tests, CELERY_TASK_ALWAYS_EAGER): returning the Retry makes ``apply``
        # run the next try at once instead of raising it through the caller's commit hook.
        return retry
    raise retry


@shared_task(name="notifications.delivery_requeue_stuck")
def delivery_requeue_stuck_task() -> int:
    return delivery_requeue_stuck()
