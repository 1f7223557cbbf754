"""The notification events Seatwise knows, and what each needs to be rendered.

One event, one folder of templates: ``templates/notifications/<event>/`` holds
``subject.txt`` and ``body.txt`` (e-mail), optionally ``body.html``, and ``sms.txt`` (also
read aloud for a voice call unless ``voice.txt`` exists). Strings are translatable, so each
message is rendered in the recipient's language from the ``.po`` catalogue.

Apps above ``notifications`` add their own events with ``event_register`` (from their
``AppConfig.ready``) and put the templates in their own ``templates/notifications/<event>/``.
"""

from __future__ import annotations

from dataclasses import dataclass

from seatwise.notifications.exceptions import UnknownEventError


@dataclass(frozen=True)
class NotificationEvent:
    name: str
    context: tuple[str, ...] = ()  # keys the caller must pass
    secrets: tuple[str, ...] = ()  # context values never kept in the delivery log
    description: str = ""

    @property
    def template_dir(self) -> str:
        return f"notifications/{self.name}"


_CODE = ("code", "expires_minutes")

EVENTS: dict[str, NotificationEvent] = {}


def event_register(event: NotificationEvent) -> NotificationEvent:
    EVENTS[event.name] = event
    return event


def event_get(name: str) -> NotificationEvent:
    try:
        return EVENTS[name]
    except KeyError:
        raise UnknownEventError(
            f"Unknown notification event {name!r}.", details={"event": name}
        ) from None


for _event in (
    NotificationEvent(
        "identity.email_verification_code",
        _CODE,
        ("code",),
        "Code that proves the user owns an e-mail address (registration, change).",
    ),
    NotificationEvent(
        "identity.phone_verification_code",
        _CODE,
        ("code",),
        "Code that proves the user owns a phone number, by SMS or voice call.",
    ),
    NotificationEvent(
        "identity.password_reset_code",
        _CODE,
        ("code",),
        "Code for password recovery, by e-mail and then by SMS.",
    ),
    NotificationEvent(
        "identity.sign_in_code",
        _CODE,
        ("code",),
        "Second-factor code at sign-in, by SMS (or voice call).",
    ),
    NotificationEvent(
        "identity.welcome",
        ("name", "username", "sign_in_url"),
        (),
        "Sent after registration; confirms the username.",
    ),
    NotificationEvent(
        "tenancy.invitation",
        ("inviter_name", "organization_name", "role", "accept_url", "expires_days"),
        ("accept_url",),
        "Invitation to join an organization with a role.",
    ),
    NotificationEvent("test.ping", (), (), "A test message; optional context key: note."),
):
    event_register(_event)
