"""How django-allauth behaves for Seatwise.

Sign-up stays closed until the registration slice of the identity issue brings the guide's
steps (e-mail code, phone code, company). allauth's e-mails keep its default sending through
Django's e-mail backend: identity sits below notifications and may not import it.
"""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False
