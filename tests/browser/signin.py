"""Signing in through the pages in browser tests: the password, then *Send Code* and the SMS
code read from the local mailbox (``MAILBOX_DIR/sms``), as a developer reads it at
/dev/mailbox/."""

from __future__ import annotations

import re

from playwright.sync_api import expect


def latest_sms_code(phone: str) -> str:
    from seatwise.notifications.selectors import mailbox_list

    for entry in mailbox_list(kind="sms"):
        if entry.to == phone and entry.codes:
            return entry.codes[0]
    raise AssertionError(f"no SMS code for {phone} in the mailbox")


def give_sms_code(page, phone: str) -> None:
    """On the second-factor page: Send Code, then enter the code from the mailbox."""
    expect(page).to_have_url(re.compile(r"/accounts/login/second-factor/"))
    page.get_by_role("button", name="Send Code").click()
    expect(page.get_by_text("We sent a code by SMS to")).to_be_visible()
    page.get_by_label("Verification code").fill(latest_sms_code(phone))
    page.get_by_role("button", name="Continue").click()


def sign_in(page, base: str, email: str, password: str, *, phone: str, path: str = "/") -> None:
    page.goto(f"{base}/accounts/login/?next={path}")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    give_sms_code(page, phone)
