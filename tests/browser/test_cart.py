"""A visitor fills a cart in real Chromium: two offers from their product pages, the header
mini-cart, the cart page, a coupon and the totals."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from seatwise.pricing.enums import CouponKind
from seatwise.pricing.models import Coupon
from seatwise.web.tests.shop_data import build_shop

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shop():
    data = build_shop()
    Coupon.objects.create(
        organization=data.provider, code="WELCOME10", kind=CouponKind.PERCENT, value=Decimal(10)
    )
    return data


def test_visitor_adds_two_offers_applies_a_coupon_and_sees_the_totals(live_server, desktop, shop):
    page = desktop
    count = page.locator("[data-cart-count]")

    page.goto(live_server.url + "/p/office-365-e3/")
    expect(count).to_have_text("0")
    form = page.locator(f'[data-cart-add="{shop.e3.sku}"]')
    form.get_by_label("Quantity").fill("2")
    form.get_by_role("button", name="Add to cart").click()
    expect(form.locator("[data-cart-added]")).to_contain_text("Added to your cart")
    expect(count).to_have_text("1")

    page.goto(live_server.url + "/p/aad-premium/")
    form = page.locator('[data-cart-add="AAD-P1"]')
    form.get_by_label("Billing plan").select_option("annual")
    form.get_by_role("button", name="Add to cart").click()
    expect(count).to_have_text("2")

    page.locator("#mini-cart-menu").click()
    expect(page.locator("[data-mini-cart-subtotal]")).to_have_text("$118.00")
    page.get_by_role("link", name="Go to cart").first.click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Shopping cart")
    expect(page.locator("[data-line]")).to_have_count(2)
    expect(page.locator('[data-total="shipping"]')).to_have_text("Not required")

    page.get_by_label("Discount Code").fill("nope")
    page.get_by_role("button", name="Apply coupon").click()
    expect(page.locator("[data-coupon-error]")).to_have_text("This coupon code is not valid.")

    page.get_by_label("Discount Code").fill("welcome10")
    page.get_by_role("button", name="Apply coupon").click()
    expect(page.locator('[data-total="discount"]')).to_have_text("−$11.80")
    expect(page.locator('[data-total="subtotal"]')).to_have_text("$118.00")
    expect(page.locator('[data-total="tax"]')).to_have_text("$0.00")
    expect(page.locator('[data-total="total"]')).to_have_text("$106.20")
    expect(page.get_by_role("link", name="Checkout")).to_have_attribute("href", "/checkout/")
