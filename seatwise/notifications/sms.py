"""SMS delivery behind a small port. The embedded default writes each message to the local
mailbox (``var/mailbox/sms/``) so a developer can read codes; a gateway backend is chosen
with ``SMS_BACKEND``."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from seatwise.core import clock


@dataclass(frozen=True)
class SmsMessage:
    to: str
    body: str


class SmsBackend(Protocol):
    def send(self, message: SmsMessage) -> None: ...


class MailboxSmsBackend:
    """Writes one JSON file per message under ``MAILBOX_DIR/sms``."""

    def __init__(self, directory: Path | None = None):
        self.directory = Path(directory or Path(settings.MAILBOX_DIR) / "sms")

    def send(self, message: SmsMessage) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        sent_at = clock.now()
        name = f"{sent_at:%Y%m%d-%H%M%S-%f}-{message.to.lstrip('+')}.json"
        record = {**asdict(message), "sent_at": sent_at.isoformat()}
        (self.directory / name).write_text(json.dumps(record, ensure_ascii=False))


class MemorySmsBackend:
    """Keeps messages in ``outbox`` (for tests)."""

    outbox: list[SmsMessage] = []

    def send(self, message: SmsMessage) -> None:
        MemorySmsBackend.outbox.append(message)


def get_backend() -> SmsBackend:
    return import_string(settings.SMS_BACKEND)()


def sms_send(*, to: str, body: str) -> SmsMessage:
    message = SmsMessage(to=to, body=body)
    get_backend().send(message)
    return message
