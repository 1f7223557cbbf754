"""Reads: the local mailbox (what the embedded default "sent") for the developer page.

E-mails are the ``.log`` files Django's file backend writes under ``MAILBOX_DIR/email`` (one
file per connection, messages separated by a line of 79 dashes); SMS and voice calls are the
JSON files ``MailboxSmsBackend`` writes under ``MAILBOX_DIR/sms``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import logging
import re
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from seatwise.notifications.models import DeliveryAttachment
from seatwise.notifications.registry import EVENTS

logger = logging.getLogger(__name__)

MAILBOX_LIMIT = 50
_SEPARATOR = b"\n" + b"-" * 79 + b"\n"
# A code a person types: 4-8 digits, two groups of four capitals or digits (allauth's codes,
# "PDSZ-CFJV"), or 5-10 capitals and digits with at least one digit. Not a port ("host:8000").
_CODE = re.compile(
    r"(?<![\w/.:-])(?:\d{4,8}|[A-Z0-9]{4}-[A-Z0-9]{4}"
    r"|(?=[A-Z0-9]*\d)(?=[A-Z0-9]*[A-Z])[A-Z0-9]{5,10})(?![\w/-])"
)
_SPOKEN_CODE = re.compile(r"(?<![\w.,])\d(?: \d){3,7}(?![\w])")  # "4 8 2 9 1 3", read aloud
_LINK = re.compile(r"https?://[^\s<>\"']+")


@dataclass(frozen=True)
class MailboxEntry:
    kind: str  # "email", "sms" or "voice"
    sent_at: dt.datetime
    to: str
    subject: str
    text: str
    event: str = ""
    delivery: str = ""  # the delivery's id (``X-Seatwise-Delivery``), for e-mails
    attachments: tuple[str, ...] = ()  # file names of the e-mail's attachments

    @property
    def codes(self) -> list[str]:
        """The codes to pick out: none for an event of Seatwise's that carries no code (an
        order's number or amount is not a code); sought in the text otherwise."""
        registered = EVENTS.get(self.event)
        if registered is not None and "code" not in registered.context:
            return []
        text = f"{self.subject}\n{self.text}"
        found = _CODE.findall(text) + [m.replace(" ", "") for m in _SPOKEN_CODE.findall(text)]
        return list(dict.fromkeys(found))

    @property
    def links(self) -> list[str]:
        found = (link.rstrip(".,;:)") for link in _LINK.findall(self.text))
        return list(dict.fromkeys(found))


def _aware(value: dt.datetime) -> dt.datetime:
    return value if timezone.is_aware(value) else timezone.make_aware(value, dt.UTC)


def _newest_files(folder: Path, pattern: str) -> list[Path]:
    if not folder.is_dir():
        return []
    files = [path for path in folder.glob(pattern) if path.is_file()]
    return sorted(files, key=lambda path: (path.stat().st_mtime, path.name), reverse=True)


def _sent_at(message: EmailMessage, fallback: dt.datetime) -> dt.datetime:
    """``X-Seatwise-Sent-At`` (microseconds, so messages of one second keep their order
    against SMS), else the ``Date`` header (whole seconds), else the file's time."""
    with contextlib.suppress(AttributeError, TypeError, ValueError):  # a malformed header
        precise = message.get("X-Seatwise-Sent-At")
        if precise:
            return _aware(dt.datetime.fromisoformat(str(precise).strip()))
        if message["Date"]:
            return _aware(message["Date"].datetime)
    return fallback


def _email_entry(raw: bytes, fallback: dt.datetime) -> MailboxEntry | None:
    message = message_from_bytes(raw.strip(b"\n"), policy=policy.default)
    if not isinstance(message, EmailMessage) or not message.keys():
        return None
    sent_at = _sent_at(message, fallback)
    body = message.get_body(preferencelist=("plain", "html"))
    text = body.get_content() if body is not None else ""
    return MailboxEntry(
        kind="email",
        sent_at=sent_at,
        to=str(message.get("To", "")).strip(),
        subject=" ".join(str(message.get("Subject", "")).split()),
        text=text.strip(),
        event=str(message.get("X-Seatwise-Event", "")),
        delivery=str(message.get("X-Seatwise-Delivery", "")).strip(),
        attachments=tuple(
            part.get_filename() or "" for part in message.iter_attachments() if part.get_filename()
        ),
    )


def _emails(folder: Path, limit: int) -> list[MailboxEntry]:
    entries: list[MailboxEntry] = []
    for path in _newest_files(folder, "*.log"):
        fallback = dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.UTC)
        chunks = [chunk for chunk in path.read_bytes().split(_SEPARATOR) if chunk.strip()]
        for chunk in reversed(chunks):  # newest first
            try:
                entry = _email_entry(chunk, fallback)
            except Exception:  # a damaged file must not break the page
                logger.warning("unreadable message in %s", path, exc_info=True)
                continue
            if entry is not None:
                entries.append(entry)
        if len(entries) >= limit:
            break
    return entries


def _sms(folder: Path, limit: int) -> list[MailboxEntry]:
    entries: list[MailboxEntry] = []
    for path in _newest_files(folder, "*.json")[:limit]:
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
            sent_at = _aware(dt.datetime.fromisoformat(record["sent_at"]))
            entries.append(
                MailboxEntry(
                    kind="voice" if record.get("kind") == "voice" else "sms",
                    sent_at=sent_at,
                    to=str(record["to"]),
                    subject="",
                    text=str(record["body"]),
                )
            )
        except (OSError, ValueError, KeyError, TypeError):
            logger.warning("unreadable SMS file %s", path)
    return entries


def mailbox_version(entries: list[MailboxEntry]) -> str:
    """A short fingerprint of a listing: the page polls with it and gets "no change"."""
    seen = "|".join(f"{e.kind}:{e.sent_at.isoformat()}:{e.to}" for e in entries)
    return hashlib.sha256(seen.encode()).hexdigest()[:16]


def mailbox_list(*, kind: str | None = None, limit: int = MAILBOX_LIMIT) -> list[MailboxEntry]:
    """The latest ``limit`` e-mails and the latest ``limit`` SMS (or only one ``kind``:
    ``"email"`` or ``"sms"``, which includes voice calls), newest first."""
    root = Path(settings.MAILBOX_DIR)
    entries: list[MailboxEntry] = []
    if kind in (None, "email"):
        entries += sorted(_emails(root / "email", limit), key=lambda e: e.sent_at, reverse=True)[
            :limit
        ]
    if kind in (None, "sms"):
        entries += _sms(root / "sms", limit)
    return sorted(entries, key=lambda entry: entry.sent_at, reverse=True)


def mailbox_attachment_get(*, delivery_id: object, filename: str) -> DeliveryAttachment | None:
    """The attachment ``filename`` of the e-mail delivery ``delivery_id`` (for the developer
    mailbox's download link), or None."""
    try:
        pk = int(str(delivery_id))
    except (TypeError, ValueError):
        return None
    return DeliveryAttachment.objects.filter(delivery_id=pk, filename=filename).first()
