from celery import shared_task

from seatwise.notifications.services import mailbox_prune


@shared_task(name="notifications.mailbox_prune")
def mailbox_prune_task() -> int:
    return mailbox_prune()
