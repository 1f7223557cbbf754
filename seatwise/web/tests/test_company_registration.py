"""Registration, step two: the company (guide 2.3–2.5) at /register/company/, the live
domain check, the finished page and the reseller storefront link /r/<slug>/.

Access: these pages are for signed-in users *without* an organization, so the matrix is
anonymous (sent to sign in), a member of any organization with any role (sent home: they
cannot register a second company) and a user without an organization (served)."""

import re

import pytest
from django.contrib.messages import get_messages
from django.core import mail

from seatwise.connectors.models import TenantDomain
from seatwise.connectors.tests.fakes import UnavailableConnector
from seatwise.tenancy.enums import Role
from seatwise.tenancy.models import (
    AgreementAcceptance,
    Membership,
    Organization,
    OrganizationRegistration,
)
from seatwise.tenancy.tests.factories import (
    make_customer,
    make_member,
    make_provider,
    make_reseller,
    make_user,
)
from seatwise.web.company_views import STOREFRONT_RESELLER_SESSION_KEY
from seatwise.web.shop import ORGANIZATION_SESSION_KEY
from seatwise.web.tests.helpers import text

pytestmark = pytest.mark.django_db

URL = "/register/company/"
CHECK = "/register/company/domain/"
DONE = "/register/company/done/"

FORM = {
    "tenant_choice": "new",
    "name": "Acme Ukraine LLC",
    "address_line1": "1 Khreshchatyk St",
    "address_line2": "Office 5",
    "postal_code": "01001",
    "city": "Kyiv",
    "country": "UA",
    "phone": "+380 67 123 4567",
    "tax_number": "12345678",
    "domain": "acmeua",
    "domain_confirm": "acmeua",
    "agreement": "on",
}


@pytest.fixture
def tree():
    provider = make_provider("Seatwise Distribution")
    reseller = make_reseller(provider, "Northwind Cloud")
    return {"provider": provider, "reseller": reseller}


@pytest.fixture
def newcomer(client, tree):
    user = make_user("olga@example.test", given_name="Olga", surname="Sikur")
    client.force_login(user)
    return user


@pytest.fixture
def unavailable(settings):
    settings.SEATWISE_MICROSOFT_CONNECTOR = "seatwise.connectors.tests.fakes.UnavailableConnector"
    return UnavailableConnector


def _counts():
    return (
        Organization.objects.count(),
        Membership.objects.count(),
        OrganizationRegistration.objects.count(),
        AgreementAcceptance.objects.count(),
        TenantDomain.objects.count(),
    )


def _error(response, field: str) -> str:
    match = re.search(rf'data-error="{field}">([^<]*)<', text(response))
    return match.group(1) if match else ""


# --- Access ---------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [URL, f"{URL}?tenant=none", f"{CHECK}?domain=acme", DONE])
def test_anonymous_is_sent_to_sign_in(client, tree, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_anonymous_cannot_post(client, tree):
    before = _counts()
    response = client.post(URL, FORM)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert _counts() == before


@pytest.mark.parametrize("role", [Role.OWNER, Role.READ_ONLY])
def test_a_member_of_an_organization_is_sent_home_with_a_message(client, tree, role):
    user = make_member(make_customer(tree["reseller"], "Globex"), role)
    client.force_login(user)
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Your account already belongs to an organization."
    ]
    before = _counts()
    response = client.post(URL, FORM)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert _counts() == before


# --- The page -------------------------------------------------------------------------------


def test_the_page_has_the_guides_labels_fields_and_skip_options(client, newcomer):
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    page = text(response)
    for label in (
        "Register",
        "Company Details",
        "Company name",
        "Your Address",
        "Street address",
        "Street address 2",
        "Zip / postal code",
        "City",
        "Country",
        "Your Contact Information",
        "Phone",
        "Domain registration",
        "Domain name",
        "Domain name confirmation",
        "I accept the Microsoft Customer Agreement",
        "I don't want to buy CSP products now",
        "My company already has a Microsoft tenant",
        "Wait…",
    ):
        assert label in page, label
    assert page.count('<span class="input-group-text">.onmicrosoft.com</span>') == 2
    assert '<option value="UA">Ukraine</option>' in page
    assert 'href="https://aka.ms/customeragreement"' in page
    assert f'hx-get="{CHECK}"' in page
    assert 'name="tenant_choice" value="new"' in page


def test_without_csp_products_the_page_has_no_domain_and_no_agreement(client, newcomer):
    page = text(client.get(f"{URL}?tenant=none"))
    assert 'name="tenant_choice" value="none"' in page
    assert 'name="domain"' not in page
    assert 'name="agreement"' not in page
    assert "Register a new Microsoft tenant instead" in page
    assert "Company name" in page


def test_with_an_existing_tenant_the_page_has_no_domain_and_an_optional_agreement(client, newcomer):
    page = text(client.get(f"{URL}?tenant=existing"))
    assert 'name="tenant_choice" value="existing"' in page
    assert 'name="domain"' not in page
    assert 'name="agreement"' in page
    assert "Optional now; it is needed before your first Microsoft purchase." in page


# --- The live domain check ------------------------------------------------------------------


def test_a_free_domain_is_available(client, newcomer):
    response = client.get(CHECK, {"domain": "AcmeUA"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert 'data-domain-state="available"' in text(response)
    assert "acmeua.onmicrosoft.com is available" in text(response)


def test_a_taken_domain_says_so_and_suggests_three_free_names(client, newcomer):
    TenantDomain.objects.create(prefix="contosoua")
    response = client.get(CHECK, {"domain": "contoso", "country": "UA"})
    page = text(response)
    assert "contoso.onmicrosoft.com is already taken." in page
    suggestions = re.findall(r'data-domain-suggestion="([a-z0-9]+)"', page)
    assert len(suggestions) == 3
    assert "contosoua" not in suggestions
    assert suggestions[1:] == ["contoso1", "contoso2"]
    assert re.fullmatch(r"contoso20\d\d", suggestions[0])


def test_a_malformed_domain_is_explained(client, newcomer):
    page = text(client.get(CHECK, {"domain": "acme-ua"}))
    assert 'data-domain-state="invalid"' in page
    assert "Use Latin letters and digits only" in page


def test_an_empty_domain_shows_nothing(client, newcomer):
    assert "data-domain-state" not in text(client.get(CHECK, {"domain": " "}))


def test_an_unavailable_vendor_asks_to_try_again(client, newcomer, unavailable):
    page = text(client.get(CHECK, {"domain": "acmeua"}))
    assert 'data-domain-state="unavailable"' in page
    assert "We could not check the domain name now. Try again in a moment." in page


def test_the_live_check_is_limited_per_user_and_says_how_long_to_wait(client, newcomer, settings):
    settings.REGISTRATION_RATE_LIMITS = {
        **settings.REGISTRATION_RATE_LIMITS,
        "domain_check": (2, 600),
    }
    for name in ("acmeua", "acmeua2"):
        assert 'data-domain-state="available"' in text(client.get(CHECK, {"domain": name}))
    response = client.get(CHECK, {"domain": "acmeua3"})
    assert 'data-domain-state="unavailable"' in text(response)
    assert "Too many attempts from your network. Try again in 10 minutes." in text(response)
    assert response["Retry-After"] == "600"
    assert not TenantDomain.objects.filter(prefix="acmeua3").exists()


# --- Submitting -----------------------------------------------------------------------------


def test_registering_a_new_tenant_finishes_under_the_provider(
    client, newcomer, tree, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, FORM, REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 302
    assert response["Location"] == DONE
    registration = OrganizationRegistration.objects.get()
    organization = registration.organization
    assert organization.parent == tree["provider"]
    assert (organization.name, organization.address_line2, organization.phone.as_e164) == (
        "Acme Ukraine LLC",
        "Office 5",
        "+380671234567",
    )
    assert Membership.objects.get(user=newcomer).role == Role.OWNER
    assert registration.tenant_domain == "acmeua"
    assert TenantDomain.objects.filter(prefix="acmeua").exists()
    acceptance = AgreementAcceptance.objects.get()
    assert (acceptance.version, acceptance.ip, acceptance.user) == (
        "2024-06",
        "203.0.113.9",
        newcomer,
    )
    assert client.session[ORGANIZATION_SESSION_KEY] == organization.pk
    (welcome,) = mail.outbox
    assert "Your username is: olga@example.test" in welcome.body

    done = client.get(DONE)
    page = text(done)
    assert "Registration finished" in page
    assert "Acme Ukraine LLC is registered." in page
    assert "The domain acmeua.onmicrosoft.com is reserved for your Microsoft tenant." in page
    assert 'href="/products/" data-shop-link' in page


def test_the_agreement_version_comes_from_the_setting(client, newcomer, settings):
    settings.SEATWISE_MCA_VERSION = "2025-01"
    client.post(URL, FORM)
    assert AgreementAcceptance.objects.get().version == "2025-01"


def test_after_the_reseller_storefront_link_the_customer_goes_under_that_reseller(
    client, newcomer, tree
):
    response = client.get(f"/r/{tree['reseller'].slug}/")
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session[STOREFRONT_RESELLER_SESSION_KEY] == tree["reseller"].pk
    client.post(URL, {**FORM, "tenant_choice": "none", "domain": "", "domain_confirm": ""})
    organization = OrganizationRegistration.objects.get().organization
    assert organization.parent == tree["reseller"]
    assert STOREFRONT_RESELLER_SESSION_KEY not in client.session


def test_the_storefront_link_of_an_unknown_or_inactive_reseller_is_not_found(client, tree):
    assert client.get("/r/nobody/").status_code == 404
    assert client.get(f"/r/{tree['provider'].slug}/").status_code == 404
    tree["reseller"].is_active = False
    tree["reseller"].save(update_fields=["is_active"])
    response = client.get(f"/r/{tree['reseller'].slug}/")
    assert response.status_code == 404
    assert STOREFRONT_RESELLER_SESSION_KEY not in client.session


def test_an_inactive_storefront_reseller_falls_back_to_the_provider(client, newcomer, tree):
    client.get(f"/r/{tree['reseller'].slug}/")
    tree["reseller"].is_active = False
    tree["reseller"].save(update_fields=["is_active"])
    client.post(URL, {**FORM, "tenant_choice": "existing", "domain": "", "domain_confirm": ""})
    assert OrganizationRegistration.objects.get().organization.parent == tree["provider"]


def test_a_taken_domain_is_refused_at_submit_and_nothing_is_written(client, newcomer):
    before = _counts()
    response = client.post(URL, {**FORM, "domain": "contoso", "domain_confirm": "contoso"})
    assert response.status_code == 409
    assert _error(response, "domain") == (
        "contoso.onmicrosoft.com is already taken; choose another name."
    )
    assert 'value="Acme Ukraine LLC"' in text(response)
    assert _counts() == before


def test_an_unavailable_vendor_blocks_submission(client, newcomer, unavailable):
    before = _counts()
    response = client.post(URL, FORM)
    assert response.status_code == 503
    assert "We could not check the domain name now. Try again in a moment." in text(response)
    assert _counts() == before
    assert mail.outbox == []


def test_wrong_fields_are_shown_next_to_each_field(client, newcomer):
    before = _counts()
    response = client.post(
        URL,
        {
            **FORM,
            "name": "",
            "phone": "0671234567",
            "domain_confirm": "acmeuaa",
            "agreement": "",
        },
    )
    assert response.status_code == 400
    assert _error(response, "name") == "This field is required."
    assert _error(response, "phone") == (
        "Enter the phone number with its country code, e.g. +380 67 123 4567."
    )
    assert _error(response, "domain_confirm") == "The two domain names are not the same."
    assert _error(response, "agreement") == (
        "Accept the Microsoft Customer Agreement to register a new tenant."
    )
    assert _counts() == before


def test_without_csp_products_registration_needs_no_domain_and_no_agreement(client, newcomer):
    response = client.post(
        URL,
        {**FORM, "tenant_choice": "none", "domain": "", "domain_confirm": "", "agreement": ""},
    )
    assert response.status_code == 302
    registration = OrganizationRegistration.objects.get()
    assert (registration.tenant_choice, registration.tenant_domain) == ("none", "")
    assert not AgreementAcceptance.objects.exists()
    page = text(client.get(DONE))
    assert "Registration finished" in page
    assert "reserved for your Microsoft tenant" not in page


def test_the_finished_page_without_an_organization_goes_back_to_the_form(client, newcomer):
    response = client.get(DONE)
    assert response.status_code == 302
    assert response["Location"] == URL
