"""Password recovery (SMART cloud guide 3.2): the e-mail address, a code by e-mail, a code by
SMS to the verified phone, a new password; every session ends. Nothing tells whether an
address has an account."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from seatwise.audit.models import AuditEvent
from seatwise.identity.models import User, VerificationCode
from seatwise.identity.services import user_email_mark_verified
from seatwise.notifications.models import Delivery
from seatwise.tenancy.tests.factories import (
    make_customer,
    make_member,
    make_provider,
    make_reseller,
    make_user,
)
from seatwise.web.tests.helpers import text
from seatwise.web.tests.signin_helpers import last_code, sign_in

pytestmark = pytest.mark.django_db

PASSWORD = "Passw0rd!x"
NEW_PASSWORD = "New-Passw0rd-2026"
PHONE = "+380672498010"
EMAIL = "olga@example.test"
EVENT = "identity.password_reset_code"
START = "/accounts/recover/"
EMAIL_CODE = "/accounts/recover/email-code/"
PHONE_CODE = "/accounts/recover/phone-code/"
NEW = "/accounts/recover/new-password/"
DONE = "/accounts/recover/done/"


@pytest.fixture
def customer():
    return make_customer(make_reseller(make_provider("Seatwise Distribution")), "Acme")


@pytest.fixture
def olga(customer):
    user = make_user(EMAIL, PASSWORD, phone=PHONE)
    make_member(customer, user=user)
    user_email_mark_verified(user=user)
    return user


def _error(response) -> str:
    match = re.search(r"data-error-message>([^<]*)<", text(response))
    return match.group(1).strip() if match else ""


def _wrong(code: str) -> str:
    return "000000" if code != "000000" else "111111"


def _to_email_code(client, email=EMAIL):
    response = client.post(START, {"email": email})
    assert response.status_code == 302
    assert response["Location"] == EMAIL_CODE
    return response


def _to_phone_code(client):
    _to_email_code(client)
    response = client.post(EMAIL_CODE, {"code": last_code(to=EMAIL, event=EVENT)})
    assert response["Location"] == PHONE_CODE
    return response


def _to_new_password(client):
    _to_phone_code(client)
    client.post(PHONE_CODE, {"action": "send"})
    response = client.post(
        PHONE_CODE, {"action": "verify", "code": last_code(to=PHONE, event=EVENT)}
    )
    assert response["Location"] == NEW
    return response


def test_the_first_step_asks_for_the_registration_email(client):
    response = client.get(START)

    assert response.status_code == 200
    body = text(response)
    assert "Enter the email used for registration." in body
    assert 'name="email"' in body
    assert "Send Code" in body


def test_recovery_end_to_end_by_email_code_then_sms_code(
    client, customer, olga, django_capture_on_commit_callbacks
):
    other_device = Client(HTTP_USER_AGENT="Other device")
    assert sign_in(other_device, EMAIL, PASSWORD).status_code == 302

    asked = client.post(START, {"email": "Olga@Example.test"})
    assert asked["Location"] == EMAIL_CODE
    (delivery,) = Delivery.objects.filter(event=EVENT)
    assert (delivery.recipient, delivery.channel) == (EMAIL, "email")
    page = text(client.get(EMAIL_CODE))
    assert "If olga@example.test has an account, we sent a code to it." in page

    response = client.post(EMAIL_CODE, {"code": last_code(to=EMAIL, event=EVENT)})
    assert response["Location"] == PHONE_CODE
    page = text(client.get(PHONE_CODE))
    assert "+380 •• ••• 80 10" in page
    assert "Send Code" in page and "Call me instead" in page

    client.post(PHONE_CODE, {"action": "send"})
    sms = Delivery.objects.filter(event=EVENT).latest("pk")
    assert (sms.recipient, sms.channel) == (PHONE, "sms")
    response = client.post(
        PHONE_CODE, {"action": "verify", "code": last_code(to=PHONE, event=EVENT)}
    )
    assert response["Location"] == NEW
    page = text(client.get(NEW))
    assert "New Password" in page and "Confirm New Password" in page

    weak = client.post(NEW, {"password1": "weakpass", "password2": "weakpass"})
    different = client.post(NEW, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD + "x"})
    assert weak.status_code == different.status_code == 400
    assert "Use at least 3 kinds of characters" in text(weak)
    assert "You must type the same password each time." in text(different)
    olga.refresh_from_db()
    assert olga.check_password(PASSWORD)

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(NEW, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert done["Location"] == DONE
    assert '<a href="/accounts/login/" class="btn btn-primary w-100">Log in</a>' in text(
        client.get(DONE)
    )
    olga.refresh_from_db()
    assert olga.check_password(NEW_PASSWORD)
    assert other_device.get("/account/info/").status_code == 302  # signed out there
    reset = AuditEvent.objects.get(organization=customer, event="password_reset")
    assert (reset.actor_id, reset.details["sessions_ended"]) == (olga.pk, 1)
    assert client.get(NEW)["Location"] == START  # the recovery is over
    assert sign_in(Client(), EMAIL, PASSWORD).status_code == 200  # the old one is refused
    assert sign_in(client, EMAIL, NEW_PASSWORD)["Location"] == "/"


def test_a_user_without_a_phone_goes_from_the_email_code_to_the_new_password(client, olga):
    User.objects.filter(pk=olga.pk).update(phone="")
    _to_email_code(client)

    response = client.post(EMAIL_CODE, {"code": last_code(to=EMAIL, event=EVENT)})

    assert response["Location"] == NEW
    assert client.get(PHONE_CODE)["Location"] == NEW


def test_an_unknown_address_sees_the_same_steps_and_every_code_is_refused_alike(client, olga):
    known = Client()
    _to_email_code(known)
    known_code = last_code(to=EMAIL, event=EVENT)

    asked = client.post(START, {"email": "nobody@example.test"})
    page = text(client.get(EMAIL_CODE))
    refused = client.post(EMAIL_CODE, {"code": known_code})
    wrong_for_known = known.post(EMAIL_CODE, {"code": _wrong(known_code)})

    assert asked["Location"] == EMAIL_CODE
    assert "If nobody@example.test has an account, we sent a code to it." in page
    assert not Delivery.objects.filter(recipient="nobody@example.test").exists()
    assert refused.status_code == wrong_for_known.status_code == 400
    assert _error(refused) == _error(wrong_for_known) == "This code is not valid. 4 attempts left."
    assert client.get(PHONE_CODE)["Location"] == EMAIL_CODE


def test_steps_cannot_be_skipped(client, olga):
    assert client.get(EMAIL_CODE)["Location"] == START
    assert client.get(PHONE_CODE)["Location"] == START
    assert (
        client.post(NEW, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})["Location"]
        == START
    )

    _to_phone_code(client)

    assert client.get(NEW)["Location"] == PHONE_CODE
    assert (
        client.post(NEW, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})["Location"]
        == PHONE_CODE
    )
    olga.refresh_from_db()
    assert olga.check_password(PASSWORD)


def test_a_wrong_sms_code_is_refused_with_the_attempts_left(client, olga):
    _to_phone_code(client)
    client.post(PHONE_CODE, {"action": "send"})

    response = client.post(
        PHONE_CODE, {"action": "verify", "code": _wrong(last_code(to=PHONE, event=EVENT))}
    )

    assert response.status_code == 400
    assert _error(response) == "This code is not valid. 4 attempts left."
    assert client.get(NEW)["Location"] == PHONE_CODE


def test_five_wrong_codes_lock_the_recovery_and_tell_the_audit_log(
    client, customer, olga, django_capture_on_commit_callbacks
):
    _to_email_code(client)
    code = last_code(to=EMAIL, event=EVENT)
    answers = [client.post(EMAIL_CODE, {"code": _wrong(code)}) for _ in range(4)]
    with django_capture_on_commit_callbacks(execute=True):
        answers.append(client.post(EMAIL_CODE, {"code": _wrong(code)}))
    refused = client.post(EMAIL_CODE, {"code": code})

    assert [r.status_code for r in answers] == [400, 400, 400, 400, 429]
    assert _error(answers[4]) == "Too many wrong codes. Try again in 15 minutes."
    assert refused.status_code == 429
    assert client.get(PHONE_CODE)["Location"] == EMAIL_CODE
    lockout = AuditEvent.objects.get(organization=customer, event="lockout")
    assert (lockout.actor_id, lockout.details["reason"]) == (None, "password_recovery")


def test_asking_again_within_the_cooldown_is_refused_with_the_wait(client, olga):
    _to_email_code(client)

    again = client.post(START, {"email": EMAIL})

    assert again.status_code == 429
    assert re.fullmatch(
        r"Please wait (59|60) seconds before asking for a new code\.", _error(again)
    )
    assert Delivery.objects.filter(event=EVENT).count() == 1


def test_many_requests_from_one_address_are_limited(client, olga):
    statuses = [
        client.post(START, {"email": f"someone{i}@example.test"}).status_code for i in range(21)
    ]

    assert statuses[:20] == [302] * 20
    assert statuses[20] == 429
    assert VerificationCode.objects.count() == 20


def test_a_bad_address_is_refused(client):
    response = client.post(START, {"email": "not-an-address"})

    assert response.status_code == 400
    assert _error(response) == "Enter a valid e-mail address."
    assert not VerificationCode.objects.exists()


def test_cancel_ends_the_recovery(client, olga):
    _to_email_code(client)

    response = client.post(EMAIL_CODE, {"action": "cancel"})

    assert response["Location"] == "/accounts/login/"
    assert client.get(EMAIL_CODE)["Location"] == START


def test_the_new_password_page_end_to_end_for_a_signed_in_user_signs_them_out(client, olga):
    client.force_login(olga)
    _to_new_password(client)

    response = client.post(NEW, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert response["Location"] == DONE
    assert "_auth_user_id" not in client.session


def test_recovering_the_password_opens_a_sign_in_locked_by_wrong_passwords(client, olga):
    for _ in range(5):
        client.post("/accounts/login/", {"login": EMAIL, "password": "Wrong-Passw0rd"})
    locked = client.post("/accounts/login/", {"login": EMAIL, "password": PASSWORD})
    assert "Too many failed login attempts" in text(locked)
    _to_new_password(client)

    client.post(NEW, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert sign_in(client, EMAIL, NEW_PASSWORD)["Location"] == "/"
