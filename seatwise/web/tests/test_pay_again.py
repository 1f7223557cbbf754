"""After a declined card payment the buyer pays again from the order's payment page; a
cancelled order gives its coupon use back."""

from __future__ import annotations

import re
from decimal import Decimal
from urllib.parse import quote

import pytest

from seatwise.cart.models import CartLine
from seatwise.orders.enums import OrderStatus, PaymentMethod
from seatwise.orders.models import Order
from seatwise.orders.services import order_cancel
from seatwise.payments import liqpay
from seatwise.payments.enums import PaymentStatus
from seatwise.payments.models import Payment
from seatwise.payments.tests.factories import PRIVATE_KEY, PUBLIC_KEY, make_account
from seatwise.pricing.enums import CouponKind
from seatwise.pricing.models import Coupon, CouponRedemption
from seatwise.tenancy.tests.factories import make_customer, make_member
from seatwise.web.tests.test_checkout_pages import _add, _key, _walk_to_confirm

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(shop, client):
    """A member of the customer, signed in, with LiqPay configured for the provider."""
    make_account(shop.provider, checkout_url="https://liqpay.example/api/3/checkout")
    user = make_member(shop.customer)
    client.force_login(user)
    return user


def _line_ids(shop) -> list[int]:
    return list(
        CartLine.objects.filter(cart__organization=shop.customer).values_list("pk", flat=True)
    )


def _place(client, shop) -> Order:
    _add(client, shop.e3)
    line_ids = _line_ids(shop)
    page = _walk_to_confirm(client, line_ids)
    response = client.post("/checkout/confirm/", {"idempotency_key": _key(page)})
    assert response.status_code == 200  # the page that posts the form to LiqPay
    return Order.objects.get()


def _callback(client, payment: Payment, status: str):
    body = {
        "version": 3,
        "action": "pay",
        "status": status,
        "order_id": payment.gateway_order_id,
        "payment_id": 1000 + Payment.objects.filter(pk__lte=payment.pk).count(),
        "amount": payment.amount,
        "currency": payment.currency,
        "public_key": PUBLIC_KEY,
    }
    data = liqpay.liqpay_encode(body)
    signature = liqpay.liqpay_sign(data, private_key=PRIVATE_KEY)
    return client.post("/payments/liqpay/callback/", {"data": data, "signature": signature})


def _pay_again_url(order) -> str:
    return f"/account/orders/{quote(order.number)}/pay-again/"


def test_a_declined_payment_can_be_paid_again_once(
    client, shop, owner, django_capture_on_commit_callbacks
):
    order = _place(client, shop)
    first = Payment.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        assert _callback(client, first, "failure").status_code == 200
    order.refresh_from_db()
    assert order.status == OrderStatus.FAILED

    page = client.get(f"/account/orders/{quote(order.number)}/payment/").content.decode()
    assert "data-pay-again" in page and "you can pay again" in page

    response = client.post(_pay_again_url(order))
    assert response.status_code == 200
    form = response.content.decode()
    second = Payment.objects.exclude(pk=first.pk).get()
    assert second.status == PaymentStatus.PENDING and second.amount == first.amount
    assert second.gateway_order_id != first.gateway_order_id  # a new attempt for LiqPay
    data = re.search(r'name="data" value="([^"]+)"', form).group(1)
    assert liqpay.liqpay_decode(data)["order_id"] == second.gateway_order_id
    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_PAYMENT
    assert list(order.events.values_list("from_status", "to_status"))[-1] == (
        OrderStatus.FAILED,
        OrderStatus.AWAITING_PAYMENT,
    )

    # While the new attempt is pending, no third one.
    response = client.post(_pay_again_url(order))
    assert response.status_code == 302
    assert Payment.objects.count() == 2

    with django_capture_on_commit_callbacks(execute=True):
        _callback(client, second, "success")
    order.refresh_from_db()
    assert order.paid_at is not None
    assert client.post(_pay_again_url(order)).status_code == 302
    assert Payment.objects.count() == 2


def test_nobody_pays_again_for_another_organizations_order(
    client, shop, owner, django_capture_on_commit_callbacks
):
    order = _place(client, shop)
    with django_capture_on_commit_callbacks(execute=True):
        _callback(client, Payment.objects.get(), "failure")
    stranger = make_member(make_customer(shop.provider))
    client.force_login(stranger)
    assert client.post(_pay_again_url(order)).status_code == 404
    assert client.get(_pay_again_url(order)).status_code == 405
    assert Payment.objects.count() == 1


def test_an_invoice_order_is_not_paid_again_by_card(client, shop, owner):
    shop.customer.is_contract_customer = True
    shop.customer.save(update_fields=["is_contract_customer"])
    _add(client, shop.e3)
    line_ids = _line_ids(shop)
    page = _walk_to_confirm(client, line_ids, method=PaymentMethod.INVOICE)
    client.post("/checkout/confirm/", {"idempotency_key": _key(page)})
    order = Order.objects.get()
    Order.objects.filter(pk=order.pk).update(status=OrderStatus.FAILED)
    assert client.post(_pay_again_url(order)).status_code == 302
    assert Payment.objects.count() == 1


def test_cancelling_an_unpaid_order_gives_the_coupon_use_back(client, shop, owner):
    coupon = Coupon.objects.create(
        organization=shop.reseller,
        code="ONCE",
        kind=CouponKind.PERCENT,
        value=Decimal(10),
        usage_limit=1,
    )
    _add(client, shop.e3)
    assert client.post("/cart/coupon/", {"code": "ONCE"}).status_code == 302
    order = _place_with_cart(client, shop)
    assert order.discount > 0
    coupon.refresh_from_db()
    assert coupon.times_used == 1

    order_cancel(order=order, actor=owner)
    coupon.refresh_from_db()
    assert coupon.times_used == 0
    assert CouponRedemption.objects.get().released_at is not None
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED


def _place_with_cart(client, shop) -> Order:
    line_ids = _line_ids(shop)
    page = _walk_to_confirm(client, line_ids)
    client.post("/checkout/confirm/", {"idempotency_key": _key(page)})
    return Order.objects.get()
