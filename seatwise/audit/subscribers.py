"""How the apps below tell the event log about things, without importing it.

Two sources:

* **Django's auth signals** (``user_logged_in``, ``user_logged_out``, ``user_login_failed``),
  sent by ``django.contrib.auth`` and by allauth alike: sign-in, sign-out and failed sign-in
  are recorded in every organization the user is a member of. A failure for an e-mail that
  matches no user is not recorded (no organization to record it in). allauth's own signals
  add an authenticator app or recovery codes added or removed (``authenticator_added`` /
  ``authenticator_removed``) and a change of primary e-mail address (``email_changed``).
* **Events published after commit** (``seatwise.core.events``). The contract:

  - organization events, ``payload["organization_id"]`` required, ``actor_id`` optional
    (None for nobody), ``ip`` / ``user_agent`` optional; everything else in the payload
    becomes the entry's details (so it must hold no secrets):
    ``tenancy.api_key_created`` / ``tenancy.api_key_revoked`` / ``tenancy.api_key_used_first``,
    ``tenancy.membership_added`` / ``tenancy.membership_role_changed`` /
    ``tenancy.membership_removed``, ``tenancy.invitation_sent`` /
    ``tenancy.invitation_accepted`` / ``tenancy.invitation_declined`` /
    ``tenancy.invitation_withdrawn`` (details: the invitation's id, e-mail and role; never
    its token), ``tenancy.acting_as_started`` (staff of a reseller or provider chose to act
    inside the organization; the entry's acting_from is their own organization),
    ``tenancy.terms_changed`` (a settings change: require_terms and version) /
    ``tenancy.terms_accepted`` (in the terms owner's log: the user and the version
    accepted), ``tenancy.authentication_settings_changed`` (a settings change: the four
    switches of Authentication management), ``tenancy.payment_settings_changed`` (a
    settings change: Payment methods, allow_invoice and whether bank details are set),
    ``tenancy.agreement_accepted`` (the Microsoft Customer Agreement at registration:
    agreement, version, user);
  - account events, ``payload["user_id"]`` required (recorded in each of that user's
    organizations), ``actor_id`` optional (defaults to the user; None for an anonymous
    attempt), ``ip`` / ``user_agent`` optional, the rest is details:
    ``identity.locked_out``, ``identity.password_changed``, ``identity.password_reset``,
    ``identity.email_changed``, ``identity.phone_changed``, ``identity.mfa_enabled``,
    ``identity.mfa_disabled``, ``identity.sessions_ended``.
"""

from __future__ import annotations

import logging

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from seatwise.audit.enums import AuditEventType as E
from seatwise.audit.services import audit_record, audit_record_for_user
from seatwise.core import events
from seatwise.tenancy.models import Organization

logger = logging.getLogger(__name__)

ORGANIZATION_EVENTS: dict[str, E] = {
    "tenancy.api_key_created": E.API_KEY_CREATED,
    "tenancy.api_key_revoked": E.API_KEY_REVOKED,
    "tenancy.api_key_used_first": E.API_KEY_USED_FIRST,
    "tenancy.membership_added": E.MEMBERSHIP_ADDED,
    "tenancy.membership_role_changed": E.ROLE_CHANGED,
    "tenancy.membership_removed": E.MEMBERSHIP_REMOVED,
    "tenancy.invitation_sent": E.INVITATION_SENT,
    "tenancy.invitation_accepted": E.INVITATION_ACCEPTED,
    "tenancy.invitation_declined": E.INVITATION_DECLINED,
    "tenancy.invitation_withdrawn": E.INVITATION_WITHDRAWN,
    "tenancy.acting_as_started": E.ACTING_AS,
    "tenancy.terms_changed": E.SETTINGS_CHANGED,
    "tenancy.terms_accepted": E.TERMS_ACCEPTED,
    "tenancy.agreement_accepted": E.TERMS_ACCEPTED,  # the Microsoft Customer Agreement
    "tenancy.authentication_settings_changed": E.SETTINGS_CHANGED,
    "tenancy.payment_settings_changed": E.SETTINGS_CHANGED,
    "tenancy.address_book_changed": E.ADDRESS_BOOK_CHANGED,
}

ACCOUNT_EVENTS: dict[str, E] = {
    "identity.locked_out": E.LOCKOUT,
    "identity.password_changed": E.PASSWORD_CHANGED,
    "identity.password_reset": E.PASSWORD_RESET,
    "identity.email_changed": E.EMAIL_CHANGED,
    "identity.phone_changed": E.PHONE_CHANGED,
    "identity.mfa_enabled": E.MFA_ENABLED,
    "identity.mfa_disabled": E.MFA_DISABLED,
    "identity.sessions_ended": E.SESSIONS_ENDED,
}

_ENVELOPE = ("organization_id", "actor_id", "ip", "user_agent")


def _user(pk):
    if pk is None:
        return None
    return get_user_model()._default_manager.filter(pk=pk).first()


def on_organization_event(event: events.Event) -> None:
    payload = event.payload
    organization = Organization.objects.filter(pk=payload.get("organization_id")).first()
    if organization is None:
        logger.warning("Audit: %s for an unknown organization %r", event.name, payload)
        return
    audit_record(
        organization=organization,
        actor=_user(payload.get("actor_id")),
        event=ORGANIZATION_EVENTS[event.name],
        details={k: v for k, v in payload.items() if k not in _ENVELOPE},
        ip=payload.get("ip"),
        user_agent=payload.get("user_agent") or "",
    )


def on_account_event(event: events.Event) -> None:
    payload = event.payload
    user = _user(payload.get("user_id"))
    if user is None:
        logger.warning("Audit: %s for an unknown user %r", event.name, payload)
        return
    actor = _user(payload["actor_id"]) if "actor_id" in payload else user
    audit_record_for_user(
        user=user,
        actor=actor,
        event=ACCOUNT_EVENTS[event.name],
        details={k: v for k, v in payload.items() if k not in (*_ENVELOPE, "user_id")},
        ip=payload.get("ip"),
        user_agent=payload.get("user_agent") or "",
    )


def on_user_logged_in(sender, request=None, user=None, **kwargs) -> None:
    if user is not None:
        audit_record_for_user(user=user, event=E.SIGN_IN, request=request)


def on_user_logged_out(sender, request=None, user=None, **kwargs) -> None:
    if user is not None and getattr(user, "is_authenticated", False):
        audit_record_for_user(user=user, event=E.SIGN_OUT, request=request)


def on_user_login_failed(sender, credentials=None, request=None, **kwargs) -> None:
    credentials = credentials or {}
    login = next(
        (
            str(credentials[name])
            for name in ("email", "username", "login")
            if isinstance(credentials.get(name), str)
        ),
        "",
    ).strip()
    if not login:
        return
    user = get_user_model()._default_manager.filter(email__iexact=login).first()
    if user is None:
        return
    audit_record_for_user(
        user=user,
        actor=None,
        event=E.SIGN_IN_FAILED,
        details={"email": user.email},
        request=request,
    )


def on_authenticator_added(sender, request=None, user=None, authenticator=None, **kwargs):
    if user is not None:
        details = {"type": getattr(authenticator, "type", "")}
        audit_record_for_user(user=user, event=E.MFA_ENABLED, details=details, request=request)


def on_authenticator_removed(sender, request=None, user=None, authenticator=None, **kwargs):
    if user is not None:
        details = {"type": getattr(authenticator, "type", "")}
        audit_record_for_user(user=user, event=E.MFA_DISABLED, details=details, request=request)


def on_email_changed(
    sender, request=None, user=None, from_email_address=None, to_email_address=None, **kwargs
):
    if user is not None:
        details = {
            "from": getattr(from_email_address, "email", ""),
            "to": getattr(to_email_address, "email", ""),
        }
        audit_record_for_user(user=user, event=E.EMAIL_CHANGED, details=details, request=request)


def register() -> None:
    for name in ORGANIZATION_EVENTS:
        events.subscribe(name, on_organization_event)
    for name in ACCOUNT_EVENTS:
        events.subscribe(name, on_account_event)
    user_logged_in.connect(on_user_logged_in, dispatch_uid="audit.sign_in")
    user_logged_out.connect(on_user_logged_out, dispatch_uid="audit.sign_out")
    user_login_failed.connect(on_user_login_failed, dispatch_uid="audit.sign_in_failed")
    mfa_signals.authenticator_added.connect(on_authenticator_added, dispatch_uid="audit.mfa_on")
    mfa_signals.authenticator_removed.connect(
        on_authenticator_removed, dispatch_uid="audit.mfa_off"
    )
    account_signals.email_changed.connect(on_email_changed, dispatch_uid="audit.email_changed")
