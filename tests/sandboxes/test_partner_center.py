"""The Partner Center sandbox over real HTTP: the contract of
../shared/reference/partner-center-contract.md and the NCE rules it points to."""

from __future__ import annotations

import importlib.util
import json
import threading
import uuid
from datetime import date
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from tests.sandboxes.partner_center import SERVER, start_partner_center

BASIC_P1Y = "CFQ7TTC0LH18:0001:CFQ7TTC0K971"  # Business Basic, 1 year, 6.00 / month
BASIC_P1M = "CFQ7TTC0LH18:0001:CFQ7TTC0K9R5"
STANDARD_P1M = "CFQ7TTC0LDPB:0001:CFQ7TTC0K8DJ"  # Business Standard, 1 month, 15.00
COPILOT = "CFQ7TTC0MM8R:0002:CFQ7TTC0MM8S"  # add-on of the business and enterprise suites
BASIC_ENTRA = "3b555118-da6a-4418-894f-7df1e2096870"


@pytest.fixture
def pc(partner_center_sandbox):
    partner_center_sandbox.reset()
    return partner_center_sandbox


@pytest.fixture
def api(pc):
    with pc.client() as client:
        yield client


def customer_body(domain: str, **address) -> dict:
    # PascalCase on purpose: property names are matched ignoring case
    return {
        "CompanyProfile": {"Domain": domain},
        "BillingProfile": {
            "Email": "billing@example.com",
            "Culture": "en-US",
            "Language": "en",
            "CompanyName": domain.split(".")[0].title(),
            "DefaultAddress": {
                "FirstName": "Ana",
                "LastName": "Diaz",
                "AddressLine1": "1 Main St",
                "City": "Redmond",
                "State": "WA",
                "PostalCode": "98052",
                "Country": "US",
                **address,
            },
        },
    }


def new_customer(api: httpx.Client, prefix: str = "") -> dict:
    domain = f"{prefix or 'sw' + uuid.uuid4().hex[:10]}.onmicrosoft.com"
    response = api.post("/customers", json=customer_body(domain))
    assert response.status_code == 201, response.text
    return response.json()


def line(item: str, quantity: int, cycle: str = "monthly", term: str = "P1Y", **extra) -> dict:
    return {
        "catalogItemId": item,
        "quantity": quantity,
        "billingCycle": cycle,
        "termDuration": term,
        **extra,
    }


def buy(api: httpx.Client, customer_id: str, *lines: dict) -> dict:
    cart = api.post(f"/customers/{customer_id}/carts", json={"lineItems": list(lines)})
    assert cart.status_code == 201, cart.text
    result = api.post(f"/customers/{customer_id}/carts/{cart.json()['id']}/checkout")
    assert result.status_code == 201, result.text
    assert result.json()["orderErrors"] == []
    return result.json()


def subscription_of(api, customer_id, *lines) -> dict:
    order = buy(api, customer_id, *lines)["orders"][0]
    sub_id = order["lineItems"][0]["subscriptionId"]
    return api.get(f"/customers/{customer_id}/subscriptions/{sub_id}").json()


def patch(api, sub: dict, **changes) -> httpx.Response:
    """GET-modify-PATCH with the whole resource, as the client must."""
    body = {**sub, **changes}
    return api.patch(
        f"/customers/{sub['links']['self']['uri'].split('/')[2]}/subscriptions/{sub['id']}",
        json=body,
    )


# --- authentication ---------------------------------------------------------------------


def test_token_endpoint_issues_app_only_and_app_user_tokens(pc):
    for path in ("oauth2/token", "oauth2/v2.0/token"):
        response = httpx.post(
            f"{pc.url}/partner.onmicrosoft.com/{path}",
            data={
                "grant_type": "client_credentials",
                "client_id": pc.client_id,
                "client_secret": pc.client_secret,
            },
        )
        assert response.status_code == 200
        body = response.json()
        assert body["token_type"] == "Bearer"
        assert body["expires_in"] == 3600
        assert body["access_token"].startswith("app-only:")
    refreshed = httpx.post(
        pc.token_url(),
        data={
            "grant_type": "refresh_token",
            "refresh_token": "rt",
            "client_id": pc.client_id,
            "client_secret": pc.client_secret,
        },
    ).json()
    assert not refreshed["access_token"].startswith("app-only:")


def test_token_endpoint_refuses_a_wrong_client_secret(pc):
    response = httpx.post(
        pc.token_url(),
        data={
            "grant_type": "client_credentials",
            "client_id": pc.client_id,
            "client_secret": "wrong",
        },
    )
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_v1_needs_a_bearer_token(pc):
    response = httpx.get(f"{pc.api_url}/customers")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("OAuth realm=urn:cpsvc:cpid:")


def test_app_only_token_is_refused_where_app_user_is_required(pc, api):
    customer = new_customer(api)
    with pc.client(app_only=True) as app:
        assert app.get("/customers/relationshiprequests").status_code == 401
        assert app.get(f"/customers/{customer['id']}/users").status_code == 401
        licences = app.get(f"/customers/{customer['id']}/subscribedskus")
        assert licences.status_code == 400
        assert licences.json()["code"] == 900316
        assert app.get(f"/customers/{customer['id']}").status_code == 200


def test_request_and_correlation_ids_are_echoed_or_generated(api):
    response = api.get("/customers", headers={"MS-RequestId": "r-1", "MS-CorrelationId": "c-1"})
    assert response.headers["MS-RequestId"] == "r-1"
    assert response.headers["MS-CorrelationId"] == "c-1"
    assert response.headers["MS-CV"]
    assert response.headers["MS-ServerId"]
    generated = api.get("/customers")
    assert uuid.UUID(generated.headers["MS-RequestId"])
    assert uuid.UUID(generated.headers["MS-CorrelationId"])


# --- domains and customers --------------------------------------------------------------


def test_domain_head_is_200_when_taken_and_404_when_available(api):
    assert api.head("/domains/contoso.onmicrosoft.com").status_code == 200
    assert api.head("/domains/Fabrikam.onmicrosoft.com").status_code == 200
    assert api.head("/domains/free-one.onmicrosoft.com").status_code == 404
    new_customer(api, "free-one")
    assert api.head("/domains/FREE-ONE.onmicrosoft.com").status_code == 200


def test_create_customer_returns_the_admin_password_only_once(pc, api):
    customer = new_customer(api, "onceonly")
    credentials = customer["userCredentials"]
    assert credentials["userName"] == "admin"
    password = credentials["password"]
    assert len(password) >= 12
    assert any(c.isupper() for c in password) and any(c.isdigit() for c in password)
    assert customer["relationshipToPartner"] == "reseller"
    assert customer["companyProfile"]["tenantId"] == customer["id"]
    again = api.get(f"/customers/{customer['id']}").json()
    assert "userCredentials" not in again
    assert again["billingProfile"]["defaultAddress"]["city"] == "Redmond"
    assert password not in (pc.state_dir / "state.json").read_text()


def test_create_customer_refuses_a_taken_domain(api):
    new_customer(api, "taken")
    response = api.post("/customers", json=customer_body("taken.onmicrosoft.com"))
    assert response.status_code == 409
    assert api.post("/customers", json=customer_body("contoso.onmicrosoft.com")).status_code == 409


def test_create_customer_in_ukraine_needs_registration_number_and_phone(api):
    body = customer_body("ua-co.onmicrosoft.com", Country="UA", State="")
    missing_number = api.post("/customers", json=body)
    assert missing_number.status_code == 400
    assert missing_number.json()["code"] == 600049
    body["CompanyProfile"]["OrganizationRegistrationNumber"] = "12345678"
    missing_phone = api.post("/customers", json=body)
    assert missing_phone.json()["code"] == 600051
    body["BillingProfile"]["DefaultAddress"]["PhoneNumber"] = "+380441234567"
    assert api.post("/customers", json=body).status_code == 201
    assert api.head("/domains/ua-co.onmicrosoft.com").status_code == 200


def test_create_customer_checks_address_lengths(api):
    body = customer_body("longstate.onmicrosoft.com", State="Washington")
    response = api.post("/customers", json=body)
    assert response.status_code == 400
    error = response.json()
    assert set(error) >= {"code", "description", "source", "data", "errorName", "isRetryable"}
    assert api.head("/domains/longstate.onmicrosoft.com").status_code == 404


def test_customers_page_with_continuation_token_and_filter(api):
    for name in ("alpha1", "alpha2", "beta1", "alpha3", "gamma1"):
        new_customer(api, name)
    first = api.get("/customers", params={"size": 2}).json()
    seen = [c["companyProfile"]["domain"] for c in first["items"]]
    token = first["continuationToken"]
    assert first["links"]["next"]["headers"][0] == {"key": "MS-ContinuationToken", "value": token}
    while token:
        page = api.get(
            "/customers", params={"seekOperation": "Next"}, headers={"MS-ContinuationToken": token}
        ).json()
        seen += [c["companyProfile"]["domain"] for c in page["items"]]
        token = page.get("continuationToken")
        assert ("next" in page["links"]) == bool(token)
    assert [d.split(".")[0] for d in seen] == ["alpha1", "alpha2", "beta1", "alpha3", "gamma1"]
    spec = json.dumps({"Field": "Domain", "Value": "ALPHA", "Operator": "starts_with"})
    filtered = api.get("/customers", params={"size": 0, "filter": spec}).json()
    assert sorted(c["companyProfile"]["domain"] for c in filtered["items"]) == [
        "alpha1.onmicrosoft.com",
        "alpha2.onmicrosoft.com",
        "alpha3.onmicrosoft.com",
    ]
    spec = json.dumps({"field": "CompanyName", "value": "gam", "operator": "starts_with"})
    assert api.get("/customers", params={"filter": spec}).json()["totalCount"] == 1
    bad = api.get(
        "/customers", params={"seekOperation": "Next"}, headers={"MS-ContinuationToken": "x.y"}
    )
    assert bad.status_code == 400


# --- agreements and relationships ---------------------------------------------------------


def test_customer_agreement_confirmation_and_purchase_gate(pc, api):
    customer = new_customer(api)
    meta = api.get("/agreements", params={"agreementType": "MicrosoftCustomerAgreement"}).json()
    template = meta["items"][0]["templateId"]
    assert meta["items"][0]["agreementType"] == "MicrosoftCustomerAgreement"
    pc.control("settings", {"require_customer_agreement": True})
    cart = api.post(f"/customers/{customer['id']}/carts", json={"lineItems": [line(BASIC_P1Y, 1)]})
    assert cart.status_code == 400
    assert cart.json()["code"] == 990001
    body = {
        "primaryContact": {"firstName": "Ana", "lastName": "Diaz", "email": "ana@example.com"},
        "templateId": template,
        "dateAgreed": "2024-01-10T00:00:00.000Z",
        "type": "MicrosoftCustomerAgreement",
    }
    confirmed = api.post(f"/customers/{customer['id']}/agreements", json=body)
    assert confirmed.status_code == 201
    assert confirmed.json()["userId"]
    repeat = api.post(f"/customers/{customer['id']}/agreements", json=body)
    assert repeat.status_code == 409
    assert repeat.json()["code"] == 600061
    assert repeat.json()["errorName"] == "PartnerConfirmedAgreementAlreadyExists"
    assert repeat.json()["isRetryable"] is False
    buy(api, customer["id"], line(BASIC_P1Y, 1))


def test_relationship_link_page_and_hook_link_an_existing_tenant(pc, api):
    seeded = pc.control("tenants", {"domain": "existing-co", "companyName": "Existing Co"})
    assert seeded["relationshipToPartner"] == "none"
    assert api.get("/customers").json()["totalCount"] == 0
    assert api.get(f"/customers/{seeded['id']}").status_code == 404
    assert api.head("/domains/existing-co.onmicrosoft.com").status_code == 200
    url = api.get("/customers/relationshiprequests").json()["url"]
    assert url.startswith(f"{pc.url}/_sandbox/relationship/accept?partner=")
    page = httpx.get(url)
    assert page.status_code == 200
    assert "<button type='submit'>Accept</button>" in page.text
    accepted = httpx.post(
        url.split("?")[0],
        data={"domain": "existing-co.onmicrosoft.com", "companyName": "Existing Co"},
    )
    assert accepted.status_code == 200
    assert seeded["id"] in accepted.text
    customer = api.get(f"/customers/{seeded['id']}").json()
    assert customer["relationshipToPartner"] == "reseller"
    spec = json.dumps({"Field": "Domain", "Value": "existing", "Operator": "starts_with"})
    assert [c["id"] for c in api.get("/customers", params={"filter": spec}).json()["items"]] == [
        seeded["id"]
    ]
    hooked = pc.control(
        "relationships/accept", {"domain": "brand-new.onmicrosoft.com", "companyName": "New"}
    )
    assert hooked["relationshipToPartner"] == "reseller"
    assert api.get("/customers").json()["totalCount"] == 2


# --- catalog ----------------------------------------------------------------------------


def test_catalog_products_skus_and_availabilities(api):
    products = api.get("/products", params={"country": "US", "targetView": "OnlineServices"})
    ids = {p["id"] for p in products.json()["items"]}
    assert {"CFQ7TTC0LH18", "CFQ7TTC0MM8R"} <= ids
    assert "DG7GMGF0PWF8" not in ids  # perpetual software is another target view
    skus = api.get("/products/CFQ7TTC0MM8R/skus", params={"country": "US"}).json()["items"]
    assert skus[0]["dynamicAttributes"]["isAddon"] is True
    assert "CFQ7TTC0LH18:0001" in skus[0]["dynamicAttributes"]["prerequisiteSkus"]
    availabilities = api.get("/products/CFQ7TTC0LH18/skus/0001/availabilities").json()["items"]
    assert {a["catalogItemId"] for a in availabilities} == {BASIC_P1Y, BASIC_P1M}
    annual = next(a for a in availabilities if a["catalogItemId"] == BASIC_P1Y)
    assert {(t["duration"], t["billingCycle"]) for t in annual["terms"]} == {
        ("P1Y", "monthly"),
        ("P1Y", "annual"),
    }
    premium = api.get("/products/CFQ7TTC0LCHC/skus").json()["items"]
    assert "0009" not in {s["id"] for s in premium}  # nonprofit only when asked for
    nonprofit = api.get("/products/CFQ7TTC0LCHC/skus", params={"targetSegment": "nonprofit"})
    assert [s["id"] for s in nonprofit.json()["items"]] == ["0009"]


def test_catalog_json_has_every_microsoft_offer_of_the_demo_catalog():
    from seatwise.demo.data import catalog as demo

    data = json.loads((SERVER.parent / "catalog.json").read_text(), parse_float=Decimal)
    index = {}
    for product in data["products"]:
        for sku in product["skus"]:
            for availability in sku["availabilities"]:
                key = f"{product['id']}:{sku['id']}:{availability['id']}"
                index[key] = (sku, availability["terms"][0])
    offers = [
        offer
        for product in demo.PRODUCTS
        if product.vendor == demo.MICROSOFT
        for offer in product.offers
    ]
    assert len(offers) > 40
    for offer in offers:
        assert offer.catalog_item_id in index, offer.catalog_item_id
        sku, term = index[offer.catalog_item_id]
        expected_term = None if offer.term == "perpetual" else offer.term
        assert term["duration"] == expected_term, offer.catalog_item_id
        assert set(term["prices"]) == {str(plan) for plan in offer.billing_plans}
        assert sku["minimumQuantity"] == offer.min_quantity, offer.catalog_item_id
        assert sku["maximumQuantity"] == offer.max_quantity, offer.catalog_item_id
        assert sku["isTrial"] == offer.is_trial
        cycle = "one_time" if offer.term == "perpetual" else "monthly"
        assert term["prices"][cycle] == offer.list_price, offer.catalog_item_id


# --- carts, checkout and orders -----------------------------------------------------------


def test_cart_prices_lines_and_checkout_creates_orders_and_subscriptions(pc, api):
    customer = new_customer(api)
    cid = customer["id"]
    cart = api.post(
        f"/customers/{cid}/carts",
        json={
            "LineItems": [
                {
                    "CatalogItemId": BASIC_P1Y,
                    "Quantity": 5,
                    "BillingCycle": "Monthly",
                    "TermDuration": "P1Y",
                },
                line(COPILOT, 2, "Annual"),
            ]
        },
    ).json()
    assert cart["status"] == "Active"
    basic, copilot = cart["lineItems"]
    assert basic["pricing"] == {
        "listPrice": 6,
        "discountedPrice": 6,
        "proratedPrice": 6,
        "price": 6,
        "extendedPrice": 360,
    }
    assert copilot["pricing"]["extendedPrice"] == 720
    assert (basic["orderGroup"], copilot["orderGroup"]) == ("0", "1")
    assert "error" not in copilot  # its base is in the same cart
    result = api.post(f"/customers/{cid}/carts/{cart['id']}/checkout")
    assert result.status_code == 201
    orders = result.json()["orders"]
    assert [o["billingCycle"] for o in orders] == ["monthly", "annual"]
    assert orders[0]["totalPrice"] == 360
    assert orders[0]["status"] == "completed"
    base_id = orders[0]["lineItems"][0]["subscriptionId"]
    addon_id = orders[1]["lineItems"][0]["subscriptionId"]
    assert api.get(f"/customers/{cid}/carts/{cart['id']}").json()["status"] == "Ordered"
    listed = api.get(f"/customers/{cid}/orders").json()
    assert {o["id"] for o in listed["items"]} == {o["id"] for o in orders}
    status = api.get(f"/customers/{cid}/orders/{orders[0]['id']}/provisioningstatus").json()
    assert status["items"][0] == {
        "lineItemNumber": 0,
        "status": "Fulfilled",
        "subscriptionId": base_id,
        "quantity": 5,
    }
    by_order = api.get(f"/customers/{cid}/subscriptions", params={"order_id": orders[1]["id"]})
    assert [s["id"] for s in by_order.json()["items"]] == [addon_id]
    addons = api.get(f"/customers/{cid}/subscriptions/{base_id}/addons").json()["items"]
    assert [a["id"] for a in addons] == [addon_id]
    assert addons[0]["parentSubscriptionId"] == base_id
    provisioning = api.get(f"/customers/{cid}/subscriptions/{base_id}/provisioningstatus")
    assert provisioning.json()["status"] == "success"


def test_checking_out_an_ordered_cart_again_creates_nothing(pc, api):
    cid = new_customer(api)["id"]
    cart = api.post(f"/customers/{cid}/carts", json={"lineItems": [line(BASIC_P1Y, 3)]}).json()
    first = api.post(f"/customers/{cid}/carts/{cart['id']}/checkout").json()
    again = api.post(f"/customers/{cid}/carts/{cart['id']}/checkout")
    assert again.status_code == 400
    assert again.json()["code"] == 990007
    assert again.json()["data"] == [{"orderIds": [first["orders"][0]["id"]]}]
    assert len(pc.subscriptions(cid)) == 1
    assert api.put(f"/customers/{cid}/carts/{cart['id']}", json=cart).json()["code"] == 990007


def test_create_order_without_a_cart(api):
    cid = new_customer(api)["id"]
    response = api.post(
        f"/customers/{cid}/orders",
        json={
            "billingCycle": "monthly",
            "lineItems": [
                {"lineItemNumber": 0, "offerId": BASIC_P1M, "quantity": 2, "termDuration": "P1M"}
            ],
        },
    )
    assert response.status_code == 201
    order = response.json()
    assert order["lineItems"][0]["pricing"]["extendedPrice"] == 14.4
    too_many = api.post(
        f"/customers/{cid}/orders",
        json={
            "billingCycle": "monthly",
            "lineItems": [{"offerId": BASIC_P1M, "quantity": 26, "termDuration": "P1M"}],
        },
    )
    assert too_many.status_code == 400
    assert too_many.json()["code"] == 900275


def test_cart_line_errors_for_quantity_and_an_addon_without_base(pc, api):
    cid = new_customer(api)["id"]
    cart = api.post(
        f"/customers/{cid}/carts",
        json={"lineItems": [line(BASIC_P1Y, 0), line(BASIC_P1Y, 26), line(COPILOT, 1)]},
    ).json()
    codes = [item.get("error", {}).get("errorCode") for item in cart["lineItems"]]
    assert codes == [900275, 900275, 400041]
    result = api.post(f"/customers/{cid}/carts/{cart['id']}/checkout").json()
    assert result["orders"] == []
    assert [(e["orderGroupId"], e["code"]) for e in result["orderErrors"]] == [("0", 900275)]
    assert pc.subscriptions(cid) == []
    pc.control("settings", {"max_licences_per_subscription": 0})  # SKU maximum only
    buy(api, cid, line(BASIC_P1Y, 26))
    addon = buy(api, cid, line(COPILOT, 1, "annual"))  # the base is now a subscription
    assert addon["orders"][0]["lineItems"][0]["parentSubscriptionId"]


def test_subscriptions_per_customer_limit(pc, api):
    pc.control("settings", {"max_subscriptions_per_customer": 1})
    cid = new_customer(api)["id"]
    buy(api, cid, line(BASIC_P1Y, 1))
    cart = api.post(f"/customers/{cid}/carts", json={"lineItems": [line(BASIC_P1Y, 1)]}).json()
    result = api.post(f"/customers/{cid}/carts/{cart['id']}/checkout").json()
    assert result["orderErrors"][0]["code"] == 990005
    assert len(pc.subscriptions(cid)) == 1


def test_expired_cart_cannot_be_checked_out(pc, api):
    cid = new_customer(api)["id"]
    cart = api.post(f"/customers/{cid}/carts", json={"lineItems": [line(BASIC_P1Y, 1)]}).json()
    pc.control("clock", {"advance_days": 8})
    response = api.post(f"/customers/{cid}/carts/{cart['id']}/checkout")
    assert response.status_code == 400
    assert response.json()["code"] == 990002
    assert pc.subscriptions(cid) == []


def test_concurrent_checkout_of_one_cart_gets_800064(pc, api):
    cid = new_customer(api)["id"]
    cart = api.post(f"/customers/{cid}/carts", json={"lineItems": [line(BASIC_P1Y, 1)]}).json()
    pc.control("settings", {"checkout_delay_ms": 400})
    statuses = []

    def checkout():
        with pc.client() as client:
            response = client.post(f"/customers/{cid}/carts/{cart['id']}/checkout")
            statuses.append((response.status_code, response.json().get("code")))

    threads = [threading.Thread(target=checkout) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses, key=str) == sorted([(201, None), (409, 800064)], key=str)
    assert len(pc.subscriptions(cid)) == 1


# --- idempotency and faults ----------------------------------------------------------------


def test_same_request_id_replays_the_checkout_and_a_different_request_gets_990004(pc, api):
    cid = new_customer(api)["id"]
    cart = api.post(f"/customers/{cid}/carts", json={"lineItems": [line(BASIC_P1Y, 2)]}).json()
    url = f"/customers/{cid}/carts/{cart['id']}/checkout"
    first = api.post(url, headers={"MS-RequestId": "buy-1"})
    replay = api.post(url, headers={"MS-RequestId": "buy-1"})
    assert replay.status_code == 201
    assert replay.content == first.content
    assert replay.headers["X-Sandbox-Replayed"] == "true"
    assert len(pc.subscriptions(cid)) == 1
    other = api.post(
        f"/customers/{cid}/carts",
        json={"lineItems": [line(BASIC_P1Y, 2)]},
        headers={"MS-RequestId": "buy-1"},
    )
    assert other.status_code == 400
    assert other.json()["code"] == 990004
    pc.control("clock", {"advance_hours": 25})  # outside the replay window: a new request
    assert api.post(url, headers={"MS-RequestId": "buy-1"}).json()["code"] == 990007


def test_lost_answer_after_the_operation_is_replayed_on_retry(pc, api):
    cid = new_customer(api)["id"]
    cart = api.post(f"/customers/{cid}/carts", json={"lineItems": [line(BASIC_P1Y, 2)]}).json()
    url = f"/customers/{cid}/carts/{cart['id']}/checkout"
    pc.control("faults", {"next": [{"kind": "drop", "when": "after", "path": "/checkout"}]})
    with pytest.raises(httpx.RemoteProtocolError):
        api.post(url, headers={"MS-RequestId": "buy-2"})
    assert len(pc.subscriptions(cid)) == 1  # it happened; only the answer was lost
    retry = api.post(url, headers={"MS-RequestId": "buy-2"})
    assert retry.status_code == 201
    assert (
        retry.json()["orders"][0]["lineItems"][0]["subscriptionId"]
        == (pc.subscriptions(cid)[0]["id"])
    )
    pc.control("faults", {"next": [{"kind": "error", "status": 503, "when": "after"}]})
    lost = api.post(url, headers={"MS-RequestId": "buy-2"})
    assert lost.status_code == 503
    assert len(pc.subscriptions(cid)) == 1


def test_fault_before_the_operation_changes_nothing(pc, api):
    cid = new_customer(api)["id"]
    cart = api.post(f"/customers/{cid}/carts", json={"lineItems": [line(BASIC_P1Y, 2)]}).json()
    url = f"/customers/{cid}/carts/{cart['id']}/checkout"
    pc.control("faults", {"next": [{"kind": "error", "status": 500, "when": "before"}]})
    failed = api.post(url, headers={"MS-RequestId": "buy-3"})
    assert failed.status_code == 500
    assert failed.json()["isRetryable"] is True
    assert pc.subscriptions(cid) == []
    assert api.post(url, headers={"MS-RequestId": "buy-3"}).status_code == 201
    assert len(pc.subscriptions(cid)) == 1


def test_throttling_answers_429_with_retry_after(pc, api):
    pc.control("faults", {"force_429_next": 2, "retry_after": 3})
    for _ in range(2):
        response = api.get("/customers")
        assert response.status_code == 429
        assert response.headers["Retry-After"] == "3"
        assert response.json() == {
            "statusCode": 429,
            "message": "Rate limit is exceeded. Try again in 3 seconds.",
        }
    assert api.get("/customers").status_code == 200
    pc.control("settings", {"rate_limit_per_minute": 2})
    assert [api.get("/customers").status_code for _ in range(3)] == [200, 200, 429]


def test_random_faults_apply_to_v1_only(pc, api):
    pc.control("faults", {"error_rate": 1.0, "error_statuses": [503], "seed": 7, "latency_ms": 10})
    assert api.get("/customers").status_code == 503
    assert pc.access_token()  # the token endpoint is not faulted
    assert pc.control("health")["ok"] is True
    assert pc.control("faults")["error_rate"] == 1.0
    pc.control("faults", {"drop_rate": 1.0})
    with pytest.raises(httpx.RemoteProtocolError):
        api.get("/customers")
    pc.control("faults", {})
    assert api.get("/customers").status_code == 200


# --- subscription updates (NCE rules) -------------------------------------------------------


def test_seats_can_be_removed_only_within_their_batch_window(pc, api):
    cid = new_customer(api)["id"]
    sub = subscription_of(api, cid, line(BASIC_P1Y, 10))
    assert sub["refundableQuantity"]["totalQuantity"] == 10
    reduced = patch(api, sub, quantity=8)
    assert reduced.status_code == 200
    assert reduced.json()["refundableQuantity"]["totalQuantity"] == 8
    pc.control("clock", {"advance_days": 8})
    sub = api.get(f"/customers/{cid}/subscriptions/{sub['id']}").json()
    assert sub["refundableQuantity"] == {"totalQuantity": 0, "details": []}
    assert sub["cancellationAllowedUntilDate"] is None
    refused = patch(api, sub, quantity=7)
    assert refused.status_code == 400
    assert refused.json()["code"] == 900257
    added = patch(api, sub, quantity=12).json()  # seats can be added any time
    assert added["refundableQuantity"]["totalQuantity"] == 4  # only the new batch
    assert len(added["refundableQuantity"]["details"]) == 1
    assert patch(api, added, quantity=7).json()["code"] == 900257
    assert patch(api, added, quantity=8).json()["quantity"] == 8
    assert patch(api, added, quantity=26).json()["code"] == 2002


def test_cancel_only_inside_the_cancellation_window(pc, api):
    cid = new_customer(api)["id"]
    early = subscription_of(api, cid, line(BASIC_P1Y, 1))
    assert [o["type"] for o in early["refundOptions"]] == ["Full", "Partial"]
    cancelled = patch(api, early, status="deleted")
    assert cancelled.json()["status"] == "deleted"
    late = subscription_of(api, cid, line(BASIC_P1Y, 1))
    pc.control("clock", {"advance_days": 7, "advance_seconds": 1})
    late = api.get(f"/customers/{cid}/subscriptions/{late['id']}").json()
    refused = patch(api, late, status="deleted")
    assert refused.status_code == 400
    assert refused.json()["code"] == 900117
    assert [s["status"] for s in pc.subscriptions(cid)] == ["deleted", "active"]


def test_suspend_turns_auto_renew_off_and_drops_scheduled_changes(pc, api):
    cid = new_customer(api)["id"]
    sub = subscription_of(api, cid, line(BASIC_P1Y, 4))
    scheduled = {
        "product": {
            "productId": "CFQ7TTC0LH18",
            "skuId": "0001",
            "availabilityId": "CFQ7TTC0K971",
            "billingCycle": "monthly",
            "termDuration": "P1Y",
        },
        "quantity": 6,
    }
    sub = patch(api, sub, scheduledNextTermInstructions=scheduled).json()
    assert sub["scheduledNextTermInstructions"]["quantity"] == 6
    suspended = patch(api, sub, status="suspended").json()
    assert suspended["status"] == "suspended"
    assert suspended["autoRenewEnabled"] is False
    assert suspended["scheduledNextTermInstructions"] is None
    assert suspended["suspensionReasons"] == ["PartnerInitiated"]
    assert patch(api, suspended, quantity=5).json()["code"] == 2001
    reactivated = patch(api, suspended, status="active").json()
    assert reactivated["status"] == "active"
    assert reactivated["autoRenewEnabled"] is False  # not restored automatically


def test_omitted_fields_count_as_changes_in_a_patch(pc, api):
    cid = new_customer(api)["id"]
    sub = subscription_of(api, cid, line(BASIC_P1Y, 4))
    assert sub["autoRenewEnabled"] is True
    partial = api.patch(
        f"/customers/{cid}/subscriptions/{sub['id']}", json={"quantity": 5, "status": "active"}
    ).json()
    assert partial["quantity"] == 5
    assert partial["autoRenewEnabled"] is False
    again = patch(api, partial, autoRenewEnabled=True).json()
    assert again["autoRenewEnabled"] is True
    stale = api.patch(
        f"/customers/{cid}/subscriptions/{sub['id']}",
        json=again,
        headers={"If-Match": sub["attributes"]["etag"]},
    )
    assert stale.status_code == 412


def test_commitment_end_dates_follow_the_nce_date_arithmetic(pc, api):
    pc.control("clock", {"now": "2021-01-31T10:00:00Z", "freeze": True})
    cid = new_customer(api)["id"]
    monthly = subscription_of(api, cid, line(BASIC_P1M, 1, term="P1M"))
    assert monthly["commitmentEndDate"] == "2021-02-27T00:00:00Z"
    assert monthly["commitmentEndDateTime"] == "2021-02-27T23:59:59Z"
    yearly = subscription_of(api, cid, line(BASIC_P1Y, 1))
    assert yearly["commitmentEndDate"] == "2022-01-30T00:00:00Z"
    assert yearly["billingCycleEndDate"] == "2021-02-27T00:00:00Z"
    assert yearly["refundOptions"][0] == {"type": "Full", "expiresAt": "2021-02-01T10:00:00Z"}
    pc.control("clock", {"now": "2021-02-28T12:00:00Z"})  # the monthly term renewed
    renewed = api.get(f"/customers/{cid}/subscriptions/{monthly['id']}").json()
    assert renewed["commitmentEndDate"] == "2021-03-30T00:00:00Z"  # back to the 31st anchor
    assert renewed["refundableQuantity"]["details"] == [
        {"quantity": 1, "allowedUntilDateTime": "2021-03-07T00:00:00Z"}
    ]


def test_patch_202_mode_and_renewal_conflict(pc, api):
    cid = new_customer(api)["id"]
    sub = subscription_of(api, cid, line(BASIC_P1Y, 2))
    pc.control("settings", {"patch_202_mode": "always"})
    accepted = patch(api, sub, quantity=3)
    assert accepted.status_code == 202
    assert accepted.headers["Location"] == f"/customers/{cid}/subscriptions/{sub['id']}"
    sub = api.get(accepted.headers["Location"]).json()
    assert sub["quantity"] == 3
    pc.control(
        "settings",
        {"patch_202_mode": "off", "renewal_in_progress_until": "2999-01-01T00:00:00Z"},
    )
    conflict = patch(api, sub, autoRenewEnabled=False)
    assert conflict.status_code == 409
    assert conflict.json()["code"] == 800082
    assert patch(api, sub, quantity=4).status_code == 200  # quantity may be attempted


def test_drift_behind_the_partners_back(pc, api):
    cid = new_customer(api)["id"]
    sub = subscription_of(api, cid, line(BASIC_P1Y, 5))
    pc.control(f"customers/{cid}/subscriptions/{sub['id']}", {"quantity": 3, "status": "suspended"})
    seen = api.get(f"/customers/{cid}/subscriptions/{sub['id']}").json()
    assert (seen["quantity"], seen["status"], seen["autoRenewEnabled"]) == (3, "suspended", False)


# --- users and licences -------------------------------------------------------------------


def test_licences_follow_the_unit_arithmetic_and_run_out_with_60012(pc, api):
    customer = new_customer(api, "licco")
    cid = customer["id"]
    subscription_of(api, cid, line(BASIC_P1Y, 2))
    users = []
    for name in ("jane", "joe", "jim"):
        created = api.post(
            f"/customers/{cid}/users",
            json={
                "usageLocation": "US",
                "userPrincipalName": f"{name}@licco.onmicrosoft.com",
                "firstName": name,
                "lastName": "Doe",
                "displayName": f"{name} Doe",
                "passwordProfile": {"password": "Secret123!", "forceChangePassword": True},
            },
        )
        assert created.status_code == 200
        assert "passwordProfile" not in created.json()
        users.append(created.json())
    page = api.get(f"/customers/{cid}/users", params={"size": 2}).json()
    assert page["continuationToken"]  # admin + 3 users
    update = {"licensesToAssign": [{"skuId": BASIC_ENTRA, "excludedPlans": None}]}
    for user in users[:2]:
        assert (
            api.post(f"/customers/{cid}/users/{user['id']}/licenseupdates", json=update).status_code
            == 201
        )
    skus = api.get(f"/customers/{cid}/subscribedskus").json()["items"]
    assert len(skus) == 1
    sku = skus[0]
    assert (sku["activeUnits"], sku["consumedUnits"], sku["availableUnits"]) == (2, 2, 0)
    assert sku["totalUnits"] == sku["activeUnits"] + sku["warningUnits"]
    assert sku["productSku"]["id"] == BASIC_ENTRA
    refused = api.post(f"/customers/{cid}/users/{users[2]['id']}/licenseupdates", json=update)
    assert refused.status_code == 400
    assert refused.json()["code"] == 60012
    assert refused.json()["data"][0].startswith("LicenseQuotaExceededException : Subscription")
    licences = api.get(f"/customers/{cid}/users/{users[0]['id']}/licenses").json()["items"]
    assert [item["productSku"]["id"] for item in licences] == [BASIC_ENTRA]
    assert api.get(f"/customers/{cid}/users/{users[2]['id']}/licenses").json()["items"] == []


# --- reconciliation ---------------------------------------------------------------------


def test_unbilled_lines_price_a_purchase_and_a_seat_increase(pc, api):
    pc.control("clock", {"now": "2021-06-18T09:00:00Z", "freeze": True})
    cid = new_customer(api)["id"]
    sub = subscription_of(api, cid, line(STANDARD_P1M, 10, term="P1M"))
    pc.control("clock", {"now": "2021-06-20T09:00:00Z"})
    sub = api.get(f"/customers/{cid}/subscriptions/{sub['id']}").json()
    assert patch(api, sub, quantity=12).status_code == 200
    lines = api.get(
        "/invoices/unbilled/lineitems",
        params={
            "provider": "onetime",
            "invoicelineitemtype": "billinglineitems",
            "currencycode": "USD",
            "period": "current",
            "size": 2000,
        },
    ).json()["items"]
    summary = [
        (
            item["chargeType"],
            item["chargeStartDate"][:10],
            item["chargeEndDate"][:10],
            item["effectiveUnitPrice"],
            item["quantity"],
            item["subtotal"],
        )
        for item in lines
    ]
    assert summary == [
        ("new", "2021-06-18", "2021-07-17", 15, 10, 150),
        ("addQuantity", "2021-06-20", "2021-07-17", -14, 10, -140),
        ("addQuantity", "2021-06-20", "2021-07-17", 14, 12, 168),
    ]
    assert lines[1]["referenceId"] == lines[2]["referenceId"]
    assert lines[0]["billingFrequency"] == ""
    pc.control("settings", {"amounts_as_strings": True})
    as_strings = api.get("/invoices/unbilled/lineitems").json()["items"]
    assert as_strings[2]["subtotal"] == "168"


# --- persistence and pure rules ------------------------------------------------------------


def test_state_and_request_records_survive_a_restart(tmp_path):
    sandbox = start_partner_center(tmp_path / "pc", "--max-customers", "3")
    try:
        with sandbox.client() as api:
            cid = new_customer(api, "persisted")["id"]
            cart = api.post(
                f"/customers/{cid}/carts", json={"lineItems": [line(BASIC_P1Y, 2)]}
            ).json()
            url = f"/customers/{cid}/carts/{cart['id']}/checkout"
            first = api.post(url, headers={"MS-RequestId": "keep-me"})
        sandbox.restart()
        with sandbox.client() as api:
            assert api.get(f"/customers/{cid}").json()["companyProfile"]["domain"] == (
                "persisted.onmicrosoft.com"
            )
            assert api.post(url, headers={"MS-RequestId": "keep-me"}).content == first.content
            assert len(sandbox.subscriptions(cid)) == 1
            assert sandbox.control("settings")["max_customers_per_partner"] == 3
            new_customer(api)
            new_customer(api)
            refused = api.post("/customers", json=customer_body("fourth.onmicrosoft.com"))
            assert refused.json()["code"] == 990005
    finally:
        sandbox.stop()
    saved = json.loads((tmp_path / "pc" / "state.json").read_text())
    assert len(saved["subscriptions"]) == 1


def _nce():
    spec = importlib.util.spec_from_file_location("pc_sandbox_nce", SERVER.parent / "nce.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("bought", "ends"),
    [
        ("2021-01-31", "2021-02-27"),
        ("2021-02-28", "2021-03-27"),
        ("2021-05-31", "2021-06-29"),
        ("2021-06-30", "2021-07-29"),
        ("2021-07-31", "2021-08-30"),
        ("2021-01-30", "2021-02-27"),
        ("2021-02-27", "2021-03-26"),
        ("2021-05-30", "2021-06-29"),
        ("2021-06-29", "2021-07-28"),
        ("2021-07-30", "2021-08-29"),
    ],
)
def test_monthly_term_end_table(bought, ends):
    assert _nce().term_end(date.fromisoformat(bought), 1) == date.fromisoformat(ends)


def test_anchored_cycles_and_golden_proration_cases():
    nce = _nce()
    anchor = date(2021, 1, 31)
    starts = nce.cycle_starts(anchor, 1, anchor, date(2021, 12, 31))
    assert [d.isoformat()[5:] for d in starts] == [
        "01-31",
        "02-28",
        "03-31",
        "04-30",
        "05-31",
        "06-30",
        "07-31",
        "08-31",
        "09-30",
        "10-31",
        "11-30",
        "12-31",
    ]
    assert nce.cycle_bounds(date(2022, 2, 21), 1, date(2022, 3, 25)) == (
        date(2022, 3, 21),
        date(2022, 4, 20),
    )
    eup = nce.effective_unit_price(Decimal("10.08"), 28, 30)
    assert nce.line_amount(-eup, 10, "line_truncation") == Decimal("-94.08")
    assert nce.line_amount(eup, 12, "line_truncation") == Decimal("112.89")
    assert nce.line_amount(eup, 12, "unit_truncation") == Decimal("112.80")
    cancel = nce.effective_unit_price(Decimal("10.08"), 29, 31)
    assert nce.line_amount(-cancel, 10, "unit_truncation") == Decimal("-94.20")
    assert nce.line_amount(-cancel, 10, "line_truncation") == Decimal("-94.29")
    assert nce.parse_datetime("2021-05-20T18:30:06.6045692Z").microsecond == 604569
    assert Path(SERVER).exists()


def test_random_fault_after_the_operation_keeps_the_result_for_a_retry(pc, api):
    pc.control("faults", {"error_rate": 1.0, "fail_after_rate": 1.0, "error_statuses": [502]})
    body = customer_body("after-fault.onmicrosoft.com")
    lost = api.post("/customers", json=body, headers={"MS-RequestId": "create-1"})
    assert lost.status_code == 502
    domains = [c["domain"] for c in pc.control("customers")["items"]]
    assert domains == ["after-fault.onmicrosoft.com"]
    pc.control("faults", {})
    retry = api.post("/customers", json=body, headers={"MS-RequestId": "create-1"})
    assert retry.status_code == 201
    assert retry.json()["companyProfile"]["domain"] == "after-fault.onmicrosoft.com"
    password = retry.json()["userCredentials"]["password"]
    assert password  # replayed from memory; state.json keeps only a hash
    assert password not in (pc.state_dir / "state.json").read_text()
    assert len(pc.control("customers")["items"]) == 1
