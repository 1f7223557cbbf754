"""The visitor's main journeys through the storefront, in real Chromium."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from seatwise.catalog.tests.factories import make_offer, make_product
from seatwise.web.tests.shop_data import add_prices, build_shop
from tests.browser.signin import give_sms_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shop():
    data = build_shop()
    # Enough Azure products for more than one page of 12.
    for n in range(1, 12):
        product = make_product(
            f"Azure Service {n:02d}", category=data.azure, vendor=data.aad_basic.vendor
        )
        add_prices(data.cost, data.resale, make_offer(product), f"{n + 1}.50")
    return data


def _amount(price: str) -> Decimal:
    """``$6.00 / licence / month`` -> Decimal("6.00")."""
    return Decimal(re.search(r"[\d,]+\.\d\d", price).group(0).replace(",", ""))


def _grid_prices(page) -> list[Decimal]:
    return [_amount(t) for t in page.locator("[data-product-grid] [data-price]").all_inner_texts()]


def test_visitor_browses_sorts_pages_opens_a_product_and_switches_currency_and_language(
    live_server, desktop, shop
):
    page = desktop
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Cloud products").first.click()
    page.locator("#category-menu").get_by_role("link", name=re.compile(r"^Azure")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Azure")
    breadcrumb = page.get_by_role("navigation", name="Breadcrumb")
    expect(breadcrumb).to_have_text(re.compile(r"Home\s*/?\s*Cloud products\s*/?\s*Azure"))
    expect(page.locator("[data-result-count]")).to_contain_text("Showing 1–14 of 14")

    # Sorting swaps the list through HTMX: no page load, the address follows.
    page.evaluate("window.__stayed = true")
    page.select_option("#list-sort", "price")
    expect(page).to_have_url(re.compile(r"sort=price"))
    expect(page.locator("#list-sort")).to_have_value("price")
    amounts = _grid_prices(page)
    assert amounts == sorted(amounts)
    assert amounts[0] == Decimal("1.00")
    assert page.evaluate("window.__stayed") is True

    page.select_option("#list-sort", "-price")
    expect(page).to_have_url(re.compile(r"sort=-price"))
    expect(page.locator("[data-product-grid] [data-price]").first).to_have_text(
        "$25.00 / licence / month"
    )
    amounts = _grid_prices(page)
    assert amounts == sorted(amounts, reverse=True)

    page.select_option("#list-page-size", "12")
    expect(page).to_have_url(re.compile(r"page_size=12"))
    expect(page.locator("[data-product-grid] article")).to_have_count(12)
    expect(page.locator("[data-result-count]")).to_contain_text("Showing 1–12 of 14")
    page.get_by_role("navigation", name="Pages").get_by_role("link", name="2").click()
    expect(page).to_have_url(re.compile(r"page=2"))
    expect(page.locator("[data-product-grid] article")).to_have_count(2)
    assert page.evaluate("window.__stayed") is True

    # The back button restores the first page.
    page.go_back()
    expect(page.locator("[data-product-grid] article")).to_have_count(12)

    page.goto(live_server.url + f"/c/{shop.azure.slug}/")
    page.get_by_role("link", name="Azure Active Directory Premium").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Azure Active Directory Premium")
    offer = page.locator("[data-sku='AAD-P1']")
    expect(offer).to_contain_text("Suggested retail price")
    expect(offer.locator("[data-price='monthly']")).to_have_text("$6.00 / licence / month")

    page.locator("#currency-menu").click()
    page.get_by_role("button", name="UAH").click()
    expect(page).to_have_url(re.compile(r"/p/aad-premium/$"))
    expect(offer.locator("[data-price='monthly']")).to_have_text("₴249.00 / licence / month")
    expect(page.locator("#currency-menu")).to_contain_text("UAH")

    page.locator("#language-menu").click()
    page.get_by_role("button", name="Українська").click()
    expect(page.locator("html")).to_have_attribute("lang", "uk")
    expect(page.get_by_role("heading", name="Пропозиції")).to_be_visible()
    expect(offer.locator("[data-price='monthly']")).to_have_text("249,00\xa0₴ / ліцензія / місяць")
    expect(offer).to_contain_text("Рекомендована роздрібна ціна")

    # Both choices stay for the next page.
    page.goto(live_server.url + "/products/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Усі товари")
    expect(page.locator(".recently-viewed")).to_contain_text("Azure Active Directory Premium")


def test_currency_switch_after_htmx_sorting_returns_to_the_sorted_list(live_server, desktop, shop):
    page = desktop
    page.goto(live_server.url + f"/c/{shop.azure.slug}/")
    page.select_option("#list-sort", "-price")
    expect(page).to_have_url(re.compile(r"sort=-price"))

    page.locator("#currency-menu").click()
    page.get_by_role("button", name="EUR").click()

    expect(page).to_have_url(re.compile(rf"/c/{shop.azure.slug}/\?sort=-price&page_size=24$"))
    expect(page.locator("[data-product-grid] [data-price]").first).to_have_text(
        "€23.00 / licence / month"
    )


def test_phone_shows_a_collapsed_menu_and_one_product_per_row(live_server, phone, shop):
    page = phone
    page.goto(live_server.url + f"/c/{shop.azure.slug}/")

    toggler = page.locator(".navbar-toggler")
    expect(toggler).to_be_visible()
    expect(page.locator("#site-menu")).to_be_hidden()
    expect(page.locator("#site-search-q")).to_be_visible()

    cards = page.locator("[data-product-grid] article")
    expect(cards).to_have_count(14)
    boxes = [cards.nth(i).bounding_box() for i in range(3)]
    assert len({round(box["x"]) for box in boxes}) == 1  # one column
    assert boxes[0]["y"] < boxes[1]["y"] < boxes[2]["y"]
    assert boxes[0]["width"] > 390 * 0.85

    # The category tree hides in an off-canvas panel behind a button.
    expect(page.locator("#category-menu")).to_be_hidden()
    page.get_by_role("button", name="Categories").click()
    expect(page.locator("#category-menu")).to_be_visible()
    expect(
        page.locator("#category-menu").get_by_role("link", name=re.compile("^Azure"))
    ).to_be_visible()
    page.locator("#category-menu .btn-close").click()
    expect(page.locator("#category-menu")).to_be_hidden()

    toggler.click()
    expect(page.locator("#site-menu")).to_be_visible()
    expect(page.locator("#site-menu").get_by_role("link", name="Log in")).to_be_visible()


def test_search_by_sku_finds_the_product(live_server, desktop, shop):
    page = desktop
    page.goto(live_server.url + "/")

    page.locator("#site-search-q").fill("CFQ7TTC0LF8Q")
    page.locator("#site-search-q").press("Enter")

    expect(page).to_have_url(re.compile(r"/search/\?q=CFQ7TTC0LF8Q"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Results for “CFQ7TTC0LF8Q”")
    cards = page.locator("[data-product-grid] article")
    expect(cards).to_have_count(1)
    cards.first.get_by_role("link", name="Office 365 E3").click()
    expect(page.locator("#offer-CFQ7TTC0LF8Q")).to_be_visible()


def test_signed_in_customer_sees_its_own_price(live_server, desktop, shop):
    from seatwise.identity.services import user_email_mark_verified
    from seatwise.tenancy.tests.factories import make_member, make_user

    user = make_user("olga@example.test", "s3cret-Passw0rd", phone="+380672498010")
    make_member(shop.customer, user=user)
    user_email_mark_verified(user=user)
    page = desktop
    page.goto(live_server.url + "/accounts/login/?next=/p/aad-premium/")
    page.get_by_label("Email").fill("olga@example.test")
    page.get_by_label("Password").fill("s3cret-Passw0rd")
    page.get_by_role("button", name="Log in").click()
    give_sms_code(page, "+380672498010")  # the second factor, from the mailbox

    expect(page).to_have_url(re.compile(r"/p/aad-premium/$"))
    offer = page.locator("[data-sku='AAD-P1']")
    expect(offer).to_contain_text("Your price")
    expect(offer.locator("[data-price='monthly']")).to_have_text("$5.67 / licence / month")

    page.locator("#user-menu").click()
    page.get_by_role("button", name="Log out").click()
    expect(page.locator("#site-menu").get_by_role("link", name="Log in")).to_be_visible()


def test_typing_on_the_search_page_updates_the_results_in_place(live_server, desktop, shop):
    page = desktop
    page.goto(live_server.url + "/search/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Search")
    page.evaluate("window.__stayed = true")

    page.locator("#search-page-q").press_sequentially("teams-phone", delay=20)

    expect(page).to_have_url(re.compile(r"/search/\?q=teams-phone"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Results for “teams-phone”")
    expect(page.locator("[data-product-grid] article")).to_have_count(1)
    expect(page.locator("[data-product-grid]")).to_contain_text("Microsoft Teams Phone")
    expect(page).to_have_title("Search: teams-phone · Seatwise")
    expect(page.locator("#search-page-q")).to_be_focused()
    assert page.evaluate("window.__stayed") is True
