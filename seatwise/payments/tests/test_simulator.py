"""End to end over real HTTP: Seatwise's checkout form posted to the LiqPay simulator (its
own process), the simulator's signed callback landing in Django's live server, and the
status and refund requests."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import httpx
import pytest

from seatwise.payments import liqpay
from seatwise.payments.enums import PaymentEventKind, PaymentStatus
from seatwise.payments.exceptions import GatewayUnavailable, PaymentStateError
from seatwise.payments.services import (
    payment_checkout_form,
    payment_pending_poll,
    payment_refund,
    payment_status_query,
)
from seatwise.payments.tests.factories import make_account, make_payment
from seatwise.payments.tests.liqpay_simulator import liqpay_simulator  # noqa: F401 (fixture)
from seatwise.tenancy.tests.factories import make_customer, make_provider

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def account(liqpay_simulator):  # noqa: F811
    return make_account(
        make_provider(),
        checkout_url=liqpay_simulator.checkout_url,
        api_url=liqpay_simulator.api_url,
    )


@pytest.fixture
def payment(account):
    return make_payment(make_customer(account.organization), account=account)


def checkout(payment, live_server) -> tuple[str, str]:
    """POST the checkout form like the browser; returns the page and the result URL."""
    result_url = f"{live_server.url}/orders/done/"
    action, data, signature = payment_checkout_form(
        payment=payment,
        result_url=result_url,
        server_url=f"{live_server.url}/payments/liqpay/callback/",
        language="en",
    )
    page = httpx.post(action, data={"data": data, "signature": signature}, timeout=10)
    assert page.status_code == 200
    return page.text, result_url


def click(page: str, base: str, button: str) -> httpx.Response:
    path = re.search(rf"action='(/checkout/[^/']+/{button})'", page).group(1)
    return httpx.post(f"{base}{path}", timeout=15, follow_redirects=False)


def test_a_card_payment_succeeds_through_the_simulator(liqpay_simulator, payment, live_server):  # noqa: F811
    page, result_url = checkout(payment, live_server)
    assert "10.50 UAH" in page
    assert payment.gateway_order_id in page
    assert "Pay (success)" in page and "Decline (failure)" in page

    answer = click(page, liqpay_simulator.url, "pay")

    assert answer.status_code == 303
    assert answer.headers["location"] == result_url
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    event = payment.events.get(kind=PaymentEventKind.CALLBACK)
    assert event.gateway_status == "sandbox"  # a sandbox checkout, as LiqPay reports it
    assert liqpay_simulator.order(payment.gateway_order_id)["status"] == "sandbox"


def test_a_declined_card_payment_fails(liqpay_simulator, payment, live_server):  # noqa: F811
    page, result_url = checkout(payment, live_server)
    answer = click(page, liqpay_simulator.url, "decline")
    assert answer.status_code == 303
    assert answer.headers["location"] == result_url
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.FAILED
    event = payment.events.get(kind=PaymentEventKind.CALLBACK)
    assert event.gateway_status == "failure"
    assert json.loads(event.payload)["err_code"] == "limit"


def test_the_simulator_refuses_a_checkout_signed_with_another_key(liqpay_simulator, payment):  # noqa: F811
    data = liqpay.liqpay_encode({"version": 3, "public_key": "sandbox_i000", "order_id": "x"})
    page = httpx.post(
        liqpay_simulator.checkout_url,
        data={"data": data, "signature": liqpay.liqpay_sign(data, private_key="nope")},
        timeout=5,
    )
    assert page.status_code == 400
    assert "err_signature" in page.text


def test_status_query_asks_the_simulator(liqpay_simulator, payment, live_server):  # noqa: F811
    # Never opened: LiqPay does not know the order; recorded, nothing changes.
    payment_status_query(payment=payment)
    assert payment.status == PaymentStatus.PENDING
    asked = payment.events.get(kind=PaymentEventKind.STATUS_QUERY)
    assert asked.note == "payment_not_found"

    # Paid at the simulator, but the callback went nowhere (no server_url reachable):
    action, data, signature = payment_checkout_form(
        payment=payment, result_url="", server_url="http://127.0.0.1:9/unreachable"
    )
    page = httpx.post(action, data={"data": data, "signature": signature}, timeout=10).text
    assert click(page, liqpay_simulator.url, "pay").status_code == 200
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING

    # …so the status API finds it paid.
    payment = payment_status_query(payment=payment)
    assert payment.status == PaymentStatus.PAID
    assert payment.events.filter(kind=PaymentEventKind.STATUS_QUERY).count() == 2
    # Asking again changes nothing and records nothing new (the same answer).
    payment_status_query(payment=payment)
    assert payment.events.filter(kind=PaymentEventKind.STATUS_QUERY).count() == 2


def test_the_pending_poll_queries_old_pending_payments(
    liqpay_simulator,  # noqa: F811
    account,
    live_server,
    settings,
):
    settings.LIQPAY_POLL_AFTER_MINUTES = 0
    payment = make_payment(make_customer(account.organization), account=account)
    assert payment_pending_poll() == 1
    assert payment.events.filter(kind=PaymentEventKind.STATUS_QUERY).count() == 1
    settings.LIQPAY_POLL_AFTER_MINUTES = 10
    assert payment_pending_poll() == 0


def test_a_refund_completes_through_the_simulators_callback(
    liqpay_simulator,  # noqa: F811
    payment,
    live_server,
):
    page, _ = checkout(payment, live_server)
    click(page, liqpay_simulator.url, "pay")
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID

    payment = payment_refund(payment=payment, amount=Decimal("4.00"))
    assert (payment.status, payment.refunded_amount) == (PaymentStatus.PAID, Decimal("4.00"))

    payment = payment_refund(payment=payment)  # the rest
    assert (payment.status, payment.refunded_amount) == (
        PaymentStatus.REFUNDED,
        Decimal("10.50"),
    )
    kinds = list(payment.events.values_list("kind", flat=True))
    assert kinds.count(PaymentEventKind.REFUND_REQUESTED) == 2
    assert liqpay_simulator.order(payment.gateway_order_id)["status"] == "reversed"

    with pytest.raises(PaymentStateError):
        payment_refund(payment=payment)


def test_a_refund_of_an_unpaid_payment_is_refused_before_any_request(payment):
    with pytest.raises(PaymentStateError):
        payment_refund(payment=payment)
    assert not payment.events.filter(kind=PaymentEventKind.REFUND_REQUESTED).exists()


def test_an_unreachable_gateway_is_a_typed_error(account, payment):
    account.api_url = "http://127.0.0.1:9/api/request"
    account.save()
    payment.refresh_from_db()
    with pytest.raises(GatewayUnavailable):
        payment_status_query(payment=payment)
    assert payment.status == PaymentStatus.PENDING
