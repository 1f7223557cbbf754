"""Cancelling an order closes its open payment; a card payment that LiqPay still reports paid
after the cancellation is given back. Through the LiqPay simulator (its own process) and the
callback endpoint of a live server."""

from __future__ import annotations

import re
from decimal import Decimal

import httpx
import pytest

from seatwise.orders.enums import OrderStatus
from seatwise.orders.services import order_cancel
from seatwise.orders.tests.factories import make_order
from seatwise.payments.enums import PaymentEventKind, PaymentStatus
from seatwise.payments.services import payment_checkout_form
from seatwise.payments.tests.factories import make_account, make_payment
from seatwise.payments.tests.liqpay_simulator import liqpay_simulator  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_card_paid_after_the_order_was_cancelled_is_refunded(liqpay_simulator, live_server):  # noqa: F811
    order = make_order(status=OrderStatus.AWAITING_PAYMENT, currency="UAH")
    provider = order.seller.parent or order.seller
    account = make_account(
        provider, checkout_url=liqpay_simulator.checkout_url, api_url=liqpay_simulator.api_url
    )
    payment = make_payment(
        order.organization,
        account=account,
        reference=order.number,
        amount=order.total,
        currency=order.currency,
    )
    # The buyer opens LiqPay's page…
    action, data, signature = payment_checkout_form(
        payment=payment,
        result_url=f"{live_server.url}/done/",
        server_url=f"{live_server.url}/payments/liqpay/callback/",
        language="en",
    )
    page = httpx.post(action, data={"data": data, "signature": signature}, timeout=10).text

    # …the order is cancelled meanwhile: the payment is closed with it…
    order_cancel(order=order, message="customer changed their mind")
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CANCELLED

    # …then the buyer pays the page still open. The money moved: Seatwise records it and
    # asks LiqPay for it back; the order stays cancelled.
    pay = re.search(r"action='(/checkout/[^/']+/pay)'", page).group(1)
    httpx.post(f"{liqpay_simulator.url}{pay}", timeout=30)

    payment.refresh_from_db()
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert (payment.status, payment.refunded_amount) == (PaymentStatus.REFUNDED, payment.amount)
    assert payment.amount == order.total > Decimal(0)
    kinds = list(payment.events.order_by("pk").values_list("kind", "status_after"))
    assert (PaymentEventKind.CANCELLED, PaymentStatus.CANCELLED) in kinds
    assert (PaymentEventKind.REFUND_REQUESTED, PaymentStatus.PAID) in kinds
    assert liqpay_simulator.order(payment.gateway_order_id)["status"] == "reversed"
