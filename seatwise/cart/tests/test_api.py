"""The cart and checkout API: the caller's cart priced on the server, lines and coupon
changed within the offer's rules, and the cart placed as one order per ``Idempotency-Key``;
with the access matrix of every endpoint and nothing written on a refusal."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.test import Client

from seatwise.cart.models import Cart, CartLine
from seatwise.cart.services import cart_get_or_create, cart_line_add
from seatwise.cart.tests.factories import build_cart_shop
from seatwise.catalog.enums import VendorKind
from seatwise.catalog.models import Product
from seatwise.catalog.tests.factories import make_vendor
from seatwise.core.models import IdempotencyRecord
from seatwise.orders.enums import OrderStatus, PaymentMethod
from seatwise.orders.models import Order
from seatwise.payments.enums import Gateway, PaymentStatus
from seatwise.payments.liqpay import liqpay_decode, liqpay_verify
from seatwise.payments.models import Payment
from seatwise.payments.tests.factories import PRIVATE_KEY, PUBLIC_KEY, make_account
from seatwise.pricing.enums import CouponKind
from seatwise.pricing.models import Coupon
from seatwise.tenancy.enums import Role
from seatwise.tenancy.models import AgreementAcceptance
from seatwise.tenancy.services import api_key_create
from seatwise.tenancy.tests.factories import make_customer, make_member, make_user

pytestmark = pytest.mark.django_db

CART = "/api/v1/cart/"
LINES = "/api/v1/cart/lines/"
COUPON = "/api/v1/cart/coupon/"
CHECKOUT = "/api/v1/checkout/"
BILLING = {
    "name": "Fabrikam School",
    "address_line1": "1 Khreshchatyk St",
    "postal_code": "01001",
    "city": "Kyiv",
    "country": "UA",
}


@pytest.fixture
def shop():
    """The cart shop (Office 365 E3 at 21.735 USD a month for the reseller's customer: the
    reseller's 20.70 plus the default 5 % markup), the book sold by a store vendor, and the
    provider's LiqPay account."""
    data = build_cart_shop()
    press = make_vendor("Tech Press", VendorKind.STORE)
    Product.objects.filter(pk=data.book_offer.product_id).update(vendor=press)
    data.book_offer.refresh_from_db()
    make_account(data.provider)
    return data


@pytest.fixture
def buyer(shop):
    return make_member(shop.customer, Role.OWNER)


@pytest.fixture
def api(shop, buyer):
    """The buyer's API client (an ``X-API-Key`` of the customer)."""
    return _key_client(buyer, shop.customer)


def _key_client(user, organization) -> Client:
    _key, raw = api_key_create(user=user, organization=organization, name="Integration")
    return Client(headers={"X-API-Key": raw})


def _session_client(user, organization=None) -> Client:
    client = Client()
    client.force_login(user)
    if organization is not None:
        session = client.session
        session["organization_id"] = organization.pk
        session.save()
    return client


def _send(client, method: str, url: str, body=None, key: str | None = None):
    headers = {"Idempotency-Key": key} if key is not None else {}
    data = json.dumps(body) if body is not None else None
    return getattr(client, method)(url, data, content_type="application/json", headers=headers)


def _add(client, offer, quantity: int = 2, billing_plan: str = "monthly", key=None):
    body = {"offer_id": offer.pk, "billing_plan": billing_plan, "quantity": quantity}
    return _send(client, "post", LINES, body, key=key)


def _cart_with(shop, user, offer, quantity: int = 2, organization=None) -> CartLine:
    """``user``'s cart in ``organization`` (the customer) with one line, via the services."""
    cart = cart_get_or_create(session_key="", user=user, organization=organization or shop.customer)
    return cart_line_add(cart=cart, offer=offer, billing_plan="monthly", quantity=quantity)


def _e3_line(shop, line_id: int, quantity: int, unit: str, total: str) -> dict:
    return {
        "id": line_id,
        "offer_id": shop.e3.pk,
        "offer_name": "Office 365 E3",
        "product_name": "Office 365 E3",
        "sku": "CFQ7TTC0LF8Q",
        "term": "P1Y",
        "billing_plan": "monthly",
        "quantity": quantity,
        "available": True,
        "unit_price": unit,
        "total": total,
        "markup_percent": None,
    }


def _cart_json(cart_id, lines: list, subtotal: str, **overrides) -> dict:
    body = {
        "id": cart_id,
        "currency": "USD",
        "lines": lines,
        "item_count": len(lines),
        "subtotal": subtotal,
        "discount": "0.00",
        "coupon_code": "",
        "coupon_error": "",
        "extra_charge": "0.00",
        "shipping_required": False,
        "shipping": "0.00",
        "tax_rate": "0",
        "tax": "0.00",
        "total": subtotal,
    }
    body.update(overrides)
    return body


def _checkout_body(*lines: CartLine, **changes) -> dict:
    body = {
        "payment_method": "liqpay",
        "billing": BILLING,
        "accept_mca": True,
        "target_tenants": {str(line.pk): "fabrikam" for line in lines},
    }
    body.update(changes)
    return body


def _error(code: str, message: str, details: dict | None = None) -> dict:
    return {"error": {"code": code, "message": message, "details": details or {}}}


ROLE_REQUIRED = _error(
    "role_required", "Your role does not allow this.", {"role": Role.READ_ONLY.value}
)


# --- the cart -------------------------------------------------------------------------------


def test_cart_get_answers_an_empty_cart_before_the_first_line(api):
    response = api.get(CART)

    assert response.status_code == 200
    assert response.json() == _cart_json(None, [], "0.00")
    assert not Cart.objects.exists()


def test_cart_line_add_creates_the_cart_and_prices_the_line_on_the_server(shop, buyer, api):
    response = _add(api, shop.e3, quantity=2)

    cart = Cart.objects.get()
    line = CartLine.objects.get()
    assert (cart.user, cart.organization) == (buyer, shop.customer)
    assert (line.offer, line.billing_plan, line.quantity) == (shop.e3, "monthly", 2)
    assert response.status_code == 201
    assert response.json() == _cart_json(
        cart.pk, [_e3_line(shop, line.pk, 2, "21.74", "43.48")], "43.48"
    )
    assert api.get(CART).json() == response.json()


def test_the_same_offer_and_plan_again_raises_the_lines_quantity(shop, api):
    _add(api, shop.e3, quantity=2)

    response = _add(api, shop.e3, quantity=1)

    line = CartLine.objects.get()
    assert line.quantity == 3
    assert response.json()["lines"] == [_e3_line(shop, line.pk, 3, "21.74", "65.22")]
    assert response.json()["total"] == "65.22"


def test_cart_get_prices_the_cart_in_the_currency_asked(shop, api):
    _add(api, shop.e3, quantity=3)

    response = api.get(CART, {"currency": "uah"})

    body = response.json()
    assert response.status_code == 200
    assert (body["currency"], body["subtotal"], body["total"]) == ("UAH", "2706.00", "2706.00")
    assert (body["lines"][0]["unit_price"], body["lines"][0]["total"]) == ("902.00", "2706.00")


def test_an_unknown_currency_is_refused(api):
    response = api.get(CART, {"currency": "GBP"})

    assert response.status_code == 400
    assert response.json() == _error(
        "invalid_currency",
        "currency must be one of: USD, EUR, UAH.",
        {"field": "currency", "allowed": ["USD", "EUR", "UAH"]},
    )


@pytest.mark.parametrize("field", ["unit_price", "total", "price", "markup_percent"])
def test_a_price_in_the_line_body_is_refused_and_nothing_is_written(shop, api, field):
    body = {"offer_id": shop.e3.pk, "billing_plan": "monthly", "quantity": 2, field: "1.00"}

    response = _send(api, "post", LINES, body)

    assert response.status_code == 400
    assert response.json() == _error(
        "invalid_input",
        f"payload.{field}: Extra inputs are not permitted",
        {"fields": [{"field": f"payload.{field}", "message": "Extra inputs are not permitted"}]},
    )
    assert not Cart.objects.exists()
    assert not CartLine.objects.exists()


def test_a_total_in_the_quantity_body_is_refused_and_the_line_keeps_its_quantity(shop, api):
    _add(api, shop.e3, quantity=2)
    line = CartLine.objects.get()

    response = _send(api, "patch", f"{LINES}{line.pk}/", {"quantity": 5, "total": "0.01"})

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_input"
    line.refresh_from_db()
    assert line.quantity == 2


@pytest.mark.parametrize("quantity", [0, -1, 301])
def test_a_quantity_outside_the_offers_limits_is_refused_and_nothing_is_written(
    shop, api, quantity
):
    response = _add(api, shop.e3, quantity=quantity)

    assert response.status_code == 400
    assert response.json() == _error(
        "invalid_quantity", "Choose a quantity from 1 to 300.", {"min": 1, "max": 300}
    )
    assert not CartLine.objects.exists()
    assert not Cart.objects.exists()  # not even an empty cart


def test_adding_beyond_the_maximum_is_refused_and_the_line_keeps_its_quantity(shop, api):
    _add(api, shop.e3, quantity=299)

    response = _add(api, shop.e3, quantity=2)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_quantity"
    assert CartLine.objects.get().quantity == 299


def test_an_offer_not_sold_or_a_plan_it_lacks_is_refused(shop, api):
    shop.e3_academic.is_active = False
    shop.e3_academic.save(update_fields=["is_active"])

    gone = _add(api, shop.e3_academic, quantity=1)
    weekly = _add(api, shop.e3, quantity=1, billing_plan="weekly")

    assert gone.status_code == 404
    assert gone.json() == _error(
        "offer_not_found", "This offer is no longer sold.", {"id": shop.e3_academic.pk}
    )
    assert weekly.status_code == 400
    assert weekly.json() == _error(
        "invalid_billing_plan", "This billing plan is not available for this offer."
    )
    assert not Cart.objects.exists()


def test_cart_line_update_sets_the_quantity(shop, api):
    _add(api, shop.e3, quantity=2)
    line = CartLine.objects.get()

    response = _send(api, "patch", f"{LINES}{line.pk}/", {"quantity": 4})

    assert response.status_code == 200
    assert response.json() == _cart_json(
        line.cart_id, [_e3_line(shop, line.pk, 4, "21.74", "86.96")], "86.96"
    )
    line.refresh_from_db()
    assert line.quantity == 4


def test_cart_line_update_to_zero_removes_the_line(shop, api):
    _add(api, shop.e3, quantity=2)
    line = CartLine.objects.get()

    response = _send(api, "patch", f"{LINES}{line.pk}/", {"quantity": 0})

    assert response.status_code == 200
    assert response.json() == _cart_json(line.cart_id, [], "0.00")
    assert not CartLine.objects.exists()


def test_cart_line_update_beyond_the_maximum_is_refused(shop, api):
    _add(api, shop.e3, quantity=2)
    line = CartLine.objects.get()

    response = _send(api, "patch", f"{LINES}{line.pk}/", {"quantity": 301})

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_quantity"
    line.refresh_from_db()
    assert line.quantity == 2


def test_cart_line_remove_drops_the_line_and_the_add_ons_left_without_a_base(shop, api):
    _add(api, shop.e3, quantity=2)
    _add(api, shop.teams_addon, quantity=1)
    base = CartLine.objects.get(offer=shop.e3)

    response = _send(api, "delete", f"{LINES}{base.pk}/")

    assert response.status_code == 200
    assert response.json() == _cart_json(base.cart_id, [], "0.00")
    assert not CartLine.objects.exists()


def test_an_unknown_line_is_a_404(api, shop):
    _add(api, shop.e3, quantity=2)

    response = _send(api, "patch", f"{LINES}999999/", {"quantity": 1})

    assert response.status_code == 404
    assert response.json() == _error("cart_line_not_found", "This item is no longer in your cart.")
    assert CartLine.objects.get().quantity == 2


def test_a_coupon_discounts_the_cart_and_removing_it_takes_the_discount_off(shop, api):
    Coupon.objects.create(
        organization=shop.reseller, code="SAVE10", kind=CouponKind.PERCENT, value=Decimal(10)
    )
    _add(api, shop.e3, quantity=2)
    line = CartLine.objects.get()
    expected_line = [_e3_line(shop, line.pk, 2, "21.74", "43.48")]

    applied = _send(api, "post", COUPON, {"code": "SAVE10"})

    assert applied.status_code == 200
    assert applied.json() == _cart_json(
        line.cart_id,
        expected_line,
        "43.48",
        discount="4.35",
        coupon_code="SAVE10",
        total="39.13",
    )
    assert Cart.objects.get().coupon_code == "SAVE10"

    removed = _send(api, "delete", COUPON)

    assert removed.status_code == 200
    assert removed.json() == _cart_json(line.cart_id, expected_line, "43.48")
    assert Cart.objects.get().coupon_code == ""


def test_a_coupon_that_does_not_apply_is_refused_and_the_cart_keeps_its_coupon(shop, api):
    Coupon.objects.create(
        organization=shop.reseller, code="SAVE10", kind=CouponKind.PERCENT, value=Decimal(10)
    )
    _add(api, shop.e3, quantity=2)
    _send(api, "post", COUPON, {"code": "SAVE10"})

    response = _send(api, "post", COUPON, {"code": "NOPE"})

    assert response.status_code == 400
    assert response.json() == _error("coupon_not_found", "This coupon code is not valid.")
    assert Cart.objects.get().coupon_code == "SAVE10"


def test_a_coupon_on_an_empty_cart_is_refused(api):
    response = _send(api, "post", COUPON, {"code": "SAVE10"})

    assert response.status_code == 400
    assert response.json() == _error(
        "cart_empty", "Add something to your cart before applying a coupon."
    )
    assert not Cart.objects.exists()


def test_a_repeated_line_add_with_the_same_key_adds_the_quantity_once(shop, api):
    first = _add(api, shop.e3, quantity=2, key="add-e3-1")
    again = _add(api, shop.e3, quantity=2, key="add-e3-1")

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert CartLine.objects.get().quantity == 2


def test_the_same_key_for_another_organization_is_refused(shop, buyer):
    second = make_customer(shop.reseller)
    make_member(second, Role.OWNER, user=buyer)
    client = _session_client(buyer, shop.customer)
    _add(client, shop.e3, quantity=2, key="add-e3-1")
    session = client.session
    session["organization_id"] = second.pk
    session.save()

    response = _add(client, shop.e3, quantity=2, key="add-e3-1")

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "idempotency_key_reused"
    assert list(Cart.objects.values_list("organization", flat=True)) == [shop.customer.pk]


# --- checkout -------------------------------------------------------------------------------


def test_checkout_get_says_what_the_cart_needs_with_its_totals(shop, api):
    _add(api, shop.e3, quantity=2)
    line = CartLine.objects.get()

    response = api.get(CHECKOUT)

    profile = {
        "name": shop.customer.name,
        "contact_name": "",
        "email": "",
        "phone": "",
        "address_line1": "",
        "address_line2": "",
        "postal_code": "",
        "city": "",
        "country": "",
        "tax_number": "",
    }
    assert response.status_code == 200
    assert response.json() == {
        "payment_methods": ["liqpay"],
        "needs_mca": True,
        "mca_version": "2024-06",
        "mca_url": "https://aka.ms/customeragreement",
        "needs_vendor_terms": False,
        "shipping_required": False,
        "needs_shipping_method": False,
        "shipping_methods": [],
        "microsoft_lines": [
            {"line_id": line.pk, "offer_name": "Office 365 E3", "default_tenant": ""}
        ],
        "billing": profile,
        "addresses": [{"id": "profile", "is_profile": True, "complete": False, **profile}],
        "cart": _cart_json(line.cart_id, [_e3_line(shop, line.pk, 2, "21.74", "43.48")], "43.48"),
    }


def test_checkout_place_requires_an_idempotency_key(shop, api):
    _add(api, shop.e3, quantity=2)
    line = CartLine.objects.get()

    response = _send(api, "post", CHECKOUT, _checkout_body(line))

    assert response.status_code == 400
    assert response.json() == _error(
        "idempotency_key_required",
        "Send an Idempotency-Key header with this request.",
        {"header": "Idempotency-Key"},
    )
    assert not Order.objects.exists()
    assert CartLine.objects.count() == 1


def test_checkout_place_by_card_answers_the_order_the_payment_and_the_signed_form(shop, buyer, api):
    _add(api, shop.e3, quantity=2)
    line = CartLine.objects.get()

    response = _send(api, "post", CHECKOUT, _checkout_body(line), key="checkout-1")

    assert response.status_code == 201
    order = Order.objects.get()
    payment = Payment.objects.get()
    assert (order.organization, order.placed_by, order.seller) == (
        shop.customer,
        buyer,
        shop.reseller,
    )
    assert (order.status, order.payment_method, order.total) == (
        OrderStatus.AWAITING_PAYMENT,
        PaymentMethod.LIQPAY,
        Decimal("43.48"),
    )
    assert (payment.gateway, payment.status, payment.amount, payment.reference) == (
        Gateway.LIQPAY,
        PaymentStatus.PENDING,
        Decimal("43.48"),
        order.number,
    )
    body = response.json()
    assert body["order"]["number"] == order.number
    assert (body["order"]["status"], body["order"]["total"]) == ("awaiting_payment", "43.48")
    assert body["order"]["lines"][0]["target_tenant"] == "fabrikam.onmicrosoft.com"
    assert body["order"]["billing"] == {
        **BILLING,
        "contact_name": "",
        "email": "",
        "phone": "",
        "address_line2": "",
        "tax_number": "",
    }
    assert (body["order"]["shipping_address"], body["order"]["shipping_method_name"]) == (None, "")
    assert body["payment"] == {
        "id": str(payment.pk),
        "reference": order.number,
        "gateway": "liqpay",
        "status": "pending",
        "amount": "43.48",
        "refunded_amount": "0.00",
        "currency": "USD",
        "sandbox": True,
        "created_at": body["payment"]["created_at"],
        "updated_at": body["payment"]["updated_at"],
    }
    assert body["order"]["payments"] == [body["payment"]]
    form = body["liqpay"]
    assert form["action"] == "https://www.liqpay.ua/api/3/checkout"
    assert liqpay_verify(data=form["data"], signature=form["signature"], private_key=PRIVATE_KEY)
    params = liqpay_decode(form["data"])
    assert (params["public_key"], params["action"], params["amount"], params["currency"]) == (
        PUBLIC_KEY,
        "pay",
        "43.48",
        "USD",
    )
    assert params["order_id"] == payment.gateway_order_id
    assert params["server_url"] == "http://testserver/payments/liqpay/callback/"
    # Placed: the cart is empty, the agreement recorded.
    assert not CartLine.objects.exists()
    assert AgreementAcceptance.objects.get().organization == shop.customer


def test_a_repeated_checkout_with_the_same_key_places_exactly_one_order(shop, api):
    _add(api, shop.e3, quantity=2)
    body = _checkout_body(CartLine.objects.get())

    first = _send(api, "post", CHECKOUT, body, key="checkout-1")
    again = _send(api, "post", CHECKOUT, body, key="checkout-1")

    assert (first.status_code, again.status_code) == (201, 200)
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert again.json()["order"]["number"] == Order.objects.get().number
    assert Order.objects.count() == 1
    assert Payment.objects.count() == 1


def test_the_same_checkout_key_with_another_body_is_refused_and_places_nothing_more(shop, api):
    _add(api, shop.e3, quantity=2)
    line = CartLine.objects.get()
    _send(api, "post", CHECKOUT, _checkout_body(line), key="checkout-1")

    response = _send(
        api, "post", CHECKOUT, _checkout_body(line, payment_method="invoice"), key="checkout-1"
    )

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "idempotency_key_reused"
    assert Order.objects.count() == 1
    assert Payment.objects.count() == 1


def test_two_buyers_may_use_the_same_key_for_their_own_orders(shop, api):
    colleague = make_member(shop.customer, Role.BILLING)
    other = _key_client(colleague, shop.customer)
    _add(api, shop.e3, quantity=2)
    _add(other, shop.e3, quantity=1)
    mine, theirs = CartLine.objects.order_by("pk")

    first = _send(api, "post", CHECKOUT, _checkout_body(mine), key="checkout-1")
    second = _send(other, "post", CHECKOUT, _checkout_body(theirs), key="checkout-1")

    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["order"]["number"] != second.json()["order"]["number"]
    assert sorted(Order.objects.values_list("total", flat=True)) == [
        Decimal("21.74"),
        Decimal("43.48"),
    ]


def test_a_contract_customer_checks_out_by_invoice_without_a_card_form(shop, api):
    shop.customer.is_contract_customer = True
    shop.customer.save(update_fields=["is_contract_customer"])
    _add(api, shop.e3, quantity=2)
    line = CartLine.objects.get()
    assert api.get(CHECKOUT).json()["payment_methods"] == ["invoice"]

    response = _send(
        api, "post", CHECKOUT, _checkout_body(line, payment_method="invoice"), key="checkout-1"
    )

    assert response.status_code == 201
    body = response.json()
    payment = Payment.objects.get()
    assert (payment.gateway, payment.status, payment.account) == (
        Gateway.INVOICE,
        PaymentStatus.PENDING,
        None,
    )
    assert (body["order"]["payment_method"], body["order"]["status"]) == (
        "invoice",
        "awaiting_payment",
    )
    assert (body["payment"]["gateway"], body["payment"]["amount"]) == ("invoice", "43.48")
    assert body["liqpay"] is None


def test_a_contract_customer_cannot_pay_by_card_and_nothing_is_written(shop, api):
    shop.customer.is_contract_customer = True
    shop.customer.save(update_fields=["is_contract_customer"])
    _add(api, shop.e3, quantity=2)
    line = CartLine.objects.get()

    response = _send(api, "post", CHECKOUT, _checkout_body(line), key="checkout-1")

    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["code"], error["message"]) == (
        "checkout_invalid",
        "Please correct the marked fields.",
    )
    assert list(error["details"]["fields"]) == ["payment_method"]
    assert not Order.objects.exists()
    assert not Payment.objects.exists()
    assert not AgreementAcceptance.objects.exists()
    assert CartLine.objects.get().quantity == 2


def test_a_price_in_the_checkout_body_is_refused_and_nothing_is_written(shop, api):
    _add(api, shop.e3, quantity=2)
    line = CartLine.objects.get()

    response = _send(api, "post", CHECKOUT, _checkout_body(line, total="0.01"), key="checkout-1")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_input"
    assert not Order.objects.exists()
    assert not IdempotencyRecord.objects.exists()
    assert CartLine.objects.count() == 1


@pytest.mark.parametrize("line_id", ["first", "-1", "\u00b2", ""])
def test_target_tenants_not_keyed_by_line_ids_are_refused(shop, api, line_id):
    _add(api, shop.e3, quantity=2)
    body = _checkout_body(target_tenants={line_id: "fabrikam"})

    response = _send(api, "post", CHECKOUT, body, key="checkout-1")

    assert response.status_code == 400
    assert response.json() == _error(
        "invalid_input",
        "target_tenants must map cart line ids to domains.",
        {"field": "target_tenants"},
    )
    assert not Order.objects.exists()
    assert CartLine.objects.count() == 1


def test_checkout_of_an_empty_cart_is_a_409(api):
    response = _send(api, "post", CHECKOUT, _checkout_body(), key="checkout-1")

    assert response.status_code == 409
    assert response.json() == _error("checkout_cart_changed", "Your cart is empty.")
    assert not Order.objects.exists()


# --- access ---------------------------------------------------------------------------------

ENDPOINTS = [
    ("get", CART, None),
    ("post", LINES, {"offer_id": 1, "billing_plan": "monthly", "quantity": 1}),
    ("patch", f"{LINES}{{line}}/", {"quantity": 5}),
    ("delete", f"{LINES}{{line}}/", None),
    ("post", COUPON, {"code": "SAVE10"}),
    ("delete", COUPON, None),
    ("get", CHECKOUT, None),
    ("post", CHECKOUT, {"payment_method": "liqpay", "accept_mca": True}),
]
WRITES = [endpoint for endpoint in ENDPOINTS if endpoint[:2] != ("get", CART)]


@pytest.mark.parametrize(("method", "url", "body"), ENDPOINTS)
def test_every_endpoint_refuses_an_anonymous_caller(shop, buyer, method, url, body):
    line = _cart_with(shop, buyer, shop.e3, quantity=2)

    response = _send(Client(), method, url.format(line=line.pk), body, key="anonymous-1")

    assert response.status_code == 401
    assert response.json() == _error("not_authenticated", "Sign in or send an API key.")
    assert list(CartLine.objects.values_list("pk", "quantity")) == [(line.pk, 2)]
    assert Cart.objects.count() == 1
    assert not Order.objects.exists()
    assert not IdempotencyRecord.objects.exists()


@pytest.mark.parametrize(("method", "url", "body"), ENDPOINTS)
def test_a_revoked_or_unknown_api_key_is_refused(shop, buyer, method, url, body):
    line = _cart_with(shop, buyer, shop.e3, quantity=2)
    client = Client(headers={"X-API-Key": "sw_" + "x" * 43})

    response = _send(client, method, url.format(line=line.pk), body, key="unknown-1")

    assert response.status_code == 401
    assert CartLine.objects.get().quantity == 2
    assert not Order.objects.exists()


@pytest.mark.parametrize("method", ["patch", "delete"])
def test_another_organizations_cart_line_is_a_404_and_stays_unchanged(shop, buyer, method):
    line = _cart_with(shop, buyer, shop.e3, quantity=2)
    outsider = make_member(make_customer(shop.reseller), Role.OWNER)
    client = _key_client(outsider, outsider.memberships.get().organization)

    response = _send(client, method, f"{LINES}{line.pk}/", {"quantity": 5})

    assert response.status_code == 404
    assert response.json() == _error("cart_line_not_found", "This item is no longer in your cart.")
    assert list(CartLine.objects.values_list("pk", "quantity")) == [(line.pk, 2)]
    assert Cart.objects.count() == 1  # the outsider got no cart either


@pytest.mark.parametrize("method", ["patch", "delete"])
def test_a_colleagues_cart_line_is_a_404_too(shop, buyer, method):
    line = _cart_with(shop, buyer, shop.e3, quantity=2)
    colleague = make_member(shop.customer, Role.OWNER)

    response = _send(
        _key_client(colleague, shop.customer), method, f"{LINES}{line.pk}/", {"quantity": 5}
    )

    assert response.status_code == 404
    assert CartLine.objects.get().quantity == 2


def test_another_organizations_caller_sees_only_their_own_empty_cart(shop, buyer):
    _cart_with(shop, buyer, shop.e3, quantity=2)
    outsider_org = make_customer(shop.reseller)
    client = _key_client(make_member(outsider_org, Role.OWNER), outsider_org)

    cart = client.get(CART)
    checkout = client.get(CHECKOUT)
    placed = _send(client, "post", CHECKOUT, _checkout_body(), key="checkout-1")

    assert cart.json() == _cart_json(None, [], "0.00")
    assert checkout.json()["cart"] == _cart_json(None, [], "0.00")
    assert placed.status_code == 409
    assert not Order.objects.exists()
    assert CartLine.objects.get().quantity == 2


def test_a_user_without_an_organization_is_a_404(shop):
    client = _session_client(make_user())

    response = client.get(CART)

    assert response.status_code == 404
    assert response.json() == _error(
        "organization_not_found", "You do not act for an organization yet."
    )


def test_a_read_only_member_may_read_the_cart(shop):
    reader = make_member(shop.customer, Role.READ_ONLY)
    line = _cart_with(shop, reader, shop.e3, quantity=2)

    response = _session_client(reader).get(CART)

    assert response.status_code == 200
    assert response.json() == _cart_json(
        line.cart_id, [_e3_line(shop, line.pk, 2, "21.74", "43.48")], "43.48"
    )


@pytest.mark.parametrize(("method", "url", "body"), WRITES)
def test_a_read_only_member_cannot_change_the_cart_or_check_out(shop, method, url, body):
    reader = make_member(shop.customer, Role.READ_ONLY)
    line = _cart_with(shop, reader, shop.e3, quantity=2)
    if url == LINES:
        body = {**body, "offer_id": shop.e3.pk}

    response = _send(
        _session_client(reader), method, url.format(line=line.pk), body, key="reader-1"
    )

    assert response.status_code == 403
    assert response.json() == ROLE_REQUIRED
    assert list(CartLine.objects.values_list("pk", "quantity")) == [(line.pk, 2)]
    assert Cart.objects.get().coupon_code == ""
    assert not Order.objects.exists()


def test_a_reseller_manager_acting_for_the_customer_fills_the_customers_cart(shop):
    manager = make_member(shop.reseller, Role.ACCOUNT_MANAGER)
    client = _session_client(manager, shop.customer)

    response = _add(client, shop.e3, quantity=1)

    assert response.status_code == 201
    cart = Cart.objects.get()
    assert (cart.user, cart.organization) == (manager, shop.customer)
