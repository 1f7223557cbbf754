"""Select organization and acting as: reseller and provider staff act inside the
organizations they serve; the choice is checked on every request, announced in the
customer's event log, shown in a banner, and every audited action records both identities."""

import pytest
from django.test import Client

from seatwise.audit.enums import AuditEventType
from seatwise.audit.models import AuditEvent
from seatwise.tenancy.enums import Role
from seatwise.tenancy.models import Invitation
from seatwise.tenancy.selectors import acting_organization_list, current_organization
from seatwise.tenancy.tests.factories import (
    make_customer,
    make_member,
    make_provider,
    make_reseller,
    make_user,
)
from seatwise.web.shop import ORGANIZATION_SESSION_KEY

pytestmark = pytest.mark.django_db

URL = "/organizations/switch/"


@pytest.fixture
def orgs():
    provider = make_provider("Provider")
    reseller = make_reseller(provider, "Reseller")
    other = make_reseller(provider, "Other reseller")
    return {
        "provider": provider,
        "reseller": reseller,
        "other": other,
        "acme": make_customer(reseller, "Acme"),
        "globex": make_customer(reseller, "Globex"),
        "initech": make_customer(other, "Initech"),
        "direct": make_customer(provider, "Direct"),
    }


def _names(organizations):
    return [o.name for o in organizations]


def _listed(html: str, orgs, *names) -> bool:
    return all(f'data-organization="{orgs[name].pk}"' in html for name in names)


# --- selectors ------------------------------------------------------------------------------


def test_managing_reseller_staff_may_act_for_the_customers_it_serves(orgs):
    staff = make_member(orgs["reseller"], Role.ACCOUNT_MANAGER)
    assert _names(acting_organization_list(user=staff)) == ["Acme", "Globex", "Reseller"]
    assert _names(acting_organization_list(user=staff, search="glo")) == ["Globex"]
    assert current_organization(user=staff, requested_id=orgs["acme"].pk) == orgs["acme"]
    assert current_organization(user=staff, requested_id=str(orgs["acme"].pk)) == orgs["acme"]
    # not another reseller's customer, nor the provider, nor garbage: their own then
    for requested in (orgs["initech"].pk, orgs["provider"].pk, orgs["other"].pk, "x", None):
        assert current_organization(user=staff, requested_id=requested) == orgs["reseller"]


def test_provider_owners_may_act_in_the_whole_tree(orgs):
    owner = make_member(orgs["provider"], Role.OWNER)
    assert _names(acting_organization_list(user=owner)) == [
        "Acme",
        "Direct",
        "Globex",
        "Initech",
        "Other reseller",
        "Provider",
        "Reseller",
    ]
    assert current_organization(user=owner, requested_id=orgs["initech"].pk) == orgs["initech"]


@pytest.mark.parametrize("role", [Role.TECHNICAL, Role.BILLING, Role.READ_ONLY])
def test_reseller_staff_without_a_managing_role_may_not_act_for_customers(orgs, role):
    staff = make_member(orgs["reseller"], role)
    assert _names(acting_organization_list(user=staff)) == ["Reseller"]
    assert current_organization(user=staff, requested_id=orgs["acme"].pk) == orgs["reseller"]


def test_a_customer_owner_may_not_act_for_a_sibling(orgs):
    owner = make_member(orgs["acme"], Role.OWNER)
    assert _names(acting_organization_list(user=owner)) == ["Acme"]
    assert current_organization(user=owner, requested_id=orgs["globex"].pk) == orgs["acme"]
    assert _names(acting_organization_list(user=make_user())) == []


def test_an_inactive_customer_cannot_be_acted_for(orgs):
    staff = make_member(orgs["reseller"], Role.OWNER)
    orgs["acme"].is_active = False
    orgs["acme"].save(update_fields=["is_active"])
    assert "Acme" not in _names(acting_organization_list(user=staff))
    assert current_organization(user=staff, requested_id=orgs["acme"].pk) == orgs["reseller"]


# --- the page: access matrix ----------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(client, orgs):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/organizations/switch/"
    assert client.post(URL, {"organization": orgs["acme"].pk}).status_code == 302
    assert ORGANIZATION_SESSION_KEY not in client.session
    assert AuditEvent.objects.count() == 0


def test_a_user_without_an_organization_sees_an_empty_list(client):
    client.force_login(make_user())
    response = client.get(URL)
    assert response.status_code == 200
    assert "You do not belong to an organization yet." in response.content.decode()


def test_another_organization_cannot_be_chosen(client, orgs):
    client.force_login(make_member(orgs["acme"], Role.OWNER))
    html = client.get(URL).content.decode()
    assert _listed(html, orgs, "acme")
    assert not _listed(html, orgs, "globex")
    response = client.post(URL, {"organization": orgs["globex"].pk})
    assert response.status_code == 404
    assert ORGANIZATION_SESSION_KEY not in client.session
    assert AuditEvent.objects.filter(event=AuditEventType.ACTING_AS).count() == 0


def test_reseller_staff_without_the_role_cannot_act_for_a_customer(client, orgs):
    client.force_login(make_member(orgs["reseller"], Role.TECHNICAL))
    html = client.get(URL).content.decode()
    assert _listed(html, orgs, "reseller")
    assert not _listed(html, orgs, "acme")
    assert client.post(URL, {"organization": orgs["acme"].pk}).status_code == 404
    assert ORGANIZATION_SESSION_KEY not in client.session


def test_reseller_staff_act_for_a_customer_with_a_banner_and_an_audit_entry(
    client, orgs, django_capture_on_commit_callbacks
):
    staff = make_member(orgs["reseller"], Role.ACCOUNT_MANAGER, user=make_user("am@reseller.test"))
    client.force_login(staff)
    html = client.get(URL).content.decode()
    assert _listed(html, orgs, "reseller", "acme", "globex")
    assert not _listed(html, orgs, "initech", "direct")
    assert "data-acting-as" not in html

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, {"organization": orgs["acme"].pk})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session[ORGANIZATION_SESSION_KEY] == orgs["acme"].pk

    home = client.get("/").content.decode()
    assert "data-acting-as" in home
    assert "Acting for <strong>Acme</strong> as Reseller" in home
    assert "You now act for Acme." in home
    users = client.get("/organizations/users/").content.decode()
    assert "data-organization>Acme<" in users

    entry = AuditEvent.objects.get(event=AuditEventType.ACTING_AS)
    assert (entry.organization, entry.actor, entry.acting_from) == (
        orgs["acme"],
        staff,
        orgs["reseller"],
    )
    assert entry.details == {
        "acting_from_id": orgs["reseller"].pk,
        "acting_from_name": "Reseller",
    }


def test_stop_returns_to_the_own_organization(client, orgs):
    client.force_login(make_member(orgs["reseller"], Role.OWNER))
    client.post(URL, {"organization": orgs["acme"].pk})
    response = client.post(URL, {"action": "stop"})
    assert response.status_code == 302
    assert ORGANIZATION_SESSION_KEY not in client.session
    html = client.get("/organizations/users/").content.decode()
    assert "data-acting-as" not in html
    assert "data-organization>Reseller<" in html


def test_choosing_an_own_organization_is_no_acting_as(client, orgs):
    user = make_member(orgs["acme"], Role.OWNER)
    make_member(orgs["globex"], Role.TECHNICAL, user=user)
    client.force_login(user)
    assert client.post(URL, {"organization": orgs["globex"].pk}).status_code == 302
    assert client.session[ORGANIZATION_SESSION_KEY] == orgs["globex"].pk
    assert "data-acting-as" not in client.get("/").content.decode()
    assert AuditEvent.objects.filter(event=AuditEventType.ACTING_AS).count() == 0


def test_losing_the_role_ends_acting_as_on_the_next_request(client, orgs):
    from seatwise.tenancy.services import membership_set

    staff = make_member(orgs["reseller"], Role.OWNER)
    make_member(orgs["reseller"], Role.OWNER)  # another owner, so staff can be demoted
    client.force_login(staff)
    client.post(URL, {"organization": orgs["acme"].pk})
    membership_set(organization=orgs["reseller"], user=staff, role=Role.READ_ONLY)
    html = client.get("/organizations/users/").content.decode()
    assert "data-acting-as" not in html
    assert "data-organization>Reseller<" in html


def test_an_invitation_sent_while_acting_records_both_identities(
    client, orgs, django_capture_on_commit_callbacks
):
    staff = make_member(orgs["reseller"], Role.ACCOUNT_MANAGER)
    client.force_login(staff)
    client.post(URL, {"organization": orgs["acme"].pk})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/organizations/users/",
            {"email": "new@acme.test", "role": Role.TECHNICAL, "organization": orgs["acme"].pk},
        )
    assert response.status_code == 302
    assert Invitation.objects.get().organization == orgs["acme"]
    entry = AuditEvent.objects.get(event=AuditEventType.INVITATION_SENT)
    assert (entry.organization, entry.actor, entry.acting_from) == (
        orgs["acme"],
        staff,
        orgs["reseller"],
    )


def test_search_and_pages(client, orgs):
    for n in range(30):
        make_customer(orgs["reseller"], f"Zeta {n:02d}")
    client.force_login(make_member(orgs["reseller"], Role.OWNER))
    first = client.get(URL, {"q": "zeta"}).content.decode()
    assert "Organizations 1–24 of 30." in first
    assert 'rel="next"' in first
    assert not _listed(first, orgs, "acme")
    second = client.get(URL, {"q": "zeta", "page": 2}).content.decode()
    assert "Organizations 25–30 of 30." in second
    assert client.get(URL, {"page": "x"}).status_code == 400
    assert "No organization matches" in client.get(URL, {"q": "nothing"}).content.decode()


def test_choosing_needs_the_csrf_token(orgs):
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_member(orgs["reseller"], Role.OWNER))
    assert client.post(URL, {"organization": orgs["acme"].pk}).status_code == 403
    assert ORGANIZATION_SESSION_KEY not in client.session


def test_the_next_target_stays_on_the_site(client, orgs):
    client.force_login(make_member(orgs["reseller"], Role.OWNER))
    response = client.post(URL, {"organization": orgs["acme"].pk, "next": "https://evil.test/"})
    assert response["Location"] == "/"
    response = client.post(URL, {"organization": orgs["acme"].pk, "next": "/products/"})
    assert response["Location"] == "/products/"


# --- the user menu --------------------------------------------------------------------------


def test_the_menu_offers_select_organization_and_the_event_log_to_whom_it_concerns(client, orgs):
    owner = make_member(orgs["acme"], Role.OWNER)
    client.force_login(owner)
    html = client.get("/").content.decode()
    assert f'href="/organizations/{orgs["acme"].pk}/events/" data-menu="event-log"' in html
    assert 'data-menu="organization-switch"' not in html  # one organization only

    client.force_login(make_member(orgs["acme"], Role.TECHNICAL))
    html = client.get("/").content.decode()
    assert 'data-menu="event-log"' not in html

    client.force_login(make_member(orgs["reseller"], Role.ACCOUNT_MANAGER))
    html = client.get("/").content.decode()
    assert 'data-menu="organization-switch"' in html
    assert 'data-menu="event-log"' not in html  # its own log is for the reseller's owners
    client.post(URL, {"organization": orgs["acme"].pk})
    html = client.get("/").content.decode()
    assert f'href="/organizations/{orgs["acme"].pk}/events/" data-menu="event-log"' in html
