import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from seatwise.catalog.enums import BillingPlan, Term, UnitType
from seatwise.catalog.tests.factories import make_category, make_offer, make_product
from seatwise.pricing.enums import PriceListKind
from seatwise.pricing.tests.factories import make_price, make_price_list, make_rate
from seatwise.tenancy.enums import Role
from seatwise.tenancy.tests.factories import (
    make_customer,
    make_member,
    make_provider,
    make_reseller,
)

pytestmark = pytest.mark.django_db

API = "/api/v1/catalog"


@pytest.fixture
def world():
    """A provider selling one offer (monthly 6.00 / annual 72.00 ERP) directly and through
    a reseller (buys at 5.40 / 64.80, default 5 % markup); 1 USD = 41.50 UAH."""
    provider = make_provider()
    reseller = make_reseller(provider)
    customer = make_customer(reseller)
    cost = make_price_list(provider, PriceListKind.COST)
    standard = make_price_list(provider, PriceListKind.RESELLER, name="Standard")
    category = make_category("Productivity")
    product = make_product("Microsoft 365 Business Basic", category=category, slug="m365-basic")
    offer = make_offer(
        product,
        "Microsoft 365 Business Basic",
        sku="CFQ7TTC0LH18",
        catalog_item_id="CFQ7TTC0LH18:0001:P1Y",
    )
    make_price(cost, offer, "4.80", "6.00", billing_plan="monthly")
    make_price(cost, offer, "57.60", "72.00", billing_plan="annual")
    make_price(standard, offer, "5.40", "6.00", billing_plan="monthly")
    make_price(standard, offer, "64.80", "72.00", billing_plan="annual")
    make_rate(provider, "UAH", "41.50")
    return {
        "provider": provider,
        "reseller": reseller,
        "customer": customer,
        "cost": cost,
        "standard": standard,
        "category": category,
        "product": product,
        "offer": offer,
    }


def _prices(monthly: str, annual: str, kind: str = "retail", currency: str = "USD") -> list:
    return [
        {"billing_plan": "monthly", "amount": monthly, "currency": currency, "kind": kind},
        {"billing_plan": "annual", "amount": annual, "currency": currency, "kind": kind},
    ]


def _offer_json(world, prices: list, **overrides) -> dict:
    offer = world["offer"]
    return {
        "id": offer.pk,
        "name": "Microsoft 365 Business Basic",
        "sku": "CFQ7TTC0LH18",
        "catalog_item_id": "CFQ7TTC0LH18:0001:P1Y",
        "term": "P1Y",
        "billing_plans": ["monthly", "annual"],
        "unit_type": "licence",
        "min_quantity": 1,
        "max_quantity": 300,
        "segments": ["commercial"],
        "is_trial": False,
        "trial_days": None,
        "is_shippable": False,
        "base_offer_ids": [],
        "product": {"id": world["product"].pk, "name": "Microsoft 365 Business Basic"},
        "prices": prices,
        **overrides,
    }


def _sign_in(client, organization, *, choose: bool = False):
    user = make_member(organization, Role.OWNER)
    client.force_login(user)
    if choose:
        session = client.session
        session["organization_id"] = organization.pk
        session.save()
    return user


def _add_offers(world, count: int) -> None:
    """``count`` more offers, two per product, priced in both lists."""
    product = None
    for n in range(count):
        if n % 2 == 0:
            product = make_product(category=world["category"])
        offer = make_offer(product)
        make_price(world["cost"], offer, "1.00", "2.00")
        make_price(world["standard"], offer, "1.50", "2.00")


# --- Offers ---------------------------------------------------------------------------------


def test_offer_list_shows_an_anonymous_caller_the_suggested_retail_price(client, world):
    response = client.get(f"{API}/offers")

    assert response.status_code == 200
    assert response.json() == {
        "items": [_offer_json(world, _prices("6.00", "72.00"))],
        "page": 1,
        "page_size": 24,
        "total": 1,
        "pages": 1,
    }


def test_offer_list_shows_a_customer_of_a_reseller_its_marked_up_price(client, world):
    _sign_in(client, world["customer"])

    response = client.get(f"{API}/offers")

    assert response.json()["items"][0]["prices"] == _prices("5.67", "68.04", kind="customer")


def test_offer_list_shows_a_reseller_its_buy_price(client, world):
    _sign_in(client, world["reseller"])

    response = client.get(f"{API}/offers")

    assert response.json()["items"][0]["prices"] == _prices("5.40", "64.80", kind="reseller")


def test_organization_chosen_in_the_session_decides_the_price(client, world):
    user = _sign_in(client, world["customer"])
    make_member(world["reseller"], Role.OWNER, user=user)
    session = client.session
    session["organization_id"] = world["reseller"].pk
    session.save()

    response = client.get(f"{API}/offers")

    assert response.json()["items"][0]["prices"] == _prices("5.40", "64.80", kind="reseller")


def test_offer_list_converts_to_the_requested_currency_with_the_provider_rate(client, world):
    response = client.get(f"{API}/offers", {"currency": "UAH"})

    # 6.00 * 41.50 = 249.00 and 72.00 * 41.50 = 2988.00
    assert response.json()["items"][0]["prices"] == _prices("249.00", "2988.00", currency="UAH")


def test_currency_code_is_case_insensitive(client, world):
    response = client.get(f"{API}/offers", {"currency": "uah"})

    assert response.json()["items"][0]["prices"][0]["currency"] == "UAH"


def test_customer_sees_its_default_currency_unless_it_asks_for_another(client, world):
    customer = make_customer(world["reseller"], default_currency="UAH")
    _sign_in(client, customer)

    default = client.get(f"{API}/offers").json()["items"][0]["prices"]
    asked = client.get(f"{API}/offers", {"currency": "USD"}).json()["items"][0]["prices"]

    # 5.40 * 1.05 = 5.67 USD; * 41.50 = 235.305 -> 235.31 UAH (half up, at the edge only)
    assert default == _prices("235.31", "2823.66", kind="customer", currency="UAH")
    assert asked == _prices("5.67", "68.04", kind="customer")


def test_amounts_are_strings_rounded_to_the_minor_unit(client, world):
    offer = make_offer(world["product"], "Odd", billing_plans=[BillingPlan.MONTHLY])
    make_price(world["cost"], offer, "1.0000", "3.3350", billing_plan="monthly")

    response = client.get(f"{API}/offers/{offer.pk}")

    assert response.json()["prices"] == [
        {"billing_plan": "monthly", "amount": "3.34", "currency": "USD", "kind": "retail"}
    ]


def test_offer_get_returns_one_offer_with_add_on_links(client, world):
    addon = make_offer(
        make_product("Teams Phone"),
        "Teams Phone Standard",
        sku="CFQ7TTC0LH1G",
        term=Term.P1M,
        billing_plans=[BillingPlan.MONTHLY],
        unit_type=UnitType.USER,
        for_academic=True,
        max_quantity=50,
    )
    addon.base_offers.add(world["offer"])
    make_price(world["cost"], addon, "6.40", "8.00")

    response = client.get(f"{API}/offers/{addon.pk}")

    assert response.status_code == 200
    assert response.json() == {
        "id": addon.pk,
        "name": "Teams Phone Standard",
        "sku": "CFQ7TTC0LH1G",
        "catalog_item_id": "",
        "term": "P1M",
        "billing_plans": ["monthly"],
        "unit_type": "user",
        "min_quantity": 1,
        "max_quantity": 50,
        "segments": ["commercial", "academic"],
        "is_trial": False,
        "trial_days": None,
        "is_shippable": False,
        "base_offer_ids": [world["offer"].pk],
        "product": {"id": addon.product_id, "name": "Teams Phone"},
        "prices": [
            {"billing_plan": "monthly", "amount": "8.00", "currency": "USD", "kind": "retail"}
        ],
    }


def test_offer_not_sold_through_the_callers_reseller_has_no_prices(client, world):
    offer = make_offer(world["product"], "Direct only", billing_plans=[BillingPlan.MONTHLY])
    make_price(world["cost"], offer, "1.00", "2.00")
    _sign_in(client, world["customer"])

    response = client.get(f"{API}/offers/{offer.pk}")

    assert response.json()["prices"] == []


def test_offer_list_filters_by_product_category_and_search(client, world):
    other_category = make_category("Security")
    sub = make_category("Identity", parent=world["category"])
    entra = make_offer(make_product("Entra ID", category=sub), "Entra ID P1", sku="ENTRA-P1")
    cisco = make_offer(make_product("Umbrella", category=other_category), "DNS", sku="UMB-1")

    def ids(**params):
        return [item["id"] for item in client.get(f"{API}/offers", params).json()["items"]]

    assert ids() == [entra.pk, world["offer"].pk, cisco.pk]
    assert ids(product=entra.product_id) == [entra.pk]
    assert ids(category=world["category"].pk) == [entra.pk, world["offer"].pk]
    assert ids(category=other_category.pk) == [cisco.pk]
    assert ids(q="umb-") == [cisco.pk]
    assert ids(q="business basic") == [world["offer"].pk]
    assert ids(product=999999) == []


def test_inactive_offers_and_offers_of_inactive_products_are_not_listed(client, world):
    make_offer(world["product"], "Retired", is_active=False)
    make_offer(make_product("Gone", is_active=False), "Orphan")

    response = client.get(f"{API}/offers")

    assert [item["id"] for item in response.json()["items"]] == [world["offer"].pk]


def test_offer_list_pages(client, world):
    _add_offers(world, 4)

    third = client.get(f"{API}/offers", {"page": 3, "page_size": 2}).json()
    past = client.get(f"{API}/offers", {"page": 4, "page_size": 2}).json()

    assert (len(third["items"]), third["page"], third["page_size"], third["total"]) == (1, 3, 2, 5)
    assert third["pages"] == 3
    assert past["items"] == []
    assert (past["page"], past["total"], past["pages"]) == (4, 5, 3)


def test_without_a_provider_offers_are_listed_unpriced(client):
    offer = make_offer()

    response = client.get(f"{API}/offers")

    assert response.json()["items"][0]["id"] == offer.pk
    assert response.json()["items"][0]["prices"] == []


# --- Products -------------------------------------------------------------------------------


def test_product_list_shows_products_with_their_from_price(client, world):
    response = client.get(f"{API}/products")

    product = world["product"]
    assert response.status_code == 200
    assert response.json() == {
        "items": [
            {
                "id": product.pk,
                "name": "Microsoft 365 Business Basic",
                "slug": "m365-basic",
                "summary": "",
                "product_group": "",
                "vendor": {"id": product.vendor_id, "name": product.vendor.name},
                "category": {"id": world["category"].pk, "name": "Productivity"},
                "offer_count": 1,
                "from_price": {
                    "billing_plan": "monthly",
                    "amount": "6.00",
                    "currency": "USD",
                    "kind": "retail",
                },
            }
        ],
        "page": 1,
        "page_size": 24,
        "total": 1,
        "pages": 1,
    }


def test_product_list_from_price_is_the_callers_price_in_its_currency(client, world):
    _sign_in(client, world["customer"])

    response = client.get(f"{API}/products", {"currency": "UAH"})

    assert response.json()["items"][0]["from_price"] == {
        "billing_plan": "monthly",
        "amount": "235.31",
        "currency": "UAH",
        "kind": "customer",
    }


def test_product_list_sorts_by_name_and_price(client, world):
    cheap = make_product("Zebra Mouse", category=world["category"])
    make_price(world["cost"], make_offer(cheap), "1.00", "2.00")
    dear = make_product("Azure Plan", category=world["category"])
    make_price(world["cost"], make_offer(dear), "90.00", "100.00")
    basic = world["product"].pk

    def ids(sort):
        response = client.get(f"{API}/products", {"sort": sort})
        return [item["id"] for item in response.json()["items"]]

    assert ids("name") == [dear.pk, basic, cheap.pk]
    assert ids("-name") == [cheap.pk, basic, dear.pk]
    assert ids("price") == [cheap.pk, basic, dear.pk]
    assert ids("-price") == [dear.pk, basic, cheap.pk]


def test_product_list_filters_by_category_below_and_by_name_or_sku(client, world):
    sub = make_category("Identity", parent=world["category"])
    entra = make_product("Entra ID", category=sub)
    make_offer(entra, "Entra ID P2", sku="ENTRA-P2")
    elsewhere = make_product("Umbrella", category=make_category("Security"))

    def ids(**params):
        return [item["id"] for item in client.get(f"{API}/products", params).json()["items"]]

    assert ids(category=world["category"].pk) == [entra.pk, world["product"].pk]
    assert ids(category=sub.pk) == [entra.pk]
    assert ids(q="entra-p2") == [entra.pk]
    assert ids(q="umbrella") == [elsewhere.pk]


def test_product_get_lists_offers_with_add_ons_and_prices(client, world):
    addon = make_offer(make_product("Teams"), "Teams Premium", sku="TEAMS-PREM")
    addon.base_offers.add(world["offer"])
    make_price(world["cost"], addon, "8.00", "10.00", billing_plan="monthly")
    make_price(world["standard"], addon, "9.00", "10.00", billing_plan="monthly")
    world["product"].description = "Web and mobile Office apps."
    world["product"].save(update_fields=["description"])
    _sign_in(client, world["customer"])

    response = client.get(f"{API}/products/{world['product'].pk}")

    body = response.json()
    assert response.status_code == 200
    assert body["description"] == "Web and mobile Office apps."
    assert body["image_url"] is None
    assert body["offer_count"] == 1
    assert body["from_price"]["amount"] == "5.67"
    assert body["offers"] == [
        {
            **_offer_json(world, _prices("5.67", "68.04", kind="customer")),
            "addons": [
                {
                    "id": addon.pk,
                    "name": "Teams Premium",
                    "sku": "TEAMS-PREM",
                    "catalog_item_id": "",
                    "term": "P1Y",
                    "billing_plans": ["monthly", "annual"],
                    "unit_type": "licence",
                    "min_quantity": 1,
                    "max_quantity": 300,
                    "segments": ["commercial"],
                    "is_trial": False,
                    "trial_days": None,
                    "is_shippable": False,
                    "base_offer_ids": [world["offer"].pk],
                    "product": {"id": addon.product_id, "name": "Teams"},
                    # 9.00 * 1.05
                    "prices": [
                        {
                            "billing_plan": "monthly",
                            "amount": "9.45",
                            "currency": "USD",
                            "kind": "customer",
                        }
                    ],
                }
            ],
        }
    ]


def test_inactive_product_is_not_found(client, world):
    product = make_product("Retired", is_active=False)

    response = client.get(f"{API}/products/{product.pk}")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "product_not_found"


# --- Bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", ["products", "offers"])
@pytest.mark.parametrize(
    ("params", "code", "field"),
    [
        ({"page": "-1"}, "invalid_input", "page"),
        ({"page": "0"}, "invalid_input", "page"),
        ({"page": "abc"}, "invalid_input", "page"),
        ({"page_size": "1000"}, "invalid_input", "page_size"),
        ({"page_size": "101"}, "invalid_input", "page_size"),
        ({"page_size": "0"}, "invalid_input", "page_size"),
        ({"page_size": "ten"}, "invalid_input", "page_size"),
        ({"category": "abc"}, "invalid_input", "category"),
        ({"currency": "XXX"}, "invalid_currency", "currency"),
    ],
)
def test_bad_list_parameters_are_a_400_in_the_error_shape(
    client, world, endpoint, params, code, field
):
    response = client.get(f"{API}/{endpoint}", params)

    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code
    assert field in body["error"]["message"]
    details = body["error"]["details"]
    assert details.get("field") == field or details["fields"][0]["field"] == field


def test_page_below_one_says_so(client, world):
    response = client.get(f"{API}/offers", {"page": "-1"})

    assert response.json() == {
        "error": {
            "code": "invalid_input",
            "message": "page must be 1 or more.",
            "details": {"field": "page"},
        }
    }


def test_oversized_page_size_says_the_limit(client, world):
    response = client.get(f"{API}/products", {"page_size": "1000"})

    assert response.json() == {
        "error": {
            "code": "invalid_input",
            "message": "page_size must be between 1 and 100.",
            "details": {"field": "page_size"},
        }
    }


def test_unknown_currency_lists_the_allowed_ones(client, world):
    response = client.get(f"{API}/offers", {"currency": "XXX"})

    assert response.json() == {
        "error": {
            "code": "invalid_currency",
            "message": "currency must be one of: USD, EUR, UAH.",
            "details": {"field": "currency", "allowed": ["USD", "EUR", "UAH"]},
        }
    }


def test_unknown_sort_is_a_400_invalid_sort(client, world):
    response = client.get(f"{API}/products", {"sort": "bogus"})

    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "code": "invalid_sort",
            "message": "sort must be one of: name, -name, price, -price.",
            "details": {"field": "sort", "allowed": ["name", "-name", "price", "-price"]},
        }
    }


@pytest.mark.parametrize("endpoint", ["products", "offers"])
def test_unknown_category_filter_is_a_404(client, world, endpoint):
    response = client.get(f"{API}/{endpoint}", {"category": 999999})

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "category_not_found"


@pytest.mark.parametrize(
    ("path", "code"),
    [
        ("products/999999", "product_not_found"),
        ("offers/999999", "offer_not_found"),
        ("products/99999999999999999999", "product_not_found"),
    ],
)
def test_unknown_id_is_a_404_in_the_error_shape(client, world, path, code):
    response = client.get(f"{API}/{path}")

    assert response.status_code == 404
    assert set(response.json()["error"]) == {"code", "message", "details"}
    assert response.json()["error"]["code"] == code


@pytest.mark.parametrize("path", ["products/abc", "offers/abc", "products/1.5"])
def test_non_integer_id_is_a_400_in_the_error_shape(client, world, path):
    response = client.get(f"{API}/{path}")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_input"
    assert response.json()["error"]["details"]["fields"][0]["field"].endswith("_id")


@pytest.mark.parametrize("path", ["products/{product}", "offers/{offer}"])
def test_bad_currency_on_a_detail_is_a_400(client, world, path):
    url = f"{API}/" + path.format(product=world["product"].pk, offer=world["offer"].pk)

    response = client.get(url, {"currency": "GBP"})

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_currency"


# --- Query counts ---------------------------------------------------------------------------


def _query_count(client, url: str) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.json()


@pytest.mark.parametrize("signed_in", [False, True])
@pytest.mark.parametrize("endpoint", ["offers", "products"])
def test_list_query_count_is_the_same_for_5_and_40_offers(client, world, signed_in, endpoint):
    if signed_in:
        _sign_in(client, world["customer"], choose=True)
    url = f"{API}/{endpoint}?page_size=100&currency=UAH&sort=price"
    if endpoint == "offers":
        url = f"{API}/offers?page_size=100&currency=UAH&category={world['category'].pk}"
    _add_offers(world, 4)
    small, small_body = _query_count(client, url)
    _add_offers(world, 35)
    large, large_body = _query_count(client, url)

    offers = (
        large_body["total"]
        if endpoint == "offers"
        else sum(item["offer_count"] for item in large_body["items"])
    )
    assert offers == 40
    assert small_body["total"] < large_body["total"]
    assert small == large


def test_product_get_query_count_does_not_grow_with_add_ons(client, world):
    def add_addon():
        addon = make_offer(make_product())
        addon.base_offers.add(world["offer"])
        make_price(world["cost"], addon, "1.00", "2.00")

    add_addon()
    small, _ = _query_count(client, f"{API}/products/{world['product'].pk}")
    for _ in range(5):
        add_addon()
    large, body = _query_count(client, f"{API}/products/{world['product'].pk}")

    assert len(body["offers"][0]["addons"]) == 6
    assert small == large
