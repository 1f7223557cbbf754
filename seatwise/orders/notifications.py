"""The e-mails of orders: placed, paid, completed and failed, to the user who placed it."""

from __future__ import annotations

from seatwise.notifications.registry import NotificationEvent, event_register

ORDER_CONTEXT = ("name", "number", "total")

EVENTS = (
    NotificationEvent("orders.placed", ORDER_CONTEXT, (), "An order was placed."),
    NotificationEvent("orders.paid", ORDER_CONTEXT, (), "An order was paid."),
    NotificationEvent("orders.completed", ORDER_CONTEXT, (), "An order was completed."),
    NotificationEvent("orders.failed", ORDER_CONTEXT, (), "An order or its payment failed."),
    NotificationEvent(
        "orders.partially_failed",
        ORDER_CONTEXT,
        (),
        "Some lines of an order could not be provisioned.",
    ),
)


def register() -> None:
    for event in EVENTS:
        event_register(event)
