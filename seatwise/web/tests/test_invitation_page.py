"""The page an invitation's link opens: accept, decline, the wrong account, sign-up opened
for the invited address only, and one message for unknown, expired and used links."""

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail

from seatwise.audit.models import AuditEvent
from seatwise.identity.models import User
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

GONE = "This invitation does not exist, has expired or has already been used."
PASSWORD = "Str0ng-Pass!word"


@pytest.fixture
def acme():
    return make_customer(make_reseller(make_provider("Provider"), "Reseller"), "Acme")


@pytest.fixture
def invited(acme):
    owner = make_member(acme, Role.OWNER, user=make_user("owner@example.test"))
    invitation, token = invitation_create(
        actor=owner, organization=acme, email="new@example.test", role=Role.BILLING
    )
    return invitation, f"/invitations/{token}/"


def test_anonymous_sees_the_invitation_with_log_in_and_sign_up(client, invited):
    _invitation, url = invited
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Invitation to Acme" in html
    assert '<dd class="col-sm-8" data-role>Billing</dd>' in html
    assert '<dd class="col-sm-8" data-inviter>owner@example.test</dd>' in html
    assert f'href="/accounts/login/?next={url.replace("/", "%2F")}"' in html
    assert f'href="/accounts/signup/?next={url.replace("/", "%2F")}"' in html
    assert client.session["invitation_email"] == "new@example.test"
    assert response["Cache-Control"] == "no-store"


def test_accepting_with_the_invited_address_joins_and_switches_organization(client, acme, invited):
    _invitation, url = invited
    other_org = make_customer(acme.parent, "Globex")
    invitee = make_member(other_org, Role.OWNER, user=make_user("NEW@example.test"))
    client.force_login(invitee)
    page = client.get(url).content.decode()
    assert 'value="accept"' in page

    response = client.post(url, {"action": "accept"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert Membership.objects.get(user=invitee, organization=acme).role == Role.BILLING
    assert client.session["organization_id"] == acme.pk
    home = client.get("/").content.decode()
    assert "Buying for Acme" in home
    assert "Welcome to Acme." in home
    assert GONE in client.get(url).content.decode()
    assert client.get(url).status_code == 404


def test_another_account_is_told_and_refused(client, acme, invited):
    invitation, url = invited
    other = make_user("other@example.test")
    client.force_login(other)
    html = client.get(url).content.decode()
    assert "This invitation was sent to new@example.test, but you are signed in as" in html
    assert 'value="accept"' not in html

    response = client.post(url, {"action": "accept"})
    assert response.status_code == 403
    assert not Membership.objects.filter(user=other).exists()
    invitation.refresh_from_db()
    assert (invitation.accepted_at, invitation.declined_at) == (None, None)


def test_anonymous_accept_is_sent_to_log_in(client, invited):
    invitation, url = invited
    response = client.post(url, {"action": "accept"})
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url.replace('/', '%2F')}"
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_declining_works_without_signing_in(client, invited):
    invitation, url = invited
    client.get(url)
    response = client.post(url, {"action": "decline"})
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.declined_at is not None
    assert "invitation_email" not in client.session
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "accept"}).status_code == 404


def test_unknown_and_expired_links_show_one_message(client, invited):
    invitation, url = invited
    unknown = client.get("/invitations/not-a-token/")
    assert unknown.status_code == 404
    assert GONE in unknown.content.decode()
    with time_machine.travel(invitation.expires_at + dt.timedelta(seconds=1)):
        expired = client.get(url)
        assert expired.status_code == 404
        assert GONE in expired.content.decode()
        assert client.post(url, {"action": "decline"}).status_code == 404
    assert "invitation_email" not in client.session


def test_sign_up_stays_closed_without_an_invitation(client):
    response = client.post(
        "/accounts/signup/",
        {"email": "new@example.test", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert "We are sorry, but the sign up is currently closed." in response.content.decode()
    assert not User.objects.filter(email="new@example.test").exists()


def test_an_invited_new_user_signs_up_with_the_invited_address_only_and_accepts(
    client, acme, invited, django_capture_on_commit_callbacks
):
    invitation, url = invited
    client.get(url)
    signup = f"/accounts/signup/?next={url}"
    wrong = client.post(
        signup, {"email": "someone@example.test", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert wrong.status_code == 200
    assert "Sign up with the address the invitation was sent to: new@example.test." in (
        wrong.content.decode()
    )
    assert not User.objects.filter(email="someone@example.test").exists()

    response = client.post(
        signup, {"email": "new@example.test", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    user = User.objects.get(email="new@example.test")
    (message,) = mail.outbox
    code = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", message.body, re.M).group(1)
    confirmed = client.post("/accounts/confirm-email/", {"code": code})
    assert confirmed.status_code == 302
    assert confirmed["Location"] == url

    with django_capture_on_commit_callbacks(execute=True):
        accepted = client.post(url, {"action": "accept"})
    assert accepted.status_code == 302
    assert Membership.objects.get(user=user).organization == acme
    invitation.refresh_from_db()
    assert invitation.accepted_by == user
    assert list(
        AuditEvent.objects.filter(event__startswith="invitation_").values_list("event", flat=True)
    ) == ["invitation_accepted"]
    # The invitation no longer opens sign-up.
    client.logout()
    closed = client.get("/accounts/signup/")
    assert "Sign Up Closed" in closed.content.decode()
    assert Invitation.objects.get().accepted_at is not None
