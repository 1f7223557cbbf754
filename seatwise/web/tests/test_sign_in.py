"""Sign-in, sign-out, closed sign-up and password reset by code, through django-allauth."""

from __future__ import annotations

import pytest
from django.core import mail

from seatwise.audit.models import AuditEvent
from seatwise.identity.models import User
from seatwise.identity.services import user_email_mark_verified
from seatwise.tenancy.tests.factories import make_member, make_user
from seatwise.web.tests.helpers import text
from seatwise.web.tests.signin_helpers import sign_in

PASSWORD = "Passw0rd!x"
WRONG_CREDENTIALS = "The email address and/or password you specified are not correct."


@pytest.fixture
def olga(shop):
    user = make_user("olga@example.test", PASSWORD, given_name="Olga", surname="Sikur")
    make_member(shop.customer, user=user)
    user_email_mark_verified(user=user)
    return user


def _sign_in(client, email, password, **extra):
    return sign_in(client, email, password, **extra)  # with the second factor by SMS code


def test_login_page_asks_for_the_email_and_password_and_offers_a_reset(client, shop):
    response = client.get("/accounts/login/")

    assert response.status_code == 200
    body = text(response)
    assert '<input class="form-control" type="email" required name="login"' in body
    assert '<input class="form-control" type="password" required name="password"' in body
    assert "Log in to Seatwise" in body
    assert '<a href="/accounts/recover/">Forgot password?</a>' in body
    assert "sign up" not in body.lower()


def test_signing_in_with_email_and_password_shows_the_customer_price(client, shop, olga):
    response = _sign_in(client, "olga@example.test", PASSWORD, next="/p/aad-premium/")

    assert response.status_code == 302
    assert response["Location"] == "/p/aad-premium/"
    assert client.session["_auth_user_id"] == str(olga.pk)
    body = text(client.get("/p/aad-premium/"))
    assert "Your price" in body
    assert "Olga Sikur" in body
    assert "Buying for Fabrikam School" in body
    assert "Log out" in body


def test_signing_in_without_a_next_address_lands_on_the_home_page(client, shop, olga):
    response = _sign_in(client, "OLGA@example.test", PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/"


def test_wrong_password_is_refused_with_a_form_error_and_no_session(client, shop, olga):
    response = _sign_in(client, "olga@example.test", "Wrong-Passw0rd")

    assert response.status_code == 200
    assert WRONG_CREDENTIALS in text(response)
    assert "_auth_user_id" not in client.session


def test_an_unknown_email_gets_the_same_message_as_a_wrong_password(client, shop, olga):
    unknown = _sign_in(client, "nobody@example.test", PASSWORD)
    wrong = _sign_in(client, "olga@example.test", "Wrong-Passw0rd")

    assert unknown.status_code == wrong.status_code == 200
    assert WRONG_CREDENTIALS in text(unknown)
    assert WRONG_CREDENTIALS in text(wrong)
    assert "_auth_user_id" not in client.session


def test_an_unverified_email_is_sent_a_code_and_not_signed_in(client, shop):
    make_user("new@example.test", PASSWORD)

    response = _sign_in(client, "new@example.test", PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session
    assert [m.to for m in mail.outbox] == [["new@example.test"]]


def test_signing_out_takes_a_post_and_returns_home_as_a_visitor(client, shop, olga):
    _sign_in(client, "olga@example.test", PASSWORD)

    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert "_auth_user_id" not in client.session
    body = text(client.get("/"))
    assert "Log in" in body
    assert "Log out" not in body


def test_the_navbar_offers_the_account_pages_to_a_signed_in_user(client, shop, olga):
    _sign_in(client, "olga@example.test", PASSWORD)

    body = text(client.get("/"))

    assert 'href="/accounts/password/change/">Change password</a>' in body
    assert 'href="/accounts/2fa/">Two-factor authentication</a>' in body
    assert '<form method="post" action="/accounts/logout/">' in body
    assert client.get("/accounts/password/change/").status_code == 200
    assert client.get("/accounts/2fa/").status_code == 200


def test_activating_an_authenticator_app_asks_for_the_password_again(client, shop, olga):
    _sign_in(client, "olga@example.test", PASSWORD)

    first = client.get("/accounts/2fa/totp/activate/")
    confirmed = client.post(
        "/accounts/reauthenticate/",
        {"password": PASSWORD, "next": "/accounts/2fa/totp/activate/"},
    )
    page = client.get("/accounts/2fa/totp/activate/")

    assert first.status_code == 302
    assert (
        first["Location"] == "/accounts/reauthenticate/?next=%2Faccounts%2F2fa%2Ftotp%2Factivate%2F"
    )
    assert confirmed.status_code == 302
    assert confirmed["Location"] == "/accounts/2fa/totp/activate/"
    assert page.status_code == 200
    assert "Activate Authenticator App" in text(page)
    assert 'name="code"' in text(page)


def test_sign_up_is_closed_and_a_post_creates_no_account(client, shop):
    page = client.get("/accounts/signup/")
    response = client.post(
        "/accounts/signup/",
        {"email": "new@example.test", "password1": "Str0ng-Pass!", "password2": "Str0ng-Pass!"},
    )

    assert page.status_code == 200
    assert "Create your account with Register" in text(page)
    assert '<a class="btn btn-primary" href="/register/" data-register-link>Register</a>' in (
        text(page)
    )
    assert response.status_code == 200
    assert "Accounts are created through Register" in text(response)
    assert not User.objects.filter(email="new@example.test").exists()
    assert mail.outbox == []


def test_sign_in_and_sign_out_are_recorded_in_the_audit_log(client, shop, olga):
    _sign_in(client, "olga@example.test", "Wrong-Passw0rd")
    _sign_in(client, "olga@example.test", PASSWORD)
    client.post("/accounts/logout/")

    events = list(
        AuditEvent.objects.filter(organization=shop.customer)
        .order_by("pk")
        .values_list("event", "actor_id")
    )
    assert events == [
        ("sign_in_failed", None),
        ("sign_in", olga.pk),
        ("sign_out", olga.pk),
    ]


def test_allauths_password_reset_address_leads_to_the_recovery_by_e_mail_and_phone(client):
    # Recovery itself (e-mail code, then phone code): test_password_recovery.py.
    response = client.get("/accounts/password/reset/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/recover/"
