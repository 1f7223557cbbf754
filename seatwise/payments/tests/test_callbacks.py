"""The callback endpoint and service: verification before anything changes (§A.6), the
monotonic state machine, idempotency, events. Driven with the reference's interop callback
vector and with callbacks signed here."""

from __future__ import annotations

from decimal import Decimal

import pytest

from seatwise.core import events
from seatwise.payments import liqpay
from seatwise.payments.enums import Gateway, PaymentEventKind, PaymentStatus
from seatwise.payments.exceptions import CallbackOrphan, CallbackRejected, PaymentStateError
from seatwise.payments.models import Payment, PaymentEvent
from seatwise.payments.services import (
    STATUS_CHANGED,
    payment_callback_handle,
    payment_cancel,
    payment_checkout_form,
)
from seatwise.payments.tests.factories import PRIVATE_KEY, PUBLIC_KEY, make_account, make_payment
from seatwise.payments.tests.test_liqpay_protocol import (
    INTEROP_CALLBACK_DATA,
    INTEROP_CALLBACK_SIGNATURE,
)
from seatwise.tenancy.tests.factories import make_customer, make_provider

pytestmark = pytest.mark.django_db
URL = "/payments/liqpay/callback/"


@pytest.fixture
def provider():
    return make_provider()


@pytest.fixture
def account(provider):
    return make_account(provider)


@pytest.fixture
def payment(provider, account):
    """The payment of the interop vector: order ord-1, 10.50 UAH."""
    return make_payment(make_customer(provider), account=account, order_id="ord-1")


@pytest.fixture
def published():
    seen = []
    events.subscribe(STATUS_CHANGED, seen.append)
    yield seen
    events.unsubscribe(STATUS_CHANGED, seen.append)


def signed(private_key: str = PRIVATE_KEY, **fields) -> dict[str, str]:
    body = {
        "version": 3,
        "action": "pay",
        "status": "success",
        "order_id": "ord-1",
        "payment_id": 123456,
        "amount": Decimal("10.5"),
        "currency": "UAH",
        "public_key": PUBLIC_KEY,
    } | fields
    body = {key: value for key, value in body.items() if value is not None}
    data = liqpay.liqpay_encode(body)
    return {"data": data, "signature": liqpay.liqpay_sign(data, private_key=private_key)}


def snapshot(payment: Payment) -> tuple:
    payment.refresh_from_db()
    return (payment.status, payment.amount, payment.refunded_amount, payment.gateway_payment_id)


def callback_events(payment: Payment) -> list[str]:
    return list(
        PaymentEvent.objects.filter(payment=payment)
        .exclude(kind=PaymentEventKind.CREATED)
        .values_list("kind", flat=True)
    )


def test_the_interop_vector_pays_the_payment(
    client, payment, published, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            URL, {"data": INTEROP_CALLBACK_DATA, "signature": INTEROP_CALLBACK_SIGNATURE}
        )
    assert response.status_code == 200
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    assert payment.gateway_payment_id == "123456"
    event = payment.events.get(kind=PaymentEventKind.CALLBACK)
    assert (event.status_before, event.status_after, event.gateway_status) == (
        "pending",
        "paid",
        "success",
    )
    assert '"payment_id": 123456' in event.payload
    assert PRIVATE_KEY not in event.payload
    assert [e.payload for e in published] == [
        {
            "organization_id": payment.organization_id,
            "payment_id": str(payment.pk),
            "reference": payment.reference,
            "status": "paid",
            "previous_status": "pending",
        }
    ]


def test_a_repeated_identical_callback_is_a_no_op(client, payment, published):
    form = {"data": INTEROP_CALLBACK_DATA, "signature": INTEROP_CALLBACK_SIGNATURE}
    assert client.post(URL, form).status_code == 200
    before = snapshot(payment)
    assert client.post(URL, form).status_code == 200
    assert client.post(URL, form).status_code == 200
    assert snapshot(payment) == before
    assert callback_events(payment) == ["callback"]


@pytest.mark.parametrize(
    "form",
    [
        # forged: signed with another key
        signed(private_key="attacker_secret"),
        # the vector's data with one character changed, the original signature
        {
            "data": INTEROP_CALLBACK_DATA[:-3] + "x==",
            "signature": INTEROP_CALLBACK_SIGNATURE,
        },
        # the vector's data re-wrapped: same JSON, different string
        {
            "data": INTEROP_CALLBACK_DATA[:76] + "\n" + INTEROP_CALLBACK_DATA[76:],
            "signature": INTEROP_CALLBACK_SIGNATURE,
        },
        {"data": INTEROP_CALLBACK_DATA, "signature": ""},
        {"data": "", "signature": INTEROP_CALLBACK_SIGNATURE},
        {},
    ],
    ids=["other-key", "tampered", "rewrapped", "no-signature", "no-data", "empty"],
)
def test_an_unverifiable_callback_is_refused_and_changes_nothing(client, payment, form):
    before = snapshot(payment)
    response = client.post(URL, form)
    assert response.status_code == 400
    assert response.content == b"rejected"
    assert snapshot(payment) == before
    assert callback_events(payment) == []


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"amount": Decimal("1.05")}, "amount or currency differs"),
        ({"amount": "10.49"}, "amount or currency differs"),
        ({"amount": None}, "amount or currency differs"),
        ({"currency": "USD"}, "amount or currency differs"),
        ({"status": None}, "no status"),
    ],
)
def test_a_signed_callback_with_another_amount_or_currency_is_refused(
    client, payment, fields, reason, published
):
    before = snapshot(payment)
    assert client.post(URL, signed(**fields)).status_code == 400
    assert snapshot(payment) == before
    rejected = payment.events.get(kind=PaymentEventKind.CALLBACK_REJECTED)
    assert (rejected.status_before, rejected.status_after, rejected.note) == (
        "pending",
        "pending",
        reason,
    )
    assert published == []


def test_an_amount_as_a_two_decimal_string_is_accepted(client, payment):
    assert client.post(URL, signed(amount="10.50")).status_code == 200
    assert snapshot(payment)[0] == PaymentStatus.PAID


def test_a_callback_with_another_public_key_or_version_is_refused(client, payment):
    before = snapshot(payment)
    assert client.post(URL, signed(public_key="sandbox_i999")).status_code == 400
    assert client.post(URL, signed(version=2)).status_code == 400
    assert snapshot(payment) == before
    assert callback_events(payment) == []


def test_a_callback_for_an_unknown_order_is_answered_200_and_changes_nothing(client, payment):
    before = snapshot(payment)
    assert client.post(URL, signed(order_id="sw-unknown")).status_code == 200
    assert snapshot(payment) == before
    with pytest.raises(CallbackOrphan):
        payment_callback_handle(**signed(order_id="sw-unknown"))


def test_a_callback_for_another_providers_order_is_an_orphan(client, payment):
    """Provider B's key cannot speak for provider A's payment."""
    other = make_provider()
    make_account(other, public_key="sandbox_i777", private_key="other_secret")
    form = signed(private_key="other_secret", public_key="sandbox_i777")
    assert client.post(URL, form).status_code == 200
    assert snapshot(payment)[0] == PaymentStatus.PENDING


def test_an_older_status_after_paid_is_refused(client, payment):
    assert client.post(URL, signed()).status_code == 200
    before = snapshot(payment)
    for status in ("failure", "processing", "3ds_verify", "error"):
        assert client.post(URL, signed(status=status)).status_code == 400
    assert snapshot(payment) == before
    assert callback_events(payment) == ["callback"] + ["callback_rejected"] * 4


def test_a_refunded_payment_never_changes_again(client, payment):
    assert client.post(URL, signed()).status_code == 200
    assert client.post(URL, signed(status="reversed")).status_code == 200
    assert snapshot(payment)[:3] == (PaymentStatus.REFUNDED, Decimal("10.50"), Decimal("10.50"))
    assert client.post(URL, signed(status="success", payment_id=99)).status_code == 400
    assert snapshot(payment)[0] == PaymentStatus.REFUNDED


def test_a_partial_refund_keeps_the_payment_paid(client, payment):
    assert client.post(URL, signed()).status_code == 200
    assert client.post(URL, signed(status="reversed", refund_amount="4.00")).status_code == 200
    assert snapshot(payment)[:3] == (PaymentStatus.PAID, Decimal("10.50"), Decimal("4.00"))


def test_a_failed_attempt_may_still_be_paid(client, payment):
    assert client.post(URL, signed(status="failure")).status_code == 200
    assert snapshot(payment)[0] == PaymentStatus.FAILED
    assert client.post(URL, signed(status="success")).status_code == 200
    assert snapshot(payment)[0] == PaymentStatus.PAID


def test_pending_statuses_are_recorded_without_a_change(client, payment):
    assert client.post(URL, signed(status="3ds_verify")).status_code == 200
    assert client.post(URL, signed(status="wait_accept")).status_code == 200
    assert snapshot(payment)[0] == PaymentStatus.PENDING
    assert list(payment.events.values_list("gateway_status", flat=True)) == [
        "",
        "3ds_verify",
        "wait_accept",
    ]


def test_a_sandbox_status_pays_only_a_sandbox_payment(client, provider, settings):
    settings.LIQPAY_SANDBOX = False
    live = make_payment(
        make_customer(provider),
        account=make_account(make_provider(), sandbox=False),
        order_id="ord-live",
    )
    assert live.sandbox is False
    assert client.post(URL, signed(status="sandbox", order_id="ord-live")).status_code == 400
    assert snapshot(live)[0] == PaymentStatus.PENDING
    assert live.events.filter(kind=PaymentEventKind.CALLBACK_REJECTED).count() == 1


def test_a_sandbox_status_pays_a_sandbox_payment(client, payment):
    assert payment.sandbox is True
    assert client.post(URL, signed(status="sandbox")).status_code == 200
    assert snapshot(payment)[0] == PaymentStatus.PAID


def test_subscription_statuses_are_ignored(client, payment):
    assert client.post(URL, signed(status="subscribed")).status_code == 200
    assert snapshot(payment)[0] == PaymentStatus.PENDING


def test_the_endpoint_takes_only_post(client, payment):
    assert client.get(URL).status_code == 405


def test_service_raises_typed_errors():
    with pytest.raises(CallbackRejected) as caught:
        payment_callback_handle(data="x", signature="y")
    assert caught.value.code == "callback_rejected"


def test_checkout_form_carries_the_signed_parameters(payment, account):
    action, data, signature = payment_checkout_form(
        payment=payment,
        result_url="https://shop.test/orders/1/",
        server_url="https://shop.test/payments/liqpay/callback/",
        language="en",
    )
    assert action == "https://www.liqpay.ua/api/3/checkout"
    assert liqpay.liqpay_verify(data=data, signature=signature, private_key=PRIVATE_KEY)
    assert liqpay.liqpay_decode(data) == {
        "version": 3,
        "action": "pay",
        "amount": "10.50",
        "currency": "UAH",
        "description": "Licence #1",
        "order_id": "ord-1",
        "result_url": "https://shop.test/orders/1/",
        "server_url": "https://shop.test/payments/liqpay/callback/",
        "language": "en",
        "sandbox": 1,
        "public_key": PUBLIC_KEY,
    }
    assert PRIVATE_KEY not in data


def test_new_payments_get_their_own_order_id(provider, account):
    payer = make_customer(provider)
    first = make_payment(payer, account=account)
    second = make_payment(payer, account=account)
    assert first.gateway_order_id == f"sw-{first.pk}"
    assert first.gateway_order_id != second.gateway_order_id
    assert first.status == PaymentStatus.PENDING
    assert first.gateway == Gateway.LIQPAY


# --- a payment cancelled with its order -----------------------------------------------------


def test_a_cancelled_payment_cannot_be_paid_by_form_or_recorded_and_cancel_is_idempotent(
    payment, published, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        cancelled = payment_cancel(payment=payment, note="order cancelled")
    assert cancelled.status == PaymentStatus.CANCELLED
    event = payment.events.get(kind=PaymentEventKind.CANCELLED)
    assert (event.status_before, event.status_after) == ("pending", "cancelled")
    assert [e.payload["status"] for e in published] == ["cancelled"]
    assert payment_cancel(payment=payment).status == PaymentStatus.CANCELLED
    assert payment.events.filter(kind=PaymentEventKind.CANCELLED).count() == 1
    with pytest.raises(PaymentStateError):
        payment_checkout_form(payment=cancelled, result_url="https://x/", server_url="https://x/")


def test_a_paid_payment_cannot_be_cancelled(client, payment):
    assert client.post(URL, signed()).status_code == 200
    with pytest.raises(PaymentStateError):
        payment_cancel(payment=payment)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID


def test_a_verified_success_after_the_cancellation_still_records_the_money(
    client, payment, published, django_capture_on_commit_callbacks
):
    """The buyer paid the form before the cancellation reached them: the money moved, so the
    payment says paid (and the order asks for it back, see the orders subscriber)."""
    payment_cancel(payment=payment)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(URL, signed()).status_code == 200
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    assert [(e.payload["previous_status"], e.payload["status"]) for e in published] == [
        ("cancelled", "paid")
    ]
