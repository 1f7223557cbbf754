"""My account → Users: changing a member's role, removing a member, withdrawing an
invitation. The access matrix, the last-owner rule, CSRF and the event log."""

import pytest
from django.test import Client

from seatwise.audit.enums import AuditEventType
from seatwise.audit.models import AuditEvent
from seatwise.core import clock
from seatwise.tenancy.enums import Role
from seatwise.tenancy.models import Invitation, Membership
from seatwise.tenancy.services import invitation_create
from seatwise.tenancy.tests.factories import (
    make_customer,
    make_member,
    make_provider,
    make_reseller,
    make_user,
)

pytestmark = pytest.mark.django_db

USERS = "/organizations/users/"


def role_url(membership):
    return f"/organizations/users/{membership.pk}/role/"


def remove_url(membership):
    return f"/organizations/users/{membership.pk}/remove/"


def withdraw_url(invitation):
    return f"/organizations/invitations/{invitation.pk}/withdraw/"


@pytest.fixture
def orgs():
    provider = make_provider("Provider")
    reseller = make_reseller(provider, "Reseller")
    other = make_reseller(provider, "Other reseller")
    return {
        "provider": provider,
        "reseller": reseller,
        "acme": make_customer(reseller, "Acme"),
        "initech": make_customer(other, "Initech"),
    }


@pytest.fixture
def acme(orgs):
    """Acme with an owner, a technical member and a pending invitation."""
    owner = make_member(orgs["acme"], Role.OWNER, user=make_user("owner@acme.test"))
    tech = make_member(orgs["acme"], Role.TECHNICAL, user=make_user("tech@acme.test"))
    invitation, _token = invitation_create(
        actor=owner, organization=orgs["acme"], email="new@acme.test", role=Role.BILLING
    )
    return {
        "owner": owner,
        "owner_membership": Membership.objects.get(user=owner),
        "tech": tech,
        "tech_membership": Membership.objects.get(user=tech),
        "invitation": invitation,
    }


def _roles(organization):
    return dict(
        Membership.objects.filter(organization=organization).values_list("user__email", "role")
    )


def _pending(invitation) -> bool:
    invitation.refresh_from_db()
    return invitation.is_pending_at(clock.now())


# --- the access matrix ----------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in_and_nothing_changes(client, orgs, acme):
    before = _roles(orgs["acme"])
    for url, data in [
        (role_url(acme["tech_membership"]), {"role": Role.BILLING}),
        (remove_url(acme["tech_membership"]), {}),
        (withdraw_url(acme["invitation"]), {}),
    ]:
        response = client.post(url, data)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")
    assert _roles(orgs["acme"]) == before
    assert _pending(acme["invitation"])


def test_the_actions_accept_only_post(client, acme):
    client.force_login(acme["owner"])
    assert client.get(role_url(acme["tech_membership"])).status_code == 405
    assert client.get(remove_url(acme["tech_membership"])).status_code == 405
    assert client.get(withdraw_url(acme["invitation"])).status_code == 405


def test_another_organization_cannot_touch_the_members_or_invitations(client, orgs, acme):
    client.force_login(make_member(orgs["initech"], Role.OWNER))
    before = _roles(orgs["acme"])
    assert client.post(role_url(acme["tech_membership"]), {"role": Role.OWNER}).status_code == 404
    assert client.post(remove_url(acme["tech_membership"])).status_code == 404
    assert client.post(withdraw_url(acme["invitation"])).status_code == 404
    assert _roles(orgs["acme"]) == before
    assert _pending(acme["invitation"])


@pytest.mark.parametrize("role", [Role.TECHNICAL, Role.BILLING, Role.READ_ONLY])
def test_a_member_without_a_managing_role_is_refused(client, orgs, acme, role):
    user = make_member(orgs["acme"], role)
    client.force_login(user)
    html = client.get(USERS).content.decode()
    assert "data-role-form" not in html
    assert "data-remove-form" not in html
    assert "data-withdraw-form" not in html
    before = _roles(orgs["acme"])
    response = client.post(role_url(acme["tech_membership"]), {"role": Role.OWNER})
    assert response.status_code == 403
    assert "does not allow managing users" in response.content.decode()
    assert client.post(remove_url(acme["owner_membership"])).status_code == 403
    assert client.post(withdraw_url(acme["invitation"])).status_code == 403
    assert _roles(orgs["acme"]) == before
    assert _pending(acme["invitation"])


def test_an_owner_changes_a_role_and_the_log_records_it(
    client, orgs, acme, django_capture_on_commit_callbacks
):
    client.force_login(acme["owner"])
    html = client.get(USERS).content.decode()
    assert 'data-role-form="tech@acme.test"' in html
    assert 'data-withdraw-form="new@acme.test"' in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(role_url(acme["tech_membership"]), {"role": Role.ACCOUNT_MANAGER})
    assert response.status_code == 302
    assert response["Location"] == USERS
    assert _roles(orgs["acme"])["tech@acme.test"] == Role.ACCOUNT_MANAGER
    entry = AuditEvent.objects.get(organization=orgs["acme"], event=AuditEventType.ROLE_CHANGED)
    assert entry.actor == acme["owner"]
    assert entry.acting_from is None
    assert entry.details == {
        "user_id": acme["tech"].pk,
        "email": "tech@acme.test",
        "old_role": "technical",
        "new_role": "account_manager",
    }
    assert "The role was changed." in client.get(USERS).content.decode()


def test_an_unknown_role_is_refused_and_nothing_changes(client, orgs, acme):
    client.force_login(acme["owner"])
    before = _roles(orgs["acme"])
    response = client.post(role_url(acme["tech_membership"]), {"role": "emperor"})
    assert response.status_code == 302
    assert _roles(orgs["acme"]) == before
    assert "Choose a role." in client.get(USERS).content.decode()


def test_the_last_owner_cannot_be_demoted_or_removed(client, orgs, acme):
    client.force_login(acme["owner"])
    before = _roles(orgs["acme"])
    response = client.post(role_url(acme["owner_membership"]), {"role": Role.READ_ONLY})
    assert response.status_code == 302
    assert "make someone else owner first" in client.get(USERS).content.decode()
    assert client.post(remove_url(acme["owner_membership"])).status_code == 302
    assert _roles(orgs["acme"]) == before
    assert AuditEvent.objects.filter(event=AuditEventType.MEMBERSHIP_REMOVED).count() == 0


def test_with_a_second_owner_an_owner_can_step_down(client, orgs, acme):
    client.force_login(acme["owner"])
    client.post(role_url(acme["tech_membership"]), {"role": Role.OWNER})
    response = client.post(role_url(acme["owner_membership"]), {"role": Role.READ_ONLY})
    assert response.status_code == 302
    assert _roles(orgs["acme"]) == {"owner@acme.test": "read_only", "tech@acme.test": "owner"}


def test_an_account_manager_manages_members_but_not_owners(client, orgs, acme):
    manager = make_member(orgs["acme"], Role.ACCOUNT_MANAGER)
    client.force_login(manager)
    assert client.post(role_url(acme["tech_membership"]), {"role": Role.BILLING}).status_code == 302
    assert _roles(orgs["acme"])["tech@acme.test"] == Role.BILLING
    refused = client.post(role_url(acme["tech_membership"]), {"role": Role.OWNER})
    assert refused.status_code == 403
    assert "Only an owner can grant" in refused.content.decode()
    assert client.post(remove_url(acme["owner_membership"])).status_code == 403
    assert _roles(orgs["acme"])["owner@acme.test"] == Role.OWNER
    assert _roles(orgs["acme"])["tech@acme.test"] == Role.BILLING


def test_an_owner_removes_a_member_and_the_log_records_it(
    client, orgs, acme, django_capture_on_commit_callbacks
):
    client.force_login(acme["owner"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(remove_url(acme["tech_membership"]))
    assert response.status_code == 302
    assert "tech@acme.test" not in _roles(orgs["acme"])
    assert acme["tech"].is_active  # the account stays
    entry = AuditEvent.objects.get(event=AuditEventType.MEMBERSHIP_REMOVED)
    assert (entry.organization, entry.actor) == (orgs["acme"], acme["owner"])
    assert entry.details == {
        "user_id": acme["tech"].pk,
        "email": "tech@acme.test",
        "role": "technical",
    }
    # removing it again: it is gone
    assert client.post(remove_url(acme["tech_membership"])).status_code == 404


def test_an_owner_withdraws_an_invitation_and_its_link_stops_working(
    client, orgs, acme, django_capture_on_commit_callbacks
):
    client.force_login(acme["owner"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(withdraw_url(acme["invitation"]))
    assert response.status_code == 302
    assert not _pending(acme["invitation"])
    html = client.get(USERS).content.decode()
    assert 'data-invitation="new@acme.test"' not in html
    assert "The invitation was withdrawn" in html
    entry = AuditEvent.objects.get(event=AuditEventType.INVITATION_WITHDRAWN)
    assert (entry.organization, entry.actor) == (orgs["acme"], acme["owner"])
    assert entry.details == {
        "invitation_id": acme["invitation"].pk,
        "email": "new@acme.test",
        "role": "billing",
    }
    # withdrawn twice: no longer pending, one entry only
    assert client.post(withdraw_url(acme["invitation"])).status_code == 404
    assert AuditEvent.objects.filter(event=AuditEventType.INVITATION_WITHDRAWN).count() == 1


def test_reseller_staff_acting_inside_the_customer_manage_its_members(
    client, orgs, acme, django_capture_on_commit_callbacks
):
    staff = make_member(orgs["reseller"], Role.ACCOUNT_MANAGER)
    client.force_login(staff)
    assert (
        client.post("/organizations/switch/", {"organization": orgs["acme"].pk}).status_code == 302
    )
    assert 'data-role-form="tech@acme.test"' in client.get(USERS).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(role_url(acme["tech_membership"]), {"role": Role.READ_ONLY})
        client.post(withdraw_url(acme["invitation"]))
    assert _roles(orgs["acme"])["tech@acme.test"] == Role.READ_ONLY
    assert not _pending(acme["invitation"])
    changed = AuditEvent.objects.get(event=AuditEventType.ROLE_CHANGED)
    withdrawn = AuditEvent.objects.get(event=AuditEventType.INVITATION_WITHDRAWN)
    for entry in (changed, withdrawn):
        assert (entry.organization, entry.actor, entry.acting_from) == (
            orgs["acme"],
            staff,
            orgs["reseller"],
        )


def test_a_reseller_manager_withdraws_an_invitation_into_its_customer(client, orgs, acme):
    """The Users page of a reseller lists invitations into its customers too."""
    client.force_login(make_member(orgs["reseller"], Role.OWNER))
    assert client.post(withdraw_url(acme["invitation"])).status_code == 302
    assert not _pending(acme["invitation"])


def test_the_actions_need_the_csrf_token(orgs, acme):
    client = Client(enforce_csrf_checks=True)
    client.force_login(acme["owner"])
    before = _roles(orgs["acme"])
    assert client.post(role_url(acme["tech_membership"]), {"role": Role.BILLING}).status_code == 403
    assert client.post(remove_url(acme["tech_membership"])).status_code == 403
    assert client.post(withdraw_url(acme["invitation"])).status_code == 403
    assert _roles(orgs["acme"]) == before
    assert Invitation.objects.get().expires_at == acme["invitation"].expires_at


def test_a_reseller_owner_not_acting_cannot_reach_a_customers_member_by_id(client, orgs, acme):
    """The actions apply to the members of the organization the user acts for only."""
    client.force_login(make_member(orgs["reseller"], Role.OWNER))
    before = _roles(orgs["acme"])
    assert client.post(role_url(acme["tech_membership"]), {"role": Role.OWNER}).status_code == 404
    assert client.post(remove_url(acme["tech_membership"])).status_code == 404
    assert _roles(orgs["acme"]) == before
