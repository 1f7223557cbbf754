"""Shipping at checkout: the provider's shipping methods priced in the cart's currency, the
chosen one's price as the shipping charge (taxed like the rest), the shipping address, and
the order that keeps both; bad choices are refused and write nothing."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from seatwise.cart.checkout import (
    PROFILE,
    AddressChoice,
    CheckoutDetails,
    CheckoutError,
    checkout_address_choices,
    checkout_address_pick,
    checkout_place,
    checkout_requirements,
)
from seatwise.cart.selectors import cart_totals, cart_viewer_get
from seatwise.cart.services import cart_get_or_create, cart_line_add
from seatwise.cart.tests.factories import (
    build_shipping_shop,
    make_shipping_methods,
)
from seatwise.core.money import Money
from seatwise.orders.enums import PaymentMethod
from seatwise.orders.models import Order
from seatwise.orders.services import BillingAddress
from seatwise.payments.models import Payment
from seatwise.pricing.models import ShippingMethod
from seatwise.pricing.selectors import ShippingQuote, price_context_get
from seatwise.pricing.services import shipping_method_upsert
from seatwise.tenancy.addresses import AddressNotFound
from seatwise.tenancy.services import address_add
from seatwise.tenancy.tests.factories import make_customer, make_member, make_provider

pytestmark = pytest.mark.django_db

BILLING = BillingAddress(
    name="Fabrikam School",
    contact_name="Olha Sikur",
    email="olha@fabrikam.example",
    phone="+380672498010",
    address_line1="Polyova Str. 21",
    postal_code="03056",
    city="Kyiv",
    country="UA",
    tax_number="12345678",
)
WAREHOUSE = BillingAddress(
    name="Fabrikam Warehouse",
    contact_name="Petro Ivanenko",
    address_line1="Promyslova St 4",
    postal_code="79000",
    city="Lviv",
    country="UA",
)


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
    return make_member(shop.customer)


def _viewer(shop, currency="USD"):
    return cart_viewer_get(
        organization=shop.customer,
        provider=shop.provider,
        price_context=price_context_get(provider=shop.provider, viewer=shop.customer),
        currency=currency,
    )


def _cart(shop, user, *offers):
    cart = cart_get_or_create(session_key="", user=user, organization=shop.customer)
    for offer, quantity in offers:
        cart_line_add(
            cart=cart, offer=offer, billing_plan=offer.billing_plans[0], quantity=quantity
        )
    return cart


def _place(shop, user, cart, key="key-1", **changes):
    values = {
        "billing": BILLING,
        "payment_method": PaymentMethod.LIQPAY,
        "accept_mca": True,
        "accept_vendor_terms": True,
        "target_tenants": {line.pk: "fabrikam" for line in cart.lines.all()},
        "ship_to_billing": True,
    }
    values.update(changes)
    return checkout_place(
        user=user,
        cart=cart,
        viewer=_viewer(shop),
        provider=shop.provider,
        details=CheckoutDetails(**values),
        idempotency_key=key,
    )


# --- totals -------------------------------------------------------------------------------


def test_a_licences_only_cart_needs_no_shipping(shop, buyer, methods):
    cart = _cart(shop, buyer, (shop.e3, 1))
    totals = cart_totals(
        cart=cart, viewer=_viewer(shop), checkout=True, shipping_method_id=methods["courier"].pk
    )
    assert not totals.shipping_required
    assert (totals.shipping_methods, totals.shipping_method) == ((), None)
    assert totals.shipping == Money(Decimal(0), "USD")


def test_the_cart_page_leaves_shipping_to_the_checkout(shop, buyer, methods):
    cart = _cart(shop, buyer, (shop.book_offer, 1))
    totals = cart_totals(cart=cart, viewer=_viewer(shop), shipping_method_id=methods["courier"].pk)
    assert totals.shipping_required
    assert (totals.shipping_methods, totals.shipping) == ((), Money(Decimal(0), "USD"))


def test_the_chosen_methods_price_is_the_shipping_and_is_taxed(shop, buyer, methods):
    cart = _cart(shop, buyer, (shop.book_offer, 1))
    none_yet = cart_totals(cart=cart, viewer=_viewer(shop), checkout=True)
    assert none_yet.shipping_methods == (
        ShippingQuote(
            method_id=methods["courier"].pk,
            name="Courier (Nova Poshta)",
            price=Money(Decimal("3.00"), "USD"),
        ),
        ShippingQuote(
            method_id=methods["pickup"].pk,
            name="Pickup in Kyiv (free)",
            price=Money(Decimal("0"), "USD"),
        ),
    )
    assert none_yet.shipping_method is None
    assert none_yet.subtotal == Money(Decimal("46.2"), "USD")  # 44.00 + 5 % markup
    assert none_yet.total.amount == Decimal("55.44")

    totals = cart_totals(
        cart=cart, viewer=_viewer(shop), checkout=True, shipping_method_id=methods["courier"].pk
    )
    assert totals.shipping_method == none_yet.shipping_methods[0]
    assert totals.shipping == Money(Decimal("3.00"), "USD")
    assert totals.tax.amount == Decimal("9.84")  # 20 % of 49.20
    assert totals.total.amount == Decimal("59.04")


def test_a_price_in_another_currency_is_converted_with_the_providers_rate(shop, buyer, methods):
    cart = _cart(shop, buyer, (shop.book_offer, 1))
    totals = cart_totals(cart=cart, viewer=_viewer(shop, "UAH"), checkout=True)
    assert [(q.name, q.price) for q in totals.shipping_methods] == [
        ("Courier (Nova Poshta)", Money(Decimal("120.00"), "UAH")),  # its own UAH price
        ("Pickup in Kyiv (free)", Money(Decimal("0"), "UAH")),  # 0 USD × 41.50
    ]
    # Without a rate to EUR, a method priced in USD and UAH is not offered in EUR.
    assert cart_totals(cart=cart, viewer=_viewer(shop, "EUR"), checkout=True).shipping_methods == ()


def test_another_providers_or_an_inactive_method_is_not_offered_nor_charged(shop, buyer, methods):
    other = shipping_method_upsert(
        provider=make_provider("Other provider"), name="Drone", prices={"USD": "1.00"}
    )
    shipping_method_upsert(
        provider=shop.provider, name="Pickup in Kyiv (free)", prices={"USD": 0}, is_active=False
    )
    cart = _cart(shop, buyer, (shop.book_offer, 1))
    for method_id in (other.pk, methods["pickup"].pk, "nonsense", None):
        totals = cart_totals(
            cart=cart, viewer=_viewer(shop), checkout=True, shipping_method_id=method_id
        )
        assert [q.name for q in totals.shipping_methods] == ["Courier (Nova Poshta)"]
        assert totals.shipping_method is None
        assert totals.shipping == Money(Decimal(0), "USD")


# --- placing ------------------------------------------------------------------------------


def test_the_order_keeps_the_shipping_address_method_and_price(shop, buyer, methods):
    cart = _cart(shop, buyer, (shop.book_offer, 1))
    order = _place(
        shop,
        buyer,
        cart,
        ship_to_billing=False,
        shipping_address=WAREHOUSE,
        shipping_method_id=methods["courier"].pk,
    ).order
    order.refresh_from_db()
    assert (order.shipping, order.tax, order.total) == (
        Decimal("3.0000"),
        Decimal("9.8400"),
        Decimal("59.0400"),
    )
    assert order.shipping_method_name == "Courier (Nova Poshta)"
    assert (
        order.shipping_name,
        order.shipping_contact_name,
        order.shipping_address_line1,
        order.shipping_postal_code,
        order.shipping_city,
        order.shipping_country,
    ) == ("Fabrikam Warehouse", "Petro Ivanenko", "Promyslova St 4", "79000", "Lviv", "UA")
    assert (
        order.billing_name,
        order.billing_contact_name,
        order.billing_email,
        order.billing_phone,
        order.billing_tax_number,
    ) == ("Fabrikam School", "Olha Sikur", "olha@fabrikam.example", "+380672498010", "12345678")
    assert Payment.objects.get().amount == Decimal("59.04")


def test_shipping_to_the_billing_address_copies_it(shop, buyer, methods):
    cart = _cart(shop, buyer, (shop.book_offer, 1))
    order = _place(shop, buyer, cart, shipping_method_id=methods["pickup"].pk).order
    assert (order.shipping_name, order.shipping_city, order.shipping_phone) == (
        "Fabrikam School",
        "Kyiv",
        "+380672498010",
    )
    assert (order.shipping_method_name, order.shipping) == ("Pickup in Kyiv (free)", Decimal(0))


def test_a_licences_only_order_has_no_shipping(shop, buyer, methods):
    cart = _cart(shop, buyer, (shop.e3, 1))
    order = _place(shop, buyer, cart, shipping_method_id=methods["courier"].pk).order
    assert (order.shipping, order.shipping_method_name, order.shipping_name) == (
        Decimal(0),
        "",
        "",
    )


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({}, {"shipping_method": "Choose a shipping method."}),
        (
            {"shipping_method_id": -1},
            {"shipping_method": "Choose one of the shipping methods offered."},
        ),
        (
            {"ship_to_billing": False},
            {
                "ship_to_billing": "Confirm the shipping address.",
                "shipping_method": "Choose a shipping method.",
            },
        ),
        (
            {"shipping_address": BillingAddress(name="Fabrikam", country="UA")},
            {
                "shipping_address_line1": "This field is required.",
                "shipping_postal_code": "This field is required.",
                "shipping_city": "This field is required.",
                "shipping_method": "Choose a shipping method.",
            },
        ),
    ],
)
def test_a_missing_or_wrong_shipping_choice_is_refused(shop, buyer, methods, changes, fields):
    cart = _cart(shop, buyer, (shop.book_offer, 1))
    with pytest.raises(CheckoutError) as error:
        _place(shop, buyer, cart, **changes)
    assert error.value.details["fields"] == fields
    assert not Order.objects.exists() and not Payment.objects.exists()
    assert cart.lines.count() == 1


def test_another_providers_or_an_inactive_method_is_refused(shop, buyer, methods):
    other = shipping_method_upsert(
        provider=make_provider("Other provider"), name="Drone", prices={"USD": "1.00"}
    )
    ShippingMethod.objects.filter(pk=methods["pickup"].pk).update(is_active=False)
    cart = _cart(shop, buyer, (shop.book_offer, 1))
    for method in (other, methods["pickup"]):
        with pytest.raises(CheckoutError) as error:
            _place(shop, buyer, cart, shipping_method_id=method.pk)
        assert error.value.details["fields"] == {
            "shipping_method": "Choose one of the shipping methods offered."
        }
    assert not Order.objects.exists()


def test_without_shipping_methods_goods_ship_at_no_charge(shop, buyer):
    cart = _cart(shop, buyer, (shop.book_offer, 1))
    required = checkout_requirements(
        organization=shop.customer,
        totals=cart_totals(cart=cart, viewer=_viewer(shop), checkout=True),
    )
    assert required.shipping_required and not required.needs_shipping_method
    order = _place(shop, buyer, cart).order
    assert (order.shipping, order.shipping_method_name, order.shipping_city) == (
        Decimal(0),
        "",
        "Kyiv",
    )


# --- the address book at checkout ---------------------------------------------------------


def test_the_company_profile_comes_first_then_the_book(shop, buyer):
    shop.customer.legal_name = "Fabrikam School LLC"
    shop.customer.address_line1 = "1 Khreshchatyk St"
    shop.customer.save()
    warehouse = address_add(
        actor=buyer,
        organization=shop.customer,
        name="Fabrikam Warehouse",
        address_line1="Promyslova St 4",
        postal_code="79000",
        city="Lviv",
        country="UA",
    )
    choices = checkout_address_choices(organization=shop.customer)
    assert [(c.key, c.address.name, c.is_profile) for c in choices] == [
        (PROFILE, "Fabrikam School LLC", True),
        (str(warehouse.pk), "Fabrikam Warehouse", False),
    ]
    assert checkout_address_pick(
        user=buyer, organization=shop.customer, key=str(warehouse.pk)
    ) == AddressChoice(key=str(warehouse.pk), address=replace(WAREHOUSE, contact_name=""))


def test_another_organizations_address_cannot_be_picked(shop, buyer):
    other = make_customer(shop.reseller, "Globex")
    theirs = address_add(
        actor=make_member(other),
        organization=other,
        name="Globex",
        address_line1="Main St 1",
        postal_code="01001",
        city="Kyiv",
        country="UA",
    )
    with pytest.raises(AddressNotFound):
        checkout_address_pick(user=buyer, organization=shop.customer, key=str(theirs.pk))
