"""The e-mail of a new tenant: its admin sign-in, sent once to the customer's contact. The
password is a secret of the event: masked in the delivery log and erased from the delivery
once the message has left; Seatwise keeps it nowhere else."""

from __future__ import annotations

from seatwise.notifications.registry import NotificationEvent, event_register

TENANT_CREATED = "subscriptions.tenant_created"

EVENTS = (
    NotificationEvent(
        TENANT_CREATED,
        ("name", "company", "domain", "username", "password", "portal_url"),
        ("password",),
        "A Microsoft tenant was created: its administrator's sign-in, once.",
    ),
)


def register() -> None:
    for event in EVENTS:
        event_register(event)
