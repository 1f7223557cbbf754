"""Terms and conditions: who may set them, versions, acceptance and who must still accept."""

from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import AnonymousUser

from seatwise.core import clock
from seatwise.tenancy.enums import Role
from seatwise.tenancy.exceptions import (
    OrganizationNotFound,
    RoleRequired,
    TermsChanged,
    TermsTextRequired,
)
from seatwise.tenancy.models import OrganizationTerms, TermsAcceptance
from seatwise.tenancy.selectors import terms_owner, terms_pending
from seatwise.tenancy.services import terms_accept, terms_set
from seatwise.tenancy.tests.factories import (
    make_customer,
    make_member,
    make_provider,
    make_reseller,
)

pytestmark = pytest.mark.django_db

TEXT = "1. Pay on time.\n2. Be nice."


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
        "direct": make_customer(provider, "Direct Ltd"),
        "initech": make_customer(other, "Initech"),
    }


def _require(organization, text=TEXT):
    return terms_set(
        actor=make_member(organization, Role.OWNER),
        organization=organization,
        require_terms=True,
        text=text,
    )


# --- terms_set: the role matrix -----------------------------------------------------------


def test_anonymous_cannot_set_terms(tree):
    with pytest.raises(OrganizationNotFound):
        terms_set(
            actor=AnonymousUser(), organization=tree["reseller"], require_terms=True, text=TEXT
        )
    assert OrganizationTerms.objects.count() == 0


def test_staff_of_another_reseller_cannot_set_terms(tree):
    outsider = make_member(tree["other"], Role.OWNER)
    with pytest.raises(OrganizationNotFound):
        terms_set(actor=outsider, organization=tree["reseller"], require_terms=True, text=TEXT)
    assert OrganizationTerms.objects.count() == 0


@pytest.mark.parametrize("role", [Role.BILLING, Role.TECHNICAL, Role.READ_ONLY])
def test_a_member_without_a_managing_role_cannot_set_terms(tree, role):
    member = make_member(tree["reseller"], role)
    with pytest.raises(RoleRequired):
        terms_set(actor=member, organization=tree["reseller"], require_terms=True, text=TEXT)
    assert OrganizationTerms.objects.count() == 0


@pytest.mark.parametrize("role", [Role.OWNER, Role.ACCOUNT_MANAGER])
def test_owners_and_account_managers_set_terms(tree, role):
    manager = make_member(tree["reseller"], role)
    terms = terms_set(
        actor=manager, organization=tree["reseller"], require_terms=True, text=f"  {TEXT}\r\n"
    )
    terms.refresh_from_db()
    assert (terms.organization_id, terms.require_terms, terms.text, terms.version) == (
        tree["reseller"].pk,
        True,
        TEXT,
        1,
    )


def test_the_provider_sets_terms_for_its_direct_customers(tree):
    terms = _require(tree["provider"])
    assert (terms.organization_id, terms.version) == (tree["provider"].pk, 1)


def test_a_customer_has_no_terms_to_set(tree):
    owner = make_member(tree["acme"], Role.OWNER)
    with pytest.raises(OrganizationNotFound):
        terms_set(actor=owner, organization=tree["acme"], require_terms=True, text=TEXT)
    assert OrganizationTerms.objects.count() == 0


# --- terms_set: versions and validation ---------------------------------------------------


def test_changing_the_text_raises_the_version_and_the_same_text_does_not(tree):
    owner = make_member(tree["reseller"], Role.OWNER)
    terms_set(actor=owner, organization=tree["reseller"], require_terms=True, text=TEXT)
    same = terms_set(actor=owner, organization=tree["reseller"], require_terms=True, text=TEXT)
    assert same.version == 1
    off = terms_set(actor=owner, organization=tree["reseller"], require_terms=False, text=TEXT)
    assert (off.require_terms, off.version) == (False, 1)
    changed = terms_set(
        actor=owner, organization=tree["reseller"], require_terms=True, text="New terms."
    )
    changed.refresh_from_db()
    assert (changed.require_terms, changed.text, changed.version) == (True, "New terms.", 2)
    assert OrganizationTerms.objects.count() == 1


@pytest.mark.parametrize("text", ["", "   \n  "])
def test_requiring_terms_without_a_text_is_refused(tree, text):
    owner = make_member(tree["reseller"], Role.OWNER)
    terms_set(actor=owner, organization=tree["reseller"], require_terms=False, text="Draft")
    with pytest.raises(TermsTextRequired) as caught:
        terms_set(actor=owner, organization=tree["reseller"], require_terms=True, text=text)
    assert caught.value.message == "Write the terms and conditions before requiring them."
    terms = OrganizationTerms.objects.get()
    assert (terms.require_terms, terms.text, terms.version) == (False, "Draft", 1)


# --- terms_accept -------------------------------------------------------------------------


def test_accepting_records_once(tree, monkeypatch):
    terms = _require(tree["reseller"])
    user = make_member(tree["acme"], Role.TECHNICAL)
    moment = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
    monkeypatch.setattr(clock, "now", lambda: moment)
    first = terms_accept(user=user, organization=tree["reseller"], version=1, ip="203.0.113.9")
    again = terms_accept(user=user, organization=tree["reseller"], version=1, ip="198.51.100.1")
    assert first.pk == again.pk
    assert list(
        TermsAcceptance.objects.values_list("organization_id", "user_id", "version", "ip")
    ) == [(tree["reseller"].pk, user.pk, 1, "203.0.113.9")]
    assert first.accepted_at == moment
    assert terms.version == 1


def test_accepting_an_old_version_is_refused(tree):
    owner = make_member(tree["reseller"], Role.OWNER)
    terms_set(actor=owner, organization=tree["reseller"], require_terms=True, text=TEXT)
    terms_set(actor=owner, organization=tree["reseller"], require_terms=True, text="v2")
    user = make_member(tree["acme"], Role.TECHNICAL)
    with pytest.raises(TermsChanged):
        terms_accept(user=user, organization=tree["reseller"], version=1)
    assert TermsAcceptance.objects.count() == 0


def test_an_invalid_ip_is_not_stored(tree):
    _require(tree["reseller"])
    user = make_member(tree["acme"], Role.TECHNICAL)
    acceptance = terms_accept(user=user, organization=tree["reseller"], version=1, ip="nope")
    assert acceptance.ip is None


# --- terms_pending ------------------------------------------------------------------------


def test_the_owner_of_the_terms(tree):
    assert terms_owner(organization=tree["acme"]) == tree["reseller"]
    assert terms_owner(organization=tree["reseller"]) == tree["reseller"]
    assert terms_owner(organization=tree["direct"]) == tree["provider"]
    assert terms_owner(organization=tree["provider"]) is None


def test_a_reseller_s_customer_must_accept_its_terms_until_they_do(tree):
    terms = _require(tree["reseller"])
    user = make_member(tree["acme"], Role.READ_ONLY)
    assert terms_pending(user=user, organization=tree["acme"]) == terms
    terms_accept(user=user, organization=tree["reseller"], version=1)
    assert terms_pending(user=user, organization=tree["acme"]) is None


def test_a_direct_customer_must_accept_the_provider_s_terms(tree):
    terms = _require(tree["provider"])
    user = make_member(tree["direct"], Role.OWNER)
    assert terms_pending(user=user, organization=tree["direct"]) == terms
    # The provider's terms are not the reseller's: its customers are not asked.
    acme_user = make_member(tree["acme"], Role.OWNER)
    assert terms_pending(user=acme_user, organization=tree["acme"]) is None


def test_the_reseller_s_own_staff_are_not_asked(tree):
    _require(tree["reseller"])
    staff = make_member(tree["reseller"], Role.TECHNICAL)
    assert terms_pending(user=staff, organization=tree["reseller"]) is None
    assert terms_pending(user=staff, organization=tree["acme"]) is None
    provider_staff = make_member(tree["provider"], Role.OWNER)
    assert terms_pending(user=provider_staff, organization=tree["acme"]) is None


def test_nothing_is_pending_when_terms_are_not_required(tree):
    owner = make_member(tree["reseller"], Role.OWNER)
    terms_set(actor=owner, organization=tree["reseller"], require_terms=False, text=TEXT)
    user = make_member(tree["acme"], Role.OWNER)
    assert terms_pending(user=user, organization=tree["acme"]) is None
    assert terms_pending(user=AnonymousUser(), organization=tree["acme"]) is None
    assert terms_pending(user=user, organization=None) is None


def test_another_reseller_s_customers_are_not_asked(tree):
    _require(tree["reseller"])
    user = make_member(tree["initech"], Role.OWNER)
    assert terms_pending(user=user, organization=tree["initech"]) is None


def test_a_new_version_asks_again(tree):
    owner = make_member(tree["reseller"], Role.OWNER)
    terms_set(actor=owner, organization=tree["reseller"], require_terms=True, text=TEXT)
    user = make_member(tree["acme"], Role.TECHNICAL)
    terms_accept(user=user, organization=tree["reseller"], version=1)
    assert terms_pending(user=user, organization=tree["acme"]) is None
    terms = terms_set(actor=owner, organization=tree["reseller"], require_terms=True, text="v2")
    pending = terms_pending(user=user, organization=tree["acme"])
    assert (pending, pending.version) == (terms, 2)
