"""A signed-in user without an organization registers its company (guide 2.3–2.5): the
domain name is checked live ("Wait…", then available, or taken with free suggestions), and
the registration ends on the "Registration finished" page. Real Chromium."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_new_user_registers_its_company_with_a_free_domain(live_server, browser):
    from seatwise.connectors.models import TenantDomain
    from seatwise.tenancy.models import OrganizationRegistration
    from seatwise.tenancy.tests.factories import make_provider, make_user

    provider = make_provider("Seatwise Distribution")
    TenantDomain.objects.get_or_create(prefix="contoso")  # seeded, unless a flush removed it
    user = make_user("olga@example.test", given_name="Olga", surname="Sikur")
    client = Client()
    client.force_login(user)

    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-GB")
    context.set_default_timeout(10_000)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    held = []
    page.route("**/register/company/domain/**", lambda route: held.append(route))  # held

    page.goto(f"{live_server.url}/register/company/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Register")
    page.get_by_label("Company name").fill("Acme Ukraine LLC")
    page.get_by_label("Registration number").fill("12345678")
    page.get_by_label("Street address", exact=True).fill("1 Khreshchatyk St")
    page.get_by_label("Zip / postal code").fill("01001")
    page.get_by_label("City").fill("Kyiv")
    page.get_by_label("Country").select_option("UA")
    page.get_by_label("Phone").fill("+380 67 123 4567")

    page.get_by_label("Domain name", exact=True).fill("contoso")
    expect(page.get_by_text("Wait…")).to_be_visible()
    held.pop().continue_()
    expect(page.get_by_text("contoso.onmicrosoft.com is already taken.")).to_be_visible()
    expect(page.get_by_text("Wait…")).to_be_hidden()
    suggestions = page.locator("[data-domain-suggestion]")
    expect(suggestions).to_have_count(3)
    expect(suggestions.first).to_have_text("contosoua.onmicrosoft.com")

    page.unroute("**/register/company/domain/**")
    page.get_by_label("Domain name", exact=True).fill("acmeua2026")
    expect(page.locator("[data-domain-state='available']")).to_have_text(
        "acmeua2026.onmicrosoft.com is available"
    )
    page.get_by_label("Domain name confirmation").fill("acmeua2026")
    page.get_by_label("I accept the Microsoft Customer Agreement").check()
    page.get_by_role("button", name="Register").click()

    expect(page).to_have_url(re.compile(r"/register/company/done/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Registration finished")
    expect(page.get_by_role("link", name="Go to the shop")).to_have_attribute("href", "/products/")
    registration = OrganizationRegistration.objects.get()
    assert registration.organization.parent == provider
    assert registration.tenant_domain == "acmeua2026"
    context.close()


def test_a_suggestion_fills_both_domain_fields(live_server, browser):
    from seatwise.connectors.models import TenantDomain
    from seatwise.tenancy.tests.factories import make_provider, make_user

    make_provider("Seatwise Distribution")
    TenantDomain.objects.get_or_create(prefix="contoso")
    user = make_user("ivan@example.test")
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
    context.set_default_timeout(10_000)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/register/company/")
    page.get_by_label("Country").select_option("UA")
    page.get_by_label("Domain name", exact=True).fill("contoso")
    page.get_by_role("button", name="contosoua.onmicrosoft.com").click()
    expect(page.get_by_label("Domain name", exact=True)).to_have_value("contosoua")
    expect(page.get_by_label("Domain name confirmation")).to_have_value("contosoua")
    expect(page.locator("[data-domain-state='available']")).to_have_text(
        "contosoua.onmicrosoft.com is available"
    )
    context.close()
