"""Sign-in with a work Microsoft account in real Chromium: the sign-in page's button, the
OIDC sandbox (a separate process) approving the account, and back, signed in as the Seatwise
user with that verified address. Also the refusals, as the user sees them."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from seatwise.web.tests import oidc_sandbox as sandbox_fixtures
from seatwise.web.tests.oidc_sandbox import sandbox_providers

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

oidc_sandbox = sandbox_fixtures.oidc_sandbox  # the sandbox process, session-wide


@pytest.fixture
def microsoft(settings, oidc_sandbox):
    settings.SOCIALACCOUNT_PROVIDERS = sandbox_providers(oidc_sandbox.url)
    oidc_sandbox.clear_user()
    yield oidc_sandbox
    oidc_sandbox.clear_user()


@pytest.fixture
def customer(db):
    from seatwise.identity.services import user_email_mark_verified
    from seatwise.tenancy.enums import Role
    from seatwise.tenancy.services import authentication_settings_set
    from seatwise.tenancy.tests.factories import (
        make_customer,
        make_member,
        make_provider,
        make_reseller,
        make_user,
    )

    provider = make_provider("Provider")
    owner = make_member(provider, Role.OWNER)
    reseller = make_reseller(provider, "Northwind")
    acme = make_customer(provider, "Acme")
    make_customer(reseller, "Globex")
    authentication_settings_set(
        actor=owner,
        organization=provider,
        allow_local=True,
        allow_microsoft_personal=False,
        allow_microsoft_work=True,
        second_factor_required=False,  # the second factor is another slice's journey
    )
    user = make_user("ann@contoso.test", "s3cret-Passw0rd", given_name="Ann", surname="Lee")
    make_member(acme, Role.TECHNICAL, user=user)
    user_email_mark_verified(user=user)
    return user


def test_a_work_account_signs_in_the_matching_user(live_server, desktop, microsoft, customer):
    microsoft.set_user(kind="work", id="work-ann", upn="ann@contoso.test", name="Ann Lee")
    page = desktop
    page.goto(f"{live_server.url}/accounts/login/?next=/products/")
    page.get_by_role("button", name="Work Microsoft account").click()

    expect(page).to_have_url(re.compile(r"/products/$"))
    page.locator("#user-menu").click()
    expect(page.locator("#user-menu")).to_contain_text("Ann Lee")
    page.get_by_role("link", name="Connected accounts").click()
    expect(page.locator("[data-connected-account='microsoft']")).to_contain_text(
        "Work Microsoft account"
    )


def test_an_unknown_work_account_is_refused(live_server, desktop, microsoft, customer):
    microsoft.set_user(kind="work", id="work-zed", upn="zed@contoso.test")
    page = desktop
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("button", name="Work Microsoft account").click()

    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(
        page.get_by_text("There is no Seatwise account for this Microsoft account")
    ).to_be_visible()
    expect(page.locator("#user-menu")).to_have_count(0)


def test_a_provider_the_organization_turned_off_is_refused(
    live_server, desktop, microsoft, customer
):
    from seatwise.tenancy.models import AuthenticationSettings

    microsoft.set_user(kind="work", id="work-ann", upn="ann@contoso.test")
    page = desktop
    page.goto(f"{live_server.url}/accounts/login/")
    button = page.get_by_role("button", name="Work Microsoft account")
    expect(button).to_be_visible()
    # The provider turns the work account off while the page is open.
    AuthenticationSettings.objects.update(allow_microsoft_work=False, allow_microsoft_personal=True)
    button.click()

    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(
        page.get_by_text(
            "Your organization does not offer signing in with “Work Microsoft account”."
        )
    ).to_be_visible()
    expect(page.get_by_role("button", name="Work Microsoft account")).to_have_count(0)
    expect(page.locator("#user-menu")).to_have_count(0)
