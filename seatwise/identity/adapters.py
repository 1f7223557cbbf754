"""How django-allauth behaves for Seatwise.

Sign-up stays closed until the registration slice of the identity issue brings the guide's
steps (e-mail code, phone code, company), with one exception: someone holding a valid
invitation. The invitation page (in ``web``, above ``tenancy``) checks the token and puts
the invited address in the session under ``INVITATION_EMAIL_SESSION_KEY``; sign-up is then
open for that address only. identity sits below tenancy, so it reads that plain string and
imports nothing above it; accepting the invitation checks the address again.

allauth's e-mails keep its default sending through Django's e-mail backend: identity sits
below notifications and may not import it.
"""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django import forms
from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _

INVITATION_EMAIL_SESSION_KEY = "invitation_email"


def invited_email(request: HttpRequest | None) -> str:
    """The address a pending invitation opened sign-up for in this session, or ""."""
    session = getattr(request, "session", None)
    if session is None:
        return ""
    value = session.get(INVITATION_EMAIL_SESSION_KEY)
    return value.strip().lower() if isinstance(value, str) else ""


class AccountAdapter(DefaultAccountAdapter):
    def get_login_stages(self) -> list[str]:
        """The steps after the password, in order: ``SEATWISE_LOGIN_STAGES`` (stages above
        identity, such as the second factor, are named there by path)."""
        return list(settings.SEATWISE_LOGIN_STAGES)

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return bool(invited_email(request))

    def clean_email(self, email: str) -> str:
        email = super().clean_email(email)
        request = self.request
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return email  # adding an address to an account: not a sign-up
        invited = invited_email(request)
        if invited and email.strip().lower() != invited:
            raise forms.ValidationError(
                _("Sign up with the address the invitation was sent to: %(email)s.")
                % {"email": invited}
            )
        return email
