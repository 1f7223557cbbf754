"""A contract customer buys a book in real Chromium: the billing address picked from the
address book (the select swaps the fields in with HTMX), a new shipping address typed in and
saved to the book, a paid courier, then the order by sales invoice with its shipping."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from seatwise.web.tests.shop_data import build_shop
from tests.browser.signin import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "s3cret-Passw0rd"
PHONE = "+380672498032"


def test_a_customer_picks_addresses_and_a_shipping_method(live_server, desktop):
    from seatwise.identity.services import user_email_mark_verified
    from seatwise.orders.models import Order
    from seatwise.pricing.services import shipping_method_upsert
    from seatwise.tenancy.models import Address
    from seatwise.tenancy.services import address_add
    from seatwise.tenancy.tests.factories import make_member, make_user

    shop = build_shop()
    customer = shop.customer
    customer.address_line1 = "1 Khreshchatyk St"
    customer.postal_code = "01001"
    customer.city = "Kyiv"
    customer.country = "UA"
    customer.is_contract_customer = True
    customer.save()
    shipping_method_upsert(
        provider=shop.provider,
        name="Courier (Nova Poshta)",
        prices={"USD": Decimal("3.00")},
        position=1,
    )
    shipping_method_upsert(
        provider=shop.provider, name="Pickup in Kyiv (free)", prices={"USD": 0}, position=2
    )
    user = make_user("olha@example.test", PASSWORD, phone=PHONE)
    user_email_mark_verified(user=user)
    make_member(customer, user=user)
    office = address_add(
        actor=user,
        organization=customer,
        name="Fabrikam School",
        contact_name="Olha Sikur",
        phone="+380672498010",
        address_line1="Polyova Str. 21",
        postal_code="03056",
        city="Kyiv",
        country="UA",
    )
    page = desktop
    base = live_server.url

    sign_in(page, base, "olha@example.test", PASSWORD, phone=PHONE, path="/p/windows-internals/")
    form = page.locator(f'[data-cart-add="{shop.book_offer.sku}"]')
    form.get_by_role("button", name="Add to cart").click()
    expect(form.locator("[data-cart-added]")).to_contain_text("Added to your cart")
    page.goto(base + "/checkout/")

    # 1. Billing address: the saved one, its fields swapped in by the select.
    steps = page.locator("[data-checkout-steps] [data-step]")
    expect(steps).to_have_count(6)
    expect(page.get_by_label("Street address", exact=True)).to_have_value("1 Khreshchatyk St")
    page.get_by_label("Select a billing address").select_option(str(office.pk))
    expect(page.get_by_label("Street address", exact=True)).to_have_value("Polyova Str. 21")
    expect(page.get_by_label("Contact person")).to_have_value("Olha Sikur")
    page.get_by_role("button", name="Continue").click()

    # 2. Shipping address: a new one, typed in.
    expect(page).to_have_url(re.compile(r"/checkout/shipping/$"))
    page.get_by_label("Select a shipping address").select_option("new")
    expect(page.get_by_label("Recipient")).to_be_editable()
    page.get_by_label("Recipient").fill("Fabrikam Library")
    page.get_by_label("Street address", exact=True).fill("Bibliotechna St 2")
    page.get_by_label("Zip / postal code").fill("79000")
    page.get_by_label("City").fill("Lviv")
    page.get_by_role("button", name="Continue").click()

    # 3. Shipping method, 4. payment method (a contract: by invoice), 5. agreements.
    expect(page).to_have_url(re.compile(r"/checkout/shipping-method/$"))
    page.get_by_label("Courier (Nova Poshta)").check()
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/checkout/payment/$"))
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/checkout/agreements/$"))
    page.get_by_label("I accept the vendor's terms").check()
    page.get_by_role("button", name="Continue").click()

    # 6. Confirm: both addresses, the method and its price.
    expect(page).to_have_url(re.compile(r"/checkout/confirm/$"))
    expect(page.locator("[data-confirm-billing]")).to_contain_text("Polyova Str. 21")
    expect(page.locator("[data-confirm-shipping]")).to_contain_text("Bibliotechna St 2")
    expect(page.locator("[data-confirm-shipping-method]")).to_have_text("Courier (Nova Poshta)")
    expect(page.locator('[data-total="shipping"]')).to_have_text("$3.00")
    expect(page.locator('[data-total="total"]')).to_have_text("$49.20")
    page.get_by_role("button", name="Confirm").click()

    expect(page).to_have_url(re.compile(r"/account/orders/.+/payment/$"))
    order = Order.objects.get()
    assert (order.shipping_method_name, order.shipping, order.total) == (
        "Courier (Nova Poshta)",
        Decimal("3.0000"),
        Decimal("49.2000"),
    )
    assert (order.billing_address_line1, order.shipping_city) == ("Polyova Str. 21", "Lviv")
    assert Address.objects.filter(organization=customer).count() == 2
