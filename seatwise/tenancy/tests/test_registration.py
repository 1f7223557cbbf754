"""Self-registration of a customer (guide 2.3–2.5): ``organization_register`` and the
selectors that decide where the new customer goes."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser

from seatwise.core import events
from seatwise.core.errors import ApplicationError, PermissionDeniedError, ValidationError
from seatwise.tenancy.enums import AgreementType, OrganizationKind, Role, TenantChoice
from seatwise.tenancy.exceptions import (
    AgreementRequired,
    AlreadyRegistered,
    InvalidOrganizationTree,
)
from seatwise.tenancy.models import (
    AgreementAcceptance,
    Membership,
    Organization,
    OrganizationRegistration,
)
from seatwise.tenancy.selectors import (
    registration_parent,
    reseller_by_slug,
    user_has_membership,
)
from seatwise.tenancy.services import (
    EVENT_AGREEMENT_ACCEPTED,
    EVENT_ORGANIZATION_REGISTERED,
    organization_register,
    organization_tenant_record,
    registration_profile_clean,
)
from seatwise.tenancy.tests.factories import (
    make_customer,
    make_member,
    make_provider,
    make_reseller,
    make_user,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
COMPANY = {
    "name": "ТОВ «Акме Україна»",
    "address_line1": "вул. Хрещатик, 1",
    "address_line2": "офіс 5",
    "postal_code": "01001",
    "city": "Київ",
    "country": "UA",
    "phone": "+380 67 123 4567",
    "tax_number": "12345678",
}


@pytest.fixture
def tree():
    provider = make_provider("Provider", default_currency="UAH")
    reseller = make_reseller(provider, "Northwind", default_currency="EUR")
    return {"provider": provider, "reseller": reseller}


@pytest.fixture
def captured():
    seen: list[events.Event] = []
    names = (EVENT_ORGANIZATION_REGISTERED, EVENT_AGREEMENT_ACCEPTED)
    for name in names:
        events.subscribe(name, seen.append)
    yield seen
    for name in names:
        events.unsubscribe(name, seen.append)


def _counts():
    return (
        Organization.objects.count(),
        Membership.objects.count(),
        OrganizationRegistration.objects.count(),
        AgreementAcceptance.objects.count(),
    )


@time_machine.travel(NOW, tick=False)
def test_a_new_tenant_registration_creates_the_customer_owner_choice_and_agreement(
    tree, captured, django_capture_on_commit_callbacks
):
    user = make_user("olga@example.test")
    with django_capture_on_commit_callbacks(execute=True):
        registration = organization_register(
            user=user,
            parent=tree["reseller"],
            **COMPANY,
            tenant_choice=TenantChoice.NEW,
            tenant_domain="AcmeUA",
            agreement_version="2024-06",
            ip="203.0.113.9",
        )
    organization = registration.organization
    assert (organization.kind, organization.parent, organization.name) == (
        OrganizationKind.CUSTOMER,
        tree["reseller"],
        "ТОВ «Акме Україна»",
    )
    assert organization.legal_name == "ТОВ «Акме Україна»"
    assert (
        organization.address_line1,
        organization.address_line2,
        organization.postal_code,
        organization.city,
        str(organization.country),
        organization.phone.as_e164,
        organization.default_currency,
    ) == ("вул. Хрещатик, 1", "офіс 5", "01001", "Київ", "UA", "+380671234567", "EUR")
    assert Membership.objects.get(organization=organization).user == user
    assert Membership.objects.get(organization=organization).role == Role.OWNER
    assert (registration.tenant_choice, registration.tenant_domain) == ("new", "acmeua")
    assert registration.tenant_domain_name == "acmeua.onmicrosoft.com"
    assert (registration.registered_by, registration.registered_at) == (user, NOW)
    acceptance = AgreementAcceptance.objects.get(organization=organization)
    assert (
        acceptance.user,
        acceptance.agreement,
        acceptance.version,
        acceptance.accepted_at,
        acceptance.ip,
    ) == (user, AgreementType.MICROSOFT_CUSTOMER_AGREEMENT, "2024-06", NOW, "203.0.113.9")
    assert [(e.name, e.payload) for e in captured] == [
        (
            EVENT_AGREEMENT_ACCEPTED,
            {
                "organization_id": organization.pk,
                "actor_id": user.pk,
                "user_id": user.pk,
                "agreement": "microsoft_customer_agreement",
                "subject": "",
                "version": "2024-06",
                "ip": "203.0.113.9",
            },
        ),
        (
            EVENT_ORGANIZATION_REGISTERED,
            {
                "organization_id": organization.pk,
                "actor_id": user.pk,
                "parent_id": tree["reseller"].pk,
                "tenant_choice": "new",
                "tenant_domain": "acmeua.onmicrosoft.com",
                "ip": "203.0.113.9",
            },
        ),
    ]


def test_without_csp_products_the_organization_is_created_without_domain_or_agreement(tree):
    user = make_user()
    registration = organization_register(
        user=user,
        parent=tree["provider"],
        **COMPANY,
        tenant_choice=TenantChoice.NONE,
        tenant_domain="ignored",
        agreement_version="2024-06",
    )
    assert registration.organization.parent == tree["provider"]
    assert (registration.tenant_choice, registration.tenant_domain) == ("none", "")
    assert registration.tenant_domain_name == ""
    assert not AgreementAcceptance.objects.exists()
    assert user_has_membership(user=user) is True


def test_an_existing_tenant_records_the_choice_and_an_agreement_only_when_accepted(tree):
    first = organization_register(
        user=make_user(),
        parent=tree["reseller"],
        **COMPANY,
        tenant_choice=TenantChoice.EXISTING,
    )
    assert (first.tenant_choice, first.tenant_domain) == ("existing", "")
    assert not AgreementAcceptance.objects.exists()
    second = organization_register(
        user=make_user(),
        parent=tree["reseller"],
        **COMPANY,
        tenant_choice=TenantChoice.EXISTING,
        agreement_version="2024-06",
    )
    assert AgreementAcceptance.objects.get().organization == second.organization
    assert first.organization.slug != second.organization.slug


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        (
            {"name": "", "address_line1": " ", "postal_code": "", "city": "", "phone": ""},
            {
                "name": "This field is required.",
                "address_line1": "This field is required.",
                "postal_code": "This field is required.",
                "city": "This field is required.",
                "phone": "This field is required.",
            },
        ),
        (
            {"name": "Acme™ <script>"},
            {"name": "Use Latin or Cyrillic letters, digits and ordinary punctuation only."},
        ),
        ({"country": "XX"}, {"country": "Choose a country from the list."}),
        ({"country": ""}, {"country": "This field is required."}),
        (
            {"phone": "067 123 4567"},
            {"phone": "Enter the phone number with its country code, e.g. +380 67 123 4567."},
        ),
        ({"postal_code": "1" * 21}, {"postal_code": "Use at most 20 characters."}),
    ],
)
def test_bad_company_details_are_refused_field_by_field_and_nothing_is_written(
    tree, changes, fields
):
    user = make_user()
    before = _counts()
    with pytest.raises(ApplicationError) as caught:
        organization_register(
            user=user,
            parent=tree["reseller"],
            **{**COMPANY, **changes},
            tenant_choice=TenantChoice.EXISTING,
        )
    assert caught.value.code == "invalid_input"
    assert caught.value.details == {"fields": fields}
    assert _counts() == before


def test_a_new_tenant_needs_a_domain_and_the_agreement(tree):
    user = make_user()
    before = _counts()
    with pytest.raises(ApplicationError) as caught:
        organization_register(
            user=user,
            parent=tree["reseller"],
            **COMPANY,
            tenant_choice=TenantChoice.NEW,
            agreement_version="2024-06",
        )
    assert caught.value.details == {"fields": {"domain": "Enter a domain name."}}
    with pytest.raises(AgreementRequired):
        organization_register(
            user=user,
            parent=tree["reseller"],
            **COMPANY,
            tenant_choice=TenantChoice.NEW,
            tenant_domain="acmeua",
        )
    assert _counts() == before


def test_a_domain_requested_twice_is_refused(tree):
    organization_register(
        user=make_user(),
        parent=tree["reseller"],
        **COMPANY,
        tenant_choice=TenantChoice.NEW,
        tenant_domain="acmeua",
        agreement_version="2024-06",
    )
    before = _counts()
    with pytest.raises(ApplicationError) as caught:
        organization_register(
            user=make_user(),
            parent=tree["reseller"],
            **COMPANY,
            tenant_choice=TenantChoice.NEW,
            tenant_domain="acmeua",
            agreement_version="2024-06",
        )
    assert caught.value.code == "tenant_domain_taken"
    assert _counts() == before


def test_a_user_who_already_belongs_to_an_organization_cannot_register_another(tree):
    user = make_member(make_customer(tree["reseller"], "Globex"), Role.READ_ONLY)
    before = _counts()
    with pytest.raises(AlreadyRegistered):
        organization_register(
            user=user, parent=tree["reseller"], **COMPANY, tenant_choice=TenantChoice.NONE
        )
    assert _counts() == before


def test_anonymous_or_an_unknown_choice_or_a_customer_parent_is_refused(tree):
    customer = make_customer(tree["reseller"], "Globex")
    with pytest.raises(PermissionDeniedError):
        organization_register(
            user=AnonymousUser(), parent=tree["reseller"], **COMPANY, tenant_choice="none"
        )
    user = make_user()
    with pytest.raises(InvalidOrganizationTree):
        organization_register(user=user, parent=customer, **COMPANY, tenant_choice="none")
    with pytest.raises(ApplicationError) as caught:
        organization_register(user=user, parent=tree["reseller"], **COMPANY, tenant_choice="x")
    assert caught.value.details == {"field": "tenant_choice"}
    tree["reseller"].is_active = False
    tree["reseller"].save(update_fields=["is_active"])
    with pytest.raises(InvalidOrganizationTree):
        organization_register(user=user, parent=tree["reseller"], **COMPANY, tenant_choice="none")
    assert not user_has_membership(user=user)


def test_the_profile_is_cleaned_without_the_database():
    values, errors = registration_profile_clean(
        name="  Acme   Ltd ",
        address_line1=" 1 Main St ",
        postal_code="98052",
        city="Redmond",
        country="us",
        phone="+1 425 555 0100",
    )
    assert errors == {}
    assert values == {
        "name": "Acme Ltd",
        "address_line1": "1 Main St",
        "address_line2": "",
        "postal_code": "98052",
        "city": "Redmond",
        "country": "US",
        "phone": "+14255550100",
        "tax_number": "",
    }


def test_a_new_tenant_in_ukraine_needs_the_registration_number():
    details = {
        "name": "Acme",
        "address_line1": "1 Khreshchatyk St",
        "postal_code": "01001",
        "city": "Kyiv",
        "country": "UA",
        "phone": "+380671234567",
    }
    _values, errors = registration_profile_clean(**details, new_tenant=True)
    assert "tax_number" in errors
    assert registration_profile_clean(**details)[1] == {}  # an existing tenant: not asked
    values, errors = registration_profile_clean(**details, tax_number=" 123 456 ", new_tenant=True)
    assert errors == {} and values["tax_number"] == "123 456"


def test_registration_goes_to_the_storefront_reseller_if_active_else_to_the_provider(tree):
    assert registration_parent(reseller_id=tree["reseller"].pk) == tree["reseller"]
    assert registration_parent(reseller_id=str(tree["reseller"].pk)) == tree["reseller"]
    assert registration_parent(reseller_id=None) == tree["provider"]
    assert registration_parent(reseller_id="junk") == tree["provider"]
    assert registration_parent(reseller_id=tree["provider"].pk) == tree["provider"]
    customer = make_customer(tree["reseller"], "Globex")
    assert registration_parent(reseller_id=customer.pk) == tree["provider"]
    tree["reseller"].is_active = False
    tree["reseller"].save(update_fields=["is_active"])
    assert registration_parent(reseller_id=tree["reseller"].pk) == tree["provider"]


def test_a_reseller_is_found_by_its_slug_only_when_active(tree):
    assert reseller_by_slug(slug=tree["reseller"].slug) == tree["reseller"]
    assert reseller_by_slug(slug=tree["provider"].slug) is None
    assert reseller_by_slug(slug="nobody") is None
    tree["reseller"].is_active = False
    tree["reseller"].save(update_fields=["is_active"])
    assert reseller_by_slug(slug=tree["reseller"].slug) is None


def test_a_customer_set_up_without_the_pages_gets_its_tenant_recorded_once():
    provider = make_provider()
    customer = make_customer(provider, "Set up by hand")
    first = organization_tenant_record(organization=customer, tenant_domain="SetUpByHand")
    again = organization_tenant_record(organization=customer, tenant_domain="other")
    assert first.pk == again.pk
    assert (again.tenant_choice, again.tenant_domain_name) == (
        TenantChoice.NEW,
        "setupbyhand.onmicrosoft.com",
    )
    with pytest.raises(ValidationError):
        organization_tenant_record(organization=provider, tenant_domain="provider")
    assert OrganizationRegistration.objects.count() == 1
