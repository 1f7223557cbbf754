"""One-time codes for e-mail and phone verification, the sign-in second factor and password
recovery.

A code is six digits, stored as a keyed hash (HMAC with the secret key, bound to purpose and
target, so a code for one address or purpose never checks for another), valid for
``CODE_TTL``, allows ``MAX_ATTEMPTS`` wrong tries, and is used once. A new code for the same
purpose and target replaces the previous one (which then stops working), no sooner than
``RESEND_COOLDOWN`` after it unless that one was used, and at most ``MAX_PER_HOUR`` an hour.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from seatwise.core import clock
from seatwise.identity.exceptions import CodeAttemptsExhausted, CodeInvalid, RateLimited
from seatwise.identity.models import VerificationCode

CODE_LENGTH = 6
CODE_TTL = dt.timedelta(minutes=10)
RESEND_COOLDOWN = dt.timedelta(seconds=60)
MAX_ATTEMPTS = 5
MAX_PER_HOUR = 5


@dataclass(frozen=True)
class IssuedCode:
    code: str  # plaintext: give it to the notification, never store or log it
    expires_at: dt.datetime
    resend_after: dt.datetime


def _normalize(target: str) -> str:
    return target.strip().lower()


def _hash(*, purpose: str, target: str, code: str) -> str:
    message = f"{purpose}:{target}:{code}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


@transaction.atomic
def verification_code_issue(*, purpose: str, target: str, user=None) -> IssuedCode:
    """A new code for ``target``; raises ``RateLimited`` with the wait in seconds."""
    target = _normalize(target)
    now = clock.now()
    recent = list(
        VerificationCode.objects.select_for_update()
        .filter(purpose=purpose, target=target, created_at__gt=now - dt.timedelta(hours=1))
        .order_by("-created_at")
    )
    # The cooldown is for resending: once the latest code was used, a new one may follow.
    if recent and recent[0].used_at is None and now - recent[0].created_at < RESEND_COOLDOWN:
        wait = int((recent[0].created_at + RESEND_COOLDOWN - now).total_seconds()) + 1
        raise RateLimited(
            _("Please wait %(seconds)d seconds before asking for a new code.") % {"seconds": wait},
            details={"retry_after": wait},
        )
    if len(recent) >= MAX_PER_HOUR:
        wait = int((recent[-1].created_at + dt.timedelta(hours=1) - now).total_seconds()) + 1
        raise RateLimited(
            _("Too many codes were sent. Try again in %(minutes)d minutes.")
            % {"minutes": max(1, wait // 60)},
            details={"retry_after": wait},
        )
    # Earlier codes for the same purpose and target stop working.
    VerificationCode.objects.filter(purpose=purpose, target=target, used_at__isnull=True).update(
        used_at=now
    )
    code = "".join(secrets.choice("0123456789") for _ in range(CODE_LENGTH))
    row = VerificationCode.objects.create(
        purpose=purpose,
        target=target,
        user=user,
        code_hash=_hash(purpose=purpose, target=target, code=code),
        created_at=now,
        expires_at=now + CODE_TTL,
    )
    return IssuedCode(code=code, expires_at=row.expires_at, resend_after=now + RESEND_COOLDOWN)


def verification_code_check(*, purpose: str, target: str, code: str) -> VerificationCode:
    """Use the code, or raise. A wrong code counts an attempt (kept even though the call
    raises); after ``MAX_ATTEMPTS`` the code is dead and a new one must be sent. Expired,
    used, replaced and unknown codes all give the same answer."""
    target = _normalize(target)
    now = clock.now()
    with transaction.atomic():
        row = (
            VerificationCode.objects.select_for_update()
            .filter(purpose=purpose, target=target, used_at__isnull=True, expires_at__gt=now)
            .order_by("-created_at")
            .first()
        )
        if row is None:
            outcome, left = "invalid", None
        elif row.attempts >= MAX_ATTEMPTS:
            outcome, left = "exhausted", 0
        else:
            given = _hash(purpose=purpose, target=target, code=(code or "").strip())
            if hmac.compare_digest(given, row.code_hash):
                row.used_at = now
                row.save(update_fields=["used_at"])
                return row
            VerificationCode.objects.filter(pk=row.pk).update(attempts=F("attempts") + 1)
            left = MAX_ATTEMPTS - row.attempts - 1
            outcome = "exhausted" if left <= 0 else "wrong"
    # Raised after the block, so that the counted attempt is committed.
    if outcome == "exhausted":
        raise CodeAttemptsExhausted(_("Too many wrong codes. Ask for a new code."))
    if outcome == "wrong":
        raise CodeInvalid(
            _("This code is not valid. %(left)d attempt(s) left.") % {"left": left},
            details={"attempts_left": left},
        )
    raise CodeInvalid(_("This code is not valid. Ask for a new code."))
