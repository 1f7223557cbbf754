"""Terms and conditions at sign-in (the middleware and the accept page) and My account →
Settings → Terms and conditions (the access matrix)."""

import pytest

from seatwise.tenancy.enums import Role
from seatwise.tenancy.models import OrganizationTerms, TermsAcceptance
from seatwise.tenancy.services import terms_set
from seatwise.tenancy.tests.factories import (
    make_customer,
    make_member,
    make_provider,
    make_reseller,
    make_user,
)

pytestmark = pytest.mark.django_db

TEXT = "Northwind terms: pay on time."
TERMS_URL = "/account/terms/"
SETTINGS_URL = "/organizations/settings/terms/"


@pytest.fixture
def tree():
    provider = make_provider("Provider")
    reseller = make_reseller(provider, "Northwind")
    other = make_reseller(provider, "Other reseller")
    return {
        "provider": provider,
        "reseller": reseller,
        "other": other,
        "acme": make_customer(reseller, "Acme"),
        "initech": make_customer(other, "Initech"),
    }


@pytest.fixture
def required(tree):
    owner = make_member(tree["reseller"], Role.OWNER)
    return terms_set(actor=owner, organization=tree["reseller"], require_terms=True, text=TEXT)


@pytest.fixture
def acme_user(tree):
    return make_member(tree["acme"], Role.TECHNICAL, user=make_user("tech@acme.test"))


# --- the middleware -----------------------------------------------------------------------


def test_a_customer_user_is_sent_to_the_terms_with_next(client, required, acme_user):
    client.force_login(acme_user)
    response = client.get("/products/?sort=name")
    assert response.status_code == 302
    assert response["Location"] == "/account/terms/?next=%2Fproducts%2F%3Fsort%3Dname"
    home = client.get("/")
    assert (home.status_code, home["Location"]) == (302, "/account/terms/?next=%2F")
    post = client.post("/currency/", {"currency": "EUR"})
    assert (post.status_code, post["Location"]) == (302, "/account/terms/?next=%2Fcurrency%2F")


def test_htmx_requests_are_redirected_by_htmx(client, required, acme_user):
    client.force_login(acme_user)
    response = client.get("/products/", headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == "/account/terms/?next=%2Fproducts%2F"


def test_the_terms_page_shows_the_text(client, required, acme_user):
    client.force_login(acme_user)
    response = client.get(TERMS_URL, {"next": "/products/"})
    html = response.content.decode()
    assert response.status_code == 200
    assert TEXT in html
    assert "I accept the terms and conditions" in html
    assert 'name="version" value="1"' in html
    assert 'name="next" value="/products/"' in html


def test_logout_still_works(client, required, acme_user):
    client.force_login(acme_user)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 200


def test_accepting_without_the_checkbox_records_nothing(client, required, acme_user):
    client.force_login(acme_user)
    response = client.post(TERMS_URL, {"version": "1", "next": "/products/"})
    assert response.status_code == 400
    assert "Tick “I accept the terms and conditions” to continue." in response.content.decode()
    assert TermsAcceptance.objects.count() == 0
    assert client.get("/").status_code == 302


def test_accepting_records_and_returns_to_next(client, tree, required, acme_user):
    client.force_login(acme_user)
    response = client.post(
        TERMS_URL,
        {"accept": "on", "version": "1", "next": "/products/"},
        REMOTE_ADDR="203.0.113.7",
    )
    assert (response.status_code, response["Location"]) == (302, "/products/")
    assert list(
        TermsAcceptance.objects.values_list("organization_id", "user_id", "version", "ip")
    ) == [(tree["reseller"].pk, acme_user.pk, 1, "203.0.113.7")]
    assert client.get("/").status_code == 200
    assert client.get("/products/").status_code == 200
    # Nothing pending any more: the terms page sends the user on.
    again = client.get(TERMS_URL, {"next": "/products/"})
    assert (again.status_code, again["Location"]) == (302, "/products/")


@pytest.mark.parametrize(
    "unsafe", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"]
)
def test_an_unsafe_next_goes_home(client, required, acme_user, unsafe):
    client.force_login(acme_user)
    response = client.post(TERMS_URL, {"accept": "on", "version": "1", "next": unsafe})
    assert (response.status_code, response["Location"]) == (302, "/")
    assert TermsAcceptance.objects.count() == 1


def test_a_changed_text_while_reading_is_refused(client, tree, required, acme_user):
    owner = tree["reseller"].memberships.get().user
    terms_set(actor=owner, organization=tree["reseller"], require_terms=True, text="v2 text")
    client.force_login(acme_user)
    response = client.post(TERMS_URL, {"accept": "on", "version": "1"})
    html = response.content.decode()
    assert response.status_code == 409
    assert "The terms and conditions have changed meanwhile; read them again below." in html
    assert "v2 text" in html
    assert TermsAcceptance.objects.count() == 0


def test_the_api_with_a_session_answers_403_terms_not_accepted(client, required, acme_user):
    client.force_login(acme_user)
    response = client.get("/api/v1/catalog/vendors")
    assert response.status_code == 403
    assert response.json() == {
        "error": {
            "code": "terms_not_accepted",
            "message": "Accept the terms and conditions before using the API.",
            "details": {},
        }
    }
    assert client.get("/api/v1/catalog/vendors").status_code == 403
    # A caller with a key is not stopped by the terms (this public read ignores the key).
    keyed = client.get("/api/v1/catalog/vendors", headers={"X-API-Key": "sw_whatever"})
    assert keyed.status_code == 200


def test_a_user_of_another_reseller_without_terms_is_not_redirected(client, tree, required):
    client.force_login(make_member(tree["initech"], Role.OWNER))
    assert client.get("/").status_code == 200
    assert client.get("/api/v1/catalog/vendors").status_code == 200


def test_the_reseller_s_staff_are_not_redirected(client, tree, required):
    client.force_login(make_member(tree["reseller"], Role.READ_ONLY))
    assert client.get("/").status_code == 200


def test_anonymous_visitors_are_not_redirected(client, required):
    assert client.get("/").status_code == 200
    response = client.get(TERMS_URL)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/account/terms/"


# --- Settings → Terms and conditions ------------------------------------------------------


def test_settings_anonymous_is_sent_to_sign_in(client, tree):
    response = client.get(SETTINGS_URL)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/organizations/settings/terms/"
    client.post(SETTINGS_URL, {"require_terms": "on", "text": TEXT})
    assert OrganizationTerms.objects.count() == 0


@pytest.mark.parametrize("role", [Role.OWNER, Role.TECHNICAL])
def test_settings_customers_get_404(client, tree, role):
    client.force_login(make_member(tree["acme"], role))
    assert client.get(SETTINGS_URL).status_code == 404
    assert client.post(SETTINGS_URL, {"require_terms": "on", "text": TEXT}).status_code == 404
    assert 'data-menu="terms-settings"' not in client.get("/").content.decode()
    assert OrganizationTerms.objects.count() == 0


@pytest.mark.parametrize("role", [Role.BILLING, Role.TECHNICAL, Role.READ_ONLY])
def test_settings_members_without_the_role_get_403(client, tree, role):
    client.force_login(make_member(tree["reseller"], role))
    response = client.get(SETTINGS_URL)
    assert response.status_code == 403
    assert "Your role in this organization does not allow changing its settings." in (
        response.content.decode()
    )
    assert client.post(SETTINGS_URL, {"require_terms": "on", "text": TEXT}).status_code == 403
    assert 'data-menu="terms-settings"' not in client.get("/").content.decode()
    assert OrganizationTerms.objects.count() == 0


def test_settings_another_organization_s_terms_are_not_shown(client, tree, required):
    client.force_login(make_member(tree["other"], Role.OWNER))
    html = client.get(SETTINGS_URL).content.decode()
    assert TEXT not in html
    assert "data-organization>Other reseller<" in html


@pytest.mark.parametrize("role", [Role.OWNER, Role.ACCOUNT_MANAGER])
def test_settings_managers_save_terms(client, tree, role):
    client.force_login(make_member(tree["reseller"], role))
    assert 'data-menu="terms-settings"' in client.get("/").content.decode()
    assert client.get(SETTINGS_URL).status_code == 200
    response = client.post(SETTINGS_URL, {"require_terms": "on", "text": TEXT})
    assert (response.status_code, response["Location"]) == (302, SETTINGS_URL)
    terms = OrganizationTerms.objects.get()
    assert (terms.organization_id, terms.require_terms, terms.text, terms.version) == (
        tree["reseller"].pk,
        True,
        TEXT,
        1,
    )
    page = client.get(SETTINGS_URL).content.decode()
    assert "The terms and conditions are saved." in page
    assert 'data-version="1"' in page
    client.post(SETTINGS_URL, {"require_terms": "on", "text": "Second edition."})
    assert OrganizationTerms.objects.get().version == 2


def test_settings_requiring_empty_terms_is_refused(client, tree):
    client.force_login(make_member(tree["reseller"], Role.OWNER))
    response = client.post(SETTINGS_URL, {"require_terms": "on", "text": "  "})
    assert response.status_code == 400
    assert "Write the terms and conditions before requiring them." in response.content.decode()
    assert OrganizationTerms.objects.count() == 0


def test_settings_the_provider_s_owner_manages_its_terms(client, tree):
    client.force_login(make_member(tree["provider"], Role.OWNER))
    response = client.post(SETTINGS_URL, {"text": "Provider terms"})
    assert response.status_code == 302
    terms = OrganizationTerms.objects.get()
    assert (terms.organization_id, terms.require_terms) == (tree["provider"].pk, False)
