"""The page an invitation's link opens: accept, decline, the wrong account, one message for
unknown, expired and used links, and *Create an account*: the registration wizard locked to
the invited address, which comes back to the invitation signed in."""

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail

from seatwise.audit.models import AuditEvent
from seatwise.identity.models import User
from seatwise.tenancy.enums import Role
from seatwise.tenancy.models import Membership
from seatwise.tenancy.services import invitation_create
from seatwise.tenancy.tests.factories import (
    make_customer,
    make_member,
    make_provider,
    make_reseller,
    make_user,
)
from seatwise.web.registration_views import INVITATION, STATE
from seatwise.web.tests.helpers import text

pytestmark = pytest.mark.django_db

GONE = "This invitation does not exist, has expired or has already been used."
PASSWORD = "Str0ng-Pass!word"
DETAILS = {
    "password": PASSWORD,
    "password_confirm": PASSWORD,
    "given_name": "Nina",
    "display_name": "Nina K",
    "surname": "Koval",
}


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):
    def send(url, data=None):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data or {})

    return send


def _start(url: str) -> str:
    """The *Create an account* link of the invitation at ``url``."""
    return f"/register/?invitation={url.split('/')[2]}"


def _code(body: str) -> str:
    return re.search(r"\b(\d{6})\b", body).group(1)


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


def test_anonymous_sees_the_invitation_with_log_in_and_create_an_account(client, invited):
    _invitation, url = invited
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Invitation to Acme" in html
    assert '<dd class="col-sm-8" data-role>Billing</dd>' in html
    assert '<dd class="col-sm-8" data-inviter>owner@example.test</dd>' in html
    assert f'href="/accounts/login/?next={url.replace("/", "%2F")}"' in html
    assert f'href="{_start(url)}" data-create-account>Create an account</a>' in html
    assert "/accounts/signup/" not in html
    assert INVITATION not in client.session  # looking opens nothing
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
    assert INVITATION not in client.session


def test_allauth_sign_up_stays_closed_even_for_an_invitation(client, invited):
    _invitation, url = invited
    client.get(url)
    client.get(_start(url))
    response = client.post(
        "/accounts/signup/",
        {"email": "new@example.test", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 200
    assert "Accounts are created through Register" in text(response)
    assert not User.objects.filter(email="new@example.test").exists()
    assert mail.outbox == []
    session = client.session
    session["invitation_email"] = "new@example.test"  # the old key opens nothing
    session.save()
    assert "Create your account with Register" in text(client.get("/accounts/signup/"))


def test_an_invited_new_user_registers_with_the_invited_address_and_accepts(
    client, post, sms, acme, invited
):
    invitation, url = invited
    other = make_customer(acme.parent, "Globex")
    response = client.get(_start(url))
    assert (response.status_code, response["Location"]) == (302, "/register/")
    page = text(client.get("/register/"))
    assert "You were invited to Acme." in page
    assert 'value="new@example.test" readonly' in page
    assert "data-email-locked" in page
    assert 'value="change"' not in page
    assert f'href="/accounts/login/?next={url.replace("/", "%2F")}"' in page

    # The form's address is ignored: the code goes to the invited address only.
    post("/register/", {"action": "send", "email": "someone@example.test"})
    (message,) = mail.outbox
    assert message.to == ["new@example.test"]
    page = text(client.get("/register/"))
    assert 'value="new@example.test" readonly data-pending-email' in page
    assert 'value="change"' not in page
    response = post("/register/", {"action": "verify", "code": _code(message.body)})
    assert response["Location"] == "/register/details/"
    page = text(client.get("/register/details/"))
    assert 'value="new@example.test" readonly data-verified-email' in page
    assert 'value="change"' not in page
    assert "The password must be between 8 and 64 characters." in page

    assert post("/register/details/", DETAILS)["Location"] == "/register/phone/"
    post("/register/phone/", {"action": "send", "region": "UA", "number": "050 123 4567"})
    (sms_message,) = sms
    response = post("/register/phone/", {"action": "verify", "code": _code(sms_message.body)})
    assert (response.status_code, response["Location"]) == (302, url)

    user = User.objects.get(email="new@example.test")
    assert (user.email, user.given_name, user.display_name, user.surname, user.phone) == (
        "new@example.test",
        "Nina",
        "Nina K",
        "Koval",
        "+380501234567",
    )
    assert int(client.session["_auth_user_id"]) == user.pk
    assert (STATE in client.session, INVITATION in client.session) == (False, False)
    assert not Membership.objects.filter(user=user).exists()
    page = text(client.get(url))
    assert "Your account was created. Now accept or decline the invitation to Acme." in page
    assert 'value="accept">Accept</button>' in page

    accepted = post(url, {"action": "accept"})
    assert (accepted.status_code, accepted["Location"]) == (302, "/")
    assert list(Membership.objects.filter(user=user).values_list("organization", "role")) == [
        (acme.pk, Role.BILLING)
    ]
    assert not Membership.objects.filter(user=user, organization=other).exists()
    assert client.session["organization_id"] == acme.pk
    invitation.refresh_from_db()
    assert invitation.accepted_by == user
    assert list(
        AuditEvent.objects.filter(event__startswith="invitation_").values_list("event", flat=True)
    ) == ["invitation_accepted"]
    assert "Buying for Acme" in text(client.get("/"))
    client.logout()
    assert "Create your account with Register" in text(client.get("/accounts/signup/"))


def test_a_registered_invited_user_may_decline(client, post, sms, invited):
    invitation, url = invited
    client.get(_start(url))
    post("/register/", {"action": "send"})
    post("/register/", {"action": "verify", "code": _code(mail.outbox[-1].body)})
    post("/register/details/", DETAILS)
    post("/register/phone/", {"action": "send", "region": "UA", "number": "501234567"})
    assert (
        post("/register/phone/", {"action": "verify", "code": _code(sms[0].body)})["Location"]
        == url
    )
    response = post(url, {"action": "decline"})
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.declined_at is not None
    assert not Membership.objects.filter(user=User.objects.get(email="new@example.test")).exists()


def test_cancel_goes_back_to_the_invitation_and_unlocks_the_wizard(client, post, invited):
    _invitation, url = invited
    client.get(_start(url))
    post("/register/", {"action": "send"})
    response = post("/register/cancel/")
    assert (response.status_code, response["Location"]) == (302, url)
    assert (STATE in client.session, INVITATION in client.session) == (False, False)
    page = text(client.get("/register/"))
    assert "You were invited" not in page
    assert 'name="email" type="email" value=""' in page


def test_an_address_proved_before_is_forgotten_when_an_invitation_starts(client, post, invited):
    _invitation, url = invited
    post("/register/", {"action": "send", "email": "someone@example.test"})
    post("/register/", {"action": "verify", "code": _code(mail.outbox[-1].body)})
    assert client.get("/register/details/").status_code == 200

    client.get(_start(url))
    assert client.get("/register/details/")["Location"] == "/register/"
    assert client.session[STATE] == {}
    assert 'value="new@example.test" readonly' in text(client.get("/register/"))


def test_the_invitation_is_checked_before_the_wizard_opens(client, invited):
    invitation, url = invited
    for token in ("not-a-token", "", "x" * 500):
        response = client.get(f"/register/?invitation={token}")
        assert response.status_code == 404
        assert GONE in text(response)
    with time_machine.travel(invitation.expires_at + dt.timedelta(seconds=1)):
        assert client.get(_start(url)).status_code == 404
    assert INVITATION not in client.session
    client.post(url, {"action": "decline"})
    assert client.get(_start(url)).status_code == 404
    assert INVITATION not in client.session


def test_a_signed_in_user_is_not_sent_to_the_wizard(client, invited):
    _invitation, url = invited
    client.force_login(make_user("new@example.test"))
    response = client.get(_start(url))
    assert (response.status_code, response["Location"]) == (302, "/")
    assert INVITATION not in client.session


def test_an_invited_address_with_an_account_gets_the_notice_not_a_code(client, post, invited):
    _invitation, url = invited
    make_user("new@example.test")
    client.get(_start(url))
    post("/register/", {"action": "send"})
    (message,) = mail.outbox
    assert message.to == ["new@example.test"]
    assert not re.search(r"\b\d{6}\b", message.body)
    assert User.objects.count() == 2  # the owner and the existing account; nothing created


def test_an_invited_address_registered_meanwhile_signs_in_back_to_the_invitation(
    client, post, sms, invited
):
    _invitation, url = invited
    client.get(_start(url))
    post("/register/", {"action": "send"})
    post("/register/", {"action": "verify", "code": _code(mail.outbox[-1].body)})
    post("/register/details/", DETAILS)
    post("/register/phone/", {"action": "send", "region": "UA", "number": "501234567"})
    make_user("new@example.test")
    response = post("/register/phone/", {"action": "verify", "code": _code(sms[0].body)})
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url.replace('/', '%2F')}"
    assert (STATE in client.session, INVITATION in client.session) == (False, False)
    assert User.objects.count() == 2
