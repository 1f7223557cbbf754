"""The apps below tell the log about things through events and Django's auth signals."""

from __future__ import annotations

import time

import pytest
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)

from seatwise.audit.models import AuditEvent
from seatwise.core import events
from seatwise.identity.services import user_email_mark_verified
from seatwise.tenancy.apikeys import EVENT_CREATED
from seatwise.tenancy.enums import Role
from seatwise.tenancy.services import api_key_authenticate, api_key_create, api_key_revoke
from seatwise.tenancy.tests.factories import make_member

pytestmark = pytest.mark.django_db

PASSWORD = "Passw0rd!x"


def _entries():
    return list(
        AuditEvent.objects.order_by("pk").values_list(
            "organization__name", "actor__email", "acting_from__name", "event", "details"
        )
    )


def test_api_key_created_and_revoked_land_in_the_organizations_log(
    tree, owner, django_capture_on_commit_callbacks
):
    holder = make_member(tree["customer"], Role.TECHNICAL)
    with django_capture_on_commit_callbacks(execute=True):
        key, raw = api_key_create(
            user=holder, organization=tree["customer"], name="CI", ip="192.0.2.5"
        )
    with django_capture_on_commit_callbacks(execute=True):
        api_key_revoke(user=owner, organization=tree["customer"], pk=key.pk)
    details = {"user_id": holder.pk, "api_key_id": key.pk, "key_name": "CI", "prefix": key.prefix}
    assert _entries() == [
        ("Acme", holder.email, None, "api_key_created", details),
        ("Acme", owner.email, None, "api_key_revoked", details),
    ]
    assert AuditEvent.objects.order_by("pk").first().ip_address == "192.0.2.5"
    # The plaintext key is in no entry.
    assert raw not in repr(list(AuditEvent.objects.values()))


def test_a_reseller_owner_revoking_a_customers_key_is_recorded_with_both_identities(
    tree, django_capture_on_commit_callbacks
):
    holder = make_member(tree["customer"], Role.OWNER)
    key, _raw = api_key_create(user=holder, organization=tree["customer"], name="CI")
    reseller_owner = make_member(tree["reseller"], Role.OWNER)
    with django_capture_on_commit_callbacks(execute=True):
        api_key_revoke(user=reseller_owner, organization=tree["customer"], pk=key.pk)
    (entry,) = _entries()
    assert entry[:4] == ("Acme", reseller_owner.email, "Northwind", "api_key_revoked")


def test_first_use_of_a_key_is_recorded_once(tree, django_capture_on_commit_callbacks):
    holder = make_member(tree["customer"], Role.TECHNICAL)
    _key, raw = api_key_create(user=holder, organization=tree["customer"], name="CI")
    with django_capture_on_commit_callbacks(execute=True):
        api_key_authenticate(raw_key=raw)
        api_key_authenticate(raw_key=raw)
    assert [e[3] for e in _entries()] == ["api_key_used_first"]


def test_membership_events_follow_the_documented_contract(
    tree, owner, django_capture_on_commit_callbacks
):
    member = make_member(tree["customer"], Role.BILLING)
    with django_capture_on_commit_callbacks(execute=True):
        events.publish_after_commit(
            "tenancy.membership_role_changed",
            organization_id=tree["customer"].pk,
            actor_id=owner.pk,
            user_id=member.pk,
            old_role="billing",
            new_role="technical",
        )
    assert _entries() == [
        (
            "Acme",
            owner.email,
            None,
            "role_changed",
            {"user_id": member.pk, "old_role": "billing", "new_role": "technical"},
        )
    ]


def test_account_events_land_in_every_organization_of_the_user(
    tree, django_capture_on_commit_callbacks
):
    user = make_member(tree["customer"], Role.OWNER)
    make_member(tree["other"], Role.TECHNICAL, user=user)
    with django_capture_on_commit_callbacks(execute=True):
        events.publish_after_commit(
            "identity.password_changed", user_id=user.pk, ip="192.0.2.1", user_agent="Firefox"
        )
        events.publish_after_commit("identity.locked_out", user_id=user.pk, actor_id=None)
    assert sorted(_entries(), key=lambda e: (e[0], e[3])) == [
        ("Acme", None, None, "lockout", {}),
        ("Acme", user.email, None, "password_changed", {}),
        ("Globex", None, None, "lockout", {}),
        ("Globex", user.email, None, "password_changed", {}),
    ]


def test_sign_in_and_sign_out_are_recorded(client, tree):
    user = make_member(tree["customer"], Role.OWNER)
    user_email_mark_verified(user=user)  # allauth signs in verified addresses only
    secret = generate_totp_secret()
    TOTP.activate(user, secret)  # the second factor, given on allauth's own page here
    meta = {"REMOTE_ADDR": "198.51.100.20", "HTTP_USER_AGENT": "Chromium"}
    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD}, **meta)
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    response = client.post("/accounts/2fa/authenticate/", {"code": code}, **meta)
    assert response.status_code == 302
    client.post("/accounts/logout/")
    entries = AuditEvent.objects.order_by("pk")
    assert [(e.organization.name, e.actor, e.event) for e in entries] == [
        ("Acme", user, "sign_in"),
        ("Acme", user, "sign_out"),
    ]
    assert (entries[0].ip_address, entries[0].user_agent) == ("198.51.100.20", "Chromium")


def test_a_failed_sign_in_is_recorded_without_an_actor_and_without_the_password(client, tree):
    user = make_member(tree["customer"], Role.OWNER)
    client.post("/accounts/login/", {"login": user.email.upper(), "password": "wrong-pass"})
    client.post("/accounts/login/", {"login": "nobody@example.test", "password": "x"})
    assert _entries() == [("Acme", None, None, "sign_in_failed", {"email": user.email})]
    assert "wrong-pass" not in repr(list(AuditEvent.objects.values()))


def test_second_factor_and_email_changes_from_allauth_are_recorded(tree):
    from allauth.account import signals as account_signals
    from allauth.account.models import EmailAddress
    from allauth.mfa import signals as mfa_signals
    from allauth.mfa.models import Authenticator

    user = make_member(tree["customer"], Role.OWNER)
    authenticator = TOTP.activate(user, generate_totp_secret()).instance
    mfa_signals.authenticator_added.send(
        sender=Authenticator, request=None, user=user, authenticator=authenticator
    )
    mfa_signals.authenticator_removed.send(
        sender=Authenticator, request=None, user=user, authenticator=authenticator
    )
    old = EmailAddress(user=user, email="old@example.test")
    new = EmailAddress(user=user, email="new@example.test")
    account_signals.email_changed.send(
        sender=EmailAddress, request=None, user=user, from_email_address=old, to_email_address=new
    )
    assert [(e[3], e[4]) for e in _entries()] == [
        ("mfa_enabled", {"type": "totp"}),
        ("mfa_disabled", {"type": "totp"}),
        ("email_changed", {"from": "old@example.test", "to": "new@example.test"}),
    ]


def test_subscribers_are_registered_once():
    from seatwise.core.events import _subscribers

    handlers = _subscribers[EVENT_CREATED]
    assert len([h for h in handlers if h.__module__ == "seatwise.audit.subscribers"]) == 1
