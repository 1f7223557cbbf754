"""allauth headless for app clients, over HTTP: e-mail and password, the authenticator-app
step, the session token, and what stays closed (sign-up; saying whether an account exists).
Sign-ins through the API land in the event log like the ones through the pages."""

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

from seatwise.audit.enums import AuditEventType
from seatwise.audit.models import AuditEvent
from seatwise.identity.models import User
from seatwise.tenancy.enums import Role
from seatwise.tenancy.tests.factories import (
    make_customer,
    make_member,
    make_provider,
    make_reseller,
    make_user,
)

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
