"""The Partner Center client against a fake transport: headers, tokens, retries, throttling,
202 polling, paging and typed errors."""

from __future__ import annotations

import json
import logging
from decimal import Decimal
from urllib.parse import parse_qs

import httpx
import pytest

from seatwise.connectors.exceptions import (
    ConnectorUnavailable,
    TenantDomainTaken,
    VendorError,
    VendorRetryLater,
)
from seatwise.connectors.microsoft import errors
from seatwise.connectors.microsoft.client import PartnerCenterClient
from seatwise.connectors.microsoft.mapping import loads, new_customer_body
from seatwise.connectors.microsoft.tests import payloads
from seatwise.connectors.microsoft.tests.fake import (
    ACCESS_TOKEN,
    CLIENT_SECRET,
    REFRESH_TOKEN,
    Clock,
    ScriptedPartnerCenter,
    error,
    json_response,
    make_client,
    make_config,
)
from seatwise.connectors.vendor import NewCustomer

C = payloads.CUSTOMER_ID
S = payloads.SUBSCRIPTION_ID


def ok(body=None):
    return json_response(200, body if body is not None else {})


# --- headers ----------------------------------------------------------------------------------


def test_every_call_carries_the_contract_headers():
    fake = ScriptedPartnerCenter().on("GET", f"/customers/{C}", ok(payloads.CUSTOMER_CREATED))
    client = make_client(fake)

    client.customer_get(C)

    (request,) = fake.api_requests()
    assert str(request.url) == f"https://pc.test/v1/customers/{C}"
    assert request.headers["Authorization"] == f"Bearer {ACCESS_TOKEN}-1"
    assert request.headers["Accept"] == "application/json"
    assert request.headers["MS-Contract-Version"] == "v1"
    assert request.headers["MS-PartnerCenter-Application"] == "Seatwise"
    assert request.headers["X-Locale"] == "en-US"
    assert len(request.headers["MS-RequestId"]) == 36
    assert len(request.headers["MS-CorrelationId"]) == 36
    assert "Content-Type" not in request.headers


def test_a_body_is_sent_as_json_with_its_content_type():
    fake = ScriptedPartnerCenter().on(
        "POST", "/customers", json_response(201, payloads.CUSTOMER_CREATED)
    )
    client = make_client(fake)

    client.customer_create({"companyProfile": {"domain": "a.onmicrosoft.com"}}, request_id="r-1")

    (request,) = fake.api_requests()
    assert request.headers["Content-Type"] == "application/json"
    assert json.loads(request.content) == {"companyProfile": {"domain": "a.onmicrosoft.com"}}


def test_retries_reuse_the_request_id_and_take_a_new_correlation_id_each_time():
    fake = ScriptedPartnerCenter().on(
        "POST",
        "/customers",
        error(500, 0, "boom"),
        error(503, 0, "busy"),
        json_response(201, payloads.CUSTOMER_CREATED),
    )
    sleeps: list[float] = []
    client = make_client(fake, sleeps=sleeps)

    client.customer_create({}, request_id="stored-key-42")

    requests = fake.api_requests()
    assert [r.headers["MS-RequestId"] for r in requests] == ["stored-key-42"] * 3
    assert len({r.headers["MS-CorrelationId"] for r in requests}) == 3
    assert sleeps == [1.0, 2.0]


def test_separate_calls_get_separate_request_ids():
    fake = ScriptedPartnerCenter().on("GET", f"/customers/{C}", ok(payloads.CUSTOMER_CREATED))
    client = make_client(fake)

    client.customer_get(C)
    client.customer_get(C)

    first, second = fake.api_requests()
    assert first.headers["MS-RequestId"] != second.headers["MS-RequestId"]


def test_a_configured_api_url_ending_in_v1_is_not_doubled():
    fake = ScriptedPartnerCenter().on("GET", f"/customers/{C}", ok(payloads.CUSTOMER_CREATED))
    client = make_client(fake, api_url="https://pc.test/v1/")

    client.customer_get(C)

    assert fake.api_requests()[0].url.path == f"/v1/customers/{C}"


# --- retries ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "failure",
    [
        httpx.ReadTimeout("slow"),
        httpx.ConnectTimeout("no route"),
        httpx.ConnectError("refused"),
        httpx.RemoteProtocolError("cut"),
    ],
    ids=["read-timeout", "connect-timeout", "connect-error", "cut"],
)
def test_network_errors_and_timeouts_are_retried_then_succeed(failure):
    fake = ScriptedPartnerCenter().on(
        "GET", f"/customers/{C}", failure, ok(payloads.CUSTOMER_CREATED)
    )
    sleeps: list[float] = []
    client = make_client(fake, sleeps=sleeps)

    payload = client.customer_get(C)

    assert payload["id"] == C
    assert len(fake.api_requests()) == 2
    assert sleeps == [1.0]


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_server_errors_are_retried_then_succeed(status):
    fake = ScriptedPartnerCenter().on(
        "GET", f"/customers/{C}", error(status, 0), ok(payloads.CUSTOMER_CREATED)
    )
    client = make_client(fake)

    assert client.customer_get(C)["id"] == C
    assert len(fake.api_requests()) == 2


def test_a_503_with_retry_after_waits_at_least_that_long():
    fake = ScriptedPartnerCenter().on(
        "GET",
        f"/customers/{C}",
        json_response(503, {}, {"Retry-After": "9"}),
        ok(payloads.CUSTOMER_CREATED),
    )
    sleeps: list[float] = []
    make_client(fake, sleeps=sleeps).customer_get(C)

    assert sleeps == [9.0]


@pytest.mark.parametrize("status", [400, 403, 404, 409, 412])
def test_client_errors_are_not_retried(status):
    fake = ScriptedPartnerCenter().on("GET", f"/customers/{C}", error(status, 12345, "no"))
    sleeps: list[float] = []
    client = make_client(fake, sleeps=sleeps)

    with pytest.raises(VendorError) as caught:
        client.customer_get(C)

    assert len(fake.api_requests()) == 1
    assert sleeps == []
    assert caught.value.message == "no"
    assert caught.value.vendor_code == "12345"
    assert caught.value.http_status == status


def test_server_errors_stop_after_the_bounded_attempts():
    fake = ScriptedPartnerCenter().on("GET", f"/customers/{C}", error(500, 0, "down"))
    sleeps: list[float] = []
    client = make_client(fake, sleeps=sleeps)

    with pytest.raises(ConnectorUnavailable) as caught:
        client.customer_get(C)

    assert len(fake.api_requests()) == 3
    assert sleeps == [1.0, 2.0]
    assert isinstance(caught.value, errors.PartnerCenterUnavailable)
    assert caught.value.code == "connector_unavailable"
    assert caught.value.status == 503


def test_network_errors_stop_after_the_configured_attempts():
    fake = ScriptedPartnerCenter().on("GET", f"/customers/{C}", httpx.ConnectError("down"))
    client = make_client(fake, max_attempts=5)

    with pytest.raises(ConnectorUnavailable) as caught:
        client.customer_get(C)

    assert len(fake.api_requests()) == 5
    assert isinstance(caught.value.__cause__, httpx.ConnectError)
    assert caught.value.retry_after == 60.0


def test_back_off_is_exponential_and_capped():
    fake = ScriptedPartnerCenter().on("GET", f"/customers/{C}", error(500, 0))
    sleeps: list[float] = []
    client = make_client(fake, sleeps=sleeps, max_attempts=6, backoff_max=5.0)

    with pytest.raises(ConnectorUnavailable):
        client.customer_get(C)

    assert sleeps == [1.0, 2.0, 4.0, 5.0, 5.0]


# --- throttling -------------------------------------------------------------------------------

THROTTLED = {"statusCode": 429, "message": "Rate limit is exceeded. Try again in 7 seconds."}


def test_a_429_waits_the_retry_after_seconds_then_retries_with_the_same_request_id():
    fake = ScriptedPartnerCenter().on(
        "GET",
        f"/customers/{C}",
        json_response(429, THROTTLED, {"Retry-After": "7"}),
        ok(payloads.CUSTOMER_CREATED),
    )
    sleeps: list[float] = []
    client = make_client(fake, sleeps=sleeps)

    assert client.customer_get(C)["id"] == C
    assert sleeps == [7.0]
    first, second = fake.api_requests()
    assert first.headers["MS-RequestId"] == second.headers["MS-RequestId"]


def test_a_repeated_429_backs_off_exponentially():
    fake = ScriptedPartnerCenter().on(
        "GET",
        f"/customers/{C}",
        json_response(429, THROTTLED, {"Retry-After": "5"}),
        json_response(429, THROTTLED, {"Retry-After": "5"}),
        json_response(429, THROTTLED, {"Retry-After": "5"}),
        ok(payloads.CUSTOMER_CREATED),
    )
    sleeps: list[float] = []
    make_client(fake, sleeps=sleeps).customer_get(C)

    assert sleeps == [5.0, 10.0, 20.0]


def test_429_retries_are_bounded_on_their_own():
    fake = ScriptedPartnerCenter().on(
        "GET", f"/customers/{C}", json_response(429, THROTTLED, {"Retry-After": "1"})
    )
    sleeps: list[float] = []
    client = make_client(fake, sleeps=sleeps, max_throttle_retries=2)

    with pytest.raises(errors.Throttled) as caught:
        client.customer_get(C)

    assert len(fake.api_requests()) == 3
    assert sleeps == [1.0, 2.0]
    assert caught.value.retry_after == 4.0
    assert isinstance(caught.value, VendorRetryLater)
    assert caught.value.code == "vendor_throttled"


def test_a_long_retry_after_is_left_to_the_caller():
    fake = ScriptedPartnerCenter().on(
        "GET", f"/customers/{C}", json_response(429, THROTTLED, {"Retry-After": "300"})
    )
    sleeps: list[float] = []

    with pytest.raises(errors.Throttled) as caught:
        make_client(fake, sleeps=sleeps).customer_get(C)

    assert sleeps == []
    assert caught.value.retry_after == 300.0
    assert len(fake.api_requests()) == 1


def test_a_429_without_retry_after_uses_the_back_off():
    fake = ScriptedPartnerCenter().on(
        "GET", f"/customers/{C}", json_response(429, THROTTLED), ok(payloads.CUSTOMER_CREATED)
    )
    sleeps: list[float] = []
    make_client(fake, sleeps=sleeps).customer_get(C)

    assert sleeps == [1.0]


# --- tokens -----------------------------------------------------------------------------------


def test_app_only_token_uses_client_credentials_and_is_cached():
    fake = ScriptedPartnerCenter().on("GET", f"/customers/{C}", ok(payloads.CUSTOMER_CREATED))
    client = make_client(fake)

    client.customer_get(C)
    client.customer_get(C)

    (token_request,) = fake.token_requests
    assert str(token_request.url) == "https://login.test/partner-tenant/oauth2/token"
    form = parse_qs(token_request.content.decode())
    assert form == {
        "client_id": ["client-id"],
        "client_secret": [CLIENT_SECRET],
        "grant_type": ["client_credentials"],
        "resource": ["https://api.partnercenter.microsoft.com"],
    }


def test_the_token_is_renewed_shortly_before_it_expires():
    fake = ScriptedPartnerCenter().on("GET", f"/customers/{C}", ok(payloads.CUSTOMER_CREATED))
    clock = Clock()
    client = make_client(fake, clock=clock)

    client.customer_get(C)
    clock.now += 3599 - 300 - 1
    client.customer_get(C)
    clock.now += 2
    client.customer_get(C)

    assert len(fake.token_requests) == 2
    tokens = [r.headers["Authorization"] for r in fake.api_requests()]
    assert tokens == [f"Bearer {ACCESS_TOKEN}-1"] * 2 + [f"Bearer {ACCESS_TOKEN}-2"]


def test_app_user_is_the_default_with_a_refresh_token_and_app_only_where_accepted():
    fake = (
        ScriptedPartnerCenter()
        .on("GET", f"/customers/{C}", ok(payloads.CUSTOMER_CREATED))
        .on("HEAD", "/domains/.*", httpx.Response(404))
    )
    rotated: list[str] = []
    client = PartnerCenterClient(
        make_config(refresh_token="old-refresh"),
        transport=httpx.MockTransport(fake),
        sleep=lambda s: None,
        on_refresh_token=rotated.append,
    )

    client.customer_get(C)
    client.domain_exists("x.onmicrosoft.com")

    user_form, app_form = (parse_qs(r.content.decode()) for r in fake.token_requests)
    assert user_form["grant_type"] == ["refresh_token"]
    assert user_form["refresh_token"] == ["old-refresh"]
    assert user_form["resource"] == ["https://api.partnercenter.microsoft.com"]
    assert user_form["scope"] == ["openid"]
    assert app_form["grant_type"] == ["client_credentials"]
    assert rotated == [REFRESH_TOKEN]


def test_a_401_fetches_a_new_token_once_and_retries():
    fake = ScriptedPartnerCenter().on(
        "GET", f"/customers/{C}", error(401, 0, "expired"), ok(payloads.CUSTOMER_CREATED)
    )
    client = make_client(fake)

    assert client.customer_get(C)["id"] == C
    assert len(fake.token_requests) == 2
    first, second = fake.api_requests()
    assert first.headers["Authorization"] != second.headers["Authorization"]
    assert first.headers["MS-RequestId"] == second.headers["MS-RequestId"]


def test_a_second_401_is_an_unauthorized_error():
    fake = ScriptedPartnerCenter().on("GET", f"/customers/{C}", error(401, 0, "nope"))

    with pytest.raises(errors.PartnerCenterUnauthorized):
        make_client(fake).customer_get(C)

    assert len(fake.api_requests()) == 2


def test_refused_credentials_are_a_permanent_error_without_calling_the_api():
    fake = ScriptedPartnerCenter()
    fake.token_script = [
        json_response(400, {"error": "invalid_client", "error_description": "AADSTS7000215"})
    ]

    with pytest.raises(errors.PartnerCenterUnauthorized) as caught:
        make_client(fake).customer_get(C)

    assert caught.value.vendor_code == "invalid_client"
    assert fake.api_requests() == []


def test_the_token_endpoint_is_retried_when_down():
    fake = ScriptedPartnerCenter().on("GET", f"/customers/{C}", ok(payloads.CUSTOMER_CREATED))
    fake.token_script = [httpx.ConnectError("down"), json_response(503, {}), None]
    fake.token_script[-1] = lambda request: json_response(
        200, {"access_token": "t", "expires_in": 3600}
    )
    sleeps: list[float] = []

    make_client(fake, sleeps=sleeps).customer_get(C)

    assert len(fake.token_requests) == 3
    assert sleeps == [1.0, 2.0]


def test_an_unreachable_token_endpoint_is_unavailable():
    fake = ScriptedPartnerCenter()
    fake.token_script = [json_response(500, {})]

    with pytest.raises(ConnectorUnavailable):
        make_client(fake).customer_get(C)
    fake.token_script = [httpx.ReadTimeout("slow")]
    with pytest.raises(ConnectorUnavailable):
        make_client(fake).customer_get(C)


def test_secrets_tokens_and_passwords_never_reach_the_logs(caplog):
    fake = ScriptedPartnerCenter().on(
        "POST", "/customers", error(503, 0), json_response(201, payloads.CUSTOMER_CREATED)
    )
    client = make_client(fake, refresh_token="refresh-secret-xyz")
    customer = NewCustomer(
        domain_prefix="contoso-x",
        company_name="Contoso",
        email="billing@contoso.com",
        first_name="Ana",
        last_name="Diaz",
        address_line1="1 Main St",
        city="Redmond",
        postal_code="98052",
        country="US",
    )

    with caplog.at_level(logging.DEBUG):
        created = client.customer_create(new_customer_body(customer), request_id="r-9")

    assert created["userCredentials"]["password"] == "Gen3rated-Pa55word!"
    logged = caplog.text + "".join(repr(record.args) for record in caplog.records)
    assert "Partner Center POST /v1/customers -> 201" in logged
    for secret in (
        CLIENT_SECRET,
        "refresh-secret-xyz",
        REFRESH_TOKEN,
        ACCESS_TOKEN,
        "Gen3rated-Pa55word!",
    ):
        assert secret not in logged
        assert secret not in repr(client)
        assert secret not in repr(client.config)


# --- 202 polling ------------------------------------------------------------------------------


def _subscription(**changes):
    body = payloads.copy_of(payloads.SUBSCRIPTION)
    body.update(changes)
    return body


def test_a_202_is_polled_at_its_location_until_the_change_shows():
    location = f"/customers/{C}/subscriptions/{S}"
    fake = (
        ScriptedPartnerCenter()
        .on(
            "GET",
            f"/customers/{C}/subscriptions/{S}",
            ok(_subscription()),
            ok(_subscription()),
            ok(_subscription()),
            ok(_subscription(quantity=20)),
        )
        .on(
            "PATCH",
            f"/customers/{C}/subscriptions/{S}",
            httpx.Response(202, headers={"Location": location}),
        )
    )
    sleeps: list[float] = []
    client = make_client(fake, sleeps=sleeps, poll_interval=5.0)

    result = client.subscription_update(C, S, {"quantity": 20}, request_id="q-1")

    assert result["quantity"] == 20
    assert sleeps == [5.0, 5.0, 5.0]
    methods = [r.method for r in fake.api_requests()]
    assert methods == ["GET", "PATCH", "GET", "GET", "GET"]


def test_a_202_that_never_shows_is_an_operation_pending():
    fake = (
        ScriptedPartnerCenter()
        .on("GET", f"/customers/{C}/subscriptions/{S}", ok(_subscription()))
        .on("PATCH", f"/customers/{C}/subscriptions/{S}", httpx.Response(202))
    )
    sleeps: list[float] = []
    client = make_client(fake, sleeps=sleeps, poll_interval=5.0, poll_timeout=20.0)

    with pytest.raises(errors.OperationPending) as caught:
        client.subscription_update(C, S, {"quantity": 20}, request_id="q-1")

    assert sleeps == [5.0] * 4
    assert caught.value.retry_after == 5.0
    assert isinstance(caught.value, ConnectorUnavailable)


def test_a_patch_without_wait_condition_returns_the_first_poll():
    fake = (
        ScriptedPartnerCenter()
        .on("GET", f"/customers/{C}/subscriptions/{S}", ok(_subscription(quantity=3)))
        .on("PATCH", f"/customers/{C}/subscriptions/{S}", httpx.Response(202))
    )

    result = make_client(fake).subscription_patch(C, S, {"quantity": 3}, request_id="p")

    assert result["quantity"] == 3


def test_update_patches_the_whole_resource_with_only_the_change_and_exact_amounts():
    current = _subscription()
    current["unitPrice"] = "placeholder"
    raw = json.dumps(current).replace('"placeholder"', "16.40")
    fake = (
        ScriptedPartnerCenter()
        .on(
            "GET",
            f"/customers/{C}/subscriptions/{S}",
            httpx.Response(200, content=raw.encode()),
        )
        .on("PATCH", f"/customers/{C}/subscriptions/{S}", ok(_subscription(quantity=12)))
    )

    make_client(fake).subscription_update(C, S, {"quantity": 12}, request_id="q-2")

    patch = next(r for r in fake.api_requests() if r.method == "PATCH")
    assert patch.headers["MS-RequestId"] == "q-2"
    assert b'"unitPrice":16.40' in patch.content
    sent = loads(patch.content)
    assert sent["quantity"] == 12
    assert sent["autoRenewEnabled"] is True
    assert sent["scheduledNextTermInstructions"] == current["scheduledNextTermInstructions"]
    assert sent["unitPrice"] == Decimal("16.40")
    assert set(sent) == set(current)


# --- typed errors -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "code", "operation", "expected", "temporary", "stable_code"),
    [
        (400, 60012, "", errors.NoFreeLicences, False, "no_free_licences"),
        (400, 900117, "", errors.CancellationWindowClosed, False, "cancellation_window_closed"),
        (400, 900213, "", errors.CancellationWindowClosed, False, "cancellation_window_closed"),
        (400, 900257, "", errors.SeatReductionWindowClosed, False, "seat_reduction_window_closed"),
        (400, 900214, "", errors.SeatReductionWindowClosed, False, "seat_reduction_window_closed"),
        (400, 800090, "", errors.QuantityCannotDecrease, False, "quantity_cannot_decrease"),
        (400, 2001, "", errors.QuantityWhileSuspended, False, "quantity_change_while_suspended"),
        (400, 2002, "", errors.QuantityOutOfRange, False, "quantity_out_of_range"),
        (400, 900275, "", errors.QuantityOutOfRange, False, "quantity_out_of_range"),
        (400, 800091, "", errors.SubscriptionSuspended, False, "subscription_suspended"),
        (400, 800093, "", errors.AutoRenewNotEligible, False, "auto_renew_not_eligible"),
        (400, 800107, "", errors.TrialTermChangeRefused, False, "trial_term_change_refused"),
        (400, 600049, "", errors.RegistrationNumberMissing, False, "registration_number_missing"),
        (400, 600050, "", errors.RegistrationNumberInvalid, False, "registration_number_invalid"),
        (400, 600051, "", errors.PhoneNumberMissing, False, "phone_number_missing"),
        (
            400,
            600002,
            "",
            errors.RegistrationNumberNotSupported,
            False,
            "registration_number_not_supported",
        ),
        (409, 600061, "", errors.AgreementAlreadyExists, False, "agreement_already_exists"),
        (400, 400041, "", errors.AddonWithoutBase, False, "addon_without_base"),
        (400, 900316, "", errors.AppUserTokenRequired, False, "vendor_app_user_token_required"),
        (
            403,
            900309,
            "",
            errors.ConditionalAccessBlocked,
            False,
            "vendor_conditional_access_blocked",
        ),
        (400, 990001, "", errors.CustomerAgreementMissing, False, "customer_agreement_missing"),
        (400, 990002, "", errors.CartExpired, False, "cart_expired"),
        (400, 990003, "", errors.MixedLicenceGroups, False, "mixed_licence_groups"),
        (400, 990004, "", errors.RequestIdReused, False, "request_id_reused"),
        (400, 990007, "", errors.CartAlreadyOrdered, False, "cart_already_ordered"),
        (409, 800060, "", errors.OrderInProgress, True, "order_in_progress"),
        (409, 800064, "", errors.CartInProgress, True, "cart_in_progress"),
        (409, 800082, "", errors.SubscriptionNotReady, True, "subscription_not_ready"),
        (409, 900278, "", errors.PendingOperation, True, "pending_operation"),
        (
            409,
            0,
            "subscription_update",
            errors.SubscriptionNotReady,
            True,
            "subscription_not_ready",
        ),
        (409, 0, "customer_create", TenantDomainTaken, False, "tenant_domain_taken"),
        (409, 0, "", errors.PartnerCenterConflict, False, "vendor_conflict"),
        (404, 0, "", errors.PartnerCenterNotFound, False, "vendor_not_found"),
        (403, 0, "", errors.PartnerCenterForbidden, False, "vendor_forbidden"),
        (400, 123456, "", errors.PartnerCenterError, False, "vendor_error"),
        (408, 0, "", errors.PartnerCenterUnavailable, True, "connector_unavailable"),
    ],
)
def test_error_codes_map_to_typed_exceptions(
    status, code, operation, expected, temporary, stable_code
):
    body = errors.error_body_parse(
        http_status=status,
        content=json.dumps({"code": code, "description": "vendor says no"}).encode(),
    )

    error = errors.error_for(body, operation=operation, request_id="r")

    assert type(error) is expected
    assert error.code == stable_code
    assert isinstance(error, ConnectorUnavailable) is temporary
    assert isinstance(error, VendorError) is (not temporary and expected is not TenantDomainTaken)
    if temporary:
        assert error.retry_after > 0
    elif isinstance(error, VendorError):
        assert error.message == "vendor says no"
        assert error.vendor_code == (str(code) if code else "0")


@pytest.mark.parametrize(
    ("code", "retry_after"),
    [(800082, 120.0), (800060, 30.0), (800064, 30.0), (900278, 86400.0)],
)
def test_retry_later_errors_carry_their_delay_and_are_not_retried(code, retry_after):
    fake = ScriptedPartnerCenter().on(
        "PATCH", f"/customers/{C}/subscriptions/{S}", error(409, code, "later")
    )
    sleeps: list[float] = []

    with pytest.raises(VendorRetryLater) as caught:
        make_client(fake, sleeps=sleeps).subscription_patch(C, S, {}, request_id="x")

    assert caught.value.retry_after == retry_after
    assert caught.value.retry_after >= 30
    assert caught.value.vendor_code == str(code)
    assert caught.value.request_id == "x"
    assert sleeps == []
    assert len(fake.api_requests()) == 1


def test_a_409_on_customer_create_is_a_taken_domain():
    fake = ScriptedPartnerCenter().on("POST", "/customers", error(409, 0, "exists"))

    with pytest.raises(TenantDomainTaken) as caught:
        make_client(fake).customer_create({}, request_id="r")

    assert caught.value.status == 409


def test_the_newer_error_body_is_read():
    body = errors.error_body_parse(
        http_status=409,
        content=json.dumps(
            {
                "code": "600061",
                "message": "Agreement already exists",
                "errorName": "PartnerConfirmedAgreementAlreadyExists",
                "isRetryable": False,
                "parameters": {},
                "data": ["x"],
            }
        ).encode(),
    )

    assert body == errors.ErrorBody(
        http_status=409,
        vendor_code="600061",
        description="Agreement already exists",
        error_name="PartnerConfirmedAgreementAlreadyExists",
        is_retryable=False,
        data=("x",),
    )
    error = errors.error_for(body)
    assert error.error_name == "PartnerConfirmedAgreementAlreadyExists"
    assert error.data == ("x",)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", errors.ErrorBody(http_status=400)),
        (b"<html>bad gateway</html>", errors.ErrorBody(400, "", "<html>bad gateway</html>")),
        (b'"just text"', errors.ErrorBody(400, "", "just text")),
        (
            json.dumps(THROTTLED).encode(),
            errors.ErrorBody(400, "", "Rate limit is exceeded. Try again in 7 seconds."),
        ),
        (b'{"code": 2002.0, "description": "x"}', errors.ErrorBody(400, "2002", "x")),
    ],
)
def test_odd_error_bodies_are_tolerated(content, expected):
    assert errors.error_body_parse(http_status=400, content=content) == expected


def test_an_unknown_4xx_without_description_names_the_status():
    error = errors.error_for(errors.ErrorBody(http_status=418))

    assert type(error) is errors.PartnerCenterError
    assert "418" in error.message


# --- paging and endpoints ---------------------------------------------------------------------


def test_paging_follows_continuation_tokens_until_none_is_left():
    page1 = {
        "totalCount": 2,
        "items": [{"id": "1"}, {"id": "2"}],
        "links": {
            "next": {
                "uri": "/customers?size=2&seekOperation=Next",
                "method": "GET",
                "headers": [{"key": "MS-ContinuationToken", "value": "tok-A"}],
            }
        },
        "continuationToken": "tok-A",
    }
    page2 = {"items": [{"id": "3"}], "continuationToken": "tok-B"}
    page3 = {"items": [{"id": "4"}], "attributes": {"objectType": "Collection"}}
    fake = ScriptedPartnerCenter().on("GET", "/customers", ok(page1), ok(page2), ok(page3))

    ids = [item["id"] for item in make_client(fake).customers_list(size=2)]

    assert ids == ["1", "2", "3", "4"]
    first, second, third = fake.api_requests()
    assert first.url.params["size"] == "2"
    assert "MS-ContinuationToken" not in first.headers
    assert second.headers["MS-ContinuationToken"] == "tok-A"
    assert second.url.params["seekOperation"] == "Next"
    assert third.headers["MS-ContinuationToken"] == "tok-B"
    assert third.url.params["seekOperation"] == "Next"
    assert third.url.params["size"] == "2"


def test_paging_stops_when_a_page_repeats():
    page = {"items": [{"id": "1"}], "continuationToken": "same"}
    fake = ScriptedPartnerCenter().on("GET", "/customers", ok(page))

    ids = [item["id"] for item in make_client(fake).customers_list()]

    assert ids == ["1", "1"]


def test_the_customer_filter_is_sent_as_json():
    fake = ScriptedPartnerCenter().on("GET", "/customers", ok({"items": []}))

    list(make_client(fake).customers_list(domain_prefix="contoso.onmicrosoft.com"))
    list(make_client(fake).customers_list(company_prefix="Cont"))

    by_domain, by_company = fake.api_requests()
    assert by_domain.url.params["size"] == "0"
    assert json.loads(by_domain.url.params["filter"]) == {
        "Field": "Domain",
        "Value": "contoso.onmicrosoft.com",
        "Operator": "starts_with",
    }
    assert json.loads(by_company.url.params["filter"])["Field"] == "CompanyName"


@pytest.mark.parametrize(("status", "exists"), [(200, True), (404, False)])
def test_domain_head_has_the_inverted_sense(status, exists):
    fake = ScriptedPartnerCenter().on(
        "HEAD", "/domains/contoso.onmicrosoft.com", httpx.Response(status)
    )

    assert make_client(fake).domain_exists("contoso.onmicrosoft.com") is exists


def test_thin_endpoints_hit_their_documented_routes():
    collection = ok({"items": [{"id": "x"}]})
    fake = (
        ScriptedPartnerCenter()
        .on("GET", "/customers/relationshiprequests", ok(payloads.RELATIONSHIP_REQUEST))
        .on("GET", "/agreements", ok(payloads.AGREEMENTS))
        .on("POST", f"/customers/{C}/agreements", json_response(201, {"userId": "u"}))
        .on("GET", f"/customers/{C}/carts/cart-1", ok(payloads.CART))
        .on("GET", f"/customers/{C}/orders/o-1", ok(payloads.ORDER))
        .on("GET", f"/customers/{C}/orders", collection)
        .on("GET", f"/customers/{C}/subscriptions", collection)
        .on("GET", f"/customers/{C}/subscriptions/{S}/addons", collection)
        .on("GET", f"/customers/{C}/users", collection)
        .on("POST", f"/customers/{C}/users", ok({"id": "u-1"}))
        .on("GET", f"/customers/{C}/subscribedskus", collection)
        .on("POST", f"/customers/{C}/users/u-1/licenseupdates", json_response(201, {"a": 1}))
    )
    client = make_client(fake)

    assert client.relationship_request(indirect_reseller_id="R1")["url"].startswith("https://")
    assert client.agreements_metadata()[0]["versionRank"] == 0
    assert client.agreement_create(C, {"templateId": "t"}, request_id="a") == {"userId": "u"}
    assert client.cart_get(C, "cart-1")["status"] == "Active"
    assert client.order_get(C, "o-1")["id"] == "a68736758d9c"
    assert client.orders_list(C) == [{"id": "x"}]
    assert client.subscriptions_list(C, order_id="o-1") == [{"id": "x"}]
    assert client.addons_list(C, S) == [{"id": "x"}]
    assert client.users_list(C) == [{"id": "x"}]
    assert client.user_create(C, {"userPrincipalName": "j"}, request_id="u") == {"id": "u-1"}
    assert client.subscribed_skus(C) == [{"id": "x"}]
    assert client.license_update(C, "u-1", {}, request_id="l") == {"a": 1}
    requests = fake.api_requests()
    assert requests[0].url.params["indirectResellerId"] == "R1"
    assert requests[1].url.params["agreementType"] == "MicrosoftCustomerAgreement"
    assert requests[6].url.params["order_id"] == "o-1"


def test_the_client_closes_as_a_context_manager():
    fake = ScriptedPartnerCenter()
    with make_client(fake) as client:
        assert repr(client).startswith("<PartnerCenterClient https://pc.test")
    assert client._http.is_closed
