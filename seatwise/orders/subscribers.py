"""How payments move orders, without payments importing orders.

``payments.payment_status_changed`` (payload: ``organization_id``, ``payment_id``,
``reference`` = the order number, ``status`` ``paid`` / ``failed`` / ``refunded``) is
published by the payments app after commit; the order follows: paid → ``order_mark_paid``;
failed → *failed* while the order awaits payment; refunded → *refunded*. A card payment that
LiqPay reports paid after its order was cancelled is given back (``payments.refund``). A
notice for an unknown order, or one the order cannot follow, is logged and changes nothing.
"""

from __future__ import annotations

import logging

from seatwise.core import events
from seatwise.core.errors import ApplicationError
from seatwise.core.events import enqueue_after_commit
from seatwise.orders.enums import PAYMENT_FAILED, PAYMENT_PAID, PAYMENT_REFUNDED, OrderStatus
from seatwise.orders.models import Order
from seatwise.orders.services import order_mark_paid, order_transition
from seatwise.orders.states import ORDER_TRANSITIONS, PAYABLE

logger = logging.getLogger(__name__)

PAYMENT_STATUS_CHANGED = "payments.payment_status_changed"


def on_payment_status_changed(event: events.Event) -> None:
    payload = event.payload
    status = payload.get("status")
    order = Order.objects.filter(
        organization_id=payload.get("organization_id"), number=payload.get("reference") or ""
    ).first()
    if order is None:
        logger.warning("Orders: payment notice for an unknown order %r", payload)
        return
    message = f"Payment {payload.get('payment_id')}: {status}"
    try:
        if status == PAYMENT_PAID and order.status == OrderStatus.CANCELLED:
            from seatwise.payments.tasks import refund_task  # tasks import services

            logger.warning("Orders: %s paid after it was cancelled; refunding", order)
            enqueue_after_commit(refund_task, str(payload.get("payment_id")))
        elif status == PAYMENT_PAID:
            order_mark_paid(order=order, message=message)
        elif status == PAYMENT_FAILED and order.status in PAYABLE:
            order_transition(order=order, to=OrderStatus.FAILED, message=message)
        elif status == PAYMENT_REFUNDED and ORDER_TRANSITIONS.can(
            OrderStatus(order.status), OrderStatus.REFUNDED
        ):
            order_transition(order=order, to=OrderStatus.REFUNDED, message=message)
        else:
            logger.info("Orders: %s ignored for order %s (%s)", status, order, order.status)
    except ApplicationError:
        logger.warning("Orders: payment notice %r refused for %s", payload, order, exc_info=True)


def register() -> None:
    events.subscribe(PAYMENT_STATUS_CHANGED, on_payment_status_changed)
