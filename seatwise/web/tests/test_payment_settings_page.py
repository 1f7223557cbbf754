"""Settings → Payment methods, the page: its access matrix and what a save does."""

import pytest

from seatwise.tenancy.enums import Role
from seatwise.tenancy.models import PaymentSettings
from seatwise.tenancy.selectors import invoice_allowed_for
from seatwise.tenancy.tests.factories import (
    make_customer,
    make_member,
    make_provider,
    make_reseller,
)

pytestmark = pytest.mark.django_db

URL = "/organizations/settings/payment-methods/"
SAVE = {"allow_invoice": "on", "bank_details": "IBAN UA21 3223 1300 0002 6007 2335 6600 1"}


@pytest.fixture
def tree():
    provider = make_provider("Provider")
    reseller = make_reseller(provider, "Northwind")
    return {"provider": provider, "reseller": reseller, "acme": make_customer(reseller, "Acme")}


def test_anonymous_is_sent_to_sign_in(client):
    assert client.get(URL).status_code == 302
    assert client.post(URL, SAVE).status_code == 302
    assert not PaymentSettings.objects.exists()


@pytest.mark.parametrize("role", [Role.OWNER, Role.READ_ONLY])
def test_a_customers_members_find_no_such_page(client, tree, role):
    client.force_login(make_member(tree["acme"], role))
    assert client.get(URL).status_code == 404
    assert client.post(URL, SAVE).status_code == 404
    assert not PaymentSettings.objects.exists()


@pytest.mark.parametrize("role", [Role.READ_ONLY, Role.BILLING, Role.TECHNICAL])
def test_a_reseller_member_without_a_managing_role_is_refused(client, tree, role):
    client.force_login(make_member(tree["reseller"], role))
    assert client.post(URL, SAVE).status_code == 403
    assert not PaymentSettings.objects.exists()


@pytest.mark.parametrize("role", [Role.OWNER, Role.ACCOUNT_MANAGER])
def test_a_reseller_manager_allows_invoices_for_its_customers(client, tree, role):
    client.force_login(make_member(tree["reseller"], role))
    page = client.get(URL)
    assert page.status_code == 200 and "data-payment-settings-form" in page.content.decode()
    response = client.post(URL, SAVE)
    assert (response.status_code, response["Location"]) == (302, URL)
    row = PaymentSettings.objects.get()
    assert (row.organization, row.allow_invoice, row.bank_details) == (
        tree["reseller"],
        True,
        SAVE["bank_details"],
    )
    assert invoice_allowed_for(organization=tree["acme"])
    assert "The payment methods are saved." in client.get(URL).content.decode()


def test_too_long_bank_details_are_refused_and_nothing_is_saved(client, tree):
    client.force_login(make_member(tree["reseller"], Role.OWNER))
    response = client.post(URL, {"allow_invoice": "on", "bank_details": "x" * 1001})
    assert response.status_code == 400
    assert "Keep the bank details under 1000 characters." in response.content.decode()
    assert not PaymentSettings.objects.exists()
