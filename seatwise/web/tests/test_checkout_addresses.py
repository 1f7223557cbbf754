"""The checkout's address book and shipping steps: the billing select (company profile
first, the saved addresses, *New address*), the shipping address and method steps only for
carts that ship, the shipping charge on the confirm page and the order, and the refusals of
another organization's address or another provider's shipping method."""

from __future__ import annotations

import re
from decimal import Decimal
from urllib.parse import quote

import pytest

from seatwise.orders.models import Order
from seatwise.payments.tests.factories import make_account
from seatwise.pricing.services import shipping_method_upsert
from seatwise.tenancy.models import Address
from seatwise.tenancy.services import address_add
from seatwise.tenancy.tests.factories import make_customer, make_member, make_provider

pytestmark = pytest.mark.django_db

NEW_ADDRESS = {
    "address": "new",
    "name": "Fabrikam Warehouse",
    "contact_name": "Petro Ivanenko",
    "email": "petro@fabrikam.example",
    "phone": "+380 67 249 8011",
    "address_line1": "Promyslova St 4",
    "address_line2": "",
    "postal_code": "79000",
    "city": "Lviv",
    "country": "UA",
    "tax_number": "",
}


@pytest.fixture
def owner(shop, client):
    make_account(shop.provider, checkout_url="https://liqpay.example/api/3/checkout")
    customer = shop.customer
    customer.legal_name = "Fabrikam School LLC"
    customer.address_line1 = "1 Khreshchatyk St"
    customer.postal_code = "01001"
    customer.city = "Kyiv"
    customer.country = "UA"
    customer.phone = "+380672498010"
    customer.save()
    user = make_member(customer)
    client.force_login(user)
    return user


@pytest.fixture
def methods(shop):
    return {
        "courier": shipping_method_upsert(
            provider=shop.provider,
            name="Courier (Nova Poshta)",
            prices={"USD": Decimal("3.00"), "UAH": Decimal("120.00")},
            position=1,
        ),
        "pickup": shipping_method_upsert(
            provider=shop.provider, name="Pickup in Kyiv (free)", prices={"USD": 0}, position=2
        ),
    }


@pytest.fixture
def warehouse(shop, owner):
    values = {k: v for k, v in NEW_ADDRESS.items() if k != "address"}
    return address_add(actor=owner, organization=shop.customer, **values)


def _add(client, offer, quantity=1):
    response = client.post(
        "/cart/add/",
        {"offer": offer.pk, "billing_plan": offer.billing_plans[0], "quantity": quantity},
    )
    assert response.status_code == 302


def _steps(page: str) -> list[str]:
    return re.findall(r'data-step="([a-z_]+)"', page)


def _options(page: str) -> list[tuple[str, str]]:
    select = page[page.index('name="address"') : page.index("</select>")]
    return re.findall(r'<option value="([^"]+)"[^>]*>([^<]*)</option>', select)


def _key(page: str) -> str:
    return re.search(r'name="idempotency_key" value="([0-9a-f]+)"', page).group(1)


def _foreign_address(shop):
    other = make_customer(shop.reseller, "Globex")
    return address_add(
        actor=make_member(other),
        organization=other,
        name="Globex",
        address_line1="Main St 1",
        postal_code="01001",
        city="Kyiv",
        country="UA",
    )


# --- billing ------------------------------------------------------------------------------


def test_billing_offers_the_profile_first_then_the_book_then_a_new_address(
    client, shop, owner, warehouse
):
    _add(client, shop.e3)
    page = client.get("/checkout/").content.decode()
    assert _options(page) == [
        (
            "profile",
            "Fabrikam School LLC, 1 Khreshchatyk St, Kyiv 01001, Ukraine (company profile)",
        ),
        (
            str(warehouse.pk),
            "Fabrikam Warehouse, Petro Ivanenko, Promyslova St 4, Lviv 79000, Ukraine",
        ),
        ("new", "New address"),
    ]
    assert '<option value="profile" selected>' in page
    # The chosen address is shown read-only; the licences need no shipping steps.
    assert '<fieldset class="row g-3" disabled data-address-fields>' in page
    assert 'value="Fabrikam School LLC"' in page and 'value="+380672498010"' in page
    assert _steps(page) == ["billing", "payment", "agreements", "confirm"]


def test_the_select_swaps_in_the_fields_of_the_chosen_address(client, shop, owner, warehouse):
    _add(client, shop.e3)
    fragment = client.get(
        f"/checkout/?address={warehouse.pk}", headers={"HX-Request": "true"}
    ).content.decode()
    assert fragment.startswith('<div id="billing-address"') and "<html" not in fragment
    assert 'value="Promyslova St 4"' in fragment and " disabled " in fragment
    new = client.get("/checkout/?address=new", headers={"HX-Request": "true"}).content.decode()
    assert "disabled" not in new and 'name="city" value=""' in new
    assert '<option value="UA" selected>' in new  # the organization's country


def test_a_saved_address_becomes_the_billing_address(client, shop, owner, warehouse):
    _add(client, shop.e3)
    response = client.post("/checkout/", {"address": str(warehouse.pk), "name": "ignored"})
    assert response["Location"] == "/checkout/payment/"
    client.post("/checkout/payment/", {"payment_method": "liqpay"})
    cart_line = owner.carts.get().lines.get()
    client.post("/checkout/agreements/", {"accept_mca": "on", f"tenant_{cart_line.pk}": "fab"})
    page = client.get("/checkout/confirm/").content.decode()
    billing = page[
        page.index("data-confirm-billing") : page.index("</dd>", page.index("data-confirm-billing"))
    ]
    assert "Fabrikam Warehouse" in billing and "Petro Ivanenko" in billing
    assert "petro@fabrikam.example" in billing and "+380672498011" in billing
    assert "Lviv, 79000" in billing and "Ukraine" in billing
    assert "data-confirm-shipping" not in page
    assert 'data-total="shipping">Not required<' in page
    client.post("/checkout/confirm/", {"idempotency_key": _key(page)})
    order = Order.objects.get()
    assert (order.billing_name, order.billing_contact_name, order.billing_city) == (
        "Fabrikam Warehouse",
        "Petro Ivanenko",
        "Lviv",
    )
    assert (order.shipping_name, order.shipping_method_name) == ("", "")


def test_a_new_billing_address_is_saved_to_the_book(client, shop, owner):
    _add(client, shop.e3)
    response = client.post("/checkout/", NEW_ADDRESS)
    assert response["Location"] == "/checkout/payment/"
    address = Address.objects.get()
    assert (address.organization, address.created_by, address.phone) == (
        shop.customer,
        owner,
        "+380672498011",
    )
    page = client.get("/checkout/").content.decode()
    assert f'<option value="{address.pk}" selected>' in page
    # Entering it again does not add it twice.
    client.post("/checkout/", NEW_ADDRESS)
    assert Address.objects.count() == 1


def test_a_new_address_with_a_missing_field_is_refused_and_not_saved(client, shop, owner):
    _add(client, shop.e3)
    response = client.post("/checkout/", {**NEW_ADDRESS, "city": "", "email": "nope"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "This field is required." in page and "Enter a valid e-mail address." in page
    assert 'id="billing-city" name="city" value=""' in page
    assert 'value="Fabrikam Warehouse"' in page  # what was typed stays
    assert not Address.objects.exists()
    assert "checkout" not in client.session or "billing" not in client.session["checkout"]


def test_another_organizations_address_is_refused(client, shop, owner):
    theirs = _foreign_address(shop)
    _add(client, shop.e3)
    assert client.get(f"/checkout/?address={theirs.pk}").status_code == 404
    response = client.post("/checkout/", {"address": str(theirs.pk)})
    assert response.status_code == 200
    assert "Choose one of your addresses." in response.content.decode()
    assert "Main St 1" not in response.content.decode()
    assert "checkout" not in client.session
    assert Address.objects.count() == 1


def test_an_incomplete_profile_is_not_offered_by_default(client, shop, owner):
    shop.customer.address_line1 = ""
    shop.customer.save(update_fields=["address_line1"])
    _add(client, shop.e3)
    page = client.get("/checkout/").content.decode()
    assert '<option value="new" selected>' in page
    response = client.post("/checkout/", {"address": "profile"})
    assert response.status_code == 200
    assert "This address is incomplete" in response.content.decode()


# --- shipping -----------------------------------------------------------------------------


def test_a_licences_only_cart_skips_the_shipping_steps(client, shop, owner, methods):
    _add(client, shop.e3)
    assert client.get("/checkout/shipping/")["Location"] == "/checkout/payment/"
    assert client.get("/checkout/shipping-method/")["Location"] == "/checkout/payment/"


def test_a_cart_that_ships_goes_through_shipping_address_and_method(client, shop, owner, methods):
    _add(client, shop.book_offer)
    page = client.get("/checkout/").content.decode()
    assert _steps(page) == [
        "billing",
        "shipping",
        "shipping_method",
        "payment",
        "agreements",
        "confirm",
    ]
    assert client.post("/checkout/", {"address": "profile"})["Location"] == "/checkout/shipping/"

    page = client.get("/checkout/shipping/").content.decode()
    assert [key for key, _label in _options(page)] == ["billing", "profile", "new"]
    assert '<option value="billing" selected>Same as billing address</option>' in page
    assert 'href="/checkout/"' in page  # Back
    response = client.post("/checkout/shipping/", NEW_ADDRESS)
    assert response["Location"] == "/checkout/shipping-method/"
    assert Address.objects.get().city == "Lviv"

    page = client.get("/checkout/shipping-method/").content.decode()
    assert 'value="{}" checked'.format(methods["courier"].pk) in page
    assert "Courier (Nova Poshta) <span" in page and "$3.00" in page
    assert "Pickup in Kyiv (free)" in page
    response = client.post("/checkout/shipping-method/", {"shipping_method": methods["courier"].pk})
    assert response["Location"] == "/checkout/payment/"
    assert 'href="/checkout/shipping-method/"' in client.get("/checkout/payment/").content.decode()

    client.post("/checkout/payment/", {"payment_method": "liqpay"})
    client.post("/checkout/agreements/", {"accept_vendor_terms": "on"})
    page = client.get("/checkout/confirm/").content.decode()
    assert 'data-total="subtotal">$46.20<' in page
    assert 'data-total="shipping">$3.00<' in page
    assert 'data-total="total">$49.20<' in page
    assert "data-confirm-shipping-method>Courier (Nova Poshta)<" in page
    shipping = page[page.index("data-confirm-shipping>") :]
    assert "Fabrikam Warehouse" in shipping[: shipping.index("</dd>")]

    client.post("/checkout/confirm/", {"idempotency_key": _key(page), "shipping": "0"})
    order = Order.objects.get()
    assert (order.shipping, order.total) == (Decimal("3.0000"), Decimal("49.2000"))
    assert (order.shipping_method_name, order.shipping_city) == ("Courier (Nova Poshta)", "Lviv")
    assert (order.billing_name, order.billing_phone) == ("Fabrikam School LLC", "+380672498010")

    detail = client.get(f"/account/orders/{quote(order.number)}/").content.decode()
    assert "data-order-shipping>Fabrikam Warehouse, Promyslova St 4, 79000 Lviv, UA" in detail
    assert "data-order-shipping-method>Courier (Nova Poshta) · $3.00<" in detail


def test_shipping_to_the_billing_address_with_a_free_method(client, shop, owner, methods):
    _add(client, shop.book_offer)
    client.post("/checkout/", {"address": "profile"})
    assert client.post("/checkout/shipping/", {"address": "billing"})["Location"] == (
        "/checkout/shipping-method/"
    )
    client.post("/checkout/shipping-method/", {"shipping_method": methods["pickup"].pk})
    client.post("/checkout/payment/", {"payment_method": "liqpay"})
    client.post("/checkout/agreements/", {"accept_vendor_terms": "on"})
    page = client.get("/checkout/confirm/").content.decode()
    assert "Same as billing address" in page
    assert 'data-total="shipping">$0.00<' in page
    client.post("/checkout/confirm/", {"idempotency_key": _key(page)})
    order = Order.objects.get()
    assert (order.shipping_name, order.shipping_city, order.shipping_method_name) == (
        "Fabrikam School LLC",
        "Kyiv",
        "Pickup in Kyiv (free)",
    )
    detail = client.get(f"/account/orders/{quote(order.number)}/").content.decode()
    assert "data-order-shipping-method>Pickup in Kyiv (free) · $0.00<" in detail


def test_another_providers_or_an_inactive_shipping_method_is_refused(client, shop, owner, methods):
    other = shipping_method_upsert(
        provider=make_provider("Other provider"), name="Drone", prices={"USD": "1.00"}
    )
    shipping_method_upsert(
        provider=shop.provider, name="Pickup in Kyiv (free)", prices={"USD": 0}, is_active=False
    )
    _add(client, shop.book_offer)
    client.post("/checkout/", {"address": "profile"})
    client.post("/checkout/shipping/", {"address": "billing"})
    page = client.get("/checkout/shipping-method/").content.decode()
    assert "Drone" not in page and "Pickup in Kyiv" not in page
    for value in (other.pk, methods["pickup"].pk, "", "x"):
        response = client.post("/checkout/shipping-method/", {"shipping_method": value})
        assert response.status_code == 200
        assert "Choose one of the shipping methods offered." in response.content.decode()
    assert "shipping_method" not in client.session["checkout"]
    # Skipping ahead comes back to the shipping method step.
    client.post("/checkout/payment/", {"payment_method": "liqpay"})
    client.post("/checkout/agreements/", {"accept_vendor_terms": "on"})
    assert client.get("/checkout/confirm/")["Location"] == "/checkout/shipping-method/"
    assert not Order.objects.exists()


def test_another_organizations_address_is_refused_for_shipping(client, shop, owner, methods):
    theirs = _foreign_address(shop)
    _add(client, shop.book_offer)
    client.post("/checkout/", {"address": "profile"})
    assert client.get(f"/checkout/shipping/?address={theirs.pk}").status_code == 404
    response = client.post("/checkout/shipping/", {"address": str(theirs.pk)})
    assert response.status_code == 200
    assert "Choose one of your addresses." in response.content.decode()
    assert "shipping" not in client.session["checkout"]
    assert client.get("/checkout/confirm/")["Location"] == "/checkout/shipping/"


def test_without_shipping_methods_the_method_step_is_skipped(client, shop, owner):
    _add(client, shop.book_offer)
    page = client.get("/checkout/").content.decode()
    assert _steps(page) == ["billing", "shipping", "payment", "agreements", "confirm"]
    client.post("/checkout/", {"address": "profile"})
    assert client.post("/checkout/shipping/", {"address": "billing"})["Location"] == (
        "/checkout/payment/"
    )
    assert client.get("/checkout/shipping-method/")["Location"] == "/checkout/payment/"


def test_choices_made_for_one_organization_do_not_follow_into_another(
    client, shop, owner, warehouse
):
    other = make_customer(shop.reseller, "Globex", address_line1="Main St 1", city="Kyiv")
    make_member(other, user=owner)
    _add(client, shop.e3)
    client.post("/checkout/", {"address": str(warehouse.pk)})
    assert client.session["checkout"]["billing"]["name"] == "Fabrikam Warehouse"

    client.post("/organizations/switch/", {"organization": other.pk})
    _add(client, shop.e3)
    page = client.get("/checkout/").content.decode()
    assert "Fabrikam Warehouse" not in page
    assert "checkout" not in client.session
