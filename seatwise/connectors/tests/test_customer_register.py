"""``customer_register``: the whole registration in one transaction, with the domain checked
again and reserved through the port, and the welcome e-mail after commit."""

import pytest
from django.core import mail

from seatwise.audit.enums import AuditEventType
from seatwise.audit.models import AuditEvent
from seatwise.connectors.exceptions import ConnectorUnavailable, TenantDomainTaken
from seatwise.connectors.models import TenantDomain, TenantDomainSource
from seatwise.connectors.services import CompanyDetails, customer_register
from seatwise.connectors.tests.fakes import CountingConnector, UnavailableConnector
from seatwise.core.errors import ApplicationError
from seatwise.notifications.models import Delivery
from seatwise.tenancy.models import (
    AgreementAcceptance,
    Membership,
    Organization,
    OrganizationRegistration,
)
from seatwise.tenancy.tests.factories import make_provider, make_reseller, make_user

pytestmark = pytest.mark.django_db

COMPANY = CompanyDetails(
    name="Acme Ukraine LLC",
    address_line1="1 Khreshchatyk St",
    address_line2="",
    postal_code="01001",
    city="Kyiv",
    country="UA",
    phone="+380671234567",
    tax_number="12345678",
)


class TakenMeanwhile(CountingConnector):
    """The name was free when asked, and someone took it before the reservation."""

    def domain_reserve(self, *, prefix: str) -> None:
        raise TenantDomainTaken("taken meanwhile", details={"fields": {"domain": "taken"}})


@pytest.fixture
def reseller():
    return make_reseller(make_provider("Provider"), "Northwind")


@pytest.fixture
def user():
    return make_user("olga@example.test", given_name="Olga", surname="Sikur")


def _counts():
    return (
        Organization.objects.count(),
        Membership.objects.count(),
        OrganizationRegistration.objects.count(),
        AgreementAcceptance.objects.count(),
        TenantDomain.objects.count(),
        Delivery.objects.count(),
    )


def _register(user, parent, **overrides):
    arguments = {
        "user": user,
        "parent": parent,
        "company": COMPANY,
        "tenant_choice": "new",
        "domain": "AcmeUA",
        "domain_confirm": "acmeua",
        "agreement_accepted": True,
        "agreement_version": "2024-06",
        "ip": "203.0.113.9",
        "sign_in_url": "https://shop.example.test/accounts/login/",
        **overrides,
    }
    return customer_register(**arguments)


def test_a_new_tenant_is_reserved_and_the_welcome_mail_confirms_the_username(
    user, reseller, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        registration = _register(user, reseller)
    assert registration.organization.parent == reseller
    assert registration.tenant_domain == "acmeua"
    assert TenantDomain.objects.get(prefix="acmeua").source == TenantDomainSource.REGISTRATION
    assert AgreementAcceptance.objects.get().version == "2024-06"
    (message,) = mail.outbox
    assert message.to == ["olga@example.test"]
    assert "Hello Olga Sikur," in message.body
    assert "Your username is: olga@example.test" in message.body
    assert "https://shop.example.test/accounts/login/" in message.body
    logged = AuditEvent.objects.filter(organization=registration.organization)
    assert sorted(logged.values_list("event", flat=True)) == [
        AuditEventType.MEMBERSHIP_ADDED,
        AuditEventType.TERMS_ACCEPTED,
    ]
    terms = logged.get(event=AuditEventType.TERMS_ACCEPTED)
    assert (terms.details["agreement"], terms.details["version"]) == (
        "microsoft_customer_agreement",
        "2024-06",
    )


def test_the_domain_is_checked_again_at_submit_and_a_taken_one_writes_nothing(user, reseller):
    connector = CountingConnector(taken={"acmeua"})
    before = _counts()
    with pytest.raises(TenantDomainTaken) as caught:
        _register(user, reseller, connector=connector)
    assert caught.value.details == {
        "fields": {"domain": "acmeua.onmicrosoft.com is already taken; choose another name."}
    }
    assert connector.asked == ["acmeua"]
    assert _counts() == before


def test_a_seeded_name_is_refused_by_the_offline_connector(user, reseller):
    before = _counts()
    with pytest.raises(TenantDomainTaken):
        _register(user, reseller, domain="contoso", domain_confirm="contoso")
    assert _counts() == before


def test_an_unavailable_vendor_blocks_the_registration_and_writes_nothing(user, reseller):
    before = _counts()
    with pytest.raises(ConnectorUnavailable):
        _register(user, reseller, connector=UnavailableConnector())
    assert _counts() == before


def test_a_name_taken_between_check_and_reservation_rolls_everything_back(user, reseller):
    before = _counts()
    with pytest.raises(TenantDomainTaken):
        _register(user, reseller, connector=TakenMeanwhile())
    assert _counts() == before


def test_all_wrong_fields_are_reported_at_once_without_asking_the_vendor(user, reseller):
    connector = CountingConnector()
    before = _counts()
    with pytest.raises(ApplicationError) as caught:
        _register(
            user,
            reseller,
            company=CompanyDetails(**{**COMPANY.__dict__, "city": "", "country": "XX"}),
            domain="acmeua",
            domain_confirm="acmeuaa",
            agreement_accepted=False,
            connector=connector,
        )
    assert caught.value.details == {
        "fields": {
            "city": "This field is required.",
            "country": "Choose a country from the list.",
            "domain_confirm": "The two domain names are not the same.",
            "agreement": "Accept the Microsoft Customer Agreement to register a new tenant.",
        }
    }
    assert connector.asked == []
    assert _counts() == before


def test_a_malformed_domain_is_refused(user, reseller):
    with pytest.raises(ApplicationError) as caught:
        _register(user, reseller, domain="acme-ua", domain_confirm="acme-ua")
    assert caught.value.details["fields"] == {
        "domain": "Use Latin letters and digits only: no spaces, dots, dashes or other symbols."
    }


@pytest.mark.parametrize("choice", ["none", "existing"])
def test_skipping_the_tenant_never_asks_the_vendor_and_reserves_nothing(user, reseller, choice):
    connector = CountingConnector()
    registration = _register(
        user,
        reseller,
        tenant_choice=choice,
        domain="",
        domain_confirm="",
        agreement_accepted=False,
        connector=connector,
    )
    assert registration.tenant_choice == choice
    assert registration.tenant_domain == ""
    assert (connector.asked, connector.reserved) == ([], [])
    assert not AgreementAcceptance.objects.exists()


def test_an_existing_tenant_may_accept_the_agreement_now(user, reseller):
    _register(user, reseller, tenant_choice="existing", domain="", domain_confirm="")
    assert AgreementAcceptance.objects.get().version == "2024-06"
