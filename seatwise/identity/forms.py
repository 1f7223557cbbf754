"""allauth's forms as Seatwise shows them."""

from __future__ import annotations

from allauth.account.forms import LoginForm as AllauthLoginForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AllauthLoginForm):
    """allauth's sign-in form; the field label comes from Seatwise's catalogue, which has
    it in Ukrainian (allauth's own Ukrainian catalogue leaves "Email" untranslated)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["login"].label = _("Email")
