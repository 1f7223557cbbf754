"""My account → Users: the access matrix, the invitation e-mail and its link."""

import re

import pytest
from django.core import mail

from seatwise.tenancy.enums import Role
from seatwise.tenancy.models import Invitation
from seatwise.tenancy.tests.factories import (
    make_customer,
    make_member,
    make_provider,
    make_reseller,
    make_user,
)

pytestmark = pytest.mark.django_db

URL = "/organizations/users/"


@pytest.fixture
def orgs():
    provider = make_provider("Provider")
    reseller = make_reseller(provider, "Reseller")
    other = make_reseller(provider, "Other reseller")
    return {
        "reseller": reseller,
        "acme": make_customer(reseller, "Acme"),
        "globex": make_customer(reseller, "Globex"),
        "initech": make_customer(other, "Initech"),
    }


def _post(client, organization, email="new@example.test", role=Role.TECHNICAL):
    return client.post(URL, {"email": email, "role": role, "organization": organization.pk})


def test_anonymous_is_sent_to_sign_in(client, orgs):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/organizations/users/"
    assert _post(client, orgs["acme"]).status_code == 302
    assert Invitation.objects.count() == 0


def test_a_user_without_an_organization_is_told_so(client):
    client.force_login(make_user())
    response = client.get(URL)
    assert response.status_code == 404
    assert "You do not act for an organization yet." in response.content.decode()


@pytest.mark.parametrize("role", [Role.TECHNICAL, Role.BILLING, Role.READ_ONLY])
def test_a_member_without_the_role_sees_the_list_but_cannot_invite(client, orgs, role):
    owner = make_member(orgs["acme"], Role.OWNER, user=make_user("owner@example.test"))
    client.force_login(make_member(orgs["acme"], role))
    page = client.get(URL)
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-member="owner@example.test"' in html
    assert "data-invite-form" not in html

    response = _post(client, orgs["acme"])
    assert response.status_code == 403
    assert "Your role in this organization does not allow inviting users." in (
        response.content.decode()
    )
    assert Invitation.objects.count() == 0
    assert mail.outbox == []
    assert owner.memberships.count() == 1


def test_another_organization_s_members_are_not_listed(client, orgs):
    make_member(orgs["globex"], Role.OWNER, user=make_user("globex@example.test"))
    client.force_login(make_member(orgs["acme"], Role.OWNER))
    html = client.get(URL).content.decode()
    assert "globex@example.test" not in html
    assert f'<option value="{orgs["globex"].pk}"' not in html


def test_an_owner_invites_and_the_email_carries_the_link(
    client, orgs, django_capture_on_commit_callbacks
):
    owner = make_member(orgs["acme"], Role.OWNER, user=make_user("owner@example.test"))
    client.force_login(owner)
    assert "data-invite-form" in client.get(URL).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, orgs["acme"], email="Nina@Example.test", role=Role.BILLING)
    assert response.status_code == 302
    assert response["Location"] == URL

    invitation = Invitation.objects.get()
    assert (invitation.organization, invitation.email, invitation.role) == (
        orgs["acme"],
        "nina@example.test",
        Role.BILLING,
    )
    (message,) = mail.outbox
    assert message.to == ["nina@example.test"]
    assert message.subject == "owner@example.test invited you to Acme on Seatwise"
    assert "owner@example.test invited you to join Acme on Seatwise as Billing." in message.body
    assert "The invitation expires in 7 days." in message.body
    token = re.search(r"http://testserver/invitations/([\w-]+)/", message.body).group(1)
    assert invitation.token_hash != token
    page = client.get(URL).content.decode()
    assert "Invitation sent to nina@example.test." in page
    assert 'data-invitation="nina@example.test"' in page

    client.logout()
    opened = client.get(f"/invitations/{token}/").content.decode()
    assert "Invitation to Acme" in opened


def test_a_reseller_manager_invites_into_its_customer_but_not_elsewhere(client, orgs):
    client.force_login(make_member(orgs["reseller"], Role.ACCOUNT_MANAGER))
    html = client.get(URL).content.decode()
    assert f'<option value="{orgs["acme"].pk}"' in html
    assert f'<option value="{orgs["initech"].pk}"' not in html

    assert _post(client, orgs["acme"]).status_code == 302
    assert Invitation.objects.get().organization == orgs["acme"]

    refused = _post(client, orgs["initech"], email="x@example.test")
    assert refused.status_code == 400
    assert Invitation.objects.count() == 1


def test_inviting_a_member_is_refused_with_a_message(client, orgs):
    client.force_login(make_member(orgs["acme"], Role.OWNER))
    make_member(orgs["acme"], Role.BILLING, user=make_user("olga@example.test"))
    response = _post(client, orgs["acme"], email="olga@example.test")
    assert response.status_code == 400
    assert "This person is already a member of the organization." in response.content.decode()
    assert Invitation.objects.count() == 0
    assert mail.outbox == []


def test_a_bad_address_is_refused_with_a_message(client, orgs):
    client.force_login(make_member(orgs["acme"], Role.OWNER))
    response = _post(client, orgs["acme"], email="not-an-address")
    assert response.status_code == 400
    assert "Enter a valid email address." in response.content.decode()
    assert Invitation.objects.count() == 0


def test_the_users_page_is_in_the_account_menu(client, orgs):
    client.force_login(make_member(orgs["acme"], Role.READ_ONLY))
    assert f'href="{URL}">Users</a>' in client.get("/").content.decode()


def test_the_page_s_query_count_does_not_grow_with_members_and_invitations(client, orgs):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from seatwise.tenancy.services import invitation_create

    owner = make_member(orgs["reseller"], Role.OWNER)
    client.force_login(owner)
    client.get(URL)
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL).status_code == 200
    for n in range(4):
        make_member(orgs["reseller"], Role.TECHNICAL)
        invitation_create(
            actor=owner, organization=orgs["acme"], email=f"i{n}@example.test", role=Role.BILLING
        )
    with CaptureQueriesContext(connection) as many:
        html = client.get(URL).content.decode()
    assert html.count("data-member=") == 5
    assert html.count("data-invitation=") == 4
    assert len(many) == len(few)
