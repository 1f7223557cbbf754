"""The checkout API with the address book and shipping: ``GET /checkout/`` offers the
organization's addresses and the provider's shipping methods and prices the chosen one;
``POST /checkout/`` takes addresses by id (only the caller's organization's) or typed in and
a shipping method, charges the method's price computed on the server and keeps both on the
order; a bad choice is a field error and writes nothing."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.test import Client

from seatwise.cart.models import CartLine
from seatwise.cart.tests.factories import (
    build_shipping_shop,
    make_shipping_methods,
)
from seatwise.orders.models import Order
from seatwise.payments.liqpay import liqpay_decode
from seatwise.payments.models import Payment
from seatwise.pricing.models import ShippingMethod
from seatwise.pricing.services import shipping_method_upsert
from seatwise.tenancy.enums import Role
from seatwise.tenancy.models import Address, AgreementAcceptance
from seatwise.tenancy.services import address_add, api_key_create
from seatwise.tenancy.tests.factories import make_customer, make_member, make_provider

pytestmark = pytest.mark.django_db

CART = "/api/v1/cart/"
LINES = "/api/v1/cart/lines/"
CHECKOUT = "/api/v1/checkout/"
SCHOOL = {
    "name": "Fabrikam School",
    "contact_name": "Olha Sikur",
    "email": "olha@fabrikam.example",
    "phone": "+380672498010",
    "address_line1": "Polyova Str. 21",
    "address_line2": "",
    "postal_code": "03056",
    "city": "Kyiv",
    "country": "UA",
    "tax_number": "12345678",
}
WAREHOUSE = {
    "name": "Fabrikam Warehouse",
    "contact_name": "Petro Ivanenko",
    "email": "",
    "phone": "+380671112233",
    "address_line1": "Promyslova St 4",
    "address_line2": "Gate 2",
    "postal_code": "79000",
    "city": "Lviv",
    "country": "UA",
}


@pytest.fixture
def shop(settings):
    """The cart shop with a book that ships (46.20 USD for the reseller's customer), 20 % VAT
    of the reseller (the customer's seller) and the provider's LiqPay account."""
    return build_shipping_shop(settings)


@pytest.fixture
def methods(shop):
    return make_shipping_methods(shop.provider)


@pytest.fixture
def buyer(shop):
    return make_member(shop.customer, Role.OWNER)


@pytest.fixture
def api(shop, buyer):
    return _key_client(buyer, shop.customer)


@pytest.fixture
def book(api, shop):
    """The buyer's cart with one book (added through the API)."""
    body = {"offer_id": shop.book_offer.pk, "billing_plan": "one_time", "quantity": 1}
    assert _send(api, "post", LINES, body).status_code == 201
    return CartLine.objects.get()


@pytest.fixture
def book_of_addresses(shop, buyer):
    """The customer's address book: its billing office and its warehouse."""
    school = address_add(actor=buyer, organization=shop.customer, **SCHOOL)
    warehouse = address_add(actor=buyer, organization=shop.customer, **WAREHOUSE)
    return {"school": school, "warehouse": warehouse}


@pytest.fixture
def outsiders_address(shop):
    """An address of another customer of the same reseller."""
    globex = make_customer(shop.reseller, "Globex")
    return address_add(
        actor=make_member(globex, Role.OWNER),
        organization=globex,
        name="Globex",
        address_line1="Main St 1",
        postal_code="01001",
        city="Kyiv",
        country="UA",
    )


def _key_client(user, organization) -> Client:
    _key, raw = api_key_create(user=user, organization=organization, name="Integration")
    return Client(headers={"X-API-Key": raw})


def _send(client, method: str, url: str, body=None, key: str | None = None):
    headers = {"Idempotency-Key": key} if key is not None else {}
    data = json.dumps(body) if body is not None else None
    return getattr(client, method)(url, data, content_type="application/json", headers=headers)


def _checkout(client, key: str = "checkout-1", **changes):
    body = {"payment_method": "liqpay", "accept_vendor_terms": True}
    body.update(changes)
    return _send(client, "post", CHECKOUT, body, key=key)


def _choice(address: Address, **fields) -> dict:
    return {"id": str(address.pk), "is_profile": False, "complete": True, **fields}


def _fields(response) -> dict:
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert (error["code"], error["message"]) == (
        "checkout_invalid",
        "Please correct the marked fields.",
    )
    return error["details"]["fields"]


def _nothing_written(lines: int = 1) -> None:
    assert not Order.objects.exists()
    assert not Payment.objects.exists()
    assert not AgreementAcceptance.objects.exists()
    assert CartLine.objects.count() == lines


# --- GET /checkout/ ---------------------------------------------------------------------------


def test_checkout_get_offers_the_address_book_and_the_shipping_methods(
    shop, api, methods, book, book_of_addresses
):
    response = api.get(CHECKOUT)

    assert response.status_code == 200
    body = response.json()
    assert (body["shipping_required"], body["needs_shipping_method"]) == (True, True)
    assert body["shipping_methods"] == [
        {
            "id": methods["courier"].pk,
            "name": "Courier (Nova Poshta)",
            "price": "3.00",
            "currency": "USD",
        },
        {
            "id": methods["pickup"].pk,
            "name": "Pickup in Kyiv (free)",
            "price": "0.00",
            "currency": "USD",
        },
    ]
    assert body["addresses"] == [
        {"id": "profile", "is_profile": True, "complete": False, **body["billing"]},
        _choice(book_of_addresses["school"], **SCHOOL),
        _choice(book_of_addresses["warehouse"], **WAREHOUSE, tax_number=""),
    ]
    assert body["billing"]["name"] == shop.customer.name
    # No method chosen yet: no shipping charge.
    cart = body["cart"]
    assert (cart["subtotal"], cart["shipping"], cart["tax"], cart["total"]) == (
        "46.20",
        "0.00",
        "9.24",
        "55.44",
    )


def test_checkout_get_prices_the_shipping_method_asked_for_and_taxes_it(api, methods, book):
    response = api.get(CHECKOUT, {"shipping_method_id": methods["courier"].pk})

    cart = response.json()["cart"]
    assert (cart["subtotal"], cart["shipping"], cart["tax"], cart["total"]) == (
        "46.20",
        "3.00",
        "9.84",
        "59.04",
    )


def test_checkout_get_prices_the_methods_in_the_cart_currency(api, methods, book):
    response = api.get(CHECKOUT, {"currency": "UAH", "shipping_method_id": methods["pickup"].pk})

    body = response.json()
    assert [(m["name"], m["price"], m["currency"]) for m in body["shipping_methods"]] == [
        ("Courier (Nova Poshta)", "120.00", "UAH"),  # its own UAH price
        ("Pickup in Kyiv (free)", "0.00", "UAH"),  # 0 USD converted
    ]
    assert (body["cart"]["currency"], body["cart"]["shipping"]) == ("UAH", "0.00")


def test_checkout_get_refuses_a_method_of_another_provider_or_an_inactive_one(api, methods, book):
    drone = shipping_method_upsert(
        provider=make_provider("Other provider"), name="Drone", prices={"USD": "1.00"}
    )
    ShippingMethod.objects.filter(pk=methods["pickup"].pk).update(is_active=False)

    for method_id in (drone.pk, methods["pickup"].pk):
        response = api.get(CHECKOUT, {"shipping_method_id": method_id})

        assert response.status_code == 400
        assert response.json()["error"] == {
            "code": "invalid_input",
            "message": "Choose one of the shipping methods offered.",
            "details": {"field": "shipping_method_id"},
        }


def test_checkout_get_of_a_licences_only_cart_offers_no_shipping(shop, api, methods):
    _send(api, "post", LINES, {"offer_id": shop.e3.pk, "billing_plan": "monthly", "quantity": 1})

    body = api.get(CHECKOUT, {"shipping_method_id": methods["courier"].pk}).json()

    assert (body["shipping_required"], body["needs_shipping_method"]) == (False, False)
    assert body["shipping_methods"] == []
    # 21.735 + 20 % VAT (4.35): no shipping in it, whatever method is asked for.
    assert (body["cart"]["shipping"], body["cart"]["tax"], body["cart"]["total"]) == (
        "0.00",
        "4.35",
        "26.09",
    )


# --- POST /checkout/ --------------------------------------------------------------------------


def test_a_book_checks_out_with_saved_addresses_and_the_methods_price_as_shipping(
    shop, buyer, api, methods, book, book_of_addresses
):
    response = _checkout(
        api,
        billing_address_id=str(book_of_addresses["school"].pk),
        shipping_address_id=str(book_of_addresses["warehouse"].pk),
        shipping_method_id=methods["courier"].pk,
    )

    assert response.status_code == 201, response.content
    order = Order.objects.get()
    assert (order.subtotal, order.shipping, order.tax, order.total) == (
        Decimal("46.2000"),
        Decimal("3.0000"),
        Decimal("9.8400"),
        Decimal("59.0400"),
    )
    assert order.shipping_method_name == "Courier (Nova Poshta)"
    assert (
        order.billing_name,
        order.billing_contact_name,
        order.billing_email,
        order.billing_phone,
        order.billing_tax_number,
    ) == ("Fabrikam School", "Olha Sikur", "olha@fabrikam.example", "+380672498010", "12345678")
    assert (
        order.shipping_name,
        order.shipping_contact_name,
        order.shipping_phone,
        order.shipping_address_line1,
        order.shipping_address_line2,
        order.shipping_postal_code,
        order.shipping_city,
        order.shipping_country,
    ) == (
        "Fabrikam Warehouse",
        "Petro Ivanenko",
        "+380671112233",
        "Promyslova St 4",
        "Gate 2",
        "79000",
        "Lviv",
        "UA",
    )
    assert Payment.objects.get().amount == Decimal("59.04")
    body = response.json()
    assert body["order"]["billing"] == SCHOOL
    assert body["order"]["shipping_address"] == WAREHOUSE
    assert body["order"]["shipping_method_name"] == "Courier (Nova Poshta)"
    assert (body["order"]["shipping"], body["order"]["tax"], body["order"]["total"]) == (
        "3.00",
        "9.84",
        "59.04",
    )
    assert liqpay_decode(body["liqpay"]["data"])["amount"] == "59.04"
    assert not CartLine.objects.exists()
    assert Address.objects.count() == 2  # the book is read, not written


def test_addresses_typed_in_are_kept_on_the_order_and_saved_to_the_book(shop, api, methods, book):
    billing = {key: value for key, value in SCHOOL.items() if value}
    shipping = {key: value for key, value in WAREHOUSE.items() if value}

    response = _checkout(
        api, billing=billing, shipping_address=shipping, shipping_method_id=methods["pickup"].pk
    )

    assert response.status_code == 201, response.content
    body = response.json()["order"]
    assert (body["billing"], body["shipping_address"]) == (SCHOOL, WAREHOUSE)
    assert (body["shipping_method_name"], body["shipping"], body["total"]) == (
        "Pickup in Kyiv (free)",
        "0.00",
        "55.44",
    )
    # Typed in: both join the organization's address book, as on the pages.
    assert sorted(Address.objects.values_list("organization", "name", "address_line1")) == sorted(
        [
            (shop.customer.pk, SCHOOL["name"], SCHOOL["address_line1"]),
            (shop.customer.pk, WAREHOUSE["name"], WAREHOUSE["address_line1"]),
        ]
    )


def test_the_company_profile_by_id_ships_to_the_billing_address(shop, api, methods, book):
    shop.customer.legal_name = "Fabrikam School LLC"
    shop.customer.address_line1 = "1 Khreshchatyk St"
    shop.customer.postal_code = "01001"
    shop.customer.city = "Kyiv"
    shop.customer.country = "UA"
    shop.customer.save()

    response = _checkout(
        api,
        billing_address_id="profile",
        ship_to_billing=True,
        shipping_method_id=methods["courier"].pk,
    )

    assert response.status_code == 201, response.content
    order = Order.objects.get()
    assert (order.billing_name, order.billing_address_line1, order.billing_city) == (
        "Fabrikam School LLC",
        "1 Khreshchatyk St",
        "Kyiv",
    )
    assert (order.shipping_name, order.shipping_address_line1, order.shipping_city) == (
        "Fabrikam School LLC",
        "1 Khreshchatyk St",
        "Kyiv",
    )
    assert (order.shipping, order.total) == (Decimal("3.0000"), Decimal("59.0400"))


def test_a_licences_only_cart_needs_no_shipping_choice(shop, api, methods):
    _send(api, "post", LINES, {"offer_id": shop.e3.pk, "billing_plan": "monthly", "quantity": 1})
    line = CartLine.objects.get()

    response = _checkout(
        api,
        billing=SCHOOL,
        accept_mca=True,
        accept_vendor_terms=False,
        target_tenants={str(line.pk): "fabrikam"},
    )

    assert response.status_code == 201, response.content
    order = Order.objects.get()
    assert (order.shipping, order.shipping_method_name, order.shipping_name) == (
        Decimal(0),
        "",
        "",
    )
    body = response.json()["order"]
    assert (body["shipping_address"], body["shipping_method_name"], body["shipping"]) == (
        None,
        "",
        "0.00",
    )


@pytest.mark.parametrize("field", ["billing_address_id", "shipping_address_id"])
def test_an_address_of_another_organization_is_refused_like_one_that_does_not_exist(
    shop, api, methods, book, book_of_addresses, outsiders_address, field
):
    choices = {
        "billing_address_id": str(book_of_addresses["school"].pk),
        "shipping_address_id": str(book_of_addresses["warehouse"].pk),
        "shipping_method_id": methods["courier"].pk,
    }
    missing = Address.objects.order_by("pk").last().pk + 1000

    theirs = _checkout(api, key="checkout-1", **{**choices, field: str(outsiders_address.pk)})
    unknown = _checkout(api, key="checkout-2", **{**choices, field: str(missing)})
    as_number = _checkout(api, key="checkout-3", **{**choices, field: outsiders_address.pk})

    assert _fields(theirs) == {field: "Choose one of your addresses."}
    assert theirs.json() == unknown.json() == as_number.json()  # nothing tells them apart
    _nothing_written()
    assert Address.objects.count() == 3
    outsiders_address.refresh_from_db()
    assert (outsiders_address.organization.name, outsiders_address.name) == ("Globex", "Globex")


@pytest.mark.parametrize("value", ["", "profile ", "1.0", "-1", "\u00b2", "9" * 40])
def test_an_address_id_that_is_no_id_is_refused(api, methods, book, value):
    response = _checkout(api, billing_address_id=value, ship_to_billing=True, shipping_method_id=1)

    assert _fields(response) == {"billing_address_id": "Choose one of your addresses."}
    _nothing_written()


def test_a_method_of_another_provider_or_an_inactive_one_is_refused(
    api, methods, book, book_of_addresses
):
    drone = shipping_method_upsert(
        provider=make_provider("Other provider"), name="Drone", prices={"USD": "1.00"}
    )
    ShippingMethod.objects.filter(pk=methods["pickup"].pk).update(is_active=False)

    for number, method in enumerate((drone, methods["pickup"])):
        response = _checkout(
            api,
            key=f"checkout-{number}",
            billing_address_id=str(book_of_addresses["school"].pk),
            ship_to_billing=True,
            shipping_method_id=method.pk,
        )

        assert _fields(response) == {
            "shipping_method_id": "Choose one of the shipping methods offered."
        }
    _nothing_written()


def test_a_book_without_a_shipping_choice_is_refused_with_the_fields_to_send(
    api, methods, book, book_of_addresses
):
    response = _checkout(api, billing_address_id=str(book_of_addresses["school"].pk))

    assert _fields(response) == {
        "ship_to_billing": "Confirm the shipping address.",
        "shipping_method_id": "Choose a shipping method.",
    }
    _nothing_written()


def test_an_incomplete_address_is_refused_field_by_field(api, methods, book):
    response = _checkout(
        api,
        billing_address_id="profile",  # the company profile has a name only
        shipping_address={
            "name": "Fabrikam",
            "address_line1": "Promyslova St 4",
            "postal_code": "79000",
            "city": "Lviv",
            "country": "XX",
            "phone": "12",
        },
        shipping_method_id=methods["courier"].pk,
    )

    assert _fields(response) == {
        "billing_address_line1": "This field is required.",
        "billing_postal_code": "This field is required.",
        "billing_city": "This field is required.",
        "billing_country": "This field is required.",
        "shipping_country": "Choose a country from the list.",
        "shipping_phone": "Enter the phone number with its country code, e.g. +380 67 123 4567.",
    }
    _nothing_written()


def test_two_ways_to_the_same_address_are_refused(api, methods, book, book_of_addresses):
    school = str(book_of_addresses["school"].pk)

    response = _checkout(
        api,
        billing=SCHOOL,
        billing_address_id=school,
        ship_to_billing=True,
        shipping_address_id=school,
        shipping_method_id=methods["courier"].pk,
    )

    one_of = "Send only one of ship_to_billing, shipping_address_id and shipping_address."
    assert _fields(response) == {
        "billing_address_id": "Send either billing_address_id or billing, not both.",
        "ship_to_billing": one_of,
        "shipping_address_id": one_of,
    }
    _nothing_written()


@pytest.mark.parametrize(
    "changes",
    [
        {"shipping": "0.00"},
        {"shipping_price": "0.00"},
        {"shipping_address": {**WAREHOUSE, "price": "0.00"}},
        {"shipping_method_id": "1"},
        {"shipping_method_id": True},
    ],
)
def test_a_price_or_a_malformed_shipping_choice_in_the_body_is_refused(
    api, methods, book, book_of_addresses, changes
):
    body = {
        "billing_address_id": str(book_of_addresses["school"].pk),
        "ship_to_billing": True,
        "shipping_method_id": methods["courier"].pk,
        **changes,
    }
    if "shipping_address" in changes:
        body.pop("ship_to_billing")

    response = _checkout(api, **body)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_input"
    _nothing_written()


def test_a_resellers_manager_acting_for_the_customer_uses_the_customers_book(
    shop, methods, book_of_addresses
):
    manager = make_member(shop.reseller, Role.ACCOUNT_MANAGER)
    client = Client()
    client.force_login(manager)
    session = client.session
    session["organization_id"] = shop.customer.pk
    session.save()
    body = {"offer_id": shop.book_offer.pk, "billing_plan": "one_time", "quantity": 1}
    assert _send(client, "post", LINES, body).status_code == 201

    response = _checkout(
        client,
        billing_address_id=str(book_of_addresses["school"].pk),
        shipping_address_id=str(book_of_addresses["warehouse"].pk),
        shipping_method_id=methods["courier"].pk,
    )

    assert response.status_code == 201, response.content
    order = Order.objects.get()
    assert (order.organization, order.placed_by) == (shop.customer, manager)
    assert (order.billing_name, order.shipping_name, order.shipping) == (
        "Fabrikam School",
        "Fabrikam Warehouse",
        Decimal("3.0000"),
    )


def test_a_repeated_checkout_replays_the_order_with_its_shipping(
    api, methods, book, book_of_addresses
):
    choices = {
        "billing_address_id": str(book_of_addresses["school"].pk),
        "ship_to_billing": True,
        "shipping_method_id": methods["courier"].pk,
    }

    first = _checkout(api, **choices)
    again = _checkout(api, **choices)

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert Order.objects.count() == 1
    assert api.get(CART).json()["lines"] == []
