"""How django-allauth behaves for Seatwise.

allauth's own sign-up (``/accounts/signup/`` and headless ``auth/signup``) is closed for
everyone: accounts are created only by the storefront registration wizard (``web``,
``/register/``: e-mail code, password and names, phone code), which someone holding an
invitation also uses, with the invited address locked in. allauth answers its sign-up URL
with ``account/signup_closed.html``, which points to *Register*.

allauth's e-mails keep its default sending through Django's e-mail backend: identity sits
below notifications and may not import it.
"""

from __future__ import annotations

import time

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal import ratelimit as allauth_ratelimit
from allauth.usersessions.adapter import DefaultUserSessionsAdapter
from django import forms
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import ngettext

from seatwise.core.events import publish_after_commit


class AccountAdapter(DefaultAccountAdapter):
    def get_login_stages(self) -> list[str]:
        """The steps after the password, in order: ``SEATWISE_LOGIN_STAGES`` (stages above
        identity, such as the second factor, are named there by path)."""
        return list(settings.SEATWISE_LOGIN_STAGES)

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        """Closed: the registration wizard creates accounts, not allauth's sign-up."""
        return False

    # --- Seatwise sign-in slice (issue 3): lockout wait and audit, sessions on a new password.
    def pre_authenticate(self, request: HttpRequest, **credentials) -> None:
        """allauth's ``login_failed`` limits (per IP and per account); a locked sign-in says
        how long to wait and, once per lock, tells the audit log (``identity.locked_out``)."""
        try:
            super().pre_authenticate(request, **credentials)
        except forms.ValidationError:
            key = self._get_login_attempts_cache_key(request, **credentials)
            wait = login_failed_wait(request, key=key)
            email = str(credentials.get("email") or "").strip()
            user = self._user_for_email(email)
            if user is not None and cache.add(f"seatwise:locked:{key}", True, timeout=wait):
                publish_after_commit(
                    "identity.locked_out",
                    user_id=user.pk,
                    actor_id=None,
                    reason="password",
                    retry_after=wait,
                    ip=self.get_client_ip(request),
                    user_agent=request.META.get("HTTP_USER_AGENT", "")[:255],
                )
            raise forms.ValidationError(wait_message(wait)) from None

    @staticmethod
    def _user_for_email(email: str):
        from seatwise.identity.models import User

        return User.objects.filter(email__iexact=email).first() if email else None

    def set_password(self, user, password: str) -> None:
        """A signed-in user changing the password (My account → Change password) ends the
        user's other sessions and tells the audit log."""
        super().set_password(user, password)
        request = self.request
        current = getattr(request, "user", None)
        if current is not None and current.is_authenticated and current.pk == user.pk:
            from seatwise.identity.passwords import user_password_changed

            user_password_changed(
                user=user,
                keep_session_key=request.session.session_key,
                ip=self.get_client_ip(request),
                user_agent=request.META.get("HTTP_USER_AGENT", "")[:255],
            )


def wait_message(seconds: int) -> str:
    """The lock message with the wait: in minutes, or in seconds under a minute."""
    if seconds < 60:
        return ngettext(
            "Too many failed login attempts. Try again in %(count)d second.",
            "Too many failed login attempts. Try again in %(count)d seconds.",
            seconds,
        ) % {"count": seconds}
    minutes = (seconds + 59) // 60
    return ngettext(
        "Too many failed login attempts. Try again in %(count)d minute.",
        "Too many failed login attempts. Try again in %(count)d minutes.",
        minutes,
    ) % {"count": minutes}


def login_failed_wait(request: HttpRequest, *, key: str) -> int:
    """Seconds until allauth's ``login_failed`` limit lets ``key`` (and this IP) try again."""
    now = time.time()
    wait = 0.0
    for rate in allauth_ratelimit.get_rates(app="allauth.account", action="login_failed"):
        cache_key = allauth_ratelimit.get_cache_key(
            request, app="allauth.account", action="login_failed", rate=rate, key=key
        )
        history = [ts for ts in cache.get(cache_key, []) if ts > now - rate.duration]
        if len(history) >= rate.amount:
            wait = max(wait, min(history) + rate.duration - now)
    return max(1, int(wait) + 1)


class UserSessionsAdapter(DefaultUserSessionsAdapter):
    """Ending sessions from My account → Sessions tells the audit log."""

    def end_sessions(self, sessions) -> None:
        sessions = list(sessions)
        super().end_sessions(sessions)
        request = self.request
        for user_id in sorted({session.user_id for session in sessions}):
            publish_after_commit(
                "identity.sessions_ended",
                user_id=user_id,
                count=sum(1 for session in sessions if session.user_id == user_id),
                ip=request.META.get("REMOTE_ADDR") if request else None,
                user_agent=request.META.get("HTTP_USER_AGENT", "")[:255] if request else "",
            )
