import pytest

from seatwise.pricing.tests.factories import make_reseller_terms
from seatwise.tenancy.enums import Role
from seatwise.tenancy.tests.factories import make_customer, make_member
from seatwise.web.tests.helpers import error_message, prices, text

pytestmark = pytest.mark.django_db


def test_visitor_sees_suggested_retail_prices(client, shop):
    response = client.get("/p/aad-premium/")

    body = text(response)
    assert "Suggested retail price" in body
    assert "Your price" not in body
    assert prices(response) == [
        "$6.00 / licence / month",
        "$6.00 / licence / month",
        "$72.00 / licence / year",
    ]


def test_signed_in_customer_of_a_reseller_sees_its_marked_up_price(client, shop, customer_user):
    client.force_login(customer_user)

    response = client.get("/p/aad-premium/")

    body = text(response)
    assert "Your price" in body
    assert "Suggested retail price" not in body
    # Reseller price $5.40 plus the default 5 % markup; annual $64.80 + 5 %.
    assert prices(response) == [
        "$5.67 / licence / month",
        "$5.67 / licence / month",
        "$68.04 / licence / year",
    ]


def test_reseller_markup_changes_what_its_customer_sees_on_the_list(client, shop, customer_user):
    make_reseller_terms(shop.reseller, markup="10")
    client.force_login(customer_user)

    response = client.get(f"/c/{shop.azure.slug}/?sort=price")

    assert prices(response) == [
        "$0.99 / licence / month",
        "$5.94 / licence / month",
        "$24.75 / licence / month",
    ]


def test_direct_customer_of_the_provider_pays_the_retail_price_labelled_as_its_own(client, shop):
    user = make_member(make_customer(shop.provider, "Direct Buyer"))
    client.force_login(user)

    response = client.get("/p/aad-premium/")

    assert "Your price" in text(response)
    assert prices(response)[0] == "$6.00 / licence / month"


def test_reseller_staff_see_the_reseller_price(client, shop):
    client.force_login(make_member(shop.reseller, Role.ACCOUNT_MANAGER))

    response = client.get("/p/aad-premium/")

    assert "Reseller price" in text(response)
    assert prices(response)[0] == "$5.40 / licence / month"


def test_provider_staff_see_the_provider_cost(client, shop):
    client.force_login(make_member(shop.provider))

    response = client.get("/p/aad-premium/")

    assert "Provider cost" in text(response)
    assert prices(response)[0] == "$4.80 / licence / month"


def test_user_without_an_organization_sees_retail_prices(client, shop):
    from seatwise.tenancy.tests.factories import make_user

    client.force_login(make_user())

    response = client.get("/p/aad-premium/")

    assert "Suggested retail price" in text(response)
    assert prices(response)[0] == "$6.00 / licence / month"


def test_organization_chosen_in_the_session_sets_the_price(client, shop, customer_user):
    make_member(shop.reseller, user=customer_user)
    client.force_login(customer_user)
    session = client.session
    session["organization_id"] = shop.reseller.pk
    session.save()

    assert prices(client.get("/p/aad-premium/"))[0] == "$5.40 / licence / month"


def test_currency_switch_to_uah_converts_with_the_provider_rate(client, shop):
    response = client.post("/currency/", {"currency": "UAH", "next": "/p/aad-premium/"})

    assert response.status_code == 302
    assert response["Location"] == "/p/aad-premium/"
    assert client.session["currency"] == "UAH"
    page = client.get("/p/aad-premium/")
    # $6.00 x 41.50 = ₴249.00; $72.00 x 41.50 = ₴2,988.00
    assert prices(page) == [
        "₴249.00 / licence / month",
        "₴249.00 / licence / month",
        "₴2,988.00 / licence / year",
    ]
    assert "Prices shown: Suggested retail price, in UAH, excluding taxes." in text(page)


def test_currency_switch_to_eur_converts_the_list(client, shop):
    client.post("/currency/", {"currency": "EUR"})

    response = client.get(f"/c/{shop.azure.slug}/?sort=price")

    assert prices(response) == [
        "€0.92 / licence / month",
        "€5.52 / licence / month",
        "€23.00 / licence / month",
    ]


def test_currency_switch_converts_the_customer_price_too(client, shop, customer_user):
    client.force_login(customer_user)
    client.post("/currency/", {"currency": "UAH"})

    # $5.67 x 41.50 = ₴235.305 -> ₴235.31
    assert prices(client.get("/p/aad-premium/"))[0] == "₴235.31 / licence / month"


def test_currency_switch_redirects_home_when_next_points_elsewhere(client, shop):
    response = client.post("/currency/", {"currency": "EUR", "next": "https://evil.example/"})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session["currency"] == "EUR"


def test_unknown_currency_is_refused_with_400_and_changes_nothing(client, shop):
    client.post("/currency/", {"currency": "EUR"})

    response = client.post("/currency/", {"currency": "XYZ", "next": "/"})

    assert response.status_code == 400
    assert error_message(response) == "Unknown currency “XYZ”. Choose one of: USD, EUR, UAH."
    assert client.session["currency"] == "EUR"


def test_missing_currency_is_refused_with_400(client, shop):
    response = client.post("/currency/", {})

    assert response.status_code == 400
    assert error_message(response) == "This field is required."
    assert "currency" not in client.session


def test_currency_switch_accepts_only_post(client, shop):
    assert client.get("/currency/?currency=EUR").status_code == 405
    assert "currency" not in client.session


def test_signed_in_customer_starts_in_its_default_currency(client, shop):
    customer = make_customer(shop.reseller, "Kyiv Customer", default_currency="UAH")
    client.force_login(make_member(customer))

    response = client.get("/p/aad-premium/")

    # $5.67 customer price in hryvnias
    assert prices(response)[0] == "₴235.31 / licence / month"
    assert '<span class="visually-hidden">Currency:</span> UAH' in text(response)


def test_chosen_currency_wins_over_the_organization_default(client, shop):
    customer = make_customer(shop.reseller, "Kyiv Customer", default_currency="UAH")
    client.force_login(make_member(customer))
    client.post("/currency/", {"currency": "USD"})

    assert prices(client.get("/p/aad-premium/"))[0] == "$5.67 / licence / month"


def test_a_currency_without_a_rate_is_shown_in_the_price_list_currency(client, shop, settings):
    settings.SEATWISE_CURRENCIES = ["USD", "EUR", "UAH", "GBP"]
    client.post("/currency/", {"currency": "GBP"})

    assert prices(client.get("/p/aad-premium/"))[0] == "$6.00 / licence / month"
