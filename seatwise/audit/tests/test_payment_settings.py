"""Settings → Payment methods: who may set them, what a change records, whose apply."""

import pytest

from seatwise.audit.models import AuditEvent
from seatwise.core.errors import ValidationError
from seatwise.tenancy.enums import Role
from seatwise.tenancy.exceptions import OrganizationNotFound, RoleRequired
from seatwise.tenancy.models import PaymentSettings
from seatwise.tenancy.selectors import invoice_allowed_for, payment_settings_for
from seatwise.tenancy.services import payment_settings_set
from seatwise.tenancy.tests.factories import (
    make_customer,
    make_member,
    make_provider,
    make_reseller,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    provider = make_provider("Provider")
    reseller = make_reseller(provider, "Northwind")
    return {
        "provider": provider,
        "reseller": reseller,
        "other": make_reseller(provider, "Other reseller"),
        "acme": make_customer(reseller, "Acme"),
        "direct": make_customer(provider, "Direct customer"),
    }


def _audit(organization):
    return list(
        AuditEvent.objects.filter(organization=organization, event="settings_changed").values_list(
            "actor_id", "details"
        )
    )


def test_allowing_invoices_applies_to_the_resellers_customers_and_is_audited(
    tree, django_capture_on_commit_callbacks
):
    owner = make_member(tree["reseller"], Role.OWNER)
    assert not invoice_allowed_for(organization=tree["acme"])
    with django_capture_on_commit_callbacks(execute=True):
        payment_settings_set(
            actor=owner,
            organization=tree["reseller"],
            allow_invoice=True,
            bank_details="  IBAN: UA00 0000  \n  Bank: PrivatBank ",
        )
    row = PaymentSettings.objects.get(organization=tree["reseller"])
    assert (row.allow_invoice, row.bank_details) == (True, "IBAN: UA00 0000\n  Bank: PrivatBank")
    assert invoice_allowed_for(organization=tree["acme"])
    assert invoice_allowed_for(organization=tree["reseller"])
    assert not invoice_allowed_for(organization=tree["direct"])  # the provider's rule
    assert _audit(tree["reseller"]) == [
        (
            owner.pk,
            {"setting": "payment_methods", "allow_invoice": True, "bank_details_set": True},
        )
    ]


def test_the_provider_decides_for_its_direct_customers(tree, django_capture_on_commit_callbacks):
    manager = make_member(tree["provider"], Role.ACCOUNT_MANAGER)
    with django_capture_on_commit_callbacks(execute=True):
        payment_settings_set(actor=manager, organization=tree["provider"], allow_invoice=True)
    assert payment_settings_for(organization=tree["direct"]).allow_invoice
    assert invoice_allowed_for(organization=tree["direct"])
    assert not invoice_allowed_for(organization=tree["acme"])  # Northwind's rule: card only


def test_a_contract_customer_may_always_pay_by_invoice(tree):
    tree["acme"].is_contract_customer = True
    assert invoice_allowed_for(organization=tree["acme"])


def test_saving_the_same_values_records_nothing(tree, django_capture_on_commit_callbacks):
    owner = make_member(tree["reseller"], Role.OWNER)
    with django_capture_on_commit_callbacks(execute=True):
        payment_settings_set(actor=owner, organization=tree["reseller"], allow_invoice=True)
    with django_capture_on_commit_callbacks(execute=True):
        payment_settings_set(actor=owner, organization=tree["reseller"], allow_invoice=True)
    assert len(_audit(tree["reseller"])) == 1


def test_too_long_bank_details_are_refused_and_nothing_changes(tree):
    owner = make_member(tree["reseller"], Role.OWNER)
    with pytest.raises(ValidationError) as caught:
        payment_settings_set(
            actor=owner, organization=tree["reseller"], allow_invoice=True, bank_details="x" * 1001
        )
    assert caught.value.code == "bank_details_too_long"
    assert not PaymentSettings.objects.exists()


def test_only_managers_of_a_reseller_or_provider_may_set(tree):
    cases = [
        (make_member(tree["reseller"], Role.BILLING), tree["reseller"], RoleRequired),
        (make_member(tree["other"], Role.OWNER), tree["reseller"], OrganizationNotFound),
        (make_member(tree["acme"], Role.OWNER), tree["acme"], OrganizationNotFound),
        (None, tree["reseller"], OrganizationNotFound),
    ]
    for actor, organization, error in cases:
        with pytest.raises(error):
            payment_settings_set(actor=actor, organization=organization, allow_invoice=True)
    assert not PaymentSettings.objects.exists()
