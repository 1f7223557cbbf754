"""The checkout pages: the steps, the confirm page's idempotency key, the LiqPay form, the
invoice path, the payment result page (HTMX polling) and the access matrix."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from django.test import Client

from seatwise.cart.models import Cart, CartLine
from seatwise.orders.enums import OrderStatus, PaymentMethod
from seatwise.orders.models import Order
from seatwise.orders.services import order_mark_paid
from seatwise.payments import liqpay
from seatwise.payments.enums import Gateway
from seatwise.payments.models import Payment
from seatwise.payments.tests.factories import make_account
from seatwise.tenancy.enums import AgreementType, Role
from seatwise.tenancy.models import AgreementAcceptance
from seatwise.tenancy.services import organization_tenant_record
from seatwise.tenancy.tests.factories import make_customer, make_member

pytestmark = pytest.mark.django_db

BILLING = {
    "name": "Fabrikam School",
    "address_line1": "1 Khreshchatyk St",
    "address_line2": "",
    "postal_code": "01001",
    "city": "Kyiv",
    "country": "UA",
    "tax_number": "12345678",
}


@pytest.fixture
def account(shop):
    return make_account(shop.provider, checkout_url="https://liqpay.example/api/3/checkout")


@pytest.fixture
def owner(shop, client, account):
    shop.customer.address_line1 = "1 Khreshchatyk St"
    shop.customer.city = "Kyiv"
    shop.customer.postal_code = "01001"
    shop.customer.country = "UA"
    shop.customer.save()
    user = make_member(shop.customer)
    client.force_login(user)
    return user


def _add(client, offer, quantity=2):
    response = client.post(
        "/cart/add/",
        {"offer": offer.pk, "billing_plan": offer.billing_plans[0], "quantity": quantity},
    )
    assert response.status_code == 302


def _walk_to_confirm(client, cart_line_ids=(), *, method=PaymentMethod.LIQPAY, ships=False):
    if ships:  # a line ships: the shipping address step (the shop has no shipping methods)
        assert client.post("/checkout/", BILLING)["Location"] == "/checkout/shipping/"
        response = client.post("/checkout/shipping/", {"address": "billing"})
        assert response["Location"] == "/checkout/payment/"
    else:
        assert client.post("/checkout/", BILLING)["Location"] == "/checkout/payment/"
    assert (
        client.post("/checkout/payment/", {"payment_method": method})["Location"]
        == "/checkout/agreements/"
    )
    data = {"accept_mca": "on", "accept_vendor_terms": "on", "ship_to_billing": "on"}
    data.update({f"tenant_{pk}": "fabrikamschool" for pk in cart_line_ids})
    assert client.post("/checkout/agreements/", data)["Location"] == "/checkout/confirm/"
    page = client.get("/checkout/confirm/")
    assert page.status_code == 200
    return page.content.decode()


def _key(page: str) -> str:
    return re.search(r'name="idempotency_key" value="([0-9a-f]+)"', page).group(1)


def _payment_url(order) -> str:
    return f"/account/orders/{quote(order.number)}/payment/"


def test_the_cart_links_to_checkout(client, shop, owner):
    _add(client, shop.e3)
    page = client.get("/cart/").content.decode()
    assert 'href="/checkout/" data-checkout' in page


def test_anonymous_is_sent_to_sign_in_and_back(client, shop):
    for url in ("/checkout/", "/checkout/payment/", "/checkout/agreements/", "/checkout/confirm/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next={quote(url)}"
    assert client.post("/checkout/confirm/", {"idempotency_key": "x"}).status_code == 302
    assert not Order.objects.exists()


def test_an_empty_cart_goes_back_to_the_cart(client, shop, owner):
    assert client.get("/checkout/")["Location"] == "/cart/"


def test_billing_is_prefilled_from_the_organization_and_checked(client, shop, owner):
    _add(client, shop.e3)
    page = client.get("/checkout/").content.decode()
    assert 'value="Fabrikam School"' in page and 'value="Kyiv"' in page
    response = client.post("/checkout/", {**BILLING, "name": "", "country": "ZZ"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "This field is required." in page and "Choose a country from the list." in page
    # Skipping ahead with a wrong address comes back to the first step.
    assert client.get("/checkout/confirm/")["Location"] in ("/checkout/", "/checkout/payment/")


def test_a_customer_checks_out_with_liqpay_once_even_when_confirming_twice(client, shop, owner):
    _add(client, shop.e3, quantity=2)
    line = Cart.objects.get(user=owner).lines.get()
    page = client.get("/checkout/agreements/").content.decode()
    assert "I accept the Microsoft Customer Agreement" in page
    assert "I accept the vendor&#x27;s terms" not in page
    page = _walk_to_confirm(client, [line.pk])
    assert "fabrikamschool.onmicrosoft.com" in page and "Card (LiqPay)" in page
    key = _key(page)

    response = client.post("/checkout/confirm/", {"idempotency_key": key, "total": "0.01"})
    assert response.status_code == 200
    page = response.content.decode()
    order = Order.objects.get()
    assert order.status == OrderStatus.AWAITING_PAYMENT
    assert order.total > 1  # the browser's "total" is ignored
    assert 'action="https://liqpay.example/api/3/checkout"' in page
    data = re.search(r'name="data" value="([^"]+)"', page).group(1)
    params = liqpay.liqpay_decode(data)
    assert params["result_url"] == "http://testserver" + _payment_url(order)
    assert params["server_url"] == "http://testserver/payments/liqpay/callback/"
    assert params["order_id"] == Payment.objects.get().gateway_order_id
    acceptance = AgreementAcceptance.objects.get()
    assert (acceptance.user, acceptance.ip) == (owner, "127.0.0.1")

    again = client.post("/checkout/confirm/", {"idempotency_key": key})
    assert again.status_code == 200 and "data-liqpay-form" in again.content.decode()
    assert Order.objects.count() == 1 and Payment.objects.count() == 1

    # The result page polls while the payment is pending, then shows it paid.
    page = client.get(_payment_url(order)).content.decode()
    assert 'hx-trigger="every 2s"' in page and "data-payment-pending" in page
    fragment = client.get(_payment_url(order), headers={"HX-Request": "true"}).content.decode()
    assert fragment.startswith('<div id="payment-status"') and "<html" not in fragment
    order_mark_paid(order=order)
    page = client.get(_payment_url(order)).content.decode()
    assert "data-payment-paid" in page and "every 2s" not in page
    # LiqPay may come back with a POST: the page shows the same.
    assert client.post(_payment_url(order), {"data": "x"}).status_code == 200

    detail = client.get(f"/account/orders/{quote(order.number)}/").content.decode()
    assert 'data-payment="pending"' in detail and "LiqPay" in detail


def test_a_contract_customer_pays_by_invoice(client, shop, owner):
    shop.customer.is_contract_customer = True
    shop.customer.save(update_fields=["is_contract_customer"])
    _add(client, shop.book_offer, quantity=1)
    page = client.get("/checkout/payment/").content.decode()
    assert 'value="invoice"' in page and 'value="liqpay"' not in page
    assert client.post("/checkout/payment/", {"payment_method": "liqpay"}).status_code == 200
    page = _walk_to_confirm(client, method=PaymentMethod.INVOICE, ships=True)
    assert "Shipping address" in page and "Sales invoice" in page
    response = client.post("/checkout/confirm/", {"idempotency_key": _key(page)})
    order = Order.objects.get()
    assert response["Location"] == _payment_url(order)
    assert order.status == OrderStatus.AWAITING_PAYMENT
    assert Payment.objects.get().gateway == Gateway.INVOICE
    page = client.get(_payment_url(order)).content.decode()
    assert "data-invoice-sent" in page and "every 2s" not in page
    # No Microsoft line: only the book vendor's terms are on record.
    assert list(AgreementAcceptance.objects.values_list("agreement", "subject")) == [
        (AgreementType.VENDOR_TERMS, shop.book_offer.product.vendor.slug)
    ]


def test_agreements_are_required(client, shop, owner):
    _add(client, shop.e3)
    line = Cart.objects.get(user=owner).lines.get()
    client.post("/checkout/", BILLING)
    client.post("/checkout/payment/", {"payment_method": "liqpay"})
    response = client.post("/checkout/agreements/", {f"tenant_{line.pk}": "no way!"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Accept the Microsoft Customer Agreement" in page
    assert "Use Latin letters and digits only" in page
    assert client.get("/checkout/confirm/")["Location"] == "/checkout/agreements/"
    assert not AgreementAcceptance.objects.exists()


def test_a_read_only_member_cannot_check_out(client, shop, account):
    reader = make_member(shop.customer, role=Role.READ_ONLY)
    client.force_login(reader)
    _add(client, shop.e3)
    for url in ("/checkout/", "/checkout/confirm/"):
        assert client.get(url).status_code == 403
    assert client.post("/checkout/confirm/", {"idempotency_key": "k"}).status_code == 403
    assert not Order.objects.exists()


def test_another_organization_cannot_see_or_pay_the_order(client, shop, owner):
    _add(client, shop.e3)
    line = Cart.objects.get(user=owner).lines.get()
    page = _walk_to_confirm(client, [line.pk])
    client.post("/checkout/confirm/", {"idempotency_key": _key(page)})
    order = Order.objects.get()

    outsider = make_member(make_customer(shop.reseller, "Globex"))
    client.force_login(outsider)
    assert client.get(_payment_url(order)).status_code == 404
    assert client.get(f"/account/orders/{quote(order.number)}/").status_code == 404
    # Their own (empty) cart: nothing to check out, and the owner's key places nothing.
    assert client.get("/checkout/confirm/")["Location"] == "/cart/"
    response = client.post("/checkout/confirm/", {"idempotency_key": _key(page)})
    assert response["Location"] == "/cart/"
    assert Order.objects.count() == 1

    client.logout()
    response = client.get(_payment_url(order))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_tenant_is_the_organizations_own_or_a_new_free_name_checked_by_the_connector(
    client, shop, owner
):
    organization_tenant_record(organization=shop.customer, tenant_domain="fabrikamhq")
    _add(client, shop.e3, quantity=1)
    line = CartLine.objects.get()
    client.post("/checkout/", BILLING)
    client.post("/checkout/payment/", {"payment_method": PaymentMethod.LIQPAY})
    page = client.get("/checkout/agreements/").content.decode()
    assert '<option value="fabrikamhq">' in page  # the organization's own tenant is offered
    assert 'value="fabrikamhq"' in page.split(f'id="tenant-{line.pk}"')[1][:400]

    # A name someone else has (the embedded connector knows contoso) is refused, saved nowhere.
    data = {"accept_mca": "on", f"tenant_{line.pk}": "contoso"}
    response = client.post("/checkout/agreements/", data)
    assert response.status_code == 200
    assert "contoso.onmicrosoft.com is already taken." in response.content.decode()
    assert "tenants" not in client.session.get("checkout", {})

    # The organization's own tenant, and a free new name, pass.
    for name in ("fabrikamhq", "fabrikamnewbranch"):
        data[f"tenant_{line.pk}"] = name
        assert client.post("/checkout/agreements/", data)["Location"] == "/checkout/confirm/"


def test_the_tenant_status_line_says_own_new_or_taken(client, shop, owner):
    organization_tenant_record(organization=shop.customer, tenant_domain="fabrikamhq")
    url = "/checkout/tenant-status/"

    def state(domain):
        body = client.get(url, {"domain": domain}, headers={"HX-Request": "true"}).content
        return re.search(r'data-domain-state="(\w+)"', body.decode()).group(1)

    assert state("fabrikamhq") == "existing"
    assert state("fabrikamnewbranch") == "new"
    assert state("contoso") == "taken"
    assert state("no spaces") == "invalid"
    assert Client().get(url, {"domain": "contoso"}).status_code == 302  # sign in first
