"""Typed errors of the notifications app.

Callers of ``notification_send`` see ``NotificationInputError`` (bad event, context or
recipient; nothing is written). Delivery backends raise ``TransientDeliveryError`` (worth
another try later: network, timeouts, 5xx, 429, SMTP 4xx) or ``PermanentDeliveryError``
(another try would fail the same way: 4xx, SMTP 5xx, bad configuration).
"""

from __future__ import annotations

from typing import Any

from seatwise.core.errors import ApplicationError, ValidationError


class NotificationInputError(ValidationError):
    code = "notification_invalid"


class UnknownEventError(NotificationInputError):
    code = "notification_event_unknown"


class DeliveryError(ApplicationError):
    code = "delivery_failed"
    status = 502


class TransientDeliveryError(DeliveryError):
    code = "delivery_transient"

    def __init__(
        self,
        message: str,
        *,
        retry_after: int | None = None,
        details: dict[str, Any] | None = None,
    ):
        super().__init__(message, details=details)
        self.retry_after = retry_after


class PermanentDeliveryError(DeliveryError):
    code = "delivery_permanent"
