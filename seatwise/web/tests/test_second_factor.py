"""The second factor at every sign-in (SMART cloud guide 3.1): Send Code to the verified
phone, an authenticator app or a recovery code; wrong codes lock the sign-in for a while.
Also: allauth's failed-password lock, sessions ending and the session lifetime."""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.conf import settings
from django.test import Client

from seatwise.audit.models import AuditEvent
from seatwise.identity.models import CodePurpose, User, VerificationCode
from seatwise.identity.services import user_email_mark_verified
from seatwise.notifications.models import Delivery
from seatwise.tenancy.enums import Role
from seatwise.tenancy.services import authentication_settings_set
from seatwise.tenancy.tests.factories import (
    make_customer,
    make_member,
    make_provider,
    make_reseller,
    make_user,
)
from seatwise.web.signin import masked_phone
from seatwise.web.tests.helpers import text
from seatwise.web.tests.signin_helpers import SECOND_FACTOR_URL, allow_new_code, last_code

pytestmark = pytest.mark.django_db

PASSWORD = "Passw0rd!x"
PHONE = "+380672498010"
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def tree():
    provider = make_provider("Seatwise Distribution")
    reseller = make_reseller(provider, "Northwind")
    return {
        "provider": provider,
        "reseller": reseller,
        "customer": make_customer(reseller, "Acme"),
        "other": make_customer(reseller, "Globex"),
    }


def _user(organization, email="olga@example.test", phone=PHONE, role=Role.OWNER):
    user = make_user(email, PASSWORD, phone=phone)
    make_member(organization, role, user=user)
    user_email_mark_verified(user=user)
    return user


@pytest.fixture
def olga(tree):
    return _user(tree["customer"])


def _password(client, email="olga@example.test", password=PASSWORD, next_url=""):
    data = {"login": email, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post("/accounts/login/", data)


def _post(client, **data):
    return client.post(SECOND_FACTOR_URL, data)


def _send(client, method="sms", action="send"):
    return _post(client, method=method, action=action)


def _verify(client, code, method="sms"):
    return _post(client, method=method, action="verify", code=code)


def _error(response) -> str:
    match = re.search(r"data-error-message>([^<]*)<", text(response))
    return match.group(1).strip() if match else ""


def _signed_in(client) -> str | None:
    return client.session.get("_auth_user_id")


def _events(organization) -> list[str]:
    return list(
        AuditEvent.objects.filter(organization=organization)
        .order_by("pk")
        .values_list("event", flat=True)
    )


def _totp(user) -> str:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def _totp_code(secret) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


# --- Asked for, and who is asked.


def test_the_password_leads_to_the_second_factor_page_not_into_the_account(client, olga):
    response = _password(client, next_url="/account/info/")

    assert response.status_code == 302
    assert response["Location"] == SECOND_FACTOR_URL
    assert _signed_in(client) is None
    page = client.get(SECOND_FACTOR_URL)
    body = text(page)
    assert page.status_code == 200
    assert "+380 •• ••• 80 10" in body
    assert "+380672498010" not in body and "498010" not in body
    assert 'value="send"' in body and ">Send Code<" in body
    assert "Call me instead" in body
    assert "Use an authenticator app" not in body
    assert "Use a recovery code" not in body


def test_a_customer_whose_reseller_relaxed_the_second_factor_signs_in_with_the_password(
    client, tree, olga
):
    owner = _user(tree["reseller"], "rita@example.test")
    authentication_settings_set(
        actor=owner,
        organization=tree["reseller"],
        allow_local=True,
        allow_microsoft_personal=False,
        allow_microsoft_work=False,
        second_factor_required=False,
    )

    response = _password(client, next_url="/account/info/")

    assert response["Location"] == "/account/info/"
    assert _signed_in(client) == str(olga.pk)
    # The reseller's own staff still give it.
    assert _password(Client(), "rita@example.test")["Location"] == SECOND_FACTOR_URL


def test_an_authenticator_app_is_asked_for_even_where_the_second_factor_is_relaxed(
    client, tree, olga
):
    owner = _user(tree["reseller"], "rita@example.test")
    authentication_settings_set(
        actor=owner,
        organization=tree["reseller"],
        allow_local=True,
        allow_microsoft_personal=False,
        allow_microsoft_work=False,
        second_factor_required=False,
    )
    _totp(olga)

    assert _password(client)["Location"] == SECOND_FACTOR_URL


def test_masked_phone_shows_the_country_code_and_the_last_four_digits():
    assert masked_phone("+380672498010") == "+380 •• ••• 80 10"
    assert masked_phone("+14155550123") == "+1 ••• ••• 01 23"


# --- SMS code.


def test_send_code_texts_a_six_digit_code_and_the_code_finishes_the_sign_in(client, tree, olga):
    _password(client, next_url="/account/info/")

    sent = _send(client)

    assert sent.status_code == 302
    delivery = Delivery.objects.get(event="identity.sign_in_code")
    assert (delivery.recipient, delivery.channel) == (PHONE, "sms")
    code = last_code(to=PHONE)
    assert re.fullmatch(r"\d{6}", code)
    page = text(client.get(sent["Location"]))
    assert "We sent a code by SMS to +380 •• ••• 80 10." in page
    assert re.search(r"You can ask for a new code in (59|60) seconds\.", page)
    assert 'value="send" disabled' in page

    response = _verify(client, code)

    assert response.status_code == 302
    assert response["Location"] == "/account/info/"
    assert _signed_in(client) == str(olga.pk)
    assert _events(tree["customer"]) == ["sign_in"]
    methods = [r["method"] for r in client.session["account_authentication_methods"]]
    assert methods == ["password", "mfa"]


def test_call_me_instead_sends_the_code_by_a_voice_call(client, olga):
    _password(client)

    _send(client, action="call")

    delivery = Delivery.objects.get(event="identity.sign_in_code")
    assert (delivery.recipient, delivery.channel) == (PHONE, "voice")


def test_a_second_code_within_the_cooldown_is_refused_with_the_wait(client, olga):
    _password(client)
    _send(client)

    again = _send(client)

    assert Delivery.objects.filter(event="identity.sign_in_code").count() == 1
    assert re.search(
        r"Please wait (59|60) seconds before asking for a new code\.",
        text(client.get(again["Location"])),
    )


def test_a_wrong_code_is_refused_with_the_attempts_left(client, olga):
    _password(client)
    _send(client)
    code = last_code(to=PHONE)

    response = _verify(client, "000000" if code != "000000" else "111111")

    assert response.status_code == 400
    assert _error(response) == "This code is not valid. 4 attempts left."
    assert _signed_in(client) is None


def test_an_expired_code_is_refused(client, olga):
    with time_machine.travel(START, tick=False) as clock:
        _password(client)
        _send(client)
        code = last_code(to=PHONE)
        clock.shift(dt.timedelta(minutes=11))

        response = _verify(client, code)

    assert response.status_code == 400
    assert _error(response) == "This code is not valid. 4 attempts left."
    assert _signed_in(client) is None


def test_a_used_code_does_not_work_twice(client, olga):
    _password(client)
    _send(client)
    code = last_code(to=PHONE)
    _verify(client, code)
    client.post("/accounts/logout/")
    _password(client)

    response = _verify(client, code)

    assert response.status_code == 400
    assert _signed_in(client) is None


def test_another_users_code_is_refused(client, tree, olga):
    _user(tree["other"], "ivan@example.test", phone="+380501234567")
    other = Client()
    _password(other, "ivan@example.test")
    _send(other)
    ivans_code = last_code(to="+380501234567")
    _password(client)
    _send(client)

    response = _verify(client, ivans_code)

    assert response.status_code == 400
    assert _signed_in(client) is None


def test_five_wrong_codes_lock_the_sign_in_and_tell_the_audit_log_once(
    client, tree, olga, django_capture_on_commit_callbacks
):
    with time_machine.travel(START, tick=False) as clock:
        _password(client)
        _send(client)
        code = last_code(to=PHONE)
        wrong = "000000" if code != "000000" else "111111"
        answers = [_verify(client, wrong) for _ in range(4)]
        with django_capture_on_commit_callbacks(execute=True):
            answers.append(_verify(client, wrong))
            refused = _verify(client, code)

        assert [r.status_code for r in answers] == [400, 400, 400, 400, 429]
        assert _error(answers[3]) == "This code is not valid. 1 attempt left."
        assert _error(answers[4]) == "Too many wrong codes. Try again in 15 minutes."
        assert refused.status_code == 429
        assert _error(refused) == "Too many wrong codes. Try again in 15 minutes."
        assert "Too many wrong codes. Try again in 15 minutes." in text(
            client.get(SECOND_FACTOR_URL)
        )
        assert _signed_in(client) is None
        lockouts = AuditEvent.objects.filter(organization=tree["customer"], event="lockout")
        assert [(e.actor_id, e.details["reason"]) for e in lockouts] == [(None, "second_factor")]

        clock.shift(dt.timedelta(minutes=15, seconds=1))
        assert _password(client)["Location"] == SECOND_FACTOR_URL  # the attempt timed out
        _send(client)
        response = _verify(client, last_code(to=PHONE))

        assert response.status_code == 302
        assert _signed_in(client) == str(olga.pk)


def test_cancel_ends_the_sign_in_attempt(client, olga):
    _password(client)

    response = _post(client, method="sms", action="cancel")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert client.get(SECOND_FACTOR_URL)["Location"] == "/accounts/login/"
    assert _signed_in(client) is None


# --- Access.


def test_the_page_without_a_pending_sign_in_sends_visitors_to_the_login_page(client, olga):
    assert client.get(SECOND_FACTOR_URL)["Location"] == "/accounts/login/"
    response = _verify(client, "123456")
    assert response["Location"] == "/accounts/login/"
    assert not VerificationCode.objects.exists()


def test_a_signed_in_user_is_sent_on_from_the_page(client, olga):
    client.force_login(olga)
    response = client.get(SECOND_FACTOR_URL)
    assert response.status_code == 302
    assert response["Location"] == "/"


# --- Authenticator app and recovery codes.


def test_an_authenticator_app_code_signs_in_and_is_recorded_as_allauth_does(client, olga):
    secret = _totp(olga)
    _password(client)
    body = text(client.get(SECOND_FACTOR_URL))
    assert "Use an authenticator app" in body
    assert "Use a recovery code" not in body

    wrong = _verify(client, "000000", method="totp")
    response = _verify(client, _totp_code(secret), method="totp")

    assert wrong.status_code == 400
    assert _error(wrong) == "This code is not valid. 4 attempts left."
    assert response.status_code == 302
    assert _signed_in(client) == str(olga.pk)
    assert Authenticator.objects.get(user=olga, type="totp").last_used_at is not None
    records = client.session["account_authentication_methods"]
    assert [(r["method"], r.get("type")) for r in records] == [
        ("password", None),
        ("mfa", "totp"),
    ]


def test_a_recovery_code_signs_in_once(client, olga):
    _totp(olga)
    codes = RecoveryCodes.activate(olga).generate_codes()
    _password(client)
    assert "Use a recovery code" in text(client.get(SECOND_FACTOR_URL))

    response = _verify(client, codes[0], method="recovery")
    client.post("/accounts/logout/")
    _password(client)
    again = _verify(client, codes[0], method="recovery")

    assert response.status_code == 302
    assert again.status_code == 400
    assert _signed_in(client) is None


def test_a_user_with_only_an_authenticator_app_is_not_offered_sms(client, olga):
    User.objects.filter(pk=olga.pk).update(phone="")
    _totp(olga)
    _password(client)

    body = text(client.get(SECOND_FACTOR_URL))

    assert 'data-method="totp"' in body
    assert "Send Code" not in body
    assert _send(client).status_code == 302
    assert not Delivery.objects.exists()


# --- No phone yet: verify one first.


def test_a_user_without_a_phone_verifies_one_and_it_is_saved(
    client, tree, django_capture_on_commit_callbacks
):
    user = _user(tree["customer"], phone="")
    _password(client)
    body = text(client.get(SECOND_FACTOR_URL))
    assert 'data-method="enroll"' in body
    assert "Phone Number" in body

    bad = _post(client, method="enroll", action="send", phone="0671234567")
    sent = _post(client, method="enroll", action="send", phone="+380 50 123 4567")
    page = text(client.get(sent["Location"]))
    code = last_code(to="+380501234567", event="identity.phone_verification_code")
    with django_capture_on_commit_callbacks(execute=True):
        response = _verify(client, code, method="enroll")

    assert bad.status_code == 400
    assert _error(bad) == "Enter the phone number with its country code, e.g. +380 67 123 4567."
    assert "Enter the code we sent to +380 •• ••• 45 67." in page
    assert response.status_code == 302
    assert _signed_in(client) == str(user.pk)
    user.refresh_from_db()
    assert user.phone.as_e164 == "+380501234567"
    assert sorted(_events(tree["customer"])) == ["phone_changed", "sign_in"]


# --- allauth's failed-password limit.


def test_repeated_wrong_passwords_lock_with_the_wait_and_tell_the_audit_log(
    client, tree, olga, django_capture_on_commit_callbacks
):
    for _ in range(5):
        _password(client, password="Wrong-Passw0rd")

    with django_capture_on_commit_callbacks(execute=True):
        blocked = _password(client)
        _password(client)

    assert blocked.status_code == 200
    assert "Too many failed login attempts. Try again in 5 minutes." in text(blocked)
    assert _signed_in(client) is None
    lockouts = AuditEvent.objects.filter(organization=tree["customer"], event="lockout")
    assert [(e.actor_id, e.details["reason"]) for e in lockouts] == [(None, "password")]


# --- Sessions.


def test_sessions_end_after_thirty_minutes_without_a_request():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


def _signed_in_client(user, agent) -> Client:
    client = Client(HTTP_USER_AGENT=agent)
    _password(client, user.email)
    _send(client)
    _verify(client, last_code(to=user.phone.as_e164))
    allow_new_code(target=user.phone.as_e164, purpose=CodePurpose.SIGN_IN)
    return client


def test_ending_the_other_sessions_tells_the_audit_log(
    tree, olga, django_capture_on_commit_callbacks
):
    laptop = _signed_in_client(olga, "Laptop")
    phone = _signed_in_client(olga, "Phone browser")

    page = laptop.get("/accounts/sessions/")
    with django_capture_on_commit_callbacks(execute=True):
        response = laptop.post("/accounts/sessions/", {"action": "logout"})

    assert page.status_code == 200
    assert "Phone browser" in text(page)
    assert response.status_code == 302
    assert phone.get("/account/info/").status_code == 302
    assert laptop.get("/account/info/").status_code == 200
    ended = AuditEvent.objects.get(organization=tree["customer"], event="sessions_ended")
    assert (ended.actor_id, ended.details["count"]) == (olga.pk, 1)


def test_changing_the_password_ends_the_other_sessions_and_is_recorded(
    tree, olga, django_capture_on_commit_callbacks
):
    laptop = _signed_in_client(olga, "Laptop")
    phone = _signed_in_client(olga, "Phone browser")

    with django_capture_on_commit_callbacks(execute=True):
        response = laptop.post(
            "/accounts/password/change/",
            {
                "oldpassword": PASSWORD,
                "password1": "New-Passw0rd-26",
                "password2": "New-Passw0rd-26",
            },
        )

    assert response.status_code == 302
    assert laptop.get("/account/info/").status_code == 200
    assert phone.get("/account/info/").status_code == 302
    olga.refresh_from_db()
    assert olga.check_password("New-Passw0rd-26")
    changed = AuditEvent.objects.get(organization=tree["customer"], event="password_changed")
    assert (changed.actor_id, changed.details["sessions_ended"]) == (olga.pk, 1)


def test_twenty_wrong_codes_from_one_address_lock_every_account_signing_in_from_it(tree):
    client = Client(REMOTE_ADDR="203.0.113.9")
    for n in range(4):
        user = _user(tree["customer"], f"user{n}@example.test", phone=f"+38067000000{n}")
        _password(client, user.email)
        _send(client)
        for _ in range(5):
            _verify(client, "000000" if last_code(to=user.phone.as_e164) != "000000" else "1")
        client.post(SECOND_FACTOR_URL, {"action": "cancel"})
    last = _user(tree["customer"], "last@example.test", phone="+380670000009")
    _password(client, last.email)

    page = client.get(SECOND_FACTOR_URL)
    refused = _send(client)
    sent_while_locked = Delivery.objects.filter(recipient="+380670000009").count()
    elsewhere = Client(REMOTE_ADDR="198.51.100.7")
    _password(elsewhere, last.email)
    _send(elsewhere)

    assert _error(page) == "Too many wrong codes. Try again in 15 minutes."
    assert refused.status_code == 429
    assert sent_while_locked == 0
    assert _verify(elsewhere, last_code(to="+380670000009")).status_code == 302


def test_too_many_sign_in_requests_from_one_address_get_a_page_with_the_wait(client):
    statuses = [_password(client, "nobody@example.test").status_code for _ in range(31)]

    assert statuses[:30] == [200] * 30
    assert statuses[30] == 429
    response = _password(client, "nobody@example.test")
    assert response.status_code == 429
    assert _error(response) == "You sent too many requests. Try again in a minute."
