import pytest

from seatwise.web.tests.helpers import prices, product_slugs, text

pytestmark = pytest.mark.django_db


def test_home_shows_top_categories_with_counts_and_featured_products(client, shop):
    response = client.get("/")

    assert response.status_code == 200
    body = text(response)
    assert "Cloud licences for your whole organization" in body
    assert "Seatwise Distribution" in body
    assert f'href="/c/{shop.cloud.slug}/"' in body
    assert "5 products" in body  # Cloud products: Azure (3) + Microsoft 365 (2)
    assert f'href="/c/{shop.books.slug}/"' in body
    assert "1 product" in body
    assert product_slugs(response) == [
        "aad-basic",
        "aad-premium",
        "azure",
        "teams-phone",
        "office-365-e3",
        "windows-internals",
    ]


def test_all_products_lists_every_active_product_with_the_category_tree(client, shop):
    shop.book.is_active = False
    shop.book.save(update_fields=["is_active"])

    response = client.get("/products/")

    assert response.status_code == 200
    body = text(response)
    assert "Showing 1–5 of 5" in body
    assert "windows-internals" not in product_slugs(response)
    assert len(product_slugs(response)) == 5
    assert f'href="/c/{shop.cloud.slug}/"' in body
    assert "Home" in body and "All products" in body


def test_category_page_includes_products_of_its_subcategories(client, shop):
    response = client.get(f"/c/{shop.cloud.slug}/")

    assert response.status_code == 200
    assert sorted(product_slugs(response)) == [
        "aad-basic",
        "aad-premium",
        "azure",
        "office-365-e3",
        "teams-phone",
    ]


def test_category_page_has_breadcrumbs_home_parent_and_category(client, shop):
    response = client.get(f"/c/{shop.azure.slug}/")

    body = text(response)
    assert (
        '<li class="breadcrumb-item"><a href="/">Home</a></li>' in body
        and f'<a href="/c/{shop.cloud.slug}/">Cloud products</a>' in body
        and '<li class="breadcrumb-item active" aria-current="page">Azure</li>' in body
    )
    assert sorted(product_slugs(response)) == ["aad-basic", "aad-premium", "azure"]


def test_category_tree_marks_the_current_category_and_opens_its_branch(client, shop):
    body = text(client.get(f"/c/{shop.azure.slug}/"))

    assert f'<a href="/c/{shop.azure.slug}/" class="active" aria-current="page">' in body
    assert f'href="/c/{shop.m365.slug}/"' in body  # sibling shown: the branch is open


def test_category_tree_keeps_closed_branches_closed(client, shop):
    body = text(client.get(f"/c/{shop.books.slug}/"))

    assert f'href="/c/{shop.azure.slug}/"' not in body


def test_product_card_shows_vendor_price_and_generated_placeholder(client, shop):
    body = text(client.get(f"/c/{shop.azure.slug}/?sort=price"))

    assert "Microsoft" in body
    assert '<span class="initials">AP</span>' in body
    assert "Suggested retail price" in body
    assert prices(client.get(f"/c/{shop.azure.slug}/?sort=price")) == [
        "$1.00 / licence / month",
        "$6.00 / licence / month",
        "$25.00 / licence / month",
    ]


def test_product_card_headline_skips_trials_and_segment_only_offers(client, shop):
    response = client.get(f"/c/{shop.m365.slug}/")

    # Office 365 E3 has a $0 trial and a $3.25 academic offer; the headline is the E3 price.
    assert prices(response) == ["$8.00 / user / month", "$23.00 / user / month"]


def test_product_page_shows_description_vendor_category_and_offers(client, shop):
    response = client.get("/p/aad-premium/")

    assert response.status_code == 200
    body = text(response)
    assert '<h1 class="h2">Azure Active Directory Premium</h1>' in body
    assert "Conditional access, self-service password reset and more." in body
    assert "Identity and access management for the enterprise." in body
    assert f'<a href="/c/{shop.azure.slug}/">Azure</a>' in body
    assert "AAD Premium P1" in body
    assert "<code>AAD-P1</code>" in body
    assert "<dd>1 year</dd>" in body
    assert "<dd>Licence</dd>" in body
    assert "1 to 300" in body
    assert prices(response)[-2:] == ["$6.00 / licence / month", "$72.00 / licence / year"]


def test_product_page_breadcrumbs_run_home_category_product(client, shop):
    body = text(client.get("/p/aad-premium/"))

    assert f'<a href="/c/{shop.cloud.slug}/">Cloud products</a>' in body
    assert f'<a href="/c/{shop.azure.slug}/">Azure</a>' in body
    assert (
        '<li class="breadcrumb-item active" aria-current="page">Azure Active Directory Premium</li>'
    ) in body


def test_product_page_lists_add_ons_under_their_base_offer_with_prices(client, shop):
    response = client.get("/p/office-365-e3/")

    body = text(response)
    assert "Add-ons for this offer" in body
    assert 'href="/p/teams-phone/#offer-TEAMS-PHONE-STD"' in body
    assert "$8.00 / user / month" in prices(response)
    assert "$96.00 / user / year" in prices(response)


def test_add_on_offer_names_the_base_offers_it_requires(client, shop):
    body = text(client.get("/p/teams-phone/"))

    assert "Add-on: requires one of these base offers" in body
    assert 'Products: <a href="/p/office-365-e3/">Office 365 E3</a>' in body
    assert "Show 1 base offer" in body
    assert 'href="/p/office-365-e3/#offer-CFQ7TTC0LF8Q">Office 365 E3</a>' in body


def test_product_page_shows_eligibility_trial_and_monthly_term_badges(client, shop):
    body = text(client.get("/p/office-365-e3/"))

    assert "Academic only" in body
    assert "Free trial, 30 days" in body
    assert "<dd>1 month</dd>" in body


def test_product_page_lists_each_offer_with_prices_per_billing_plan(client, shop):
    response = client.get("/p/office-365-e3/")

    assert prices(response) == [
        "$23.00 / user / month",  # headline
        "$3.25 / user / month",
        "$39.00 / user / year",
        "$23.00 / user / month",
        "$276.00 / user / year",
        "$8.00 / user / month",
        "$96.00 / user / year",
        "$0.00 / user / month",
    ]


def test_shippable_one_time_goods_show_a_one_time_price_per_item(client, shop):
    response = client.get("/p/windows-internals/")

    body = text(response)
    assert "Shipped to you" in body
    assert "<dd>Perpetual</dd>" in body
    assert prices(response) == ["$49.00 / item, one-time", "$49.00 / item, one-time"]


def test_offers_not_for_academic_only_carry_no_eligibility_badge(client, shop):
    body = text(client.get("/p/aad-premium/"))

    assert "Academic only" not in body
    assert "Government only" not in body
    assert "Nonprofit only" not in body


def test_footer_names_the_kind_of_price_and_currency(client, shop):
    body = text(client.get("/"))

    assert "Prices shown: Suggested retail price, in USD, excluding taxes." in body


def test_shop_renders_without_any_provider_and_shows_no_prices(client, db):
    from seatwise.catalog.tests.factories import make_offer, make_product

    make_offer(make_product("Lonely product", slug="lonely"))

    assert client.get("/").status_code == 200
    response = client.get("/p/lonely/")
    assert response.status_code == 200
    assert "Price on request" in text(response)
