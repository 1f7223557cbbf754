"""Where the vendor work of an order's lines stands, through the orders API: each line of the
order's detail carries its provisioning request (null for a line without one), and
``/api/v1/orders/{number}/provisioning/`` lists the requests; with the access matrix and the
queries of a detail that do not grow with its lines."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from urllib.parse import quote

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from seatwise.catalog.enums import VendorKind
from seatwise.orders.enums import OrderStatus, ProvisioningStatus, RefundState
from seatwise.orders.models import ProvisioningRequest
from seatwise.orders.tests.factories import line, make_order, make_parties, make_vendor_offer
from seatwise.subscriptions.models import Subscription, VendorAccount
from seatwise.tenancy.enums import Role
from seatwise.tenancy.services import api_key_create
from seatwise.tenancy.tests.factories import make_customer, make_member

pytestmark = pytest.mark.django_db

ORDERS = "/api/v1/orders/"
DAY = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
VENDOR_MESSAGE = "The quantity 400 exceeds the maximum of 300 for this offer."


@pytest.fixture
def parties():
    return make_parties()


@pytest.fixture
def customer(parties):
    return parties["customer"]


@pytest.fixture
def owner(customer):
    return make_member(customer, Role.OWNER)


@pytest.fixture
def api(customer, owner):
    return _key_client(owner, customer)


def _key_client(user, organization) -> Client:
    _key, raw = api_key_create(user=user, organization=organization, name="Integration")
    return Client(headers={"X-API-Key": raw})


def _url(order, suffix: str = "") -> str:
    return f"{ORDERS}{quote(order.number)}/{suffix}"


def _paid_order(customer, owner, *, microsoft_lines: int = 1, store_line: bool = True):
    """A paid order of Microsoft lines (each asks for provisioning: queued, its task waiting
    for the test's transaction to commit) and a store download (done at once, no request)."""
    lines = [
        line(make_vendor_offer(), quantity=5, unit_price="6.00", target_tenant="contoso")
        for _ in range(microsoft_lines)
    ]
    if store_line:
        lines.append(line(make_vendor_offer(VendorKind.STORE), unit_price="10.00"))
    with time_machine.travel(DAY, tick=False):
        return make_order(customer, placed_by=owner, status=OrderStatus.PROVISIONING, lines=lines)


def _subscription(customer) -> Subscription:
    account = VendorAccount.objects.create(
        organization=customer, domain="contoso.onmicrosoft.com", status="active", created_at=DAY
    )
    return Subscription.objects.create(
        organization=customer,
        account=account,
        vendor_subscription_id="sub-1",
        name="Microsoft 365 Business Basic",
        quantity=5,
        status="active",
        created_at=DAY,
    )


def _queued(**overrides) -> dict:
    body = {
        "status": "queued",
        "attempts": 0,
        "next_attempt_at": None,
        "last_error": "",
        "subscription_id": None,
        "refund_state": "",
        "refund_amount": None,
    }
    body.update(overrides)
    return body


def test_each_line_of_the_order_shows_its_provisioning_or_null(customer, owner, api):
    order = _paid_order(customer, owner)
    microsoft, store = order.lines.order_by("position", "pk")

    body = api.get(_url(order)).json()

    assert [item["id"] for item in body["lines"]] == [microsoft.pk, store.pk]
    assert body["lines"][0]["provisioning"] == _queued()
    assert body["lines"][1]["provisioning"] is None  # a download: no vendor work


def test_a_request_that_will_be_retried_shows_its_attempts_next_try_and_the_vendors_message(
    customer, owner, api
):
    order = _paid_order(customer, owner, store_line=False)
    ProvisioningRequest.objects.filter(line__order=order).update(
        status=ProvisioningStatus.FAILED_RETRYING,
        attempts=2,
        next_attempt_at=DAY + dt.timedelta(minutes=1),
        last_error="Partner Center did not answer.",
    )
    request = ProvisioningRequest.objects.get()

    detail = api.get(_url(order)).json()
    listed = api.get(_url(order, "provisioning/"))

    expected = _queued(
        status="failed_retrying",
        attempts=2,
        next_attempt_at="2026-03-02T09:31:00Z",
        last_error="Partner Center did not answer.",
    )
    assert detail["lines"][0]["provisioning"] == expected
    assert listed.status_code == 200
    assert listed.json() == {
        "items": [
            {
                **expected,
                "line_id": request.line_id,
                "offer_name": request.line.offer_name,
                "created_at": "2026-03-02T09:30:00Z",
                "finished_at": None,
            }
        ]
    }


def test_a_refused_line_shows_the_vendors_message_and_its_refund(customer, owner, api):
    order = _paid_order(customer, owner, store_line=False)
    ProvisioningRequest.objects.filter(line__order=order).update(
        status=ProvisioningStatus.FAILED_PERMANENT,
        attempts=1,
        last_error=VENDOR_MESSAGE,
        refund_state=RefundState.DUE,
        refund_amount=Decimal("30.0000"),
        finished_at=DAY + dt.timedelta(minutes=5),
    )

    item = api.get(_url(order, "provisioning/")).json()["items"][0]

    assert {name: item[name] for name in _queued()} == _queued(
        status="failed_permanent",
        attempts=1,
        last_error=VENDOR_MESSAGE,
        refund_state="due",
        refund_amount="30.00",
    )
    assert item["finished_at"] == "2026-03-02T09:35:00Z"


def test_a_provisioned_line_names_its_subscription(customer, owner, api):
    order = _paid_order(customer, owner, store_line=False)
    subscription = _subscription(customer)
    ProvisioningRequest.objects.filter(line__order=order).update(
        status=ProvisioningStatus.SUCCEEDED,
        attempts=1,
        subscription=subscription,
        finished_at=DAY,
    )

    provisioning = api.get(_url(order)).json()["lines"][0]["provisioning"]

    assert provisioning == _queued(status="succeeded", attempts=1, subscription_id=subscription.pk)


def test_the_requests_are_listed_in_the_order_of_the_lines_and_a_store_line_is_left_out(
    customer, owner, api
):
    order = _paid_order(customer, owner, microsoft_lines=2)
    first, second, _store = order.lines.order_by("position", "pk")

    items = api.get(_url(order, "provisioning/")).json()["items"]

    assert [(item["line_id"], item["status"]) for item in items] == [
        (first.pk, "queued"),
        (second.pk, "queued"),
    ]


def test_an_unpaid_order_has_no_provisioning(customer, owner, api):
    order = make_order(customer, placed_by=owner, status=OrderStatus.AWAITING_PAYMENT)

    assert api.get(_url(order, "provisioning/")).json() == {"items": []}
    assert [item["provisioning"] for item in api.get(_url(order)).json()["lines"]] == [None]


def test_the_detail_runs_the_same_queries_for_one_provisioned_line_or_many(customer, owner, api):
    one_line = _paid_order(customer, owner, microsoft_lines=1)
    four_lines = _paid_order(customer, owner, microsoft_lines=4)
    with time_machine.travel(DAY, tick=False):  # the key's last use is written once a minute
        api.get(_url(one_line))
        with CaptureQueriesContext(connection) as one:
            api.get(_url(one_line))
            api.get(_url(one_line, "provisioning/"))
        with CaptureQueriesContext(connection) as four:
            lines = api.get(_url(four_lines)).json()["lines"]
            items = api.get(_url(four_lines, "provisioning/")).json()["items"]

    assert [item["provisioning"] is not None for item in lines] == [True] * 4 + [False]
    assert len(items) == 4
    assert len(four) == len(one)


# --- access ---------------------------------------------------------------------------------


def test_the_provisioning_of_an_order_refuses_an_anonymous_caller(customer, owner):
    order = _paid_order(customer, owner)

    response = Client().get(_url(order, "provisioning/"))

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_another_organizations_order_provisioning_is_a_404(parties, customer, owner):
    order = _paid_order(customer, owner)
    outsider_org = make_customer(parties["reseller"])
    outsider = _key_client(make_member(outsider_org, Role.OWNER), outsider_org)

    response = outsider.get(_url(order, "provisioning/"))

    assert response.status_code == 404
    assert response.json() == {
        "error": {
            "code": "order_not_found",
            "message": "Order not found.",
            "details": {"number": order.number},
        }
    }


def test_a_read_only_member_reads_the_provisioning(customer, owner):
    order = _paid_order(customer, owner)
    reader = Client()  # a read-only member has no API keys: the session
    reader.force_login(make_member(customer, Role.READ_ONLY))

    response = reader.get(_url(order, "provisioning/"))

    assert response.status_code == 200
    assert [item["status"] for item in response.json()["items"]] == ["queued"]
