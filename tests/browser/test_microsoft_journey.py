"""Issue 5's *Done when*, in real Chromium against ``make run``'s servers (``portal``): the
web server, the Celery worker and beat, the LiqPay simulator and the Partner Center sandbox,
each in its own process as a newcomer runs them.

1. A visitor registers (e-mail and SMS codes from the developer mailbox) and registers the
   company with a new Microsoft tenant, buys Microsoft 365 Business Basic × 5 and pays with
   LiqPay in the simulator; the worker creates the tenant and buys the subscription in the
   sandbox; the subscription shows active with 5 seats in Seatwise and in the sandbox.
2. A customer links a tenant it already has: the relationship link opens the sandbox's
   acceptance page (Microsoft's, in real life), the tenant's admin accepts, and *Check now*
   shows the tenant active.
"""

from __future__ import annotations

import re
import secrets
import time

import httpx
import pytest
from playwright.sync_api import expect

from tests.browser.portal import (  # noqa: F401 (fixture)
    DEMO_PASSWORD,
    mailbox_codes,
    portal,
    sign_in_with_sms,
    wait_for_new_code,
)

pytestmark = pytest.mark.browser

PHONE = "+380675550199"


def sandbox_subscriptions(portal, domain: str) -> list[dict]:  # noqa: F811 (fixture name)
    customers = httpx.get(f"{portal.partner_center_url}/_sandbox/customers", timeout=10).json()
    found = [c for c in customers["items"] if c["domain"] == domain]
    if not found:
        return []
    url = f"{portal.partner_center_url}/_sandbox/customers/{found[0]['id']}/subscriptions"
    return httpx.get(url, timeout=10).json()["items"]


def test_a_new_company_buys_business_basic_and_sees_it_provisioned(portal, desktop):  # noqa: F811
    page = desktop
    base = portal.url
    suffix = secrets.token_hex(3)
    email = f"olena.{suffix}@example.test"
    prefix = f"lvivbakery{suffix}"
    domain = f"{prefix}.onmicrosoft.com"

    # 1. The account: e-mail code, password and names, phone code (from the mailbox tab).
    mailbox = page.context.new_page()
    page.goto(base + "/register/")
    page.get_by_label("Email Address").fill(email)
    before = mailbox_codes(mailbox, portal, "email")
    page.get_by_role("button", name="Send verification code").click()
    page.get_by_label("Verification code").fill(wait_for_new_code(mailbox, portal, before, "email"))
    page.get_by_role("button", name="Verify code").click()
    expect(page).to_have_url(re.compile(r"/register/details/$"))
    page.get_by_label("New Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_label("Confirm New Password").fill(DEMO_PASSWORD)
    page.get_by_label("Given Name").fill("Olena")
    page.get_by_label("Display Name").fill("Olena K")
    page.get_by_label("Surname").fill("Kovalenko")
    page.get_by_role("button", name="Create").click()
    expect(page).to_have_url(re.compile(r"/register/phone/$"))
    page.get_by_label("Country code", exact=True).select_option("UA")
    page.get_by_label("Phone Number", exact=True).fill(PHONE.removeprefix("+380"))
    before = mailbox_codes(mailbox, portal, "sms")
    page.get_by_role("button", name="Send code").click()
    page.get_by_label("Enter your verification code below, or send a new code").fill(
        wait_for_new_code(mailbox, portal, before, "sms")
    )
    page.get_by_role("button", name="Verify Code").click()

    # 2. The company, with a new tenant whose name Partner Center (the sandbox) says is free.
    expect(page).to_have_url(re.compile(r"/register/company/$"))
    page.get_by_label("Company name").fill("Lviv Bakery LLC")
    page.get_by_label("Registration number").fill("43210987")
    page.get_by_label("Street address", exact=True).fill("5 Rynok Sq")
    page.get_by_label("Zip / postal code").fill("79008")
    page.get_by_label("City").fill("Lviv")
    page.get_by_label("Country").select_option("UA")
    page.get_by_label("Phone").fill(PHONE)
    page.get_by_label("Domain name", exact=True).fill(prefix)
    expect(page.locator("[data-domain-state='available']")).to_have_text(f"{domain} is available")
    page.get_by_label("Domain name confirmation").fill(prefix)
    page.get_by_label("I accept the Microsoft Customer Agreement").check()
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Registration finished")

    # 3. Business Basic × 5 into the cart, checkout, LiqPay.
    page.goto(base + "/p/m365-business-basic/")
    form = page.locator("[data-cart-add]").first
    form.get_by_label("Quantity").fill("5")
    form.get_by_role("button", name="Add to cart").click()
    expect(form.locator("[data-cart-added]")).to_contain_text("Added to your cart")
    page.goto(base + "/cart/")
    page.get_by_role("link", name="Checkout").click()
    expect(page).to_have_url(re.compile(r"/checkout/$"))
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/checkout/payment/$"))
    expect(page.get_by_label("Card (LiqPay)")).to_be_checked()
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/checkout/agreements/$"))
    tenant = page.get_by_label(re.compile(r"^Tenant for "))
    expect(tenant).to_have_value(re.compile(re.escape(prefix)))  # the registered one
    mca = page.get_by_label("I accept the Microsoft Customer Agreement")
    if mca.count():
        mca.check()
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/checkout/confirm/$"))
    page.get_by_role("button", name="Confirm").click()
    expect(page).to_have_url(re.compile(re.escape(portal.liqpay_url)))
    page.get_by_role("button", name="Pay (success)").click()
    expect(page.locator("[data-payment-paid]")).to_be_visible(timeout=30_000)

    # 4. The worker provisions: the subscription appears, active with 5 seats.
    deadline = time.monotonic() + 90
    row = page.locator("#subscriptions-table [data-subscription]")
    while time.monotonic() < deadline:
        page.goto(base + "/account/subscriptions/")
        if row.count() and "Active" in row.first.inner_text():
            break
        time.sleep(2)
    expect(row).to_have_count(1)
    expect(row.first).to_contain_text("Microsoft 365 Business Basic")
    expect(row.first).to_contain_text("Active")
    row.first.get_by_role("link", name=re.compile("Details")).click()
    expect(page.locator("#subscription-quantity")).to_have_text("5")
    expect(page.locator("#subscription-status")).to_contain_text("Active")
    page.screenshot(path="/tmp/shots/microsoft-subscription.png", full_page=True)  # noqa: S108

    remote = sandbox_subscriptions(portal, domain)
    assert [(s["quantity"], s["status"]) for s in remote] == [(5, "active")]

    # The order completed, and the tenant's admin sign-in reached the contact once.
    page.goto(base + "/account/orders/")
    expect(page.get_by_role("main")).to_contain_text("Completed")
    page.goto(base + "/dev/mailbox/")
    expect(
        page.locator(".mailbox-entry", has_text=f"Your Microsoft tenant {domain} is ready")
    ).to_have_count(1)
    mailbox.close()


def test_a_customer_links_a_tenant_it_already_has(portal, desktop):  # noqa: F811
    page = desktop
    base = portal.url
    domain = f"karpatyarchive{secrets.token_hex(3)}.onmicrosoft.com"
    seeded = httpx.post(
        f"{portal.partner_center_url}/_sandbox/tenants",
        json={"domain": domain, "companyName": "Karpaty Archive"},
        timeout=10,
    )
    assert seeded.status_code == 201, seeded.text

    sign_in_with_sms(page, portal, "owner@karpaty-logistics.example", next_path="/account/tenants/")
    page.goto(base + "/account/tenants/")
    link_form = page.locator("#tenant-link-form")
    link_form.locator("input[name=domain]").fill(domain)
    link_form.get_by_role("button").click()
    link = page.locator("#relationship-link")
    expect(link).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text(domain)
    tenant_page = page.url

    # The customer's admin opens the link (Microsoft's page; here the sandbox's) and accepts.
    page.goto(link.get_attribute("href"))
    page.get_by_label("Domain").fill(domain)
    page.get_by_label("Company name").fill("Karpaty Archive")
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Relationship accepted")

    page.goto(tenant_page)
    page.locator("#tenant-link-check").click()
    expect(page.get_by_role("main")).to_contain_text("Active")
    page.goto(base + "/account/tenants/")
    expect(page.get_by_role("main")).to_contain_text(domain)
