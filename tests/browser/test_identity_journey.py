"""The identity issue's "done when", in one journey through real Chromium: a visitor comes
through a reseller's storefront link and registers (e-mail code, password and names, phone
code), registers the company with a free tenant domain, signs out, signs in again with an SMS
code, recovers the forgotten password by e-mail and SMS codes, and invites a colleague, who
creates an account from the invitation, accepts it and sees only that organization.

Codes are read where a newcomer reads them: e-mails in the outbox, SMS in the local mailbox
(/dev/mailbox/ shows the same files)."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.browser.signin import latest_sms_code, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OLGA_PHONE = "+380675551234"
NINA_PHONE = "+380501112233"


def latest_email_code(address: str) -> str:
    for message in reversed(mail.outbox):
        if address in message.to:
            found = re.search(r"\b(\d{6})\b", message.body)
            if found:
                return found.group(1)
    raise AssertionError(f"no e-mail code for {address}")


def register_account(
    page, *, email: str, password: str, names: tuple, phone: str, invited: bool = False
) -> None:
    """The three steps of the wizard, from its first page (an invitation fixes the address)."""
    if invited:
        expect(page.get_by_text(email)).to_be_visible()
    else:
        page.get_by_label("Email Address").fill(email)
    page.get_by_role("button", name="Send verification code").click()
    page.get_by_label("Verification code").fill(latest_email_code(email))
    page.get_by_role("button", name="Verify code").click()
    expect(page).to_have_url(re.compile(r"/register/details/$"))
    page.get_by_label("New Password", exact=True).fill(password)
    page.get_by_label("Confirm New Password").fill(password)
    given, display, surname = names
    page.get_by_label("Given Name").fill(given)
    page.get_by_label("Display Name").fill(display)
    page.get_by_label("Surname").fill(surname)
    page.get_by_role("button", name="Create").click()
    expect(page).to_have_url(re.compile(r"/register/phone/$"))
    page.get_by_label("Country code", exact=True).select_option("UA")
    page.get_by_label("Phone Number", exact=True).fill(phone.removeprefix("+380"))
    page.get_by_role("button", name="Send code").click()
    expect(page.get_by_text(f"We sent a code by SMS to {phone}.")).to_be_visible()
    page.get_by_label("Enter your verification code below, or send a new code").fill(
        latest_sms_code(phone)
    )
    page.get_by_role("button", name="Verify Code").click()


def sign_out(page) -> None:
    page.locator("#user-menu").click()
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()


def test_register_company_sign_in_recover_and_invite(live_server, browser):
    from seatwise.identity.models import User
    from seatwise.tenancy.models import Membership, OrganizationRegistration
    from seatwise.web.tests.shop_data import build_shop

    shop = build_shop()
    reseller = shop.customer.parent
    mail.outbox.clear()
    base = live_server.url
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-GB")
    context.set_default_timeout(10_000)
    page = context.new_page()

    # 1. Through the reseller's storefront link to Register; the account wizard.
    page.goto(f"{base}/r/{reseller.slug}/")
    page.get_by_role("link", name="Register", exact=True).first.click()
    register_account(
        page,
        email="olga@example.test",
        password="Blue-Sky-2026",
        names=("Olga", "Olga S", "Sikur"),
        phone=OLGA_PHONE,
    )

    # 2. The company, with a free domain for the new Microsoft tenant.
    expect(page).to_have_url(re.compile(r"/register/company/$"))
    page.get_by_label("Company name").fill("Acme Ukraine LLC")
    page.get_by_label("Registration number").fill("12345678")
    page.get_by_label("Street address", exact=True).fill("1 Khreshchatyk St")
    page.get_by_label("Zip / postal code").fill("01001")
    page.get_by_label("City").fill("Kyiv")
    page.get_by_label("Country").select_option("UA")
    page.get_by_label("Phone").fill(OLGA_PHONE)
    page.get_by_label("Domain name", exact=True).fill("acmeukraine")
    expect(page.locator("[data-domain-state='available']")).to_have_text(
        "acmeukraine.onmicrosoft.com is available"
    )
    page.get_by_label("Domain name confirmation").fill("acmeukraine")
    page.get_by_label("I accept the Microsoft Customer Agreement").check()
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Registration finished")
    registration = OrganizationRegistration.objects.get()
    company = registration.organization
    assert (company.name, company.parent_id, registration.tenant_domain) == (
        "Acme Ukraine LLC",
        reseller.pk,
        "acmeukraine",
    )
    olga = User.objects.get(email="olga@example.test")
    assert Membership.objects.get(user=olga).role == "owner"
    welcome = [m for m in mail.outbox if "olga@example.test" in m.to and "olga@" in m.body]
    assert welcome, "the welcome e-mail confirms the username"

    # 3. Sign out, sign in again: the password, then the SMS code.
    sign_out(page)
    sign_in(page, base, "olga@example.test", "Blue-Sky-2026", phone=OLGA_PHONE)
    expect(page.locator("#user-menu")).to_contain_text("Olga Sikur")
    sign_out(page)

    # 4. Forgot password: e-mail code, SMS code, a new password; then sign in with it.
    page.goto(f"{base}/accounts/login/")
    page.get_by_role("link", name="Forgot password?").click()
    page.get_by_label("Email Address").fill("olga@example.test")
    page.get_by_role("button", name="Send Code").click()
    page.get_by_label("Verification code").fill(latest_email_code("olga@example.test"))
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Send Code").click()
    page.get_by_label("Verification code").fill(latest_sms_code(OLGA_PHONE))
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("New Password", exact=True).fill("Green-Field-2027")
    page.get_by_label("Confirm New Password").fill("Green-Field-2027")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your password is now changed.")
    sign_in(page, base, "olga@example.test", "Green-Field-2027", phone=OLGA_PHONE)
    expect(page.locator("#user-menu")).to_contain_text("Olga Sikur")

    # 5. Olga invites a colleague to her company.
    page.goto(f"{base}/organizations/users/")
    page.get_by_label("E-mail").fill("nina@example.test")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("Invitation sent to nina@example.test.")).to_be_visible()
    (invitation_mail,) = [m for m in mail.outbox if "nina@example.test" in m.to]
    link = re.search(r"https?://\S+/invitations/\S+/", invitation_mail.body).group(0)
    sign_out(page)
    context.close()

    # 6. Nina opens the link in her own browser, creates an account, accepts.
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-GB")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Invitation to Acme Ukraine LLC")
    page.get_by_role("link", name="Create an account").click()
    register_account(
        page,
        email="nina@example.test",
        password="Quiet-Lake-2026",
        names=("Nina", "Nina K", "Koval"),
        phone=NINA_PHONE,
        invited=True,
    )
    expect(page).to_have_url(link)
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_text("Welcome to Acme Ukraine LLC.")).to_be_visible()

    # She sees her organization, and only it.
    page.goto(f"{base}/organizations/users/")
    expect(page.locator("[data-organization]")).to_have_text("Acme Ukraine LLC")
    expect(page.locator("[data-member='olga@example.test']")).to_be_visible()
    page.goto(f"{base}/organizations/switch/")
    expect(page.get_by_role("main").get_by_role("row")).to_have_count(2)  # header and Acme
    expect(page.get_by_role("cell", name="Acme Ukraine LLC")).to_be_visible()
    expect(page.get_by_text("Fabrikam School")).to_have_count(0)
    nina = User.objects.get(email="nina@example.test")
    assert [m.organization_id for m in Membership.objects.filter(user=nina)] == [company.pk]
    context.close()
