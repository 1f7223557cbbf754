"""SMS (and voice call) delivery behind a small port.

The embedded default writes each message to the local mailbox (``var/mailbox/sms/``) so a
developer can read codes; ``HttpSmsGatewayBackend`` posts to an HTTP gateway. The backend is
chosen with ``SMS_BACKEND``. A backend raises ``TransientDeliveryError`` when another try
may succeed and ``PermanentDeliveryError`` when it will not.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from seatwise.core import clock
from seatwise.notifications.exceptions import PermanentDeliveryError, TransientDeliveryError

if TYPE_CHECKING:
    import httpx

SmsKind = Literal["text", "voice"]


@dataclass(frozen=True)
class SmsMessage:
    to: str
    body: str
    kind: SmsKind = "text"  # "voice": the gateway calls the number and reads ``body`` aloud
    reference: str = ""  # our delivery id, so a gateway can drop a repeated request


@dataclass(frozen=True)
class SmsReceipt:
    external_id: str = ""  # the gateway's id of the message, when it returns one


class SmsBackend(Protocol):
    def send(self, message: SmsMessage) -> SmsReceipt | None: ...


class MailboxSmsBackend:
    """Writes one JSON file per message under ``MAILBOX_DIR/sms``."""

    def __init__(self, directory: Path | None = None):
        self.directory = Path(directory or Path(settings.MAILBOX_DIR) / "sms")

    def send(self, message: SmsMessage) -> SmsReceipt:
        self.directory.mkdir(parents=True, exist_ok=True)
        sent_at = clock.now()
        name = f"{sent_at:%Y%m%d-%H%M%S-%f}-{message.to.lstrip('+')}.json"
        record = {**asdict(message), "sent_at": sent_at.isoformat()}
        (self.directory / name).write_text(json.dumps(record, ensure_ascii=False))
        return SmsReceipt(external_id=name)


class MemorySmsBackend:
    """Keeps messages in ``outbox`` (for tests)."""

    outbox: list[SmsMessage] = []

    def send(self, message: SmsMessage) -> SmsReceipt:
        MemorySmsBackend.outbox.append(message)
        return SmsReceipt()


class HttpSmsGatewayBackend:
    """Posts ``{"to", "text", "sender", "kind", "reference"}`` as JSON to ``SMS_GATEWAY_URL``
    with ``Authorization: Bearer SMS_GATEWAY_TOKEN``. Any 2xx is success (a JSON ``id`` in
    the answer is kept as the gateway's reference); network errors, timeouts, 5xx and 429
    are transient; other 4xx are permanent."""

    def __init__(
        self,
        *,
        url: str | None = None,
        token: str | None = None,
        sender: str | None = None,
        timeout: float | None = None,
    ):
        self.url = url if url is not None else getattr(settings, "SMS_GATEWAY_URL", "")
        self.token = token if token is not None else getattr(settings, "SMS_GATEWAY_TOKEN", "")
        self.sender = sender if sender is not None else getattr(settings, "SMS_SENDER", "Seatwise")
        self.timeout = float(
            timeout if timeout is not None else getattr(settings, "SMS_GATEWAY_TIMEOUT", 10)
        )

    def send(self, message: SmsMessage) -> SmsReceipt:
        import httpx  # only this backend needs it

        if not self.url:
            raise PermanentDeliveryError("SMS_GATEWAY_URL is not set.", code="sms_gateway_unset")
        headers = {"Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if message.reference:
            headers["Idempotency-Key"] = message.reference
        payload = {
            "to": message.to,
            "text": message.body,
            "sender": self.sender,
            "kind": message.kind,
            "reference": message.reference,
        }
        try:
            response = httpx.post(
                self.url,
                json=payload,
                headers=headers,
                timeout=httpx.Timeout(self.timeout, connect=min(self.timeout, 5.0)),
            )
        except httpx.TimeoutException as exc:
            raise TransientDeliveryError(
                f"The SMS gateway did not answer in time ({type(exc).__name__}).",
                details={"reason": "timeout"},
            ) from exc
        except httpx.HTTPError as exc:
            raise TransientDeliveryError(
                f"The SMS gateway could not be reached ({type(exc).__name__}).",
                details={"reason": "network"},
            ) from exc
        return self._receipt(response)

    @staticmethod
    def _receipt(response: httpx.Response) -> SmsReceipt:
        status = response.status_code
        if 200 <= status < 300:
            try:
                body = response.json()
            except ValueError:
                body = None
            external_id = body.get("id") if isinstance(body, dict) else None
            return SmsReceipt(external_id=str(external_id or "")[:100])
        detail = response.text[:300]
        details = {"status": status}
        if status == 429 or status >= 500:
            raise TransientDeliveryError(
                f"The SMS gateway answered {status}: {detail}",
                retry_after=_retry_after(response),
                details=details,
            )
        raise PermanentDeliveryError(
            f"The SMS gateway refused the message ({status}): {detail}", details=details
        )


def _retry_after(response: httpx.Response) -> int | None:
    value = response.headers.get("Retry-After", "")
    return int(value) if value.isdigit() else None


def get_backend() -> SmsBackend:
    return import_string(settings.SMS_BACKEND)()


def sms_send(*, to: str, body: str, kind: SmsKind = "text") -> SmsMessage:
    """Send at once, without the delivery log: prefer ``services.notification_send``."""
    message = SmsMessage(to=to, body=body, kind=kind)
    get_backend().send(message)
    return message
