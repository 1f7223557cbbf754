"""A visitor registers through the wizard (guide 2.1–2.2): e-mail code, password and names,
phone code; the account is created and signed in, and the company registration opens.
Real Chromium, once with JavaScript and once without (the wizard is plain forms)."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from seatwise.web.tests.shop_data import build_shop

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Blue-Sky-2026"


def _code(body: str) -> str:
    return re.search(r"\b(\d{6})\b", body).group(1)


@pytest.mark.parametrize(
    ("viewport", "javascript"),
    [({"width": 1280, "height": 800}, True), ({"width": 390, "height": 844}, False)],
    ids=["desktop", "phone-without-javascript"],
)
def test_a_visitor_registers_and_lands_signed_in(live_server, browser, sms, viewport, javascript):
    from seatwise.identity.models import User

    build_shop()
    mail.outbox.clear()
    context = browser.new_context(viewport=viewport, locale="en-GB", java_script_enabled=javascript)
    context.set_default_timeout(10_000)
    page = context.new_page()

    page.goto(live_server.url + "/")
    if not javascript and viewport["width"] < 992:
        page.goto(live_server.url + "/accounts/login/")  # the collapsed menu needs JS
    page.get_by_role("link", name="Register", exact=True).first.click()
    expect(page).to_have_url(re.compile(r"/register/$"))
    expect(page.get_by_text("Please provide the following details.")).to_be_visible()

    # 1. E-mail address and its code.
    page.get_by_label("Email Address").fill("olga@example.test")
    page.get_by_role("button", name="Send verification code").click()
    expect(page.get_by_text("We sent a verification code to olga@example.test.")).to_be_visible()
    expect(page.get_by_role("button", name="Send new code")).to_be_visible()
    expect(page.get_by_role("button", name="Change e-mail")).to_be_visible()
    (message,) = mail.outbox
    page.get_by_label("Verification code").fill(
        "000000" if _code(message.body) != "000000" else "1"
    )
    page.get_by_role("button", name="Verify code").click()
    expect(page.get_by_text("This code is not valid. 4 attempt(s) left.")).to_be_visible()
    page.get_by_label("Verification code").fill(_code(message.body))
    page.get_by_role("button", name="Verify code").click()
    expect(page).to_have_url(re.compile(r"/register/details/$"))

    # 2. Password (the policy beside it) and names.
    expect(page.locator("[data-password-rule]")).to_contain_text(
        "The password must be between 8 and 64 characters."
    )
    page.get_by_label("New Password", exact=True).fill("short")
    page.get_by_label("Confirm New Password").fill("short")
    page.get_by_label("Given Name").fill("Olga")
    page.get_by_label("Display Name").fill("Olga S")
    page.get_by_label("Surname").fill("Sikur")
    page.get_by_role("button", name="Create").click()
    expect(page.locator("[data-error='password']").first).to_have_text(
        "Use between 8 and 64 characters (this one has 5)."
    )
    expect(page.get_by_label("Given Name")).to_have_value("Olga")
    page.get_by_label("New Password", exact=True).fill(PASSWORD)
    page.get_by_label("Confirm New Password").fill(PASSWORD)
    page.get_by_role("button", name="Create").click()
    expect(page).to_have_url(re.compile(r"/register/phone/$"))

    # 3. Phone number with its country code, and the SMS code.
    assert User.objects.count() == 0
    page.get_by_label("Country code", exact=True).select_option("UA")
    page.get_by_label("Phone Number", exact=True).fill("50 123 4567")
    page.get_by_role("button", name="Send code").click()
    expect(page.get_by_text("We sent a code by SMS to +380501234567.")).to_be_visible()
    (text_message,) = sms
    page.get_by_label("Enter your verification code below, or send a new code").fill(
        _code(text_message.body)
    )
    page.get_by_role("button", name="Verify Code").click()

    expect(page.get_by_text("Your account was created. Now register your company.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/register/company/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Register")
    expect(page.get_by_label("Company name")).to_be_visible()
    user = User.objects.get()
    assert (user.email, user.get_full_name(), str(user.phone)) == (
        "olga@example.test",
        "Olga Sikur",
        "+380501234567",
    )
    if javascript:
        expect(page.locator("#user-menu")).to_contain_text("Olga Sikur")
    expect(page.locator("[data-register-link]")).to_have_count(0)
    context.close()
