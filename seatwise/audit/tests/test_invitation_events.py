"""The audit entries invitations leave: sent, accepted (with the membership it adds) and
declined, in the organization invited into, with the actor and no token."""

import pytest

from seatwise.audit.models import AuditEvent
from seatwise.tenancy.enums import Role
from seatwise.tenancy.services import invitation_accept, invitation_create, invitation_decline
from seatwise.tenancy.tests.factories import (
    make_customer,
    make_member,
    make_provider,
    make_reseller,
    make_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    reseller = make_reseller(make_provider("Provider"), "Reseller")
    return {"reseller": reseller, "acme": make_customer(reseller, "Acme")}


def _invite(actor, organization, email="new@example.test", role=Role.TECHNICAL):
    return invitation_create(actor=actor, organization=organization, email=email, role=role)


def test_sent_accepted_and_declined_are_audited(tree, django_capture_on_commit_callbacks):
    owner = make_member(tree["reseller"], Role.OWNER)
    invitee = make_user("new@example.test")
    with django_capture_on_commit_callbacks(execute=True):
        accepted, token = _invite(owner, tree["acme"], role=Role.BILLING)
    with django_capture_on_commit_callbacks(execute=True):
        invitation_accept(token=token, user=invitee)
    with django_capture_on_commit_callbacks(execute=True):
        declined, token = _invite(owner, tree["acme"], email="no@example.test")
    with django_capture_on_commit_callbacks(execute=True):
        invitation_decline(token=token)

    rows = list(
        AuditEvent.objects.filter(organization=tree["acme"])
        .order_by("pk")
        .values_list("event", "actor_id", "details")
    )
    assert rows == [
        (
            "invitation_sent",
            owner.pk,
            {"invitation_id": accepted.pk, "email": "new@example.test", "role": "billing"},
        ),
        ("membership_added", owner.pk, {"user_id": invitee.pk, "role": "billing"}),
        (
            "invitation_accepted",
            invitee.pk,
            {"invitation_id": accepted.pk, "email": "new@example.test", "role": "billing"},
        ),
        (
            "invitation_sent",
            owner.pk,
            {"invitation_id": declined.pk, "email": "no@example.test", "role": "technical"},
        ),
        (
            "invitation_declined",
            None,
            {"invitation_id": declined.pk, "email": "no@example.test", "role": "technical"},
        ),
    ]
