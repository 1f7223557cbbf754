"""allauth headless for app clients, over HTTP: e-mail and password, the authenticator-app
step, the session token, and what stays closed (sign-up; saying whether an account exists).
Sign-ins through the API land in the event log like the ones through the pages. The second
factor by SMS code (``seatwise.web.headless_second_factor``) counts and locks like the page."""

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.core.cache import cache
from django.test import Client

from seatwise.audit.enums import AuditEventType
from seatwise.audit.models import AuditEvent
from seatwise.identity.models import User
from seatwise.notifications.models import Delivery
from seatwise.tenancy.enums import Role
from seatwise.tenancy.tests.factories import (
    make_customer,
    make_member,
    make_provider,
    make_reseller,
    make_user,
)
from seatwise.web.tests.signin_helpers import allow_new_code

pytestmark = pytest.mark.django_db

BASE = "/_allauth/app/v1"
PASSWORD = "Passw0rd!x"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def customer():
    return make_customer(make_reseller(make_provider("Provider"), "Reseller"), "Acme")


def _verified(user: User) -> User:
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


@pytest.fixture
def totp_user(customer):
    user = _verified(make_user("nina@acme.test", PASSWORD))
    make_member(customer, Role.OWNER, user=user)
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return user, secret


def _code(secret: str) -> str:
    counter = next(iter(yield_hotp_counters_from_time()))
    return format_hotp_value(hotp_value(secret, counter))


def _login(client, email, password):
    return client.post(
        f"{BASE}/auth/login",
        {"email": email, "password": password},
        content_type="application/json",
    )


def test_an_app_client_signs_in_with_password_and_authenticator_code(client, totp_user):
    user, secret = totp_user
    response = _login(client, "nina@acme.test", PASSWORD)
    assert response.status_code == 401
    body = response.json()
    pending = [flow for flow in body["data"]["flows"] if flow.get("is_pending")]
    assert [flow["id"] for flow in pending] == ["mfa_authenticate"]
    token = body["meta"]["session_token"]
    assert token

    done = client.post(
        f"{BASE}/auth/2fa/authenticate",
        {"code": _code(secret)},
        content_type="application/json",
        headers={"X-Session-Token": token},
    )
    assert done.status_code == 200, done.content
    session_token = done.json()["meta"]["session_token"]
    assert done.json()["data"]["user"]["email"] == "nina@acme.test"

    session = client.get(f"{BASE}/auth/session", headers={"X-Session-Token": session_token})
    assert session.status_code == 200
    assert session.json()["data"]["user"]["id"] == user.pk
    assert session.json()["meta"]["is_authenticated"] is True
    # without the token the app client is nobody
    assert client.get(f"{BASE}/auth/session").status_code == 401


def test_a_wrong_authenticator_code_is_refused(client, totp_user):
    response = _login(client, "nina@acme.test", PASSWORD)
    token = response.json()["meta"]["session_token"]
    wrong = client.post(
        f"{BASE}/auth/2fa/authenticate",
        {"code": "000000"},
        content_type="application/json",
        headers={"X-Session-Token": token},
    )
    assert wrong.status_code == 400
    session = client.get(f"{BASE}/auth/session", headers={"X-Session-Token": token})
    assert session.status_code == 401
    assert AuditEvent.objects.filter(event=AuditEventType.SIGN_IN).count() == 0


def test_a_wrong_password_does_not_say_whether_the_account_exists(client, totp_user):
    wrong_password = _login(client, "nina@acme.test", "not-the-password")
    unknown = _login(client, "nobody@acme.test", "not-the-password")
    assert wrong_password.status_code == unknown.status_code == 400
    assert wrong_password.json() == unknown.json()
    assert "session_token" not in wrong_password.json().get("meta", {})


def test_sign_in_sign_out_and_failures_through_the_api_land_in_the_event_log(
    client, customer, totp_user
):
    user, secret = totp_user
    _login(client, "nina@acme.test", "not-the-password")
    failed = AuditEvent.objects.get(event=AuditEventType.SIGN_IN_FAILED)
    assert (failed.organization, failed.actor, failed.details) == (
        customer,
        None,
        {"email": "nina@acme.test"},
    )
    token = _login(client, "nina@acme.test", PASSWORD).json()["meta"]["session_token"]
    done = client.post(
        f"{BASE}/auth/2fa/authenticate",
        {"code": _code(secret)},
        content_type="application/json",
        headers={"X-Session-Token": token},
    )
    signed_in = AuditEvent.objects.get(event=AuditEventType.SIGN_IN)
    assert (signed_in.organization, signed_in.actor) == (customer, user)
    session_token = done.json()["meta"]["session_token"]
    ended = client.delete(f"{BASE}/auth/session", headers={"X-Session-Token": session_token})
    assert ended.status_code == 401
    signed_out = AuditEvent.objects.get(event=AuditEventType.SIGN_OUT)
    assert (signed_out.organization, signed_out.actor) == (customer, user)
    # the token is dead: allauth answers 410 Gone, so the app forgets it
    gone = client.get(f"{BASE}/auth/session", headers={"X-Session-Token": session_token})
    assert gone.status_code == 410


def test_headless_sign_up_stays_closed(client):
    response = client.post(
        f"{BASE}/auth/signup",
        {"email": "new@example.test", "password": "An0ther-Passw0rd!"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not User.objects.filter(email="new@example.test").exists()
    config = client.get(f"{BASE}/config").json()
    assert config["data"]["account"]["is_open_for_signup"] is False


def test_headless_sign_up_stays_closed_for_an_invited_browser_session(client):
    from seatwise.tenancy.services import invitation_create

    acme = make_customer(make_reseller(make_provider()), "Acme")
    owner = make_member(acme, Role.OWNER, user=make_user("owner@example.test"))
    _invitation, token = invitation_create(
        actor=owner, organization=acme, email="new@example.test", role=Role.BILLING
    )
    client.get(f"/register/?invitation={token}")  # the wizard, locked to the invitation
    response = client.post(
        "/_allauth/browser/v1/auth/signup",
        {"email": "new@example.test", "password": "An0ther-Passw0rd!"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not User.objects.filter(email="new@example.test").exists()
    config = client.get("/_allauth/browser/v1/config").json()
    assert config["data"]["account"]["is_open_for_signup"] is False


def test_the_browser_client_is_served_too(client):
    assert client.get("/_allauth/browser/v1/config").status_code == 200
    assert client.get("/_allauth/browser/v1/auth/session").status_code == 401


# --- The SMS second factor for headless clients (seatwise.web.headless_second_factor).

PHONE = "+380672498010"
WRONG = {"message": "This code is not valid. 4 attempts left.", "code": "incorrect_code"}


@pytest.fixture
def sms_user(customer):
    """A user of an organization that requires the second factor, with a phone and no
    authenticator app."""
    user = _verified(make_user("olga@acme.test", PASSWORD, phone=PHONE))
    make_member(customer, Role.OWNER, user=user)
    return user


def _post(client, url, data, token="", base=BASE):
    headers = {"X-Session-Token": token} if token else {}
    return client.post(f"{base}{url}", data, content_type="application/json", headers=headers)


def _pending_token(client, email="olga@acme.test") -> str:
    response = _login(client, email, PASSWORD)
    assert response.status_code == 401
    pending = [flow["id"] for flow in response.json()["data"]["flows"] if flow.get("is_pending")]
    assert pending == ["mfa_authenticate"]
    return response.json()["meta"]["session_token"]


def _sms_code(outbox, to=PHONE) -> str:
    bodies = [message.body for message in outbox if message.to == to]
    assert bodies, f"no text message to {to}"
    return re.search(r"\b(\d{6})\b", bodies[-1]).group(1)


def _not_the(code: str) -> str:
    return "000000" if code != "000000" else "111111"


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """POST .../auth/2fa/sms, running what waits for the commit (the text message)."""

    def _send(client, token="", voice=False, base=BASE):
        with django_capture_on_commit_callbacks(execute=True):
            return _post(client, "/auth/2fa/sms", {"voice": voice}, token, base)

    return _send


def test_an_app_client_signs_in_with_a_code_by_sms(client, customer, sms_user, sms, send):
    login = _login(client, "olga@acme.test", PASSWORD)
    assert login.status_code == 401
    flow = next(flow for flow in login.json()["data"]["flows"] if flow.get("is_pending"))
    assert flow == {"id": "mfa_authenticate", "is_pending": True, "types": []}
    token = login.json()["meta"]["session_token"]

    sent = send(client, token)

    assert sent.status_code == 200, sent.content
    assert sent.json()["data"]["phone"] == "+380 •• ••• 80 10"
    assert sent.json()["data"]["voice"] is False
    assert sent.json()["data"]["resend_after"] in (60, 61)
    assert [message.to for message in sms] == [PHONE]
    delivery = Delivery.objects.get(event="identity.sign_in_code")
    assert (delivery.recipient, delivery.channel) == (PHONE, "sms")
    assert client.get(f"{BASE}/auth/session", headers={"X-Session-Token": token}).status_code == 401

    done = _post(client, "/auth/2fa/authenticate", {"code": _sms_code(sms)}, token)

    assert done.status_code == 200, done.content
    body = done.json()
    assert body["data"]["user"]["email"] == "olga@acme.test"
    assert [(m["method"], m.get("type")) for m in body["data"]["methods"]] == [
        ("password", None),
        ("mfa", "sms"),
    ]
    session_token = body["meta"]["session_token"]
    session = client.get(f"{BASE}/auth/session", headers={"X-Session-Token": session_token})
    assert session.status_code == 200
    assert session.json()["data"]["user"]["id"] == sms_user.pk
    signed_in = AuditEvent.objects.get(event=AuditEventType.SIGN_IN)
    assert (signed_in.organization, signed_in.actor) == (customer, sms_user)


def test_the_code_can_come_by_a_voice_call(client, sms_user, sms, send):
    token = _pending_token(client)

    sent = send(client, token, voice=True)

    assert sent.status_code == 200
    assert sent.json()["data"]["voice"] is True
    delivery = Delivery.objects.get(event="identity.sign_in_code")
    assert (delivery.recipient, delivery.channel) == (PHONE, "voice")


def test_a_browser_client_signs_in_with_a_code_by_sms(client, sms_user, sms, send):
    browser = "/_allauth/browser/v1"
    login = _post(
        client, "/auth/login", {"email": "olga@acme.test", "password": PASSWORD}, "", browser
    )
    assert login.status_code == 401

    assert send(client, base=browser).status_code == 200
    done = _post(client, "/auth/2fa/authenticate", {"code": _sms_code(sms)}, "", browser)

    assert done.status_code == 200, done.content
    assert client.get(f"{browser}/auth/session").json()["data"]["user"]["id"] == sms_user.pk


def test_a_second_code_within_the_cooldown_is_refused_with_the_wait(client, sms_user, sms, send):
    token = _pending_token(client)
    send(client, token)

    again = send(client, token)

    assert again.status_code == 429
    assert again.json()["errors"][0]["code"] == "rate_limited"
    assert re.fullmatch(
        r"Please wait (60|61) seconds before asking for a new code\.",
        again.json()["errors"][0]["message"],
    )
    assert again.json()["data"]["retry_after"] in (60, 61)
    assert again["Retry-After"] == str(again.json()["data"]["retry_after"])
    assert len(sms) == 1


def test_a_wrong_sms_code_is_refused_with_the_attempts_left_and_nothing_is_signed_in(
    client, sms_user, sms, send
):
    token = _pending_token(client)
    send(client, token)

    wrong = _post(client, "/auth/2fa/authenticate", {"code": _not_the(_sms_code(sms))}, token)

    assert wrong.status_code == 400
    assert wrong.json()["errors"] == [{**WRONG, "param": "code"}]
    assert client.get(f"{BASE}/auth/session", headers={"X-Session-Token": token}).status_code == 401
    assert AuditEvent.objects.filter(event=AuditEventType.SIGN_IN).count() == 0
    # the right code still works afterwards
    right = _post(client, "/auth/2fa/authenticate", {"code": _sms_code(sms)}, token)
    assert right.status_code == 200


def test_a_code_sent_to_another_user_is_refused(client, customer, sms_user, sms, send):
    ivan = _verified(make_user("ivan@acme.test", PASSWORD, phone="+380501234567"))
    make_member(customer, Role.BILLING, user=ivan)
    ivans_app = Client()
    send(ivans_app, _pending_token(ivans_app, "ivan@acme.test"))
    token = _pending_token(client)
    send(client, token)

    response = _post(
        client, "/auth/2fa/authenticate", {"code": _sms_code(sms, "+380501234567")}, token
    )

    assert response.status_code == 400
    assert client.get(f"{BASE}/auth/session", headers={"X-Session-Token": token}).status_code == 401


def test_a_code_sent_to_the_same_phone_for_another_user_is_refused(
    client, customer, sms_user, sms, send
):
    ivan = _verified(make_user("ivan@acme.test", PASSWORD, phone=PHONE))  # a shared phone
    make_member(customer, Role.BILLING, user=ivan)
    token = _pending_token(client)
    send(client, token)
    allow_new_code(target=PHONE)
    ivans_app = Client()
    send(ivans_app, _pending_token(ivans_app, "ivan@acme.test"))

    response = _post(client, "/auth/2fa/authenticate", {"code": _sms_code(sms)}, token)

    assert response.status_code == 400
    assert client.get(f"{BASE}/auth/session", headers={"X-Session-Token": token}).status_code == 401


def test_five_wrong_codes_lock_the_sign_in_and_tell_the_audit_log_once(
    client, customer, sms_user, sms, send, django_capture_on_commit_callbacks
):
    token = _pending_token(client)
    send(client, token)
    code = _sms_code(sms)

    with django_capture_on_commit_callbacks(execute=True):
        answers = [
            _post(client, "/auth/2fa/authenticate", {"code": _not_the(code)}, token)
            for _ in range(5)
        ]
        refused = _post(client, "/auth/2fa/authenticate", {"code": code}, token)
        resend = _post(client, "/auth/2fa/sms", {}, token)

    assert [r.status_code for r in answers] == [400, 400, 400, 400, 429]
    assert answers[3].json()["errors"][0]["message"] == "This code is not valid. 1 attempt left."
    locked = "Too many wrong codes. Try again in 15 minutes."
    assert answers[4].json()["errors"][0]["message"] == locked
    assert answers[4].json()["data"]["retry_after"] > 14 * 60
    assert (refused.status_code, refused.json()["errors"][0]["message"]) == (429, locked)
    assert (resend.status_code, resend.json()["errors"][0]["message"]) == (429, locked)
    assert len(sms) == 1
    assert client.get(f"{BASE}/auth/session", headers={"X-Session-Token": token}).status_code == 401
    lockouts = AuditEvent.objects.filter(organization=customer, event="lockout")
    assert [(e.actor_id, e.details["reason"]) for e in lockouts] == [(None, "second_factor")]


def test_sending_a_code_without_a_pending_sign_in_is_refused(client, sms_user, sms, send):
    anonymous = send(client)
    token = _pending_token(client)
    send(client, token)
    session_token = _post(client, "/auth/2fa/authenticate", {"code": _sms_code(sms)}, token).json()[
        "meta"
    ]["session_token"]

    signed_in = send(client, session_token)

    no_pending = [
        {
            "message": "No sign-in is waiting for a second factor. Sign in first.",
            "code": "no_pending_second_factor",
        }
    ]
    assert (anonymous.status_code, anonymous.json()["errors"]) == (400, no_pending)
    assert (signed_in.status_code, signed_in.json()["errors"]) == (400, no_pending)
    assert len(sms) == 1


def test_sending_a_code_to_a_user_without_a_phone_is_refused(client, totp_user, sms, send):
    token = _pending_token(client, "nina@acme.test")

    response = send(client, token)

    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "no_phone"
    assert sms == []


def test_an_authenticator_code_still_works_after_asking_for_an_sms(client, totp_user, sms, send):
    user, secret = totp_user
    User.objects.filter(pk=user.pk).update(phone=PHONE)
    token = _pending_token(client, "nina@acme.test")
    assert send(client, token).status_code == 200

    done = _post(client, "/auth/2fa/authenticate", {"code": _code(secret)}, token)

    assert done.status_code == 200, done.content
    assert [(m["method"], m.get("type")) for m in done.json()["data"]["methods"]] == [
        ("password", None),
        ("mfa", "totp"),
    ]


def test_a_wrong_authenticator_code_counts_like_a_wrong_sms_code(client, totp_user):
    token = _pending_token(client, "nina@acme.test")

    wrong = _post(client, "/auth/2fa/authenticate", {"code": "000000"}, token)
    missing = _post(client, "/auth/2fa/authenticate", {}, token)

    assert wrong.status_code == 400
    assert wrong.json()["errors"] == [{**WRONG, "param": "code"}]
    assert missing.status_code == 400
    assert missing.json()["errors"][0]["code"] == "required"
