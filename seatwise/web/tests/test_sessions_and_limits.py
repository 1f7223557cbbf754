"""A user sees their sessions and ends the others; repeated failed sign-ins are limited."""

from __future__ import annotations

import pytest
from django.test import Client

from seatwise.identity.services import user_email_mark_verified
from seatwise.tenancy.tests.factories import make_member, make_user
from seatwise.web.tests.signin_helpers import sign_in

pytestmark = pytest.mark.django_db

PASSWORD = "Passw0rd!x"


@pytest.fixture
def olga(shop):
    user = make_user("olga@example.test", PASSWORD)
    make_member(shop.customer, user=user)
    user_email_mark_verified(user=user)
    return user


def _sign_in(client, password=PASSWORD):
    return sign_in(client, "olga@example.test", password)  # with the second factor by SMS code


def test_a_user_sees_their_sessions_and_ends_the_other_ones(olga, settings):
    settings.USERSESSIONS_TRACK_ACTIVITY = True
    laptop, phone = Client(), Client(HTTP_USER_AGENT="Phone browser")
    assert _sign_in(laptop).status_code == 302
    assert _sign_in(phone).status_code == 302
    page = laptop.get("/accounts/sessions/")
    assert page.status_code == 200
    assert "Phone browser" in page.content.decode()

    response = laptop.post("/accounts/sessions/", {"action": "logout"})
    assert response.status_code == 302
    assert laptop.get("/account/api-keys/").status_code == 200  # still signed in here
    assert phone.get("/account/api-keys/").status_code == 302  # sent to sign in again


def test_the_sessions_page_needs_a_signed_in_user(client):
    response = client.get("/accounts/sessions/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_repeated_failed_sign_ins_are_limited_even_with_the_right_password(client, olga):
    for _ in range(5):
        assert _sign_in(client, "wrong-Passw0rd!").status_code == 200
    blocked = _sign_in(client)
    assert blocked.status_code in (200, 429)
    assert "_auth_user_id" not in client.session
    assert "Too many failed login attempts" in blocked.content.decode()
    other = Client()
    other_user = make_user("ivan@example.test", PASSWORD)
    user_email_mark_verified(user=other_user)
    ok = other.post("/accounts/login/", {"login": "ivan@example.test", "password": PASSWORD})
    assert ok.status_code == 302  # the limit is per account, not for everyone
