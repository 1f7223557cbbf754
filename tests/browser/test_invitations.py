"""An owner invites a new address; the invitee creates an account from the link, accepts,
and then sees only the organization it was invited to. Real Chromium."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from seatwise.web.tests.shop_data import build_shop
from tests.browser.signin import give_sms_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "s3cret-Passw0rd"
OWNER_PHONE = "+380672498010"


def _sign_in(page, base: str, email: str, password: str, path: str = "/") -> None:
    page.goto(f"{base}/accounts/login/?next={path}")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    give_sms_code(page, OWNER_PHONE)  # the second factor, from the mailbox


def test_an_invited_new_user_signs_up_accepts_and_sees_only_its_organization(live_server, browser):
    from seatwise.identity.services import user_email_mark_verified
    from seatwise.tenancy.enums import Role
    from seatwise.tenancy.tests.factories import make_member, make_user

    shop = build_shop()
    owner = make_user("rita@example.test", PASSWORD, phone=OWNER_PHONE)
    make_member(shop.reseller, Role.OWNER, user=owner)
    user_email_mark_verified(user=owner)
    mail.outbox.clear()

    inviter = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-GB")
    inviter.set_default_timeout(10_000)
    page = inviter.new_page()
    _sign_in(page, live_server.url, "rita@example.test", PASSWORD)
    page.locator("#user-menu").click()
    page.get_by_role("link", name="Users").click()
    expect(page).to_have_url(re.compile(r"/organizations/users/$"))
    page.get_by_label("E-mail").fill("nina@example.test")
    page.get_by_label("Role").select_option(label="Technical")
    page.get_by_label("Organization").select_option(label="Fabrikam School")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("Invitation sent to nina@example.test.")).to_be_visible()
    expect(page.locator("[data-invitation='nina@example.test']")).to_contain_text("Fabrikam School")
    inviter.close()

    (invitation_mail,) = mail.outbox
    link = re.search(r"https?://\S+/invitations/[\w-]+/", invitation_mail.body).group(0)
    assert link.startswith(live_server.url)

    invitee = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-GB")
    invitee.set_default_timeout(10_000)
    page = invitee.new_page()
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Invitation to Fabrikam School")
    expect(page.locator("[data-role]")).to_have_text("Technical")
    page.get_by_role("link", name="Create an account").click()
    page.get_by_label("Email").fill("nina@example.test")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()

    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))
    code = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", mail.outbox[-1].body, re.M).group(1)
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Confirm").click()

    expect(page).to_have_url(link)
    page.get_by_role("button", name="Accept").click()
    expect(page).to_have_url(live_server.url + "/")
    expect(page.get_by_text("Welcome to Fabrikam School.")).to_be_visible()
    expect(page.get_by_text("Prices shown: Your price")).to_be_visible()

    page.goto(live_server.url + "/organizations/users/")
    expect(page.locator("[data-organization]")).to_have_text("Fabrikam School")
    expect(page.locator("[data-member='nina@example.test']")).to_contain_text("Technical")
    expect(page.locator("[data-invite-form]")).to_have_count(0)
    page.locator("#user-menu").click()
    expect(page.get_by_text("Buying for Fabrikam School")).to_be_visible()
    invitee.close()
