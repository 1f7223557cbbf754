"""E-mail through Django's configured backend (the mailbox file backend by default, SMTP
when configured), with SMTP and network errors sorted into transient and permanent."""

from __future__ import annotations

import smtplib
from collections.abc import Mapping, Sequence
from email.utils import formatdate, make_msgid, parseaddr

from django.conf import settings
from django.core.mail import BadHeaderError, EmailMultiAlternatives, get_connection

from seatwise.core import clock
from seatwise.notifications.exceptions import (
    DeliveryError,
    PermanentDeliveryError,
    TransientDeliveryError,
)


def _domain() -> str:
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return address.rpartition("@")[2] or "seatwise.local"


def email_deliver(
    *,
    to: str,
    subject: str,
    text: str,
    html: str = "",
    headers: Mapping[str, str] | None = None,
    reference: str = "",
    attachments: Sequence[tuple[str, bytes, str]] = (),
) -> str:
    """Send one message now; return its Message-ID. Raises a ``DeliveryError``.
    ``attachments`` are ``(filename, content, content_type)`` triples."""
    message_id = make_msgid(idstring=reference or None, domain=_domain())
    now = clock.now()
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers={
            "Date": formatdate(now.timestamp()),
            "Message-ID": message_id,
            "X-Seatwise-Sent-At": now.isoformat(),  # Date counts whole seconds only
            "Auto-Submitted": "auto-generated",
            **(headers or {}),
        },
    )
    if html:
        message.attach_alternative(html, "text/html")
    for filename, content, content_type in attachments:
        message.attach(filename, content, content_type)
    try:
        get_connection(fail_silently=False).send_messages([message])
    except Exception as exc:
        raise email_error_classify(exc) from exc
    return message_id


def _smtp_code_is_transient(code: int) -> bool:
    return 400 <= code < 500


def email_error_classify(exc: BaseException) -> DeliveryError:
    """Transient: network errors, timeouts, a dropped connection, SMTP 4xx replies.
    Permanent: SMTP 5xx replies (a refused address, failed authentication) and bad input."""
    if isinstance(exc, DeliveryError):
        return exc
    reason = f"{type(exc).__name__}: {exc}"[:500]
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in exc.recipients.values()]
        if codes and all(_smtp_code_is_transient(code) for code in codes):
            return TransientDeliveryError(reason, details={"smtp_codes": codes})
        return PermanentDeliveryError(reason, details={"smtp_codes": codes})
    if isinstance(exc, smtplib.SMTPResponseException):
        details = {"smtp_codes": [exc.smtp_code]}
        if _smtp_code_is_transient(exc.smtp_code):
            return TransientDeliveryError(reason, details=details)
        return PermanentDeliveryError(reason, details=details)
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return TransientDeliveryError(reason)
    if isinstance(exc, smtplib.SMTPException | BadHeaderError | ValueError):
        return PermanentDeliveryError(reason)
    if isinstance(exc, OSError):  # refused connection, timeout, TLS, disk full for files
        return TransientDeliveryError(reason)
    return PermanentDeliveryError(reason)
