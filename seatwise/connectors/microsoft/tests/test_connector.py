"""The Partner Center connector through the ports, against a fake Partner Center."""

from __future__ import annotations

import datetime as dt
import json
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from seatwise.connectors.exceptions import (
    ConnectorNotConfigured,
    ConnectorUnavailable,
    TenantDomainTaken,
    VendorError,
)
from seatwise.connectors.microsoft import errors
from seatwise.connectors.microsoft.connector import (
    PartnerCenterConnector,
    config_for,
    config_from_settings,
    derived_request_id,
)
from seatwise.connectors.microsoft.tests import payloads
from seatwise.connectors.microsoft.tests.fake import (
    ScriptedPartnerCenter,
    StatefulPartnerCenter,
    error,
    json_response,
    make_client,
)
from seatwise.connectors.models import PartnerCenterCredentials
from seatwise.connectors.ports import (
    MicrosoftCustomers,
    MicrosoftSubscriptions,
    TenantDomainChecker,
)
from seatwise.connectors.registry import connector_for
from seatwise.connectors.vendor import AgreementContact, NewCustomer, PurchaseItem
from seatwise.tenancy.tests.factories import make_provider

C = payloads.CUSTOMER_ID
BASIC = "CFQ7TTC0LH18:0001:CFQ7TTC0K971"
STANDARD = "CFQ7TTC0LF8S:0001:CFQ7TTC0VZW5"


def connector_on(fake, **config) -> PartnerCenterConnector:
    return PartnerCenterConnector(make_client(fake, **config))


def ok(body):
    return json_response(200, body)


def test_the_connector_implements_the_ports():
    connector = connector_on(ScriptedPartnerCenter())

    assert isinstance(connector, TenantDomainChecker)
    assert isinstance(connector, MicrosoftCustomers)
    assert isinstance(connector, MicrosoftSubscriptions)
    assert "PartnerCenterConnector" in repr(connector)


# --- domains ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("status", "available"), [(200, False), (404, True)])
def test_domain_availability_inverts_the_head_answer(status, available):
    fake = ScriptedPartnerCenter().on(
        "HEAD", "/domains/contoso.onmicrosoft.com", httpx.Response(status)
    )
    connector = connector_on(fake)

    assert connector.domain_available(prefix="contoso") is available
    assert connector.domain_reserve(prefix="contoso") is None
    assert len(fake.api_requests()) == 1


def test_domain_availability_that_cannot_be_answered_is_unavailable():
    fake = ScriptedPartnerCenter().on("HEAD", "/domains/.*", httpx.ConnectTimeout("slow"))

    with pytest.raises(ConnectorUnavailable):
        connector_on(fake).domain_available(prefix="contoso")


# --- customers --------------------------------------------------------------------------------

NEW = NewCustomer(
    domain_prefix="contoso-x",
    company_name="Contoso",
    email="billing@contoso.com",
    first_name="Ana",
    last_name="Diaz",
    address_line1="1 Main St",
    city="Redmond",
    postal_code="98052",
    country="US",
    state="WA",
    reseller_partner_id="R-42",
)


def test_customer_create_sends_the_stored_request_id_and_maps_the_answer():
    fake = ScriptedPartnerCenter().on(
        "POST", "/customers", json_response(201, payloads.CUSTOMER_CREATED)
    )

    customer = connector_on(fake).customer_create(request_id="key-1", customer=NEW)

    (request,) = fake.api_requests()
    assert request.headers["MS-RequestId"] == "key-1"
    body = json.loads(request.content)
    assert body["companyProfile"]["domain"] == "contoso-x.onmicrosoft.com"
    assert body["associatedPartnerId"] == "R-42"
    assert customer.customer_id == C
    assert customer.admin_username == "admin@contoso-x.onmicrosoft.com"
    assert customer.admin_password == "Gen3rated-Pa55word!"


def test_customer_create_of_a_taken_domain_is_refused():
    fake = ScriptedPartnerCenter().on("POST", "/customers", error(409, 0, "domain exists"))

    with pytest.raises(TenantDomainTaken):
        connector_on(fake).customer_create(request_id="key-1", customer=NEW)


def test_customer_create_missing_a_registration_number_names_it():
    fake = ScriptedPartnerCenter().on(
        "POST", "/customers", error(400, 600049, "Organization registration number is missing.")
    )

    with pytest.raises(errors.RegistrationNumberMissing) as caught:
        connector_on(fake).customer_create(request_id="key-1", customer=NEW)

    assert caught.value.message == "Organization registration number is missing."
    assert caught.value.code == "registration_number_missing"


def test_customer_get_maps_the_customer():
    fake = ScriptedPartnerCenter().on("GET", f"/customers/{C}", ok(payloads.CUSTOMER_CREATED))

    assert connector_on(fake).customer_get(customer_id=C).domain == "contoso-x.onmicrosoft.com"


def test_customer_find_filters_by_domain_and_keeps_only_the_exact_one():
    listed = {
        "items": [
            {
                "id": "t-long",
                "companyProfile": {"domain": "contoso.onmicrosoft.com.evil", "companyName": "X"},
            },
            {
                "id": "t-1",
                "companyProfile": {"domain": "Contoso.onmicrosoft.com", "companyName": "Contoso"},
                "relationshipToPartner": "reseller",
            },
        ]
    }
    fake = ScriptedPartnerCenter().on("GET", "/customers", ok(listed))

    found = connector_on(fake).customer_find(domain="contoso.onmicrosoft.com")

    assert found is not None
    assert found.customer_id == "t-1"
    assert found.relationship == "reseller"
    (request,) = fake.api_requests()
    assert json.loads(request.url.params["filter"])["Value"] == "contoso.onmicrosoft.com"


def test_customer_find_without_a_match_is_none():
    fake = ScriptedPartnerCenter().on("GET", "/customers", ok({"items": []}))

    assert connector_on(fake).customer_find(domain="nobody.onmicrosoft.com") is None


def test_the_relationship_link_asks_for_no_dap():
    fake = ScriptedPartnerCenter().on(
        "GET", "/customers/relationshiprequests", ok(payloads.RELATIONSHIP_REQUEST)
    )

    url = connector_on(fake).relationship_link()

    parts = urlsplit(url)
    assert parse_qs(parts.query)["DAP"] == ["false"]
    assert parse_qs(parts.query)["invType"] == ["ResellerRelationship"]
    assert parts.fragment == "/BillingAccounts/partner-invitation"


def test_agreement_confirm_posts_the_mca_once_and_accepts_an_existing_one():
    fake = (
        ScriptedPartnerCenter()
        .on("GET", "/agreements", ok(payloads.AGREEMENTS))
        .on(
            "POST",
            f"/customers/{C}/agreements",
            json_response(201, {"userId": "u"}),
            error(
                409,
                600061,
                "exists",
                errorName="PartnerConfirmedAgreementAlreadyExists",
                isRetryable=False,
            ),
        )
    )
    connector = connector_on(fake)
    contact = AgreementContact("Ana", "Diaz", "ana@contoso.com")
    accepted = dt.datetime(2024, 1, 10, tzinfo=dt.UTC)

    connector.agreement_confirm(
        request_id="a-1", customer_id=C, contact=contact, accepted_at=accepted
    )
    connector.agreement_confirm(
        request_id="a-2", customer_id=C, contact=contact, accepted_at=accepted
    )

    methods = [(r.method, r.url.path) for r in fake.api_requests()]
    assert methods == [
        ("GET", "/v1/agreements"),
        ("POST", f"/v1/customers/{C}/agreements"),
        ("POST", f"/v1/customers/{C}/agreements"),
    ]
    body = json.loads(fake.api_requests()[1].content)
    assert body["templateId"] == payloads.AGREEMENTS["items"][0]["templateId"]
    assert body["dateAgreed"] == "2024-01-10T00:00:00.000Z"
    assert fake.api_requests()[2].headers["MS-RequestId"] == "a-2"


def test_agreement_confirm_without_a_template_is_refused():
    fake = ScriptedPartnerCenter().on("GET", "/agreements", ok({"items": []}))

    with pytest.raises(errors.PartnerCenterError):
        connector_on(fake).agreement_confirm(
            request_id="a",
            customer_id=C,
            contact=AgreementContact("A", "B", "a@b.test"),
            accepted_at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
        )


# --- subscriptions ----------------------------------------------------------------------------


def test_subscriptions_are_read_and_updated_by_get_modify_patch():
    S = payloads.SUBSCRIPTION_ID
    updated = payloads.copy_of(payloads.SUBSCRIPTION) | {"quantity": 20, "friendlyName": "Ops"}
    fake = (
        ScriptedPartnerCenter()
        .on("GET", f"/customers/{C}/subscriptions", ok({"items": [payloads.SUBSCRIPTION]}))
        .on("GET", f"/customers/{C}/subscriptions/{S}", ok(payloads.SUBSCRIPTION))
        .on("GET", f"/customers/{C}/subscriptions/{S}/addons", ok({"items": []}))
        .on("PATCH", f"/customers/{C}/subscriptions/{S}", ok(updated))
    )
    connector = connector_on(fake)

    assert [s.quantity for s in connector.subscriptions_list(customer_id=C)] == [15]
    assert connector.subscription_get(customer_id=C, subscription_id=S).status == "active"
    assert connector.addons_list(customer_id=C, subscription_id=S) == []
    result = connector.subscription_update(
        request_id="u-1", customer_id=C, subscription_id=S, quantity=20, friendly_name="Ops"
    )
    unchanged = connector.subscription_update(request_id="u-2", customer_id=C, subscription_id=S)

    assert result.quantity == 20
    assert result.friendly_name == "Ops"
    assert unchanged.quantity == 15
    patch = next(r for r in fake.api_requests() if r.method == "PATCH")
    assert json.loads(patch.content)["autoRenewEnabled"] is True


def test_a_seat_reduction_after_the_window_is_a_typed_error():
    S = payloads.SUBSCRIPTION_ID
    fake = (
        ScriptedPartnerCenter()
        .on("GET", f"/customers/{C}/subscriptions/{S}", ok(payloads.SUBSCRIPTION))
        .on("PATCH", f"/customers/{C}/subscriptions/{S}", error(400, 900257, "Window passed."))
    )

    with pytest.raises(errors.OutsideWindow) as caught:
        connector_on(fake).subscription_update(
            request_id="u", customer_id=C, subscription_id=S, quantity=1
        )

    assert caught.value.code == "seat_reduction_window_closed"
    assert caught.value.message == "Window passed."


# --- purchase ---------------------------------------------------------------------------------

ITEMS = [
    PurchaseItem(BASIC, 5, "P1Y", "monthly"),
    PurchaseItem(STANDARD, 2, "P1M", "monthly", reseller_partner_id="R-42"),
]


def _posts(fake, suffix):
    return [r for r in fake.requests if r.method == "POST" and r.url.path.endswith(suffix)]


def test_purchase_creates_a_cart_checks_it_out_and_returns_one_subscription_per_item():
    fake = StatefulPartnerCenter()
    connector = connector_on(fake)

    result = connector.purchase(request_id="buy-1", customer_id=C, items=ITEMS)

    (cart_post,) = _posts(fake, "/carts")
    (checkout,) = _posts(fake, "/checkout")
    assert cart_post.headers["MS-RequestId"] == "buy-1"
    assert checkout.headers["MS-RequestId"] == derived_request_id("buy-1", "checkout")
    assert checkout.content == b""
    lines = json.loads(cart_post.content)["lineItems"]
    assert lines[1]["participants"] == [{"key": "transaction_reseller", "value": "R-42"}]
    (order_id,) = fake.orders
    assert result.order_ids == (order_id,)
    assert [s.offer_id for s in result.subscriptions] == [BASIC, STANDARD]
    assert [s.quantity for s in result.subscriptions] == [5, 2]
    assert {s.order_id for s in result.subscriptions} == {order_id}
    assert result.subscriptions[0].subscription_id in fake.subscriptions
    assert str(result.subscriptions[0].unit_price) == "12.5"
    assert result.subscriptions[0].currency == "USD"


def test_the_derived_checkout_id_is_deterministic_and_distinct():
    assert derived_request_id("r", "checkout") == derived_request_id("r", "checkout")
    assert derived_request_id("r", "checkout") != derived_request_id("r2", "checkout")
    assert derived_request_id("r", "checkout") != "r"


def test_repeating_a_purchase_returns_the_same_result_and_buys_once():
    fake = StatefulPartnerCenter()
    connector = connector_on(fake)

    first = connector.purchase(request_id="buy-1", customer_id=C, items=ITEMS)
    again = connector.purchase(request_id="buy-1", customer_id=C, items=ITEMS)

    assert again == first
    assert len(fake.carts) == 1
    assert fake.checkouts_run == 1


def test_a_purchase_whose_cart_answer_was_lost_is_completed_by_the_repeat():
    fake = StatefulPartnerCenter()
    fake.lose_answer_of = {"cart_create"}
    connector = connector_on(fake, max_attempts=1)

    with pytest.raises(ConnectorUnavailable):
        connector.purchase(request_id="buy-1", customer_id=C, items=ITEMS)
    result = connector.purchase(request_id="buy-1", customer_id=C, items=ITEMS)

    assert len(fake.carts) == 1
    assert fake.checkouts_run == 1
    assert len(result.subscriptions) == 2
    ids = [r.headers["MS-RequestId"] for r in _posts(fake, "/carts")]
    assert ids == ["buy-1", "buy-1"]


def test_a_lost_answer_is_retried_in_place_with_the_same_ids():
    fake = StatefulPartnerCenter()
    fake.lose_answer_of = {"cart_create", "checkout"}

    result = connector_on(fake).purchase(request_id="buy-1", customer_id=C, items=ITEMS)

    assert len(fake.carts) == 1
    assert fake.checkouts_run == 1
    assert len(_posts(fake, "/carts")) == 2
    checkout_ids = {r.headers["MS-RequestId"] for r in _posts(fake, "/checkout")}
    assert checkout_ids == {derived_request_id("buy-1", "checkout")}
    assert len(result.subscriptions) == 2


def test_a_purchase_whose_checkout_answer_was_lost_is_completed_by_the_repeat():
    fake = StatefulPartnerCenter()
    fake.lose_answer_of = {"checkout"}
    connector = connector_on(fake, max_attempts=1)

    with pytest.raises(ConnectorUnavailable):
        connector.purchase(request_id="buy-1", customer_id=C, items=ITEMS)
    result = connector.purchase(request_id="buy-1", customer_id=C, items=ITEMS)

    assert fake.checkouts_run == 1
    assert len(fake.orders) == 1
    assert result.order_ids == tuple(fake.orders)
    assert len(result.subscriptions) == 2


def test_an_ordered_cart_whose_checkout_is_refused_is_recovered_from_the_orders():
    """The replay store forgot the checkout (its window passed): checking the cart out
    again is refused, and the purchase is read back from the cart and the orders."""
    fake = StatefulPartnerCenter()
    connector = connector_on(fake)
    first = connector.purchase(request_id="buy-1", customer_id=C, items=ITEMS)
    checkout_id = derived_request_id("buy-1", "checkout")
    del fake.store[checkout_id]
    # Another purchase of other items by the same customer, later: not ours.
    connector.purchase(request_id="buy-2", customer_id=C, items=ITEMS[:1])

    again = connector.purchase(request_id="buy-1", customer_id=C, items=ITEMS)

    assert again == first
    assert fake.checkouts_run == 2
    assert len(fake.orders) == 2


def test_a_checkout_refusal_of_an_active_cart_is_raised():
    fake = ScriptedPartnerCenter()
    cart = payloads.copy_of(payloads.CART)
    fake.on("POST", f"/customers/{C}/carts", json_response(201, cart))
    fake.on("POST", f"/customers/{C}/carts/{cart['id']}/checkout", error(400, 990002, "Expired"))
    fake.on("GET", f"/customers/{C}/carts/{cart['id']}", ok(cart))

    with pytest.raises(errors.CartExpired):
        connector_on(fake).purchase(request_id="b", customer_id=C, items=ITEMS[:1])


def test_checkout_in_progress_recovers_once_the_cart_is_ordered():
    fake = StatefulPartnerCenter()
    connector = connector_on(fake)
    first = connector.purchase(request_id="buy-1", customer_id=C, items=ITEMS)
    # The stored checkout answer is now "in progress" (as a concurrent checkout got it).
    checkout_id = derived_request_id("buy-1", "checkout")
    signature, _ = fake.store[checkout_id]
    fake.store[checkout_id] = (signature, error(409, 800064, "Cart being processed"))

    again = connector.purchase(request_id="buy-1", customer_id=C, items=ITEMS)

    assert again == first
    assert fake.checkouts_run == 1


def test_checkout_in_progress_of_an_active_cart_asks_to_retry_later_with_the_same_id():
    fake = ScriptedPartnerCenter()
    cart = payloads.copy_of(payloads.CART)
    fake.on("POST", f"/customers/{C}/carts", json_response(201, cart))
    fake.on("POST", f"/customers/{C}/carts/{cart['id']}/checkout", error(409, 800064, "busy"))
    fake.on("GET", f"/customers/{C}/carts/{cart['id']}", ok(cart))
    connector = connector_on(fake)

    for _attempt in range(2):
        with pytest.raises(errors.CartInProgress) as caught:
            connector.purchase(request_id="b", customer_id=C, items=ITEMS[:1])
        assert caught.value.retry_after == 30.0

    checkout_ids = [
        r.headers["MS-RequestId"] for r in fake.api_requests() if r.url.path.endswith("checkout")
    ]
    assert checkout_ids == [derived_request_id("b", "checkout")] * 2


def test_an_already_ordered_refusal_naming_its_orders_is_recovered_through_them():
    fake = ScriptedPartnerCenter()
    cart = payloads.copy_of(payloads.CART)
    order = payloads.copy_of(payloads.ORDER)
    order["lineItems"][0]["offerId"] = STANDARD
    listed = payloads.copy_of(payloads.SUBSCRIPTION) | {
        "id": order["lineItems"][0]["subscriptionId"],
        "offerId": STANDARD,
        "quantity": 1,
        "orderId": order["id"],
    }
    fake.on("POST", f"/customers/{C}/carts", json_response(201, cart))
    fake.on(
        "POST",
        f"/customers/{C}/carts/{cart['id']}/checkout",
        error(
            400,
            990007,
            "Cart has already been checked out",
            data=[{"orderIds": [order["id"]]}],
        ),
    )
    fake.on("GET", f"/customers/{C}/carts/{cart['id']}", ok(cart | {"status": "Ordered"}))
    fake.on("GET", f"/customers/{C}/orders/{order['id']}", ok(order))
    fake.on("GET", f"/customers/{C}/subscriptions", ok({"items": [listed]}))

    result = connector_on(fake).purchase(
        request_id="b", customer_id=C, items=[PurchaseItem(STANDARD, 1, "P1M", "monthly")]
    )

    assert result.order_ids == (order["id"],)
    assert result.subscriptions[0].status == "active"
    assert result.subscriptions[0].unit_price is not None


def test_an_ordered_cart_whose_named_order_is_not_visible_yet_asks_to_retry_later():
    fake = ScriptedPartnerCenter()
    cart = payloads.copy_of(payloads.CART)
    fake.on("POST", f"/customers/{C}/carts", json_response(201, cart))
    fake.on(
        "POST",
        f"/customers/{C}/carts/{cart['id']}/checkout",
        error(400, 990007, "ordered", data=[{"orderIds": ["o-late"]}]),
    )
    fake.on("GET", f"/customers/{C}/carts/{cart['id']}", ok(cart | {"status": "Ordered"}))

    with pytest.raises(errors.OperationPending):
        connector_on(fake).purchase(request_id="b", customer_id=C, items=ITEMS[:1])


def test_an_ordered_cart_whose_order_is_not_visible_yet_asks_to_retry_later():
    fake = ScriptedPartnerCenter()
    cart = payloads.copy_of(payloads.CART)
    ordered = cart | {"status": "Ordered"}
    fake.on("POST", f"/customers/{C}/carts", json_response(201, cart))
    fake.on("POST", f"/customers/{C}/carts/{cart['id']}/checkout", error(400, 1, "ordered"))
    fake.on("GET", f"/customers/{C}/carts/{cart['id']}", ok(ordered))
    other = payloads.copy_of(payloads.ORDER)
    other["lineItems"][0]["offerId"] = BASIC  # another purchase, not this cart's
    fake.on("GET", f"/customers/{C}/orders", ok({"items": [other]}))

    with pytest.raises(errors.OperationPending) as caught:
        connector_on(fake).purchase(request_id="b", customer_id=C, items=ITEMS[:1])

    assert caught.value.retry_after == 60.0


def test_a_cart_naming_its_orders_is_recovered_through_them():
    fake = ScriptedPartnerCenter()
    cart = payloads.copy_of(payloads.CART)
    ordered = payloads.copy_of(cart) | {"status": "ordered"}
    ordered["lineItems"][0]["orderId"] = payloads.ORDER["id"]
    order = payloads.copy_of(payloads.ORDER)
    order["lineItems"][0]["offerId"] = STANDARD
    fake.on("POST", f"/customers/{C}/carts", json_response(201, cart))
    fake.on("POST", f"/customers/{C}/carts/{cart['id']}/checkout", error(400, 1, "ordered"))
    fake.on("GET", f"/customers/{C}/carts/{cart['id']}", ok(ordered))
    fake.on("GET", f"/customers/{C}/orders/{order['id']}", ok(order))
    fake.on("GET", f"/customers/{C}/subscriptions", ok({"items": []}))
    fake.on("GET", f"/customers/{C}/subscriptions/.*", error(404, 0, "not yet"))

    result = connector_on(fake).purchase(
        request_id="b", customer_id=C, items=[PurchaseItem(STANDARD, 1, "P1M", "monthly")]
    )

    assert result.order_ids == (order["id"],)
    (subscription,) = result.subscriptions
    assert subscription.status == "pending"
    assert subscription.subscription_id == order["lineItems"][0]["subscriptionId"]


def test_a_cart_line_error_is_a_typed_permanent_error_and_nothing_is_checked_out():
    fake = StatefulPartnerCenter()
    fake.line_error = {"line": 1, "code": 400041, "description": "Add-on needs its base."}

    with pytest.raises(errors.AddonWithoutBase) as caught:
        connector_on(fake).purchase(request_id="buy-1", customer_id=C, items=ITEMS)

    assert caught.value.message == "Add-on needs its base."
    assert isinstance(caught.value, VendorError)
    assert _posts(fake, "/checkout") == []


def test_checkout_order_errors_are_typed_and_keep_what_was_bought():
    fake = StatefulPartnerCenter()
    fake.order_errors = [
        {"orderGroupId": "1", "code": 900275, "description": "Quantity not allowed."}
    ]

    with pytest.raises(errors.QuantityOutOfRange) as caught:
        connector_on(fake).purchase(request_id="buy-1", customer_id=C, items=ITEMS)

    assert caught.value.message == "Quantity not allowed."
    assert len(caught.value.partial_result.subscriptions) == 2
    assert caught.value.details["order_ids"] == list(fake.orders)


def test_orders_that_miss_an_item_are_an_incomplete_purchase():
    fake = ScriptedPartnerCenter()
    cart = payloads.copy_of(payloads.CART)
    fake.on("POST", f"/customers/{C}/carts", json_response(201, cart))
    fake.on(
        "POST",
        f"/customers/{C}/carts/{cart['id']}/checkout",
        json_response(201, {"orders": [payloads.ORDER]}),
    )
    fake.on("GET", f"/customers/{C}/subscriptions", ok({"items": []}))

    with pytest.raises(errors.PurchaseIncomplete):
        connector_on(fake).purchase(request_id="b", customer_id=C, items=ITEMS[:1])


def test_order_lines_without_subscription_ids_are_matched_by_offer():
    fake = ScriptedPartnerCenter()
    cart = payloads.copy_of(payloads.CART)
    order = payloads.copy_of(payloads.ORDER)
    order["lineItems"][0].pop("subscriptionId")
    order["lineItems"][0]["offerId"] = STANDARD
    listed = payloads.copy_of(payloads.SUBSCRIPTION) | {
        "offerId": STANDARD,
        "quantity": 1,
        "orderId": "",
    }
    fake.on("POST", f"/customers/{C}/carts", json_response(201, cart))
    fake.on(
        "POST",
        f"/customers/{C}/carts/{cart['id']}/checkout",
        json_response(201, {"orders": [order]}),
    )
    fake.on("GET", f"/customers/{C}/subscriptions", ok({"items": [listed]}))

    result = connector_on(fake).purchase(
        request_id="b", customer_id=C, items=[PurchaseItem(STANDARD, 1, "P1M", "monthly")]
    )

    (subscription,) = result.subscriptions
    assert subscription.subscription_id == payloads.SUBSCRIPTION_ID
    assert subscription.order_id == order["id"]
    assert str(subscription.unit_price) == "36.48"


def test_an_empty_purchase_is_refused():
    with pytest.raises(Exception, match="Nothing to buy"):
        connector_on(ScriptedPartnerCenter()).purchase(request_id="b", customer_id=C, items=[])


# --- configuration ----------------------------------------------------------------------------


def test_without_credentials_the_connector_is_not_configured(settings):
    settings.SEATWISE_PARTNER_CENTER_CLIENT_ID = ""

    with pytest.raises(ConnectorNotConfigured):
        config_from_settings()


def test_the_configuration_comes_from_the_settings(settings):
    settings.SEATWISE_PARTNER_CENTER_URL = "https://sandbox.test"
    settings.SEATWISE_PARTNER_CENTER_AUTHORITY = "https://login.sandbox.test"
    settings.SEATWISE_PARTNER_CENTER_TENANT = "tenant-s"
    settings.SEATWISE_PARTNER_CENTER_CLIENT_ID = "client-s"
    settings.SEATWISE_PARTNER_CENTER_CLIENT_SECRET = "secret-s"
    settings.SEATWISE_PARTNER_CENTER_REFRESH_TOKEN = "refresh-s"
    settings.SEATWISE_PARTNER_CENTER_READ_TIMEOUT = "12"
    settings.SEATWISE_PARTNER_CENTER_MAX_ATTEMPTS = 4

    config = config_for(None)

    assert config.api_url == "https://sandbox.test"
    assert config.authority_url == "https://login.sandbox.test"
    assert (config.tenant_id, config.client_id) == ("tenant-s", "client-s")
    assert config.client_secret == "secret-s"
    assert config.refresh_token == "refresh-s"
    assert config.read_timeout == 12.0
    assert config.connect_timeout == 5.0
    assert config.max_attempts == 4
    assert "secret-s" not in repr(config)


@pytest.mark.django_db
def test_a_provider_with_credentials_gets_its_own_connector(settings):
    settings.SEATWISE_MICROSOFT_CONNECTOR = (
        "seatwise.connectors.microsoft.connector.PartnerCenterConnector"
    )
    settings.SEATWISE_PARTNER_CENTER_CLIENT_SECRET = ""
    provider = make_provider()
    row = PartnerCenterCredentials(
        organization=provider,
        api_url="https://pc.provider.test",
        tenant_id="provider-tenant",
        client_id="provider-client",
        partner_id="1234567",
    )
    row.set_client_secret("provider-secret")
    row.set_refresh_token("provider-refresh")
    row.save()

    connector = connector_for("microsoft", provider=provider)

    assert isinstance(connector, PartnerCenterConnector)
    config = connector.client.config
    assert config.api_url == "https://pc.provider.test"
    assert config.tenant_id == "provider-tenant"
    assert config.client_secret == "provider-secret"
    assert config.refresh_token == "provider-refresh"
    assert config.partner_id == "1234567"


@pytest.mark.django_db
def test_a_provider_without_credentials_falls_back_to_the_settings(settings):
    settings.SEATWISE_MICROSOFT_CONNECTOR = (
        "seatwise.connectors.microsoft.connector.PartnerCenterConnector"
    )
    settings.SEATWISE_PARTNER_CENTER_TENANT = "tenant-s"
    settings.SEATWISE_PARTNER_CENTER_CLIENT_ID = "client-s"
    settings.SEATWISE_PARTNER_CENTER_CLIENT_SECRET = "secret-s"

    connector = connector_for("microsoft", provider=make_provider())

    assert connector.client.config.tenant_id == "tenant-s"
    assert connector_for("microsoft").client.config.tenant_id == "tenant-s"


def test_the_connector_can_be_built_on_a_transport(settings):
    settings.SEATWISE_PARTNER_CENTER_TENANT = "tenant-s"
    settings.SEATWISE_PARTNER_CENTER_CLIENT_ID = "client-s"
    settings.SEATWISE_PARTNER_CENTER_CLIENT_SECRET = "secret-s"
    settings.SEATWISE_PARTNER_CENTER_URL = "https://pc.test"
    settings.SEATWISE_PARTNER_CENTER_AUTHORITY = "https://login.test"
    fake = ScriptedPartnerCenter().on("HEAD", "/domains/.*", httpx.Response(404))
    sleeps: list[float] = []

    connector = PartnerCenterConnector(transport=fake.transport(), sleep=sleeps.append)

    assert connector.domain_available(prefix="free") is True


@pytest.mark.django_db
def test_the_registry_passes_no_provider_to_a_factory_without_one(settings):
    from seatwise.connectors.offline import OfflineMicrosoftConnector

    assert isinstance(connector_for("microsoft", provider=1), OfflineMicrosoftConnector)
