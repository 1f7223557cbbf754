import pytest

from seatwise.core.errors import ValidationError
from seatwise.tenancy.enums import OrganizationKind, Role
from seatwise.tenancy.exceptions import InvalidOrganizationTree, OrganizationNotFound, RoleRequired
from seatwise.tenancy.models import Membership, Organization
from seatwise.tenancy.selectors import (
    access_organization,
    current_organization,
    organization_provider,
    organization_reseller,
    organization_visible_list,
    require_role,
    storefront_provider,
)
from seatwise.tenancy.services import membership_set, organization_create
from seatwise.tenancy.tests.factories import (
    make_customer,
    make_member,
    make_provider,
    make_reseller,
    make_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    provider = make_provider("Seatwise Distribution")
    r1 = make_reseller(provider, "Northwind")
    r2 = make_reseller(provider, "Dnipro IT")
    c1 = make_customer(r1, "Acme")
    c2 = make_customer(r2, "Globex")
    direct = make_customer(provider, "Direct Co")
    other_provider = make_provider("Other Distribution")
    stranger = make_customer(make_reseller(other_provider), "Stranger")
    return locals()


def _names(qs):
    return sorted(o.name for o in qs)


def test_provider_sees_its_resellers_and_all_their_customers(tree):
    assert _names(organization_visible_list(organization=tree["provider"])) == [
        "Acme",
        "Direct Co",
        "Dnipro IT",
        "Globex",
        "Northwind",
        "Seatwise Distribution",
    ]


def test_reseller_sees_only_its_own_customers(tree):
    assert _names(organization_visible_list(organization=tree["r1"])) == ["Acme", "Northwind"]


def test_customer_sees_only_itself(tree):
    assert _names(organization_visible_list(organization=tree["c1"])) == ["Acme"]


def test_access_organization_matrix(tree):
    reseller_owner = make_member(tree["r1"], Role.OWNER)
    # member with a role: sees its customer
    assert (
        access_organization(user=reseller_owner, organization=tree["r1"], pk=tree["c1"].pk)
        == tree["c1"]
    )
    # another organization's customer: 404, not 403
    with pytest.raises(OrganizationNotFound):
        access_organization(user=reseller_owner, organization=tree["r1"], pk=tree["c2"].pk)
    with pytest.raises(OrganizationNotFound):
        access_organization(user=reseller_owner, organization=tree["r1"], pk=tree["stranger"].pk)
    with pytest.raises(OrganizationNotFound):
        access_organization(user=reseller_owner, organization=tree["r1"], pk="abc")
    # not a member of the acting organization at all
    outsider = make_user()
    with pytest.raises(OrganizationNotFound):
        access_organization(user=outsider, organization=tree["r1"], pk=tree["c1"].pk)


def test_require_role_checks_the_role_and_lets_ancestor_managers_act(tree):
    reader = make_member(tree["c1"], Role.READ_ONLY)
    assert require_role(user=reader, organization=tree["c1"]) == Role.READ_ONLY
    with pytest.raises(RoleRequired):
        require_role(user=reader, organization=tree["c1"], roles={Role.OWNER, Role.BILLING})
    manager = make_member(tree["r1"], Role.ACCOUNT_MANAGER)
    assert require_role(user=manager, organization=tree["c1"], roles={Role.ACCOUNT_MANAGER}) == (
        Role.ACCOUNT_MANAGER
    )
    with pytest.raises(OrganizationNotFound):
        require_role(user=manager, organization=tree["c2"])
    provider_owner = make_member(tree["provider"], Role.OWNER)
    assert (
        require_role(user=provider_owner, organization=tree["c2"], roles={Role.OWNER}) == Role.OWNER
    )


def test_tree_rules_are_enforced(tree):
    before = Organization.objects.count()
    with pytest.raises(InvalidOrganizationTree):
        organization_create(kind=OrganizationKind.RESELLER, name="Bad", parent=tree["r1"])
    with pytest.raises(InvalidOrganizationTree):
        organization_create(kind=OrganizationKind.CUSTOMER, name="Orphan")
    with pytest.raises(InvalidOrganizationTree):
        organization_create(kind=OrganizationKind.PROVIDER, name="Nested", parent=tree["provider"])
    with pytest.raises(InvalidOrganizationTree):
        organization_create(kind=OrganizationKind.CUSTOMER, name="Under", parent=tree["c1"])
    with pytest.raises(ValidationError):
        organization_create(
            kind=OrganizationKind.CUSTOMER, name="Day", parent=tree["r1"], billing_day=3
        )
    assert Organization.objects.count() == before


def test_company_profile_is_validated(tree):
    org = organization_create(
        kind=OrganizationKind.CUSTOMER,
        name="Київська школа",
        parent=tree["r1"],
        legal_name="ТОВ «Київська школа» No.1",
        country="UA",
        phone="+380672498010",
        is_academic=True,
    )
    assert org.legal_name == "ТОВ «Київська школа» No.1"
    assert str(org.phone) == "+380672498010"
    before = Organization.objects.count()
    with pytest.raises(ValidationError) as exc:
        organization_create(
            kind=OrganizationKind.CUSTOMER,
            name="Bad",
            parent=tree["r1"],
            legal_name="Bad 名前",
            phone="12",
            country="XX",
        )
    assert set(exc.value.details) == {"legal_name", "phone", "country"}
    assert Organization.objects.count() == before


def test_membership_set_creates_then_changes_the_role(tree):
    user = make_user()
    membership_set(organization=tree["c1"], user=user, role=Role.BILLING)
    membership_set(organization=tree["c1"], user=user, role=Role.OWNER)
    assert list(Membership.objects.filter(user=user).values_list("role", flat=True)) == [Role.OWNER]


def test_provider_and_reseller_of_an_organization(tree):
    assert organization_provider(organization=tree["c1"]) == tree["provider"]
    assert organization_provider(organization=tree["provider"]) == tree["provider"]
    assert organization_reseller(organization=tree["c1"]) == tree["r1"]
    assert organization_reseller(organization=tree["direct"]) is None
    assert organization_reseller(organization=tree["r2"]) == tree["r2"]
    assert storefront_provider() == tree["provider"]


def test_current_organization_prefers_the_chosen_then_customer_memberships(tree):
    user = make_member(tree["r1"], Role.OWNER)
    make_member(tree["c1"], Role.TECHNICAL, user=user)
    assert current_organization(user=user) == tree["c1"]
    assert current_organization(user=user, requested_id=tree["r1"].pk) == tree["r1"]
    # a chosen organization the user does not belong to is ignored
    assert current_organization(user=user, requested_id=tree["c2"].pk) == tree["c1"]
    assert current_organization(user=make_user()) is None


@pytest.mark.parametrize("parent_loaded", [True, False], ids=["parent-loaded", "parent-not-loaded"])
def test_require_role_finds_the_grandparent_with_or_without_the_parent_loaded(
    tree, parent_loaded, django_assert_num_queries
):
    """The lineage is read by id when the parent is loaded (as ``current_organization``
    loads it), else by a subquery; the answers are the same, in one query either way."""
    provider_owner = make_member(tree["provider"], Role.OWNER)
    reseller_manager = make_member(tree["r1"], Role.ACCOUNT_MANAGER)
    other_reseller_owner = make_member(tree["r2"], Role.OWNER)
    own_reader = make_member(tree["c1"], Role.READ_ONLY)
    queryset = (
        Organization.objects.select_related("parent") if parent_loaded else (Organization.objects)
    )
    customer = queryset.get(pk=tree["c1"].pk)
    assert Organization.parent.is_cached(customer) is parent_loaded
    with django_assert_num_queries(1):
        assert require_role(user=provider_owner, organization=customer) == Role.OWNER
    assert require_role(user=reseller_manager, organization=customer) == Role.ACCOUNT_MANAGER
    assert require_role(user=own_reader, organization=customer) == Role.READ_ONLY
    with pytest.raises(RoleRequired):
        require_role(user=own_reader, organization=customer, roles={Role.OWNER})
    with pytest.raises(OrganizationNotFound):
        require_role(user=other_reseller_owner, organization=customer)
    with pytest.raises(OrganizationNotFound):
        require_role(user=provider_owner, organization=customer, roles={Role.BILLING})
    provider = queryset.get(pk=tree["provider"].pk)
    assert require_role(user=provider_owner, organization=provider) == Role.OWNER
    with pytest.raises(OrganizationNotFound):
        require_role(user=reseller_manager, organization=provider)
