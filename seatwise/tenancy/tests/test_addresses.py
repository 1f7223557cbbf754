"""The address book: adding, changing and removing addresses, their checks, the roles, and
the scoping of every id to the organization."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser

from seatwise.core import clock
from seatwise.core.errors import ValidationError
from seatwise.tenancy.addresses import (
    MAX_ADDRESSES,
    AddressBookFull,
    AddressInvalid,
    AddressNotFound,
    address_clean,
    address_errors,
)
from seatwise.tenancy.enums import Role
from seatwise.tenancy.exceptions import OrganizationNotFound, RoleRequired
from seatwise.tenancy.models import Address
from seatwise.tenancy.selectors import access_address, address_list
from seatwise.tenancy.services import address_add, address_remove, address_update
from seatwise.tenancy.tests.factories import (
    make_customer,
    make_member,
    make_provider,
    make_reseller,
)

pytestmark = pytest.mark.django_db

KYIV = {
    "name": "Fabrikam School",
    "contact_name": "Olha Sikur",
    "email": "olha@Fabrikam.EXAMPLE",
    "phone": "+380 67 249 8010",
    "address_line1": "Polyova Str.   21",
    "postal_code": "03056",
    "city": "Kyiv",
    "country": "ua",
}
NOW = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)


@pytest.fixture
def tree():
    provider = make_provider("Provider")
    reseller = make_reseller(provider, "Northwind")
    return {
        "provider": provider,
        "reseller": reseller,
        "acme": make_customer(reseller, "Acme"),
        "globex": make_customer(reseller, "Globex"),
    }


@pytest.fixture
def owner(tree):
    return make_member(tree["acme"], Role.OWNER)


# --- the rules (pure) ---------------------------------------------------------------------


def test_cleaning_collapses_spaces_and_normalizes_country_and_email():
    clean = address_clean({**KYIV, "city": "  Kyiv  "})
    assert clean == {
        "name": "Fabrikam School",
        "contact_name": "Olha Sikur",
        "email": "olha@fabrikam.example",
        "phone": "+380 67 249 8010",
        "address_line1": "Polyova Str. 21",
        "address_line2": "",
        "postal_code": "03056",
        "city": "Kyiv",
        "country": "UA",
        "tax_number": "",
    }


def test_errors_name_each_wrong_field():
    errors = address_errors(
        address_clean(
            {
                "name": "",
                "email": "not-an-e-mail",
                "phone": "12",
                "city": "x" * 101,
                "country": "ZZ",
            }
        )
    )
    assert errors == {
        "name": "This field is required.",
        "email": "Enter a valid e-mail address.",
        "phone": "Enter the phone number with its country code, e.g. +380 67 123 4567.",
        "address_line1": "This field is required.",
        "postal_code": "This field is required.",
        "city": "Use at most 100 characters.",
        "country": "Choose a country from the list.",
    }


# --- address_add --------------------------------------------------------------------------


def test_a_member_adds_an_address_cleaned_with_who_and_when(tree, owner, monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)
    address = address_add(actor=owner, organization=tree["acme"], **KYIV)
    address.refresh_from_db()
    assert (address.organization, address.created_by) == (tree["acme"], owner)
    assert (address.name, address.address_line1, address.country.code) == (
        "Fabrikam School",
        "Polyova Str. 21",
        "UA",
    )
    assert (address.email, address.phone) == ("olha@fabrikam.example", "+380672498010")
    assert address.created_at == address.updated_at == NOW


def test_the_same_address_is_not_added_twice(tree, owner):
    first = address_add(actor=owner, organization=tree["acme"], **KYIV)
    again = address_add(actor=owner, organization=tree["acme"], **{**KYIV, "city": " Kyiv "})
    assert again == first
    assert Address.objects.count() == 1
    # Another organization keeps its own copy.
    address_add(actor=make_member(tree["globex"]), organization=tree["globex"], **KYIV)
    assert Address.objects.count() == 2


def test_a_wrong_address_is_refused_with_field_errors_and_nothing_written(tree, owner):
    with pytest.raises(AddressInvalid) as error:
        address_add(actor=owner, organization=tree["acme"], **{**KYIV, "city": "", "country": "ZZ"})
    assert error.value.code == "address_invalid"
    assert error.value.details == {
        "fields": {"city": "This field is required.", "country": "Choose a country from the list."}
    }
    assert not Address.objects.exists()


def test_a_read_only_member_or_an_outsider_cannot_add(tree):
    reader = make_member(tree["acme"], Role.READ_ONLY)
    with pytest.raises(RoleRequired):
        address_add(actor=reader, organization=tree["acme"], **KYIV)
    with pytest.raises(OrganizationNotFound):
        address_add(actor=make_member(tree["globex"]), organization=tree["acme"], **KYIV)
    with pytest.raises(OrganizationNotFound):
        address_add(actor=AnonymousUser(), organization=tree["acme"], **KYIV)
    assert not Address.objects.exists()


def test_reseller_staff_acting_for_a_customer_may_add(tree):
    staff = make_member(tree["reseller"], Role.ACCOUNT_MANAGER)
    address = address_add(actor=staff, organization=tree["acme"], **KYIV)
    assert address.organization == tree["acme"]


def test_a_full_address_book_refuses_more(tree, owner, monkeypatch):
    monkeypatch.setattr("seatwise.tenancy.services.MAX_ADDRESSES", 2)
    address_add(actor=owner, organization=tree["acme"], **KYIV)
    address_add(actor=owner, organization=tree["acme"], **{**KYIV, "city": "Lviv"})
    with pytest.raises(AddressBookFull):
        address_add(actor=owner, organization=tree["acme"], **{**KYIV, "city": "Odesa"})
    assert Address.objects.count() == 2
    assert MAX_ADDRESSES == 100


# --- address_update / address_remove ------------------------------------------------------


def test_update_changes_only_what_differs(tree, owner, monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)
    address = address_add(actor=owner, organization=tree["acme"], **KYIV)
    later = NOW + dt.timedelta(hours=1)
    monkeypatch.setattr(clock, "now", lambda: later)
    same = address_update(actor=owner, organization=tree["acme"], pk=address.pk, city="Kyiv")
    assert same.updated_at == NOW  # nothing changed, nothing written
    changed = address_update(
        actor=owner, organization=tree["acme"], pk=address.pk, city=" Lviv ", postal_code="79000"
    )
    changed.refresh_from_db()
    assert (changed.city, changed.postal_code, changed.name) == ("Lviv", "79000", "Fabrikam School")
    assert changed.updated_at == later


def test_update_refuses_wrong_values_and_unknown_fields(tree, owner):
    address = address_add(actor=owner, organization=tree["acme"], **KYIV)
    with pytest.raises(AddressInvalid) as error:
        address_update(actor=owner, organization=tree["acme"], pk=address.pk, address_line1=" ")
    assert error.value.details == {"fields": {"address_line1": "This field is required."}}
    with pytest.raises(ValidationError):
        address_update(actor=owner, organization=tree["acme"], pk=address.pk, created_by=None)
    address.refresh_from_db()
    assert address.address_line1 == "Polyova Str. 21"


def test_another_organizations_address_is_not_found_and_left_alone(tree, owner):
    theirs = address_add(actor=make_member(tree["globex"]), organization=tree["globex"], **KYIV)
    for call in (
        lambda: access_address(user=owner, organization=tree["acme"], pk=theirs.pk),
        lambda: address_update(actor=owner, organization=tree["acme"], pk=theirs.pk, city="X"),
        lambda: address_remove(actor=owner, organization=tree["acme"], pk=theirs.pk),
        lambda: access_address(user=owner, organization=tree["acme"], pk="not a number"),
    ):
        with pytest.raises(AddressNotFound):
            call()
    theirs.refresh_from_db()
    assert theirs.city == "Kyiv"


def test_remove_deletes_the_entry_and_a_read_only_member_cannot(tree, owner):
    address = address_add(actor=owner, organization=tree["acme"], **KYIV)
    with pytest.raises(RoleRequired):
        address_remove(
            actor=make_member(tree["acme"], Role.READ_ONLY),
            organization=tree["acme"],
            pk=address.pk,
        )
    assert Address.objects.count() == 1
    address_remove(actor=owner, organization=tree["acme"], pk=address.pk)
    assert not Address.objects.exists()


def test_the_list_is_the_organizations_own_by_name(tree, owner):
    lviv = address_add(actor=owner, organization=tree["acme"], **{**KYIV, "name": "Zenith Lviv"})
    kyiv = address_add(actor=owner, organization=tree["acme"], **KYIV)
    address_add(actor=make_member(tree["globex"]), organization=tree["globex"], **KYIV)
    assert list(address_list(organization=tree["acme"])) == [kyiv, lviv]
    reader = make_member(tree["acme"], Role.READ_ONLY)
    assert access_address(user=reader, organization=tree["acme"], pk=kyiv.pk) == kyiv
