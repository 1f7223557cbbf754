"""Celery tasks of orders: an id in, one service call, safe to run twice."""

from celery import shared_task

from seatwise.orders.invoices import order_invoice_issue, order_invoice_issue_missing


@shared_task(name="orders.invoice_issue")
def invoice_issue_task(order_id: int, language: str = "") -> str:
    invoice = order_invoice_issue(order_id=order_id, language=language)
    return invoice.number if invoice is not None else ""


@shared_task(name="orders.invoice_issue_missing")
def invoice_issue_missing_task() -> int:
    return order_invoice_issue_missing()


@shared_task(name="orders.provision", bind=True, acks_late=True, reject_on_worker_lost=True)
def provision_task(self, request_id: int) -> str:
    """One attempt at a provisioning request (see ``orders.provisioning``): safe to run
    twice, and redelivered when the worker running it dies (the redelivered message takes
    over its own claim)."""
    from seatwise.orders.provisioning import provisioning_run

    return provisioning_run(request_id=request_id, task_id=str(self.request.id or ""))


@shared_task(name="orders.provisioning_sweep")
def provisioning_sweep_task() -> int:
    from seatwise.orders.provisioning import provisioning_sweep

    return provisioning_sweep()
