"""Signing in through the forms in tests: the password, then the second factor by SMS code.

``client.force_login`` skips allauth's login stages and needs none of this; tests that go
through the login form use ``sign_in``."""

from __future__ import annotations

import datetime as dt
import re

from django.db.models import F

from seatwise.identity.models import CodePurpose, User, VerificationCode
from seatwise.notifications.models import Delivery
from seatwise.notifications.sms import MemorySmsBackend

SECOND_FACTOR_URL = "/accounts/login/second-factor/"
TEST_PHONE = "+380671112233"


def last_code(*, to: str, event: str = "identity.sign_in_code") -> str:
    """The six-digit code last sent to ``to`` (a phone or an address): from the queued
    delivery (its text is kept until it is sent) or, once sent, from the in-memory SMS
    outbox."""
    delivery = Delivery.objects.filter(recipient=to, event=event).order_by("-pk").first()
    texts = []
    if delivery is not None and delivery.payload.get("text"):
        texts.append(delivery.payload["text"])
    texts += [m.body for m in reversed(MemorySmsBackend.outbox) if m.to == to]
    for body in texts:
        match = re.search(r"\b(\d{6})\b", body)
        if match:
            return match.group(1)
    raise AssertionError(f"no code was sent to {to}")


def allow_new_code(*, target: str, purpose: str = CodePurpose.SIGN_IN) -> None:
    """Test set-up: age earlier codes for ``target`` an hour, so that another can be sent now
    (the resend cooldown and hourly cap would otherwise refuse it)."""
    VerificationCode.objects.filter(purpose=purpose, target=target).update(
        created_at=F("created_at") - dt.timedelta(hours=1)
    )


def complete_second_factor(client, user: User):
    """Send the SMS code on the second-factor page and enter it; the final response. A user
    without a phone is given ``TEST_PHONE`` first (test set-up)."""
    if not user.phone:
        User.objects.filter(pk=user.pk).update(phone=TEST_PHONE)
        user.refresh_from_db()
    phone = user.phone.as_e164
    allow_new_code(target=phone)
    client.post(SECOND_FACTOR_URL, {"method": "sms", "action": "send"})
    return client.post(
        SECOND_FACTOR_URL, {"method": "sms", "action": "verify", "code": last_code(to=phone)}
    )


def sign_in(client, email: str, password: str, **extra):
    """Post the login form and, when the second factor is asked for, give it. Returns the
    last response: the redirect after signing in, or the login page with its errors."""
    response = client.post("/accounts/login/", {"login": email, "password": password, **extra})
    if response.status_code != 302 or response["Location"] != SECOND_FACTOR_URL:
        return response
    return complete_second_factor(client, User.objects.get(email__iexact=email))
