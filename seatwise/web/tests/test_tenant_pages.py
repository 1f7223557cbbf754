"""My account → Tenants: the access matrix (anonymous, another organization, a read-only
member, the roles that manage tenants, reseller staff acting inside the customer), a new
tenant asked for with the live name check and its free suggestions, and an existing tenant
linked through the reseller relationship link, then *Check now*."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from seatwise.audit.enums import AuditEventType
from seatwise.audit.models import AuditEvent
from seatwise.connectors.vendor import VendorCustomer
from seatwise.core import clock
from seatwise.subscriptions.enums import AccountOrigin, AccountStatus
from seatwise.subscriptions.models import VendorAccount
from seatwise.tenancy.enums import Role
from seatwise.tenancy.tests.factories import (
    make_customer,
    make_member,
    make_provider,
    make_reseller,
    make_user,
)
from seatwise.web.tests.helpers import text

pytestmark = pytest.mark.django_db

LIST = "/account/tenants/"
CREATE = "/account/tenants/new/"
LINK = "/account/tenants/link/"
STATUS = "/account/tenants/domain-status/"
RELATIONSHIP_LINK = (
    "https://admin.microsoft.com/Adminportal/Home?invType=ResellerRelationship"
    "&partnerId=8c7a2b1e#/BillingAccounts/partner-invitation"
)


class FakeMicrosoft:
    """Partner Center as the tenants page needs it: names are free unless taken, a created
    tenant comes back with its admin sign-in, and an existing tenant is found among the
    partner's customers once its admin accepted the relationship."""

    taken: set[str] = set()
    accepted: dict[str, VendorCustomer] = {}
    created: list[str] = []

    def domain_available(self, *, prefix: str) -> bool:
        return prefix not in self.taken

    def domain_reserve(self, *, prefix: str) -> None:
        self.taken.add(prefix)

    def customer_create(self, *, request_id: str, customer) -> VendorCustomer:
        domain = f"{customer.domain_prefix}.onmicrosoft.com"
        self.created.append(domain)
        return VendorCustomer(
            customer_id=f"tenant-{customer.domain_prefix}",
            domain=domain,
            company_name=customer.company_name,
            admin_username=f"admin@{domain}",
            admin_password="S3cret-once!",
        )

    def customer_get(self, *, customer_id: str) -> VendorCustomer:
        domain = f"{customer_id.removeprefix('tenant-')}.onmicrosoft.com"
        return VendorCustomer(customer_id=customer_id, domain=domain, company_name=domain)

    def customer_find(self, *, domain: str) -> VendorCustomer | None:
        return self.accepted.get(domain)

    def relationship_link(self) -> str:
        return RELATIONSHIP_LINK

    def agreement_confirm(self, *, request_id, customer_id, contact, accepted_at) -> None:
        return None


@pytest.fixture(autouse=True)
def microsoft(settings):
    FakeMicrosoft.taken = {"acme", "taken"}
    FakeMicrosoft.accepted = {}
    FakeMicrosoft.created = []
    settings.SEATWISE_MICROSOFT_CONNECTOR = f"{__name__}.FakeMicrosoft"
    return FakeMicrosoft


@pytest.fixture
def orgs():
    provider = make_provider("Provider")
    reseller = make_reseller(provider, "Reseller")
    return {
        "provider": provider,
        "reseller": reseller,
        "acme": make_customer(reseller, "Acme"),
        "globex": make_customer(reseller, "Globex"),
    }


def _tenant(organization, domain: str, **extra) -> VendorAccount:
    values = {
        "status": AccountStatus.ACTIVE,
        "origin": AccountOrigin.CREATED,
        "vendor_customer_id": "0d1f7c9e-tenant",
        "created_at": clock.now(),
        "activated_at": clock.now(),
    }
    values.update(extra)
    return VendorAccount.objects.create(organization=organization, domain=domain, **values)


def _detail(account) -> str:
    return f"/account/tenants/{account.pk}/"


# --- access -----------------------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(client, orgs):
    account = _tenant(orgs["acme"], "acmecorp.onmicrosoft.com")
    for url in (LIST, _detail(account), STATUS):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    response = client.post(CREATE, {"prefix": "contoso"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert VendorAccount.objects.count() == 1


def test_a_user_without_an_organization_is_told_so(client):
    client.force_login(make_user())
    response = client.get(LIST)
    assert response.status_code == 404
    assert "You do not act for an organization yet." in text(response)


def test_another_organization_sees_neither_the_tenant_nor_its_row(client, orgs):
    account = _tenant(orgs["acme"], "acmecorp.onmicrosoft.com")
    client.force_login(make_member(orgs["globex"], Role.OWNER))
    listing = client.get(LIST)
    assert listing.status_code == 200
    assert "acmecorp.onmicrosoft.com" not in text(listing)
    for response in (
        client.get(_detail(account)),
        client.post(f"/account/tenants/{account.pk}/check/"),
    ):
        assert response.status_code == 404
        assert "This tenant does not exist or is not yours." in text(response)
        assert "acmecorp" not in text(response)


def test_the_list_shows_the_tenants_of_the_organization(client, orgs):
    _tenant(orgs["acme"], "acmecorp.onmicrosoft.com")
    _tenant(
        orgs["acme"],
        "acmeold.onmicrosoft.com",
        origin=AccountOrigin.LINKED,
        status=AccountStatus.LINK_PENDING,
        vendor_customer_id="",
        activated_at=None,
    )
    client.force_login(make_member(orgs["acme"], Role.READ_ONLY))
    html = text(client.get(LIST))
    assert "acmecorp.onmicrosoft.com" in html and "acmeold.onmicrosoft.com" in html
    assert 'data-status="active"' in html and 'data-status="link_pending"' in html
    assert "Created by us" in html and "Existing, linked" in html
    assert "0d1f7c9e-tenant" in html
    assert "Awaiting the customer's acceptance" in html


def test_a_read_only_member_sees_no_forms_and_may_neither_create_nor_link(client, orgs):
    client.force_login(make_member(orgs["acme"], Role.READ_ONLY))
    html = text(client.get(LIST))
    assert 'id="tenant-create-form"' not in html and 'id="tenant-link-form"' not in html
    assert "Your role does not allow adding tenants" in html

    created = client.post(CREATE, {"prefix": "contoso"})
    linked = client.post(LINK, {"domain": "fabrikam.onmicrosoft.com"})

    for response in (created, linked):
        assert response.status_code == 403
        assert "does not allow managing tenants" in text(response)
    assert VendorAccount.objects.count() == 0
    assert not AuditEvent.objects.filter(
        event__in=[AuditEventType.TENANT_REQUESTED, AuditEventType.TENANT_LINK_REQUESTED]
    ).exists()


@pytest.mark.parametrize("role", [Role.OWNER, Role.ACCOUNT_MANAGER, Role.TECHNICAL])
def test_the_roles_that_manage_tenants_see_both_forms(client, orgs, role):
    client.force_login(make_member(orgs["acme"], role))
    html = text(client.get(LIST))
    assert 'id="tenant-create-form"' in html and 'name="prefix"' in html
    assert 'id="tenant-link-form"' in html and 'name="domain"' in html
    assert 'href="/account/tenants/" data-menu="tenants"' in html
    assert 'href="/account/subscriptions/" data-menu="subscriptions"' in html


def test_reseller_staff_manage_tenants_only_while_acting_inside_the_customer(client, orgs):
    client.force_login(make_member(orgs["reseller"], Role.ACCOUNT_MANAGER))
    own = text(client.get(LIST))
    assert "Microsoft tenants belong to customers" in own
    assert 'id="tenant-create-form"' not in own
    assert 'data-menu="tenants"' not in own  # not in the menu of a reseller
    refused = client.post(CREATE, {"prefix": "contoso"})
    assert refused.status_code == 400
    assert VendorAccount.objects.count() == 0

    client.post("/organizations/switch/", {"organization": orgs["acme"].pk})
    assert 'id="tenant-create-form"' in text(client.get(LIST))
    response = client.post(CREATE, {"prefix": "contoso"})
    assert response.status_code == 302
    account = VendorAccount.objects.get()
    assert account.organization == orgs["acme"] and account.domain == "contoso.onmicrosoft.com"


# --- a new tenant ------------------------------------------------------------------------------


def test_the_live_check_says_free_taken_with_suggestions_or_invalid(client, orgs):
    client.force_login(make_member(orgs["acme"]))

    free = text(client.get(STATUS, {"prefix": "Contoso"}))
    taken = text(client.get(STATUS, {"prefix": "acme"}))
    invalid = text(client.get(STATUS, {"prefix": "acme-corp"}))
    empty = text(client.get(STATUS, {"prefix": " "}))

    assert 'data-domain-state="available"' in free and "contoso.onmicrosoft.com" in free
    assert 'data-domain-state="taken"' in taken
    suggestions = re.findall(r'data-domain-suggestion="([^"]+)"', taken)
    assert len(suggestions) == 3 and all(s.startswith("acme") for s in suggestions)
    assert "acme" not in suggestions
    assert 'data-domain-state="invalid"' in invalid and "Latin letters and digits" in invalid
    assert "data-domain-state" not in empty


def test_the_create_form_asks_for_the_live_check(client, orgs):
    client.force_login(make_member(orgs["acme"]))
    html = client.get(LIST).content.decode()
    assert f'hx-get="{STATUS}"' in html
    assert 'aria-describedby="tenant-prefix-status"' in html
    assert 'id="tenant-prefix-status"' in html and "data-tenant-status" in html


def test_a_new_tenant_is_requested_created_and_its_sign_in_e_mailed(
    client, orgs, microsoft, django_capture_on_commit_callbacks
):
    owner = make_member(orgs["acme"], Role.OWNER, user=make_user("olha@acme.test"))
    technical = make_member(orgs["acme"], Role.TECHNICAL)
    client.force_login(technical)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(CREATE, {"prefix": " Contoso "})

    assert response.status_code == 302 and response["Location"] == LIST
    account = VendorAccount.objects.get()
    assert account.domain == "contoso.onmicrosoft.com"
    assert account.origin == AccountOrigin.CREATED and account.requested_by == technical
    # the worker created it at Microsoft and e-mailed the sign-in to the primary contact
    assert microsoft.created == ["contoso.onmicrosoft.com"]
    assert account.status == AccountStatus.ACTIVE
    assert account.vendor_customer_id == "tenant-contoso"
    assert account.credentials_sent_to == owner.email
    assert [m.to for m in mail.outbox] == [[owner.email]]
    assert AuditEvent.objects.filter(
        organization=orgs["acme"], event=AuditEventType.TENANT_REQUESTED
    ).exists()

    page = text(client.get(LIST))
    assert (
        "contoso.onmicrosoft.com is being created. The administrator's sign-in will be "
        "e-mailed to olha@acme.test." in page
    )
    assert "S3cret-once!" not in page
    detail = text(client.get(_detail(account)))
    assert "admin@contoso.onmicrosoft.com" in detail and "S3cret-once!" not in detail


def test_a_taken_name_is_refused_with_clickable_free_names(client, orgs):
    client.force_login(make_member(orgs["acme"]))

    response = client.post(CREATE, {"prefix": "acme"})

    assert response.status_code == 409
    html = text(response)
    assert "acme.onmicrosoft.com is taken." in html
    assert 'value="acme"' in html  # the name stays in the field
    assert len(re.findall(r'data-domain-suggestion="acme[^"]+"', html)) == 3
    assert VendorAccount.objects.count() == 0


def test_a_name_seatwise_already_has_is_refused(client, orgs):
    _tenant(orgs["globex"], "globexone.onmicrosoft.com")
    client.force_login(make_member(orgs["acme"]))
    response = client.post(CREATE, {"prefix": "globexone"})
    assert response.status_code == 409
    assert "globexone.onmicrosoft.com is taken." in text(response)
    assert VendorAccount.objects.filter(organization=orgs["acme"]).count() == 0


def test_a_malformed_name_is_a_form_error(client, orgs):
    client.force_login(make_member(orgs["acme"]))
    response = client.post(CREATE, {"prefix": "acme corp!"})
    assert response.status_code == 400
    html = text(response)
    assert 'data-error="prefix"' in html and "Latin letters and digits" in html
    assert VendorAccount.objects.count() == 0


# --- an existing tenant ------------------------------------------------------------------------


def test_linking_shows_the_relationship_link_then_check_now_activates_it(client, orgs, microsoft):
    client.force_login(make_member(orgs["acme"], Role.ACCOUNT_MANAGER))

    response = client.post(LINK, {"domain": "Fabrikam.onmicrosoft.com"})

    account = VendorAccount.objects.get()
    assert response.status_code == 302 and response["Location"] == _detail(account)
    assert account.domain == "fabrikam.onmicrosoft.com"
    assert account.origin == AccountOrigin.LINKED
    assert account.status == AccountStatus.LINK_PENDING
    assert AuditEvent.objects.filter(event=AuditEventType.TENANT_LINK_REQUESTED).count() == 1

    page = client.get(_detail(account)).content.decode()
    assert 'id="relationship-link"' in page
    assert f'href="{RELATIONSHIP_LINK.replace("&", "&amp;")}"' in page
    assert "Open this link signed in as a Global Administrator of the tenant and accept" in page
    assert 'id="tenant-link-check"' in page and "data-copy-target" in page

    # not accepted yet: still waiting
    waiting = client.post(f"/account/tenants/{account.pk}/check/", follow=True)
    assert "Microsoft does not list the tenant yet" in text(waiting)
    account.refresh_from_db()
    assert account.status == AccountStatus.LINK_PENDING

    microsoft.accepted["fabrikam.onmicrosoft.com"] = VendorCustomer(
        customer_id="9a8b-fabrikam", domain="fabrikam.onmicrosoft.com", company_name="Fabrikam"
    )
    done = client.post(f"/account/tenants/{account.pk}/check/", follow=True)
    html = text(done)
    assert "The tenant is linked and active." in html
    assert 'id="tenant-status" data-status="active"' in html and "9a8b-fabrikam" in html
    assert 'id="relationship-link"' not in html and 'id="tenant-link-check"' not in html
    account.refresh_from_db()
    assert account.status == AccountStatus.ACTIVE and account.vendor_customer_id == "9a8b-fabrikam"


def test_check_now_with_htmx_answers_with_the_status_panel(client, orgs, microsoft):
    account = _tenant(
        orgs["acme"],
        "fabrikam.onmicrosoft.com",
        origin=AccountOrigin.LINKED,
        status=AccountStatus.LINK_PENDING,
        vendor_customer_id="",
        activated_at=None,
    )
    microsoft.accepted["fabrikam.onmicrosoft.com"] = VendorCustomer(
        customer_id="9a8b-fabrikam", domain="fabrikam.onmicrosoft.com", company_name="Fabrikam"
    )
    client.force_login(make_member(orgs["acme"], Role.READ_ONLY))  # any member may check

    response = client.post(f"/account/tenants/{account.pk}/check/", headers={"HX-Request": "true"})

    assert response.status_code == 200
    html = text(response)
    assert html.startswith('<div id="tenant-status-panel"') and "<html" not in html
    assert 'data-status="active"' in html and "The tenant is linked and active." in html


def test_a_pending_tenant_without_the_link_in_the_session_offers_to_show_it(client, orgs):
    account = _tenant(
        orgs["acme"],
        "fabrikam.onmicrosoft.com",
        origin=AccountOrigin.LINKED,
        status=AccountStatus.LINK_PENDING,
        vendor_customer_id="",
    )
    client.force_login(make_member(orgs["acme"], Role.OWNER))
    page = text(client.get(_detail(account)))
    assert 'id="relationship-link"' not in page and "data-link-again" in page
    response = client.post(LINK, {"domain": "fabrikam.onmicrosoft.com"})
    assert response["Location"] == _detail(account)
    assert VendorAccount.objects.count() == 1
    assert 'id="relationship-link"' in text(client.get(_detail(account)))


def test_a_domain_that_is_not_one_is_a_form_error(client, orgs):
    client.force_login(make_member(orgs["acme"]))
    response = client.post(LINK, {"domain": "not a domain"})
    assert response.status_code == 400
    html = text(response)
    assert 'data-error="domain"' in html and "contoso.onmicrosoft.com" in html
    assert VendorAccount.objects.count() == 0


def test_another_customers_tenant_cannot_be_linked(client, orgs):
    _tenant(orgs["globex"], "globexone.onmicrosoft.com")
    client.force_login(make_member(orgs["acme"]))
    response = client.post(LINK, {"domain": "globexone.onmicrosoft.com"})
    assert response.status_code == 409
    assert "belongs to another customer" in text(response)
    assert VendorAccount.objects.filter(organization=orgs["acme"]).count() == 0
