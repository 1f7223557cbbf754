"""A signed-in customer buys in real Chromium: an offer into the cart, a coupon, the
checkout steps, LiqPay (the simulator, its own process) and back to the order's payment
page, which polls with HTMX until Seatwise holds the payment as paid."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from seatwise.payments.tests.factories import make_account
from seatwise.payments.tests.liqpay_simulator import liqpay_simulator  # noqa: F401 (fixture)
from seatwise.pricing.enums import CouponKind
from seatwise.pricing.models import Coupon
from seatwise.web.tests.shop_data import build_shop
from tests.browser.signin import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "s3cret-Passw0rd"
PHONE = "+380672498031"


def test_a_customer_checks_out_and_pays_by_card(live_server, desktop, liqpay_simulator):  # noqa: F811
    from seatwise.identity.services import user_email_mark_verified
    from seatwise.orders.models import Order
    from seatwise.tenancy.tests.factories import make_member, make_user

    shop = build_shop()
    shop.customer.address_line1 = "1 Khreshchatyk St"
    shop.customer.postal_code = "01001"
    shop.customer.city = "Kyiv"
    shop.customer.country = "UA"
    shop.customer.save()
    make_account(
        shop.provider, checkout_url=liqpay_simulator.checkout_url, api_url=liqpay_simulator.api_url
    )
    Coupon.objects.create(
        organization=shop.reseller, code="SPRING10", kind=CouponKind.PERCENT, value=Decimal(10)
    )
    user = make_user("olena@example.test", PASSWORD, phone=PHONE)
    user_email_mark_verified(user=user)
    make_member(shop.customer, user=user)
    page = desktop
    base = live_server.url

    sign_in(page, base, "olena@example.test", PASSWORD, phone=PHONE, path="/p/office-365-e3/")
    expect(page).to_have_url(re.compile(r"/p/office-365-e3/$"))
    form = page.locator(f'[data-cart-add="{shop.e3.sku}"]')
    form.get_by_label("Quantity").fill("2")
    form.get_by_role("button", name="Add to cart").click()
    expect(form.locator("[data-cart-added]")).to_contain_text("Added to your cart")

    page.goto(base + "/cart/")
    page.get_by_label("Discount Code").fill("spring10")
    page.get_by_role("button", name="Apply coupon").click()
    expect(page.locator('[data-total="discount"]')).not_to_have_text("$0.00")
    total = page.locator('[data-total="total"]').inner_text()
    page.get_by_role("link", name="Checkout").click()

    expect(page).to_have_url(re.compile(r"/checkout/$"))
    expect(page.get_by_label("Company name")).to_have_value("Fabrikam School")
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/checkout/payment/$"))
    expect(page.get_by_label("Card (LiqPay)")).to_be_checked()
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/checkout/agreements/$"))
    page.get_by_label("Tenant for Office 365 E3").fill("fabrikamschool")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".invalid-feedback")).to_contain_text(
        "Accept the Microsoft Customer Agreement"
    )
    page.get_by_label("I accept the Microsoft Customer Agreement").check()
    page.get_by_role("button", name="Continue").click()

    expect(page).to_have_url(re.compile(r"/checkout/confirm/$"))
    expect(page.locator('[data-total="total"]')).to_have_text(total)
    expect(page.locator("[data-confirm-lines]")).to_contain_text("fabrikamschool.onmicrosoft.com")
    page.get_by_role("button", name="Confirm").click()

    # The auto-submitted form lands on the LiqPay simulator's page.
    expect(page).to_have_url(re.compile(re.escape(liqpay_simulator.url)))
    page.get_by_role("button", name="Pay (success)").click()

    order = Order.objects.get()
    expect(page).to_have_url(re.compile(r"/account/orders/.+/payment/$"))
    expect(page.locator("[data-payment-paid]")).to_be_visible()
    expect(page.locator("#payment-status")).not_to_have_attribute("hx-trigger", "every 2s")
    order.refresh_from_db()
    assert order.paid_at is not None
    assert order.discount > 0
    page.get_by_role("link", name="View the order").click()
    expect(page.locator("[data-payments]")).to_contain_text("Paid")
