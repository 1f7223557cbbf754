"""Passwords and sessions: recovering a forgotten password and ending a user's sessions.

A new password (recovered, or changed in My account) ends the user's other sessions: Django
already refuses a session whose password hash is stale, and these services also delete the
session rows, so that *My account → Sessions* no longer lists them."""

from __future__ import annotations

from importlib import import_module

from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from seatwise.core.errors import ValidationError
from seatwise.core.events import publish_after_commit
from seatwise.identity.models import User


class PasswordInvalid(ValidationError):
    """The new password breaks the policy or the two entries differ; ``details["fields"]``
    maps each field to its message. (Kept here, beside its only service.)"""

    code = "password_invalid"


def user_for_recovery(*, email: str) -> User | None:
    """The active user whose e-mail address is ``email`` (any case), or None."""
    email = (email or "").strip()
    if not email:
        return None
    return User.objects.filter(email__iexact=email, is_active=True).first()


def user_sessions_end(*, user: User, keep_session_key: str | None = None) -> int:
    """End every session of ``user`` except ``keep_session_key``; the number ended."""
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    ended = 0
    for session in UserSession.objects.filter(user_id=user.pk):
        if keep_session_key and session.session_key == keep_session_key:
            continue
        store.delete(session.session_key)
        session.delete()
        ended += 1
    return ended


def user_password_reset(
    *, user: User, password: str, confirm: str, ip: str | None = None, user_agent: str = ""
) -> User:
    """Set ``password`` (the password policy applies; ``confirm`` must match) once the user
    has proved the e-mail address and the phone, end all the user's sessions and tell the
    audit log. Raises ``PasswordInvalid`` (``details["fields"]``) and changes nothing."""
    errors: dict[str, str] = {}
    if not password:
        errors["password1"] = _("This field is required.")
    else:
        try:
            validate_password(password, user)
        except DjangoValidationError as exc:
            errors["password1"] = " ".join(exc.messages)
    if not errors and password != confirm:
        errors["password2"] = _("You must type the same password each time.")
    if errors:
        raise PasswordInvalid(_("Please correct the marked fields."), details={"fields": errors})
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        user.set_password(password)
        user.save(update_fields=["password"])
        ended = user_sessions_end(user=user)
        publish_after_commit(
            "identity.password_reset",
            user_id=user.pk,
            actor_id=user.pk,
            sessions_ended=ended,
            ip=ip,
            user_agent=user_agent,
        )
    return user


def user_password_changed(
    *, user: User, keep_session_key: str | None, ip: str | None = None, user_agent: str = ""
) -> int:
    """After the signed-in user changed the password: end the user's other sessions and tell
    the audit log. Returns the number of sessions ended."""
    with transaction.atomic():
        ended = user_sessions_end(user=user, keep_session_key=keep_session_key)
        publish_after_commit(
            "identity.password_changed",
            user_id=user.pk,
            sessions_ended=ended,
            ip=ip,
            user_agent=user_agent,
        )
    return ended
