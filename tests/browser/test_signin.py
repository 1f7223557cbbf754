"""Signing in with an SMS code from the mailbox, and recovering a forgotten password
(SMART cloud guide 3.1 and 3.2), in real Chromium."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.browser.signin import give_sms_code, latest_sms_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "s3cret-Passw0rd"
PHONE = "+380672498010"


@pytest.fixture
def olga():
    from seatwise.identity.services import user_email_mark_verified
    from seatwise.tenancy.tests.factories import (
        make_customer,
        make_member,
        make_provider,
        make_reseller,
        make_user,
    )

    customer = make_customer(make_reseller(make_provider("Seatwise Distribution")), "Acme")
    user = make_user("olga@example.test", PASSWORD, phone=PHONE, given_name="Olga")
    make_member(customer, user=user)
    user_email_mark_verified(user=user)
    return user


def test_signing_in_takes_the_password_and_the_sms_code_from_the_mailbox(
    live_server, desktop, olga
):
    page = desktop
    page.goto(live_server.url + "/accounts/login/?next=/account/info/")
    page.get_by_label("Email").fill("olga@example.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    expect(page).to_have_url(re.compile(r"/accounts/login/second-factor/$"))
    expect(page.locator("[data-masked-phone]")).to_have_text("+380 •• ••• 80 10")
    page.get_by_label("Verification code").fill("000000")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("[data-error-message]")).to_contain_text("This code is not valid.")

    give_sms_code(page, PHONE)

    expect(page).to_have_url(re.compile(r"/account/info/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Customer info")


def test_a_forgotten_password_is_recovered_by_email_and_sms_codes(live_server, desktop, olga):
    page = desktop
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_role("link", name="Forgot password?").click()
    expect(page).to_have_url(re.compile(r"/accounts/recover/$"))
    page.get_by_label("Email Address").fill("olga@example.test")
    page.get_by_role("button", name="Send Code").click()

    expect(page).to_have_url(re.compile(r"/accounts/recover/email-code/$"))
    (message,) = mail.outbox
    email_code = re.search(r"\b(\d{6})\b", message.body).group(1)
    page.get_by_label("Verification code").fill(email_code)
    page.get_by_role("button", name="Continue").click()

    expect(page).to_have_url(re.compile(r"/accounts/recover/phone-code/$"))
    expect(page.locator("[data-masked-phone]")).to_have_text("+380 •• ••• 80 10")
    page.get_by_role("button", name="Send Code").click()
    page.get_by_label("Verification code").fill(latest_sms_code(PHONE))
    page.get_by_role("button", name="Continue").click()

    expect(page).to_have_url(re.compile(r"/accounts/recover/new-password/$"))
    page.get_by_label("New Password", exact=True).fill("New-Passw0rd-2026")
    page.get_by_label("Confirm New Password").fill("New-Passw0rd-2026")
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your password is now changed.")
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill("olga@example.test")
    page.get_by_label("Password").fill("New-Passw0rd-2026")
    page.get_by_role("button", name="Log in").click()
    give_sms_code(page, PHONE)
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_text("Log out")).to_be_attached()
