"""An owner invites a new address; the invitee creates an account from the link through the
registration wizard (the invited address locked, its e-mail code, password and names, the
phone code), comes back signed in, accepts, and then sees only the organization it was
invited to. Someone with an account signs in from the link and accepts. Real Chromium."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from seatwise.web.tests.shop_data import build_shop
from tests.browser.signin import give_sms_code, latest_sms_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "s3cret-Passw0rd"
OWNER_PHONE = "+380672498010"
INVITEE_PHONE = "+380672498077"


def _code(body: str) -> str:
    return re.search(r"\b(\d{6})\b", body).group(1)


def _sign_in(page, base: str, email: str, password: str, path: str = "/") -> None:
    page.goto(f"{base}/accounts/login/?next={path}")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    give_sms_code(page, OWNER_PHONE)  # the second factor, from the mailbox


def _invite(page, base: str, email: str) -> str:
    """As the signed-in owner: invite ``email`` as Technical to Fabrikam School; the link."""
    page.locator("#user-menu").click()
    page.get_by_role("link", name="Users").click()
    expect(page).to_have_url(re.compile(r"/organizations/users/$"))
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Role").select_option(label="Technical")
    page.get_by_label("Organization").select_option(label="Fabrikam School")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text(f"Invitation sent to {email}.")).to_be_visible()
    expect(page.locator(f"[data-invitation='{email}']")).to_contain_text("Fabrikam School")
    link = re.search(r"https?://\S+/invitations/[\w-]+/", mail.outbox[-1].body).group(0)
    assert link.startswith(base)
    return link


def test_an_invited_new_user_registers_accepts_and_sees_only_its_organization(live_server, browser):
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
    link = _invite(page, live_server.url, "nina@example.test")
    inviter.close()
    assert len(mail.outbox) == 1

    invitee = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-GB")
    invitee.set_default_timeout(10_000)
    page = invitee.new_page()
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Invitation to Fabrikam School")
    expect(page.locator("[data-role]")).to_have_text("Technical")
    page.get_by_role("link", name="Create an account").click()

    # 1. The e-mail step, locked to the invited address, and its code.
    expect(page).to_have_url(re.compile(r"/register/$"))
    expect(page.locator("[data-register-invitation]")).to_contain_text(
        "You were invited to Fabrikam School."
    )
    expect(page.get_by_label("Email Address")).to_have_value("nina@example.test")
    expect(page.get_by_label("Email Address")).not_to_be_editable()
    page.get_by_role("button", name="Send verification code").click()
    expect(page.get_by_text("We sent a verification code to nina@example.test.")).to_be_visible()
    expect(page.get_by_role("button", name="Change e-mail")).to_have_count(0)
    assert mail.outbox[-1].to == ["nina@example.test"]
    page.get_by_label("Verification code").fill(_code(mail.outbox[-1].body))
    page.get_by_role("button", name="Verify code").click()

    # 2. Password (the policy beside it) and names.
    expect(page).to_have_url(re.compile(r"/register/details/$"))
    expect(page.locator("[data-password-rule]")).to_contain_text(
        "The password must be between 8 and 64 characters."
    )
    page.get_by_label("New Password", exact=True).fill(PASSWORD)
    page.get_by_label("Confirm New Password").fill(PASSWORD)
    page.get_by_label("Given Name").fill("Nina")
    page.get_by_label("Display Name").fill("Nina K")
    page.get_by_label("Surname").fill("Koval")
    page.get_by_role("button", name="Create").click()

    # 3. The phone code (read from the mailbox); the account is created and signed in.
    expect(page).to_have_url(re.compile(r"/register/phone/$"))
    page.get_by_label("Country code", exact=True).select_option("UA")
    page.get_by_label("Phone Number", exact=True).fill(INVITEE_PHONE)
    page.get_by_role("button", name="Send code").click()
    expect(page.get_by_text(f"We sent a code by SMS to {INVITEE_PHONE}.")).to_be_visible()
    page.get_by_label("Enter your verification code below, or send a new code").fill(
        latest_sms_code(INVITEE_PHONE)
    )
    page.get_by_role("button", name="Verify Code").click()

    expect(page).to_have_url(link)
    expect(
        page.get_by_text("Your account was created. Now accept or decline the invitation")
    ).to_be_visible()
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


def test_an_invited_user_with_an_account_signs_in_from_the_link_and_accepts(live_server, browser):
    from seatwise.identity.services import user_email_mark_verified
    from seatwise.tenancy.enums import Role
    from seatwise.tenancy.tests.factories import make_member, make_user

    shop = build_shop()
    owner = make_user("rita@example.test", PASSWORD, phone=OWNER_PHONE)
    make_member(shop.reseller, Role.OWNER, user=owner)
    user_email_mark_verified(user=owner)
    olga = make_user("olga@example.test", PASSWORD, phone=INVITEE_PHONE)
    user_email_mark_verified(user=olga)
    mail.outbox.clear()

    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-GB")
    context.set_default_timeout(10_000)
    page = context.new_page()
    _sign_in(page, live_server.url, "rita@example.test", PASSWORD)
    link = _invite(page, live_server.url, "olga@example.test")
    page.locator("#user-menu").click()
    page.get_by_role("button", name="Log out").click()
    expect(page.locator("#user-menu")).to_have_count(0)

    page.goto(link)
    page.get_by_role("link", name="Log in").first.click()
    page.get_by_label("Email").fill("olga@example.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    give_sms_code(page, INVITEE_PHONE)
    expect(page).to_have_url(link)
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_text("Welcome to Fabrikam School.")).to_be_visible()
    page.locator("#user-menu").click()
    expect(page.get_by_text("Buying for Fabrikam School")).to_be_visible()
    context.close()
