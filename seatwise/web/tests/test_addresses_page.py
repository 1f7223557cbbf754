"""My account → Addresses: the access matrix, adding, changing and removing addresses, the
field errors, and the list's query count."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from seatwise.tenancy.enums import Role
from seatwise.tenancy.models import Address
from seatwise.tenancy.services import address_add
from seatwise.tenancy.tests.factories import (
    make_customer,
    make_member,
    make_provider,
    make_reseller,
    make_user,
)

pytestmark = pytest.mark.django_db

URL = "/account/addresses/"
ADDRESS = {
    "name": "Fabrikam Warehouse",
    "contact_name": "Petro Ivanenko",
    "email": "petro@fabrikam.example",
    "phone": "+380672498011",
    "address_line1": "Promyslova St 4",
    "postal_code": "79000",
    "city": "Lviv",
    "country": "UA",
}


@pytest.fixture
def orgs():
    provider = make_provider()
    reseller = make_reseller(provider, "Northwind")
    return {
        "reseller": reseller,
        "acme": make_customer(reseller, "Acme", country="UA"),
        "globex": make_customer(reseller, "Globex"),
    }


def _add(organization, **changes):
    return address_add(
        actor=make_member(organization), organization=organization, **{**ADDRESS, **changes}
    )


def test_anonymous_is_sent_to_sign_in(client, orgs):
    entry = _add(orgs["acme"])
    for url in (URL, f"{URL}{entry.pk}/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    assert client.post(URL, ADDRESS).status_code == 302
    assert client.post(f"{URL}{entry.pk}/remove/").status_code == 302
    assert Address.objects.count() == 1


def test_a_user_without_an_organization_is_told_so(client):
    client.force_login(make_user())
    response = client.get(URL)
    assert response.status_code == 404
    assert "You do not act for an organization yet." in response.content.decode()


def test_another_organizations_address_is_not_found(client, orgs):
    theirs = _add(orgs["globex"])
    client.force_login(make_member(orgs["acme"]))
    assert "Promyslova" not in client.get(URL).content.decode()
    for response in (
        client.get(f"{URL}{theirs.pk}/"),
        client.post(f"{URL}{theirs.pk}/", {**ADDRESS, "city": "Odesa"}),
        client.post(f"{URL}{theirs.pk}/remove/"),
    ):
        assert response.status_code == 404
        assert "This address does not exist or is not yours." in response.content.decode()
    theirs.refresh_from_db()
    assert theirs.city == "Lviv"


def test_a_read_only_member_sees_the_book_but_cannot_change_it(client, orgs):
    entry = _add(orgs["acme"])
    client.force_login(make_member(orgs["acme"], Role.READ_ONLY))
    page = client.get(URL).content.decode()
    assert f'data-address="{entry.pk}"' in page and "Promyslova St 4" in page
    assert "data-address-add" not in page and "/remove/" not in page
    assert "data-address-edit" not in client.get(f"{URL}{entry.pk}/").content.decode()
    for response in (
        client.post(URL, {**ADDRESS, "city": "Odesa"}),
        client.post(f"{URL}{entry.pk}/", {**ADDRESS, "city": "Odesa"}),
        client.post(f"{URL}{entry.pk}/remove/"),
    ):
        assert response.status_code == 403
        assert "does not allow changing addresses" in response.content.decode()
    assert list(Address.objects.values_list("city", flat=True)) == ["Lviv"]


def test_a_member_adds_changes_and_removes_an_address(client, orgs):
    user = make_member(orgs["acme"], Role.BILLING)
    client.force_login(user)
    page = client.get(URL).content.decode()
    assert "data-addresses-empty" in page and '<option value="UA" selected>' in page

    response = client.post(URL, ADDRESS)
    assert response["Location"] == URL
    entry = Address.objects.get()
    assert (entry.organization, entry.created_by, entry.name) == (
        orgs["acme"],
        user,
        "Fabrikam Warehouse",
    )
    page = client.get(URL).content.decode()
    assert "The address is saved in your address book." in page
    assert "Petro Ivanenko" in page and "petro@fabrikam.example" in page

    assert 'value="Promyslova St 4"' in client.get(f"{URL}{entry.pk}/").content.decode()
    response = client.post(
        f"{URL}{entry.pk}/", {**ADDRESS, "city": "Odesa", "postal_code": "65000"}
    )
    assert response["Location"] == URL
    entry.refresh_from_db()
    assert (entry.city, entry.postal_code) == ("Odesa", "65000")

    assert client.post(f"{URL}{entry.pk}/remove/")["Location"] == URL
    assert not Address.objects.exists()
    assert "The address is removed from your address book." in client.get(URL).content.decode()


def test_reseller_staff_acting_for_the_customer_may_keep_its_book(client, orgs):
    staff = make_member(orgs["reseller"], Role.ACCOUNT_MANAGER)
    client.force_login(staff)
    client.post("/organizations/switch/", {"organization": orgs["acme"].pk})
    response = client.post(URL, ADDRESS)
    assert response.status_code == 302
    assert Address.objects.get().organization == orgs["acme"]


def test_wrong_fields_are_refused_with_messages_and_nothing_written(client, orgs):
    entry = _add(orgs["acme"])
    client.force_login(make_member(orgs["acme"]))
    response = client.post(URL, {**ADDRESS, "name": "Other", "city": "", "country": "ZZ"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "This field is required." in page and "Choose a country from the list." in page
    assert 'value="Other"' in page
    response = client.post(f"{URL}{entry.pk}/", {**ADDRESS, "phone": "123"})
    assert response.status_code == 400
    assert "Enter the phone number with its country code" in response.content.decode()
    assert list(Address.objects.values_list("name", "phone")) == [
        ("Fabrikam Warehouse", "+380672498011")
    ]


def test_the_list_query_count_does_not_grow_with_addresses(client, orgs):
    _add(orgs["acme"])
    client.force_login(make_member(orgs["acme"]))
    client.get(URL)
    with CaptureQueriesContext(connection) as one:
        client.get(URL)
    for city in ("Kyiv", "Odesa", "Dnipro"):
        _add(orgs["acme"], city=city)
    with CaptureQueriesContext(connection) as four:
        page = client.get(URL).content.decode()
    assert page.count("data-address=") == 4
    assert len(four.captured_queries) == len(one.captured_queries)


def test_the_account_menu_links_to_the_addresses(client, orgs):
    client.force_login(make_member(orgs["acme"]))
    assert 'href="/account/addresses/" data-menu="addresses"' in client.get(URL).content.decode()
