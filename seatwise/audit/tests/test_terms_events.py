"""The audit entries terms leave: a settings change and each acceptance, in the log of the
organization that owns the terms, with the version."""

import pytest

from seatwise.audit.models import AuditEvent
from seatwise.tenancy.enums import Role
from seatwise.tenancy.services import terms_accept, terms_set
from seatwise.tenancy.tests.factories import make_member

pytestmark = pytest.mark.django_db


def test_terms_changed_and_accepted_are_audited(tree, django_capture_on_commit_callbacks):
    owner = make_member(tree["reseller"], Role.OWNER)
    user = make_member(tree["customer"], Role.TECHNICAL)
    with django_capture_on_commit_callbacks(execute=True):
        terms_set(actor=owner, organization=tree["reseller"], require_terms=True, text="v1")
    with django_capture_on_commit_callbacks(execute=True):
        terms_set(actor=owner, organization=tree["reseller"], require_terms=True, text="v2")
    with django_capture_on_commit_callbacks(execute=True):
        terms_accept(user=user, organization=tree["reseller"], version=2, ip="203.0.113.5")
    with django_capture_on_commit_callbacks(execute=True):
        terms_accept(user=user, organization=tree["reseller"], version=2)  # recorded once

    rows = list(
        AuditEvent.objects.filter(organization=tree["reseller"])
        .exclude(event="membership_added")
        .order_by("pk")
        .values_list("event", "actor_id", "details")
    )
    assert rows == [
        ("settings_changed", owner.pk, {"setting": "terms", "require_terms": True, "version": 1}),
        ("settings_changed", owner.pk, {"setting": "terms", "require_terms": True, "version": 2}),
        ("terms_accepted", user.pk, {"user_id": user.pk, "version": 2}),
    ]
    accepted = AuditEvent.objects.get(event="terms_accepted")
    assert accepted.ip_address == "203.0.113.5"
    assert (
        AuditEvent.objects.filter(organization=tree["customer"], event="terms_accepted").count()
        == 0
    )
