"""The orders API: the organization's orders page by page, one order with its lines, events
and payments, and cancelling an order not paid yet; with the access matrix of every endpoint
and nothing changed on a refusal."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from urllib.parse import quote

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from seatwise.catalog.enums import VendorKind
from seatwise.core.models import IdempotencyRecord
from seatwise.orders.enums import OrderStatus, PaymentMethod
from seatwise.orders.models import Order, OrderEvent
from seatwise.orders.services import BillingAddress, Charges
from seatwise.orders.tests.factories import line, make_order, make_parties, make_vendor_offer
from seatwise.payments.enums import Gateway, PaymentStatus
from seatwise.payments.models import Payment
from seatwise.payments.tests.factories import make_payment
from seatwise.tenancy.enums import Role
from seatwise.tenancy.services import api_key_create
from seatwise.tenancy.tests.factories import make_customer, make_member

pytestmark = pytest.mark.django_db

ORDERS = "/api/v1/orders/"
DAY = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)


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


def _session_client(user, organization=None) -> Client:
    client = Client()
    client.force_login(user)
    if organization is not None:
        session = client.session
        session["organization_id"] = organization.pk
        session.save()
    return client


def _url(order, suffix: str = "") -> str:
    return f"{ORDERS}{quote(order.number)}/{suffix}"


def _cancel(client, order, key: str | None = None):
    headers = {"Idempotency-Key": key} if key is not None else {}
    return client.post(_url(order, "cancel/"), headers=headers)


def _error(code: str, message: str, details: dict | None = None) -> dict:
    return {"error": {"code": code, "message": message, "details": details or {}}}


def _snapshot(order) -> tuple:
    order.refresh_from_db()
    return order.status, order.events.count()


def _billing(name: str, **fields) -> dict:
    """The billing block of an order: the company profile's name, the rest as given."""
    body = dict.fromkeys(
        (
            "contact_name",
            "email",
            "phone",
            "address_line1",
            "address_line2",
            "postal_code",
            "city",
            "country",
            "tax_number",
        ),
        "",
    )
    return {"name": name, **body, **fields}


def _summary(order, **overrides) -> dict:
    body = {
        "number": order.number,
        "status": order.status,
        "currency": "USD",
        "total": "10.00",
        "payment_method": "liqpay",
        "created_at": "2026-03-02T09:30:00Z",
        "placed_at": "2026-03-02T09:30:00Z",
        "paid_at": None,
        "billing": _billing(order.organization.name),
        "shipping_address": None,
        "shipping_method_name": "",
    }
    body.update(overrides)
    return body


# --- list -----------------------------------------------------------------------------------


def test_order_list_pages_the_organizations_orders_newest_first(customer, owner, api):
    orders = []
    for day in range(3):
        with time_machine.travel(DAY + dt.timedelta(days=day), tick=False):
            orders.append(make_order(customer, placed_by=owner))
    make_order(make_customer(customer.parent))  # another organization's

    first = api.get(ORDERS, {"page_size": 2})
    second = api.get(ORDERS, {"page_size": 2, "page": 2})

    assert first.status_code == 200
    assert first.json() == {
        "items": [
            _summary(
                orders[2],
                created_at="2026-03-04T09:30:00Z",
                placed_at="2026-03-04T09:30:00Z",
            ),
            _summary(
                orders[1],
                created_at="2026-03-03T09:30:00Z",
                placed_at="2026-03-03T09:30:00Z",
            ),
        ],
        "page": 1,
        "page_size": 2,
        "total": 3,
        "pages": 2,
    }
    assert second.json() == {
        "items": [_summary(orders[0])],
        "page": 2,
        "page_size": 2,
        "total": 3,
        "pages": 2,
    }


def test_order_list_keeps_one_status(customer, owner, api):
    with time_machine.travel(DAY, tick=False):
        make_order(customer, placed_by=owner)
        cancelled = make_order(customer, placed_by=owner, status=OrderStatus.CANCELLED)

    response = api.get(ORDERS, {"status": "cancelled"})

    assert response.json() == {
        "items": [_summary(cancelled, status="cancelled")],
        "page": 1,
        "page_size": 24,
        "total": 1,
        "pages": 1,
    }


def test_order_list_of_an_organization_without_orders_is_one_empty_page(api):
    response = api.get(ORDERS)

    assert response.status_code == 200
    assert response.json() == {"items": [], "page": 1, "page_size": 24, "total": 0, "pages": 1}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            {"status": "shipped-yesterday"},
            _error(
                "invalid_status",
                "Unknown order status.",
                {"field": "status", "allowed": list(OrderStatus.values)},
            ),
        ),
        ({"page": 0}, _error("invalid_input", "page must be 1 or more.", {"field": "page"})),
        (
            {"page_size": 101},
            _error(
                "invalid_input",
                "page_size must be between 1 and 100.",
                {"field": "page_size"},
            ),
        ),
    ],
    ids=["status", "page", "page-size"],
)
def test_order_list_refuses_a_bad_filter_or_page(api, query, expected):
    response = api.get(ORDERS, query)

    assert response.status_code == 400
    assert response.json() == expected


def test_order_list_runs_the_same_queries_for_one_order_or_many(customer, owner, api):
    make_order(customer, placed_by=owner)
    with time_machine.travel(DAY, tick=False):  # the key's last use is written once a minute
        api.get(ORDERS)
        with CaptureQueriesContext(connection) as one:
            assert api.get(ORDERS).json()["total"] == 1
        for _ in range(4):
            make_order(customer, placed_by=owner)

        with CaptureQueriesContext(connection) as five:
            assert api.get(ORDERS).json()["total"] == 5

    # The key, the role, the count and the page.
    assert len(five) == len(one) == 4


# --- detail ---------------------------------------------------------------------------------


def test_order_get_answers_the_order_with_its_lines_events_and_payments(
    parties, customer, owner, api
):
    offer = make_vendor_offer(sku="CFQ7TTC0LF8Q")
    with time_machine.travel(DAY, tick=False):
        order = make_order(
            customer,
            placed_by=owner,
            status=OrderStatus.AWAITING_PAYMENT,
            lines=[line(offer, quantity=3, unit_price="7.125")],
        )
        payment = make_payment(
            customer,
            gateway=Gateway.INVOICE,
            amount=Decimal("21.38"),
            currency="USD",
            reference=order.number,
        )
    order_line = order.lines.get()

    response = api.get(_url(order))

    assert response.status_code == 200
    assert response.json() == {
        **_summary(order, status="awaiting_payment", total="21.38"),
        "subtotal": "21.38",
        "discount": "0.00",
        "extra_charge": "0.00",
        "shipping": "0.00",
        "tax": "0.00",
        "seller": {"id": parties["reseller"].pk, "name": parties["reseller"].name},
        "lines": [
            {
                "id": order_line.pk,
                "offer_id": offer.pk,
                "product_name": offer.product.name,
                "offer_name": offer.name,
                "sku": "CFQ7TTC0LF8Q",
                "term": "P1Y",
                "billing_plan": "monthly",
                "quantity": 3,
                "unit_price": "7.13",
                "line_total": "21.38",
                "status": "pending",
                "target_tenant": "",
                "provisioning": None,  # not paid: no vendor work asked yet
            }
        ],
        "events": [
            {"from_status": "", "to_status": "placed", "message": "", "at": "2026-03-02T09:30:00Z"},
            {
                "from_status": "placed",
                "to_status": "awaiting_payment",
                "message": "",
                "at": "2026-03-02T09:30:00Z",
            },
        ],
        "payments": [
            {
                "id": str(payment.pk),
                "reference": order.number,
                "gateway": "invoice",
                "status": "pending",
                "amount": "21.38",
                "refunded_amount": "0.00",
                "currency": "USD",
                "sandbox": False,
                "created_at": "2026-03-02T09:30:00Z",
                "updated_at": "2026-03-02T09:30:00Z",
            }
        ],
    }


def test_an_order_that_ships_shows_its_billing_contact_shipping_address_and_method(
    customer, owner, api
):
    book = make_vendor_offer(VendorKind.STORE, sku="BOOK-1", is_shippable=True)
    with time_machine.travel(DAY, tick=False):
        order = make_order(
            customer,
            placed_by=owner,
            lines=[line(book, unit_price="49.00")],
            charges=Charges(shipping=Decimal("3.00"), tax=Decimal("10.40")),
            billing=BillingAddress(
                name="Fabrikam School",
                contact_name="Olha Sikur",
                email="olha@fabrikam.example",
                phone="+380672498010",
                address_line1="Polyova Str. 21",
                postal_code="03056",
                city="Kyiv",
                country="UA",
                tax_number="12345678",
            ),
            shipping_address=BillingAddress(
                name="Fabrikam Warehouse",
                contact_name="Petro Ivanenko",
                address_line1="Promyslova St 4",
                postal_code="79000",
                city="Lviv",
                country="UA",
            ),
            shipping_method_name="Courier (Nova Poshta)",
        )
    billing = _billing(
        "Fabrikam School",
        contact_name="Olha Sikur",
        email="olha@fabrikam.example",
        phone="+380672498010",
        address_line1="Polyova Str. 21",
        postal_code="03056",
        city="Kyiv",
        country="UA",
        tax_number="12345678",
    )
    shipping_address = {
        "name": "Fabrikam Warehouse",
        "contact_name": "Petro Ivanenko",
        "email": "",
        "phone": "",
        "address_line1": "Promyslova St 4",
        "address_line2": "",
        "postal_code": "79000",
        "city": "Lviv",
        "country": "UA",
    }
    summary = _summary(
        order,
        total="62.40",
        billing=billing,
        shipping_address=shipping_address,
        shipping_method_name="Courier (Nova Poshta)",
    )

    listed = api.get(ORDERS)
    detail = api.get(_url(order)).json()

    assert listed.json()["items"] == [summary]
    assert {name: detail[name] for name in summary} == summary
    assert (detail["subtotal"], detail["shipping"], detail["tax"], detail["total"]) == (
        "49.00",
        "3.00",
        "10.40",
        "62.40",
    )


def test_an_unknown_order_number_is_a_404(api):
    response = api.get(f"{ORDERS}{quote('01-01-2026 99999')}/")

    assert response.status_code == 404
    assert response.json() == _error(
        "order_not_found", "Order not found.", {"number": "01-01-2026 99999"}
    )


# --- cancel ---------------------------------------------------------------------------------


def test_order_cancel_cancels_an_order_awaiting_payment_and_logs_who(customer, owner, api):
    order = make_order(customer, placed_by=owner, status=OrderStatus.AWAITING_PAYMENT)

    response = _cancel(api, order)

    assert response.status_code == 200
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    event = order.events.order_by("at", "pk").last()
    assert (event.from_status, event.to_status, event.actor, event.message) == (
        OrderStatus.AWAITING_PAYMENT,
        OrderStatus.CANCELLED,
        owner,
        "Cancelled through the API.",
    )
    assert response.json()["status"] == "cancelled"
    assert response.json()["events"][-1]["message"] == "Cancelled through the API."
    # The answer shows the order exactly as reading it does.
    assert response.json() == api.get(_url(order)).json()


@pytest.mark.parametrize("status", [OrderStatus.DRAFT, OrderStatus.PLACED])
def test_a_draft_or_a_placed_order_can_be_cancelled(customer, owner, api, status):
    order = make_order(customer, placed_by=owner, status=status)

    response = _cancel(api, order)

    assert response.status_code == 200
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED


@pytest.mark.parametrize("status", [OrderStatus.PAID, OrderStatus.COMPLETED, OrderStatus.CANCELLED])
def test_an_order_past_payment_cannot_be_cancelled_and_stays_as_it_was(
    customer, owner, api, status
):
    order = make_order(customer, placed_by=owner, status=status)
    before = _snapshot(order)

    response = _cancel(api, order)

    assert response.status_code == 409
    assert response.json() == _error(
        "invalid_transition",
        "Only an order that is not paid yet can be cancelled.",
        {"from": status.value, "to": "cancelled"},
    )
    assert _snapshot(order) == before


def test_a_repeated_cancel_with_the_same_key_cancels_once_and_replays(customer, owner, api):
    order = make_order(customer, placed_by=owner, status=OrderStatus.AWAITING_PAYMENT)

    first = _cancel(api, order, key="cancel-1")
    again = _cancel(api, order, key="cancel-1")

    assert (first.status_code, again.status_code) == (200, 200)
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert order.events.filter(to_status=OrderStatus.CANCELLED).count() == 1
    assert IdempotencyRecord.objects.get().response_status == 200


def test_cancelling_an_order_leaves_no_payment_pending(customer, owner, api):
    order = make_order(customer, placed_by=owner, status=OrderStatus.AWAITING_PAYMENT)
    make_payment(
        customer,
        gateway=Gateway.INVOICE,
        amount=order.total,
        currency="USD",
        reference=order.number,
    )

    assert _cancel(api, order).status_code == 200

    assert Payment.objects.get().status == PaymentStatus.CANCELLED


# --- with the payments API -----------------------------------------------------------------


def _invoice_order(customer, owner):
    """An order of store goods awaiting its invoice payment (10.00 USD)."""
    order = make_order(
        customer,
        placed_by=owner,
        status=OrderStatus.AWAITING_PAYMENT,
        payment_method=PaymentMethod.INVOICE,
        lines=[line(make_vendor_offer(VendorKind.STORE))],
    )
    payment = make_payment(
        customer,
        gateway=Gateway.INVOICE,
        amount=order.total,
        currency="USD",
        reference=order.number,
    )
    return order, payment


def _record(provider, payment):
    client = _key_client(make_member(provider, Role.BILLING), provider)
    return client.post(
        f"/api/v1/payments/{payment.pk}/record/",
        json.dumps({"amount": "10.00"}),
        content_type="application/json",
    )


def test_an_invoice_recorded_through_the_payments_api_pays_the_order(
    parties, customer, owner, api, django_capture_on_commit_callbacks
):
    order, payment = _invoice_order(customer, owner)

    with time_machine.travel(DAY, tick=False), django_capture_on_commit_callbacks(execute=True):
        assert _record(parties["provider"], payment).status_code == 200

    body = api.get(_url(order)).json()
    assert (body["status"], body["paid_at"]) == ("completed", "2026-03-02T09:30:00Z")
    assert [p["status"] for p in body["payments"]] == ["paid"]


def test_the_invoice_of_a_cancelled_order_cannot_be_recorded(
    parties, customer, owner, api, django_capture_on_commit_callbacks
):
    order, payment = _invoice_order(customer, owner)
    assert _cancel(api, order).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = _record(parties["provider"], payment)

    assert Order.objects.get().status == OrderStatus.CANCELLED
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "payment_state"
    assert Payment.objects.get().status == PaymentStatus.CANCELLED


# --- access ---------------------------------------------------------------------------------


def test_every_endpoint_refuses_an_anonymous_caller(customer, owner):
    order = make_order(customer, placed_by=owner, status=OrderStatus.AWAITING_PAYMENT)
    anonymous = Client()

    responses = [
        anonymous.get(ORDERS),
        anonymous.get(_url(order)),
        _cancel(anonymous, order, key="cancel-1"),
    ]

    unauthenticated = _error("not_authenticated", "Sign in or send an API key.")
    assert [(r.status_code, r.json()) for r in responses] == [(401, unauthenticated)] * 3
    assert _snapshot(order) == (OrderStatus.AWAITING_PAYMENT, 2)
    assert not IdempotencyRecord.objects.exists()


def test_another_organizations_order_is_a_404_and_stays_unchanged(parties, customer, owner):
    order = make_order(customer, placed_by=owner, status=OrderStatus.AWAITING_PAYMENT)
    outsider_org = make_customer(parties["reseller"])
    outsider = _key_client(make_member(outsider_org, Role.OWNER), outsider_org)
    not_found = _error("order_not_found", "Order not found.", {"number": order.number})

    listed = outsider.get(ORDERS)
    read = outsider.get(_url(order))
    cancelled = _cancel(outsider, order, key="cancel-1")

    assert listed.json() == {"items": [], "page": 1, "page_size": 24, "total": 0, "pages": 1}
    assert (read.status_code, read.json()) == (404, not_found)
    assert (cancelled.status_code, cancelled.json()) == (404, not_found)
    assert _snapshot(order) == (OrderStatus.AWAITING_PAYMENT, 2)


def test_a_read_only_member_reads_the_orders_but_cannot_cancel_one(customer, owner):
    with time_machine.travel(DAY, tick=False):
        order = make_order(customer, placed_by=owner, status=OrderStatus.AWAITING_PAYMENT)
    reader = _session_client(make_member(customer, Role.READ_ONLY))

    listed = reader.get(ORDERS)
    read = reader.get(_url(order))
    cancelled = _cancel(reader, order, key="cancel-1")

    assert listed.json()["items"] == [_summary(order, status="awaiting_payment")]
    assert (read.status_code, read.json()["number"]) == (200, order.number)
    assert cancelled.status_code == 403
    assert cancelled.json() == _error(
        "role_required", "Your role does not allow this.", {"role": "read_only"}
    )
    assert _snapshot(order) == (OrderStatus.AWAITING_PAYMENT, 2)


@pytest.mark.parametrize("role", [Role.BILLING, Role.TECHNICAL, Role.ACCOUNT_MANAGER])
def test_a_member_with_a_buying_role_may_cancel(customer, owner, role):
    order = make_order(customer, placed_by=owner, status=OrderStatus.AWAITING_PAYMENT)
    member = make_member(customer, role)

    response = _cancel(_key_client(member, customer), order)

    assert response.status_code == 200
    assert Order.objects.get().status == OrderStatus.CANCELLED
    assert OrderEvent.objects.filter(actor=member, to_status=OrderStatus.CANCELLED).count() == 1


def test_the_resellers_manager_acting_for_the_customer_sees_its_orders(parties, customer, owner):
    order = make_order(customer, placed_by=owner)
    manager = make_member(parties["reseller"], Role.ACCOUNT_MANAGER)
    client = _session_client(manager, customer)

    response = client.get(_url(order))

    assert (response.status_code, response.json()["number"]) == (200, order.number)
