"""Invitations: who may invite where, tokens stored hashed, replacement, expiry, accepting
and declining."""

import datetime as dt
import hashlib

import pytest
import time_machine

from seatwise.core.errors import ValidationError
from seatwise.tenancy.enums import Role
from seatwise.tenancy.exceptions import OrganizationNotFound, RoleRequired
from seatwise.tenancy.invitations import AlreadyMember, InvitationEmailMismatch, InvitationNotFound
from seatwise.tenancy.models import Invitation, Membership
from seatwise.tenancy.selectors import invitation_get_by_token, invitation_pending_list
from seatwise.tenancy.services import invitation_accept, invitation_create, invitation_decline
from seatwise.tenancy.tests.factories import (
    make_customer,
    make_member,
    make_provider,
    make_reseller,
    make_user,
)

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 11, 25, 9, 30, tzinfo=dt.UTC)


@pytest.fixture
def tree():
    provider = make_provider("Provider")
    reseller = make_reseller(provider, "Reseller")
    other_reseller = make_reseller(provider, "Other reseller")
    return {
        "provider": provider,
        "reseller": reseller,
        "acme": make_customer(reseller, "Acme"),
        "globex": make_customer(reseller, "Globex"),
        "initech": make_customer(other_reseller, "Initech"),
    }


def _invite(actor, organization, email="new@example.test", role=Role.TECHNICAL):
    return invitation_create(actor=actor, organization=organization, email=email, role=role)


def test_anonymous_cannot_invite(tree):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(OrganizationNotFound):
        _invite(AnonymousUser(), tree["acme"])
    with pytest.raises(OrganizationNotFound):
        _invite(None, tree["acme"])
    assert Invitation.objects.count() == 0


def test_a_member_of_another_organization_gets_not_found(tree):
    owner = make_member(tree["globex"], Role.OWNER)
    with pytest.raises(OrganizationNotFound):
        _invite(owner, tree["acme"])
    assert Invitation.objects.count() == 0


@pytest.mark.parametrize("role", [Role.TECHNICAL, Role.BILLING, Role.READ_ONLY])
def test_a_member_without_a_managing_role_is_refused(tree, role):
    member = make_member(tree["acme"], role)
    with pytest.raises(RoleRequired):
        _invite(member, tree["acme"])
    assert Invitation.objects.count() == 0


@pytest.mark.parametrize("role", [Role.OWNER, Role.ACCOUNT_MANAGER])
def test_owners_and_account_managers_invite(tree, role, django_capture_on_commit_callbacks):
    actor = make_member(tree["acme"], role)
    with time_machine.travel(T0, tick=False), django_capture_on_commit_callbacks(execute=True):
        invitation, token = _invite(actor, tree["acme"], email="  Nina@Example.TEST ")
    invitation.refresh_from_db()
    assert invitation.organization == tree["acme"]
    assert invitation.email == "nina@example.test"
    assert invitation.role == Role.TECHNICAL
    assert invitation.invited_by == actor
    assert invitation.created_at == T0
    assert invitation.expires_at == T0 + dt.timedelta(days=7)
    assert (invitation.accepted_at, invitation.declined_at, invitation.accepted_by) == (
        None,
        None,
        None,
    )
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert len(token) == 43
    assert token not in invitation.token_hash


def test_a_reseller_manager_invites_into_itself_and_its_customers_only(tree):
    manager = make_member(tree["reseller"], Role.ACCOUNT_MANAGER)
    own, _token = _invite(manager, tree["reseller"], email="a@example.test")
    customer, _token = _invite(manager, tree["acme"], email="b@example.test")
    assert (own.organization, customer.organization) == (tree["reseller"], tree["acme"])
    for outside in (tree["initech"], tree["provider"]):
        with pytest.raises(OrganizationNotFound):
            _invite(manager, outside, email="c@example.test")
    assert Invitation.objects.count() == 2


def test_a_customer_owner_cannot_invite_into_its_reseller(tree):
    owner = make_member(tree["acme"], Role.OWNER)
    with pytest.raises(OrganizationNotFound):
        _invite(owner, tree["reseller"])
    assert Invitation.objects.count() == 0


def test_an_existing_member_is_refused(tree):
    owner = make_member(tree["acme"], Role.OWNER)
    make_member(tree["acme"], Role.BILLING, user=make_user("olga@example.test"))
    with pytest.raises(AlreadyMember) as exc:
        _invite(owner, tree["acme"], email="OLGA@example.test")
    assert exc.value.message == "This person is already a member of the organization."
    assert Invitation.objects.count() == 0


@pytest.mark.parametrize(
    ("email", "role", "message"),
    [
        ("not-an-address", Role.OWNER, "Enter a valid e-mail address."),
        ("x@example.test", "admin", "Choose a role."),
    ],
)
def test_bad_input_is_refused(tree, email, role, message):
    owner = make_member(tree["acme"], Role.OWNER)
    with pytest.raises(ValidationError) as exc:
        _invite(owner, tree["acme"], email=email, role=role)
    assert exc.value.message == message
    assert Invitation.objects.count() == 0


def test_a_new_invitation_replaces_the_pending_one(tree):
    owner = make_member(tree["acme"], Role.OWNER)
    with time_machine.travel(T0, tick=False):
        first, first_token = _invite(owner, tree["acme"], role=Role.BILLING)
    later = T0 + dt.timedelta(hours=2)
    with time_machine.travel(later, tick=False):
        second, second_token = _invite(owner, tree["acme"], role=Role.OWNER)
        first.refresh_from_db()
        assert first.expires_at == later
        with pytest.raises(InvitationNotFound):
            invitation_get_by_token(token=first_token)
        assert invitation_get_by_token(token=second_token) == second
        assert list(invitation_pending_list(user=owner, organization=tree["acme"])) == [second]


def test_an_invitation_expires_after_seven_days(tree):
    owner = make_member(tree["acme"], Role.OWNER)
    with time_machine.travel(T0, tick=False):
        invitation, token = _invite(owner, tree["acme"])
    with time_machine.travel(T0 + dt.timedelta(days=7, seconds=-1), tick=False):
        assert invitation_get_by_token(token=token) == invitation
    with time_machine.travel(T0 + dt.timedelta(days=7), tick=False):
        with pytest.raises(InvitationNotFound) as exc:
            invitation_get_by_token(token=token)
        assert exc.value.message == (
            "This invitation does not exist, has expired or has already been used."
        )
        with pytest.raises(InvitationNotFound):
            invitation_accept(token=token, user=make_user("new@example.test"))
    assert Membership.objects.filter(user__email="new@example.test").count() == 0


@pytest.mark.parametrize("token", ["", "nope", "x" * 500, None, 42])
def test_an_unknown_token_is_not_found(token):
    with pytest.raises(InvitationNotFound):
        invitation_get_by_token(token=token)


def test_accepting_with_the_invited_address_adds_the_membership(tree):
    owner = make_member(tree["acme"], Role.OWNER)
    invitation, token = _invite(owner, tree["acme"], role=Role.BILLING)
    invitee = make_user("New@Example.test")
    with time_machine.travel(T0, tick=False):
        membership = invitation_accept(token=token, user=invitee)
    assert (membership.organization, membership.user, membership.role) == (
        tree["acme"],
        invitee,
        Role.BILLING,
    )
    invitation.refresh_from_db()
    assert (invitation.accepted_at, invitation.accepted_by) == (T0, invitee)
    with pytest.raises(InvitationNotFound):
        invitation_accept(token=token, user=invitee)
    with pytest.raises(InvitationNotFound):
        invitation_decline(token=token)


def test_accepting_with_another_address_is_refused_and_changes_nothing(tree):
    owner = make_member(tree["acme"], Role.OWNER)
    invitation, token = _invite(owner, tree["acme"])
    other = make_user("other@example.test")
    with pytest.raises(InvitationEmailMismatch) as exc:
        invitation_accept(token=token, user=other)
    assert exc.value.message == "This invitation was sent to another e-mail address."
    assert not Membership.objects.filter(user=other).exists()
    invitation.refresh_from_db()
    assert (invitation.accepted_at, invitation.accepted_by) == (None, None)
    assert invitation_get_by_token(token=token) == invitation


def test_declining_closes_the_invitation(tree):
    owner = make_member(tree["acme"], Role.OWNER)
    invitation, token = _invite(owner, tree["acme"])
    with time_machine.travel(T0, tick=False):
        invitation_decline(token=token)
    invitation.refresh_from_db()
    assert invitation.declined_at == T0
    with pytest.raises(InvitationNotFound):
        invitation_decline(token=token)
    with pytest.raises(InvitationNotFound):
        invitation_accept(token=token, user=make_user("new@example.test"))
    assert Membership.objects.filter(organization=tree["acme"]).count() == 1
