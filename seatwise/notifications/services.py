"""Notifications: render an event, log a delivery per channel, send it after commit.

``notification_send`` is what other apps call. ``delivery_attempt`` is called by the task
(one try, safe to run twice); ``delivery_requeue_stuck`` by the periodic sweep; and
``mailbox_prune`` keeps the local mailbox small.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from seatwise.core import clock
from seatwise.core.events import enqueue_after_commit
from seatwise.notifications.enums import Channel, DeliveryStatus
from seatwise.notifications.exceptions import (
    DeliveryError,
    NotificationInputError,
    PermanentDeliveryError,
    TransientDeliveryError,
)
from seatwise.notifications.mail import email_deliver
from seatwise.notifications.masking import mask_secrets
from seatwise.notifications.models import Delivery, DeliveryAttachment
from seatwise.notifications.rendering import RenderedNotification, notification_render
from seatwise.notifications.sms import SmsMessage, get_backend
from seatwise.notifications.states import DELIVERY_TRANSITIONS

logger = logging.getLogger(__name__)

MAILBOX_KEEP_DAYS = 14
DELIVERY_MAX_ATTEMPTS = 3
RETRY_BASE_SECONDS = 30  # 30 s, then 60 s; never more than RETRY_MAX_SECONDS
RETRY_MAX_SECONDS = 300
STUCK_AFTER = dt.timedelta(minutes=15)


ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024  # all the files of one e-mail together


@dataclass(frozen=True)
class Attachment:
    """A file to send with an e-mail (``notification_send(attachments=...)``)."""

    filename: str
    content: bytes
    content_type: str = "application/octet-stream"


@dataclass(frozen=True)
class DeliveryOutcome:
    delivery_id: int
    status: str
    retry_in: int | None = None  # seconds until the next try, when one is due


def retry_delay(*, attempts: int, retry_after: int | None = None) -> int:
    """Bounded exponential backoff after ``attempts`` tries; honours a gateway's
    ``Retry-After`` up to the bound."""
    delay = RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    if retry_after:
        delay = max(delay, retry_after)
    return min(delay, RETRY_MAX_SECONDS)


def _email_address(value: str) -> str:
    address = value.strip()
    try:
        validate_email(address)
    except DjangoValidationError:
        raise NotificationInputError(
            _("Enter a valid e-mail address."), code="notification_email_invalid"
        ) from None
    return address


def _phone_number(value: Any) -> str:
    try:
        number = phonenumbers.parse(str(value).strip(), None)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_possible_number(number):
        raise NotificationInputError(
            _("Enter a phone number with its country code, e.g. +380 67 123 4567."),
            code="notification_phone_invalid",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _delivery_row(
    *, rendered: RenderedNotification, channel: Channel, recipient: str, **fields: Any
) -> Delivery:
    def mask(text: str) -> str:
        return mask_secrets(text, secrets=rendered.secrets)

    if channel == Channel.EMAIL:
        payload = {"subject": rendered.subject, "text": rendered.text, "html": rendered.html}
        subject, preview = mask(rendered.subject), ""
    else:
        text = rendered.voice if channel == Channel.VOICE else rendered.sms
        payload = {"text": text}
        subject, preview = "", mask(text)
    return Delivery(
        event=rendered.event,
        channel=channel,
        recipient=recipient,
        language=rendered.language,
        subject=subject[:255],
        preview=preview,
        payload=payload,
        **fields,
    )


def notification_send(
    *,
    event: str,
    to_email: str | None = None,
    to_phone: str | None = None,
    context: Mapping[str, Any],
    language: str = "en",
    organization_id: int | None = None,
    voice: bool = False,
    idempotency_key: str = "",
    attachments: Sequence[Attachment] = (),
    key_is_new: bool = False,
) -> list[Delivery]:
    """Render ``event`` in ``language`` and queue it to ``to_email`` and/or ``to_phone``
    (an SMS, or a voice call with ``voice=True``) once the transaction commits.
    ``attachments`` go with the e-mail only (kept beside the delivery, so a retry sends
    the same bytes).

    Returns the deliveries, e-mail first. With an ``idempotency_key`` a repeated call
    returns the deliveries of the first one and sends nothing again. ``key_is_new``: the
    caller knows no delivery can hold the key yet (it names a row created in the same
    transaction), so the look-up and the savepoint that guard a repeat are skipped. Refuses
    an unknown event, missing context keys, a bad address or no recipient, writing nothing.
    """
    from seatwise.notifications.tasks import delivery_send_task  # the task calls services

    if not to_email and not to_phone:
        raise NotificationInputError(
            _("A notification needs an e-mail address or a phone number."),
            code="notification_no_recipient",
        )
    targets: list[tuple[Channel, str]] = []
    if to_email:
        targets.append((Channel.EMAIL, _email_address(to_email)))
    if to_phone:
        targets.append((Channel.VOICE if voice else Channel.SMS, _phone_number(to_phone)))
    files = _attachments_clean(attachments)
    idempotency_key = idempotency_key.strip()[:100]
    if idempotency_key and not key_is_new:
        existing = list(
            Delivery.objects.filter(
                idempotency_key=idempotency_key, channel__in=[channel for channel, _to in targets]
            ).order_by("id")
        )
        if existing:
            return existing
    rendered = notification_render(event=event, context=context, language=language)
    deliveries = []
    # Everything above only reads; the rows below are written together (inside a caller's
    # transaction they join it without a savepoint of their own).
    with transaction.atomic(savepoint=False):
        for channel, recipient in targets:
            delivery = _delivery_row(
                rendered=rendered,
                channel=channel,
                recipient=recipient,
                organization_id=organization_id,
                idempotency_key=idempotency_key,
            )
            try:
                if key_is_new:
                    delivery.save(force_insert=True)
                else:
                    with transaction.atomic():
                        delivery.save(force_insert=True)
            except IntegrityError:
                if not idempotency_key or key_is_new:
                    raise
                delivery = Delivery.objects.get(idempotency_key=idempotency_key, channel=channel)
            else:
                if channel == Channel.EMAIL and files:
                    DeliveryAttachment.objects.bulk_create(
                        DeliveryAttachment(
                            organization_id=organization_id,
                            delivery=delivery,
                            filename=file.filename,
                            content_type=file.content_type,
                            content=file.content,
                            size=len(file.content),
                        )
                        for file in files
                    )
                enqueue_after_commit(delivery_send_task, delivery.pk)
            deliveries.append(delivery)
    return deliveries


def _attachments_clean(attachments: Sequence[Attachment]) -> list[Attachment]:
    files = []
    for file in attachments:
        filename = Path(str(file.filename).replace("\\", "/")).name.strip()[:200]
        if not filename or not isinstance(file.content, bytes | bytearray | memoryview):
            raise NotificationInputError(
                _("An attachment needs a file name and its bytes."),
                code="notification_attachment_invalid",
            )
        content_type = (file.content_type or "application/octet-stream").strip()[:100]
        files.append(Attachment(filename, bytes(file.content), content_type))
    if sum(len(file.content) for file in files) > ATTACHMENT_MAX_BYTES:
        raise NotificationInputError(
            _("The attachments are too large to send by e-mail."),
            code="notification_attachment_too_large",
        )
    return files


def _claim(delivery_id: int) -> Delivery | None:
    """Move a queued delivery to ``sending`` for this worker alone (no lock held while the
    message goes out); ``None`` when it is not queued (already sent, failed or in flight)."""
    now = clock.now()
    claimed = Delivery.objects.filter(
        pk=delivery_id, status=DeliveryStatus.QUEUED, attempts__lt=DELIVERY_MAX_ATTEMPTS
    ).update(status=DeliveryStatus.SENDING, attempts=F("attempts") + 1, last_attempt_at=now)
    return Delivery.objects.get(pk=delivery_id) if claimed else None


def _transmit(delivery: Delivery) -> str:
    reference = f"delivery-{delivery.pk}"
    payload = delivery.payload
    if delivery.channel == Channel.EMAIL:
        return email_deliver(
            to=delivery.recipient,
            subject=payload["subject"],
            text=payload["text"],
            html=payload.get("html", ""),
            headers={"X-Seatwise-Event": delivery.event, "X-Seatwise-Delivery": str(delivery.pk)},
            reference=reference,
            attachments=[
                (file.filename, bytes(file.content), file.content_type)
                for file in delivery.attachments.order_by("pk")
            ],
        )
    kind = "voice" if delivery.channel == Channel.VOICE else "text"
    message = SmsMessage(
        to=delivery.recipient, body=payload["text"], kind=kind, reference=reference
    )
    try:
        receipt = get_backend().send(message)
    except DeliveryError:
        raise
    except Exception as exc:  # a backend bug or misconfiguration: do not retry blindly
        raise PermanentDeliveryError(f"{type(exc).__name__}: {exc}"[:500]) from exc
    return receipt.external_id if receipt else ""


@transaction.atomic
def _finish(
    *, delivery_id: int, status: DeliveryStatus, error: str = "", external_id: str = ""
) -> Delivery:
    delivery = Delivery.objects.select_for_update().get(pk=delivery_id)
    DELIVERY_TRANSITIONS.check(delivery.status, status)
    delivery.status = status
    delivery.error = error
    fields = ["status", "error"]
    if status == DeliveryStatus.SENT:
        delivery.sent_at = clock.now()
        delivery.external_id = external_id[:100]
        fields += ["sent_at", "external_id"]
    if status in (DeliveryStatus.SENT, DeliveryStatus.FAILED):
        delivery.payload = {}  # the code or link leaves the database with the message
        fields.append("payload")
    delivery.save(update_fields=fields)
    return delivery


def delivery_attempt(*, delivery_id: int) -> DeliveryOutcome:
    """Try to send one delivery once. A delivery that is not queued is left alone, so a
    task that runs twice sends once. A transient error puts it back to ``queued`` with a
    delay for the next try, until ``DELIVERY_MAX_ATTEMPTS``; then, or on a permanent error,
    it is ``failed``."""
    delivery = _claim(delivery_id)
    if delivery is None:
        current = Delivery.objects.filter(pk=delivery_id).values_list("status", flat=True)
        return DeliveryOutcome(delivery_id=delivery_id, status=current.first() or "missing")

    def masked(exc: DeliveryError) -> str:
        text = delivery.payload.get("text", "")
        return mask_secrets(str(exc.message), secrets=[text] if text else ())[:1000]

    try:
        external_id = _transmit(delivery)
    except TransientDeliveryError as exc:
        if delivery.attempts >= DELIVERY_MAX_ATTEMPTS:
            _finish(delivery_id=delivery.pk, status=DeliveryStatus.FAILED, error=masked(exc))
            logger.warning("delivery %s failed after %s tries", delivery.pk, delivery.attempts)
            return DeliveryOutcome(delivery_id=delivery.pk, status=DeliveryStatus.FAILED)
        _finish(delivery_id=delivery.pk, status=DeliveryStatus.QUEUED, error=masked(exc))
        delay = retry_delay(attempts=delivery.attempts, retry_after=exc.retry_after)
        logger.info("delivery %s: transient error, retry in %s s", delivery.pk, delay)
        return DeliveryOutcome(
            delivery_id=delivery.pk, status=DeliveryStatus.QUEUED, retry_in=delay
        )
    except PermanentDeliveryError as exc:
        _finish(delivery_id=delivery.pk, status=DeliveryStatus.FAILED, error=masked(exc))
        logger.warning("delivery %s failed: %s", delivery.pk, exc.code)
        return DeliveryOutcome(delivery_id=delivery.pk, status=DeliveryStatus.FAILED)
    _finish(delivery_id=delivery.pk, status=DeliveryStatus.SENT, external_id=external_id)
    return DeliveryOutcome(delivery_id=delivery.pk, status=DeliveryStatus.SENT)


def delivery_requeue_stuck(*, older_than: dt.timedelta = STUCK_AFTER) -> int:
    """Queue again the deliveries whose task was lost: ``queued`` or ``sending`` (the
    worker died) with no try for ``older_than``. Returns how many were queued."""
    from seatwise.notifications.tasks import delivery_send_task

    cutoff = clock.now() - older_than
    stale = Q(status=DeliveryStatus.QUEUED) | Q(status=DeliveryStatus.SENDING)
    ids = list(
        Delivery.objects.annotate(touched=Coalesce("last_attempt_at", "created_at"))
        .filter(stale, touched__lt=cutoff)
        .values_list("pk", flat=True)
    )
    requeued = 0
    for delivery_id in ids:
        with transaction.atomic():
            delivery = Delivery.objects.select_for_update().get(pk=delivery_id)
            if delivery.attempts >= DELIVERY_MAX_ATTEMPTS:
                DELIVERY_TRANSITIONS.check(delivery.status, DeliveryStatus.FAILED)
                delivery.status = DeliveryStatus.FAILED
                delivery.error = delivery.error or "No outcome after the last try."
                delivery.payload = {}
                delivery.save(update_fields=["status", "error", "payload"])
                continue
            if delivery.status == DeliveryStatus.SENDING:
                DELIVERY_TRANSITIONS.check(delivery.status, DeliveryStatus.QUEUED)
                delivery.status = DeliveryStatus.QUEUED
            delivery.last_attempt_at = clock.now()
            delivery.save(update_fields=["status", "last_attempt_at"])
            enqueue_after_commit(delivery_send_task, delivery.pk)
            requeued += 1
    return requeued


def mailbox_prune(*, keep_days: int = MAILBOX_KEEP_DAYS) -> int:
    """Delete mailbox files (e-mail and SMS) older than ``keep_days``; return how many."""
    root = Path(settings.MAILBOX_DIR)
    if not root.exists():
        return 0
    cutoff = (clock.now() - dt.timedelta(days=keep_days)).timestamp()
    removed = 0
    for path in root.rglob("*"):
        if path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink()
            removed += 1
    return removed
