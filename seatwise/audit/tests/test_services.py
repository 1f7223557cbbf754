"""audit_record and audit_record_for_user: what is stored, both identities for staff acting
for a customer, no secrets, append-only."""

from __future__ import annotations

import datetime as dt
import inspect

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from seatwise.audit import services
from seatwise.audit.enums import AuditEventType
from seatwise.audit.exceptions import AuditDetailsRejected, UnknownAuditEvent
from seatwise.audit.models import AuditEvent
from seatwise.audit.services import audit_record, audit_record_for_user
from seatwise.tenancy.apikeys import generate_key
from seatwise.tenancy.enums import Role
from seatwise.tenancy.tests.factories import make_member

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2027, 3, 1, 9, 30, tzinfo=dt.UTC)


def test_audit_record_stores_the_entry_with_the_request_client(tree, owner):
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT="A" * 400)
    with time_machine.travel(T0, tick=False):
        entry = audit_record(
            organization=tree["customer"],
            actor=owner,
            event=AuditEventType.PASSWORD_CHANGED,
            details={"method": "settings page"},
            request=request,
        )
    entry.refresh_from_db()
    assert entry.organization == tree["customer"]
    assert entry.actor == owner
    assert entry.actor_label == owner.email
    assert entry.acting_from is None  # a member of the organization itself
    assert entry.event == "password_changed"
    assert entry.details == {"method": "settings page"}
    assert entry.ip_address == "203.0.113.9"
    assert entry.user_agent == "A" * 255
    assert entry.created_at == T0


def test_audit_record_takes_ip_and_user_agent_without_a_request(tree, owner):
    entry = audit_record(
        organization=tree["customer"],
        actor=owner,
        event="sign_in",
        ip="2001:db8::1",
        user_agent="curl/8",
    )
    assert (entry.ip_address, entry.user_agent) == ("2001:db8::1", "curl/8")
    bad = audit_record(organization=tree["customer"], actor=owner, event="sign_in", ip="nope")
    assert bad.ip_address is None


def test_an_anonymous_actor_is_stored_as_nobody(tree):
    entry = audit_record(
        organization=tree["customer"], actor=AnonymousUser(), event="sign_in_failed"
    )
    assert (entry.actor, entry.actor_label, entry.acting_from) == (None, "", None)


def test_unknown_event_is_refused(tree, owner):
    with pytest.raises(UnknownAuditEvent):
        audit_record(organization=tree["customer"], actor=owner, event="made_up")
    assert AuditEvent.objects.count() == 0


def test_reseller_staff_acting_for_a_customer_is_recorded_with_both_identities(tree):
    reseller_manager = make_member(tree["reseller"], Role.ACCOUNT_MANAGER)
    entry = audit_record(
        organization=tree["customer"], actor=reseller_manager, event=AuditEventType.ACTING_AS
    )
    entry.refresh_from_db()
    assert entry.organization == tree["customer"]  # whose log it is: the customer's
    assert entry.acting_from == tree["reseller"]  # the actor's own organization
    assert entry.actor == reseller_manager


def test_provider_staff_acting_for_a_resellers_customer_is_recorded_from_the_provider(tree):
    provider_owner = make_member(tree["provider"], Role.OWNER)
    entry = audit_record(
        organization=tree["customer"], actor=provider_owner, event=AuditEventType.ACTING_AS
    )
    assert entry.acting_from == tree["provider"]


def test_an_explicit_acting_from_is_kept(tree):
    staff = make_member(tree["reseller"], Role.OWNER)
    make_member(tree["provider"], Role.OWNER, user=staff)
    entry = audit_record(
        organization=tree["customer"],
        actor=staff,
        event=AuditEventType.ACTING_AS,
        acting_from=tree["provider"],
    )
    assert entry.acting_from == tree["provider"]


@pytest.mark.parametrize(
    "details",
    [
        {"password": "hunter2"},
        {"new_password": "x"},
        {"code": "123456"},
        {"sms_code": "123456"},
        {"otpCode": "123456"},
        {"recovery-codes": ["a", "b"]},
        {"token": "abc"},
        {"access_token": "abc"},
        {"client_secret": "abc"},
        {"credentials": {"user": "a"}},
        {"nested": {"deeper": {"Password": "x"}}},
        {"list": [{"totp": "1"}]},
        {"note": generate_key()},
        {"keys": [generate_key()]},
        {1: "not a text key"},
        ["not", "an", "object"],
        {"blob": "x" * 5000},
    ],
)
def test_details_that_may_carry_secrets_are_refused_and_nothing_is_written(tree, owner, details):
    with pytest.raises(AuditDetailsRejected):
        audit_record(
            organization=tree["customer"], actor=owner, event="settings_changed", details=details
        )
    assert AuditEvent.objects.count() == 0


def test_harmless_details_are_stored_as_json(tree, owner):
    entry = audit_record(
        organization=tree["customer"],
        actor=owner,
        event="role_changed",
        details={"user_id": 7, "from": "billing", "to": "owner", "at": T0, "prefix": "sw_abcd1234"},
    )
    entry.refresh_from_db()
    assert entry.details == {
        "user_id": 7,
        "from": "billing",
        "to": "owner",
        "at": "2027-03-01T09:30:00Z",
        "prefix": "sw_abcd1234",
    }


def test_audit_record_for_user_writes_to_each_of_the_users_organizations(tree):
    user = make_member(tree["customer"], Role.OWNER)
    make_member(tree["other"], Role.READ_ONLY, user=user)
    with time_machine.travel(T0, tick=False):
        entries = audit_record_for_user(user=user, event="phone_changed", ip="192.0.2.1")
    rows = AuditEvent.objects.order_by("organization__name")
    assert [(e.organization.name, e.actor, e.event, e.created_at) for e in rows] == [
        ("Acme", user, "phone_changed", T0),
        ("Globex", user, "phone_changed", T0),
    ]
    assert len(entries) == 2
    assert {e.ip_address for e in rows} == {"192.0.2.1"}


def test_audit_record_for_user_can_record_an_anonymous_attempt(tree):
    user = make_member(tree["customer"], Role.OWNER)
    audit_record_for_user(user=user, actor=None, event="sign_in_failed", details={"email": "a@b"})
    entry = AuditEvent.objects.get()
    assert (entry.actor, entry.event, entry.details) == (None, "sign_in_failed", {"email": "a@b"})


def test_the_log_is_append_only_there_is_no_service_to_change_or_delete():
    public = {
        name
        for name, function in inspect.getmembers(services, inspect.isfunction)
        if function.__module__ == services.__name__ and not name.startswith("_")
    }
    assert public == {"audit_record", "audit_record_for_user"}


def test_deleting_the_actor_keeps_the_entry_and_who_it_was(tree):
    user = make_member(tree["customer"], Role.OWNER)
    entry = audit_record(organization=tree["customer"], actor=user, event="sign_in")
    email = user.email
    user.delete()
    entry.refresh_from_db()
    assert (entry.actor, entry.actor_label) == (None, email)
