"""allauth's own sign-up is closed for everyone: accounts come from the registration wizard
(invited people included), so no session value opens it."""

from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory

from seatwise.identity.adapters import AccountAdapter


def test_sign_up_is_closed_whatever_the_session_holds():
    request = RequestFactory().get("/accounts/signup/")
    request.session = SessionStore()
    request.session["invitation_email"] = "new@example.test"  # what used to open it
    request.session["registration_invitation"] = {"email": "new@example.test", "token": "t"}
    assert AccountAdapter(request).is_open_for_signup(request) is False
