"""The payments API: a payment's status with its event log for its payer and the
organizations above it, and the provider recording that an invoice was paid; with the
access matrix of both endpoints and nothing changed on a refusal."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
import time_machine
from django.test import Client

from seatwise.core.models import IdempotencyRecord
from seatwise.payments.enums import Gateway, PaymentEventKind, PaymentStatus
from seatwise.payments.models import PaymentEvent
from seatwise.payments.tests.factories import make_account, make_payment
from seatwise.tenancy.enums import Role
from seatwise.tenancy.services import api_key_create
from seatwise.tenancy.tests.factories import (
    make_customer,
    make_member,
    make_provider,
    make_reseller,
)

pytestmark = pytest.mark.django_db

PAYMENTS = "/api/v1/payments/"
DAY = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
LATER = DAY + dt.timedelta(days=3)
REFERENCE = "02-03-2026 00001"


@pytest.fixture
def parties():
    """A provider, its reseller, and a customer of the reseller (the payer)."""
    provider = make_provider()
    reseller = make_reseller(provider)
    return {"provider": provider, "reseller": reseller, "customer": make_customer(reseller)}


@pytest.fixture
def customer(parties):
    return parties["customer"]


@pytest.fixture
def invoice(customer):
    """The customer's pending invoice payment of 10.00 USD for order ``REFERENCE``."""
    with time_machine.travel(DAY, tick=False):
        return make_payment(
            customer,
            gateway=Gateway.INVOICE,
            amount=Decimal("10.00"),
            currency="USD",
            reference=REFERENCE,
        )


def _key_client(user, organization) -> Client:
    _key, raw = api_key_create(user=user, organization=organization, name="Integration")
    return Client(headers={"X-API-Key": raw})


def _member_client(organization, role: str = Role.OWNER) -> Client:
    return _key_client(make_member(organization, role), organization)


def _session_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _record(client, payment, amount: str = "10.00", key: str | None = None, **extra):
    headers = {"Idempotency-Key": key} if key is not None else {}
    return client.post(
        f"{PAYMENTS}{payment.pk}/record/",
        json.dumps({"amount": amount, **extra}),
        content_type="application/json",
        headers=headers,
    )


def _error(code: str, message: str, details: dict | None = None) -> dict:
    return {"error": {"code": code, "message": message, "details": details or {}}}


def _snapshot(payment) -> tuple:
    payment.refresh_from_db()
    return payment.status, payment.events.count()


def _payment_json(payment, **overrides) -> dict:
    body = {
        "id": str(payment.pk),
        "reference": REFERENCE,
        "gateway": "invoice",
        "status": "pending",
        "amount": "10.00",
        "refunded_amount": "0.00",
        "currency": "USD",
        "sandbox": False,
        "created_at": "2026-03-02T09:30:00Z",
        "updated_at": "2026-03-02T09:30:00Z",
    }
    body.update(overrides)
    return body


# --- payment_get ----------------------------------------------------------------------------


def test_payment_get_answers_the_payment_with_its_event_log(customer, invoice):
    response = _member_client(customer).get(f"{PAYMENTS}{invoice.pk}/")

    assert response.status_code == 200
    assert response.json() == {
        **_payment_json(invoice),
        "events": [
            {
                "kind": "created",
                "status_before": "",
                "status_after": "pending",
                "gateway_status": "",
                "at": "2026-03-02T09:30:00Z",
            }
        ],
    }


@pytest.mark.parametrize("above", ["reseller", "provider"])
def test_the_organizations_above_the_payer_see_its_payment(parties, invoice, above):
    response = _member_client(parties[above], Role.BILLING).get(f"{PAYMENTS}{invoice.pk}/")

    assert response.status_code == 200
    assert response.json()["id"] == str(invoice.pk)


@pytest.mark.parametrize("payment_id", ["not-a-uuid", "7b0c7d9e-9b1e-4f7a-8a53-2d0cbe0c2f11"])
def test_an_unknown_or_malformed_payment_id_is_a_404(customer, payment_id):
    response = _member_client(customer).get(f"{PAYMENTS}{payment_id}/")

    assert response.status_code == 404
    assert response.json() == _error("payment_not_found", "Payment not found.", {"id": payment_id})


# --- payment_record -------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.OWNER, Role.ACCOUNT_MANAGER, Role.BILLING])
def test_the_providers_staff_record_an_invoice_paid(parties, invoice, role):
    staff = make_member(parties["provider"], role)
    client = _key_client(staff, parties["provider"])

    with time_machine.travel(LATER, tick=False):
        response = _record(client, invoice, "10.0")

    assert response.status_code == 200
    assert response.json() == _payment_json(
        invoice, status="paid", updated_at="2026-03-05T09:30:00Z"
    )
    invoice.refresh_from_db()
    assert invoice.status == PaymentStatus.PAID
    event = invoice.events.order_by("at", "pk").last()
    assert (event.kind, event.status_before, event.status_after, event.actor, event.at) == (
        PaymentEventKind.MANUAL,
        PaymentStatus.PENDING,
        PaymentStatus.PAID,
        staff,
        LATER,
    )


@pytest.mark.parametrize("amount", ["9.99", "10.01", "0"])
def test_an_amount_other_than_the_invoices_is_refused_and_nothing_changes(parties, invoice, amount):
    response = _record(_member_client(parties["provider"]), invoice, amount)

    assert response.status_code == 400
    assert response.json() == _error(
        "invalid_input", "The amount received must equal the invoice amount 10.00 USD."
    )
    assert _snapshot(invoice) == (PaymentStatus.PENDING, 1)


@pytest.mark.parametrize("amount", ["10.001", "-10.00", "10,00", "", "ten"])
def test_a_malformed_amount_is_refused(parties, invoice, amount):
    response = _record(_member_client(parties["provider"]), invoice, amount)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_input"
    assert _snapshot(invoice) == (PaymentStatus.PENDING, 1)


def test_an_unknown_field_in_the_body_is_refused(parties, invoice):
    response = _record(_member_client(parties["provider"]), invoice, status="paid")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_input"
    assert _snapshot(invoice) == (PaymentStatus.PENDING, 1)


def test_a_card_payment_cannot_be_recorded(parties, customer):
    card = make_payment(
        customer,
        account=make_account(parties["provider"]),
        amount=Decimal("10.00"),
        currency="USD",
        reference=REFERENCE,
    )

    response = _record(_member_client(parties["provider"]), card)

    assert response.status_code == 409
    assert response.json() == _error("payment_state", "Only invoice payments are recorded by hand.")
    assert _snapshot(card) == (PaymentStatus.PENDING, 1)


def test_a_payment_already_paid_cannot_be_recorded_again(parties, invoice):
    client = _member_client(parties["provider"])
    _record(client, invoice)
    before = _snapshot(invoice)

    response = _record(client, invoice)

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "payment_state"
    assert _snapshot(invoice) == before == (PaymentStatus.PAID, 2)


def test_a_repeated_record_with_the_same_key_records_once_and_replays(parties, invoice):
    client = _member_client(parties["provider"])

    first = _record(client, invoice, key="record-1")
    again = _record(client, invoice, key="record-1")

    assert (first.status_code, again.status_code) == (200, 200)
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert PaymentEvent.objects.filter(kind=PaymentEventKind.MANUAL).count() == 1
    assert IdempotencyRecord.objects.get().organization == parties["provider"]


# --- access ---------------------------------------------------------------------------------


def test_both_endpoints_refuse_an_anonymous_caller(invoice):
    anonymous = Client()

    read = anonymous.get(f"{PAYMENTS}{invoice.pk}/")
    recorded = _record(anonymous, invoice, key="record-1")

    unauthenticated = _error("not_authenticated", "Sign in or send an API key.")
    assert [(read.status_code, read.json()), (recorded.status_code, recorded.json())] == [
        (401, unauthenticated),
        (401, unauthenticated),
    ]
    assert _snapshot(invoice) == (PaymentStatus.PENDING, 1)
    assert not IdempotencyRecord.objects.exists()


def test_another_trees_staff_and_another_customer_get_a_404(parties, invoice):
    other_provider = make_provider()
    other_customer = make_customer(make_reseller(other_provider))
    neighbour = make_customer(parties["reseller"])
    not_found = _error("payment_not_found", "Payment not found.", {"id": str(invoice.pk)})

    for organization in (other_provider, other_customer, neighbour):
        client = _member_client(organization)
        read = client.get(f"{PAYMENTS}{invoice.pk}/")
        recorded = _record(client, invoice)
        assert (read.status_code, read.json()) == (404, not_found), organization
        assert (recorded.status_code, recorded.json()) == (404, not_found), organization

    assert _snapshot(invoice) == (PaymentStatus.PENDING, 1)


@pytest.mark.parametrize("role", [Role.READ_ONLY, Role.TECHNICAL])
def test_provider_staff_without_a_recording_role_read_but_cannot_record(parties, invoice, role):
    member = make_member(parties["provider"], role)
    client = (
        _session_client(member)  # read-only members hold no API keys
        if role == Role.READ_ONLY
        else _key_client(member, parties["provider"])
    )

    read = client.get(f"{PAYMENTS}{invoice.pk}/")
    recorded = _record(client, invoice, key="record-1")

    assert read.status_code == 200
    assert recorded.status_code == 403
    assert recorded.json() == _error(
        "role_required", "Your role does not allow this.", {"role": role.value}
    )
    assert _snapshot(invoice) == (PaymentStatus.PENDING, 1)


@pytest.mark.parametrize("who", ["customer", "reseller"])
def test_the_payer_and_its_reseller_see_the_payment_but_cannot_record_it(parties, invoice, who):
    client = _member_client(parties[who])

    read = client.get(f"{PAYMENTS}{invoice.pk}/")
    recorded = _record(client, invoice)

    assert read.status_code == 200
    assert recorded.status_code == 403
    assert recorded.json() == _error(
        "permission_denied", "Only the provider records invoice payments."
    )
    assert _snapshot(invoice) == (PaymentStatus.PENDING, 1)
