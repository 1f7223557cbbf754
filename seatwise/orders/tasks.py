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
