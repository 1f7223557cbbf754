"""Placing, numbering, idempotency, the lifecycle with its event log, payment and the
provisioning requests it creates, cancelling, and the e-mails to the placing user."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from seatwise.catalog.enums import BillingPlan, Term, VendorKind
from seatwise.core.errors import InvalidTransitionError
from seatwise.core.events import subscribe, unsubscribe
from seatwise.notifications.models import Delivery
from seatwise.orders.enums import LineStatus, OrderStatus, PaymentMethod
from seatwise.orders.exceptions import OrderInputError, OrderNotFound, OrderNotPayable
from seatwise.orders.models import Order, OrderEvent, OrderLine, ProvisioningRequest
from seatwise.orders.services import (
    BillingAddress,
    Charges,
    order_cancel,
    order_mark_paid,
    order_place,
    order_transition,
)
from seatwise.orders.tests.factories import line, make_order, make_parties, make_vendor_offer
from seatwise.tenancy.exceptions import OrganizationNotFound
from seatwise.tenancy.tests.factories import make_customer, make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def parties():
    return make_parties()


@pytest.fixture
def buyer(parties):
    return make_member(parties["customer"])


def _place(parties, buyer, **extra):
    kwargs = {
        "organization": parties["customer"],
        "placed_by": buyer,
        "seller": parties["reseller"],
        "currency": "USD",
        "lines": [line(quantity=3, unit_price="12.50"), line(quantity=1, unit_price="7.333")],
        "payment_method": PaymentMethod.LIQPAY,
        "idempotency_key": "checkout-1",
    }
    kwargs.update(extra)
    return order_place(**kwargs)


@time_machine.travel(dt.datetime(2026, 11, 24, 10, 0, tzinfo=dt.UTC), tick=False)
def test_placing_snapshots_lines_totals_and_billing_address(parties, buyer):
    parties["customer"].address_line1 = "1 Khreshchatyk St"
    parties["customer"].city = "Kyiv"
    parties["customer"].save()
    order = _place(
        parties,
        buyer,
        charges=Charges(discount=Decimal("5"), tax=Decimal("8.30"), extra_charge=Decimal("1")),
    )
    assert order.number == "24-11-2026 00001"
    assert order.status == OrderStatus.PLACED
    assert order.placed_at == dt.datetime(2026, 11, 24, 10, 0, tzinfo=dt.UTC)
    assert order.paid_at is None
    assert (order.subtotal, order.discount, order.extra_charge, order.tax, order.total) == (
        Decimal("44.83"),
        Decimal("5.00"),
        Decimal("1.00"),
        Decimal("8.30"),
        Decimal("49.13"),
    )
    assert str(order.money("total")) == "49.13 USD"
    assert (order.billing_address_line1, order.billing_city) == ("1 Khreshchatyk St", "Kyiv")
    lines = list(order.lines.order_by("position"))
    assert [(x.quantity, x.unit_price, x.line_total) for x in lines] == [
        (3, Decimal("12.50"), Decimal("37.50")),
        (1, Decimal("7.333"), Decimal("7.33")),
    ]
    assert all(x.organization_id == parties["customer"].pk for x in lines)
    assert lines[0].sku == lines[0].offer.sku and lines[0].product_name
    assert (lines[0].term, lines[0].billing_plan) == (Term.P1Y, BillingPlan.MONTHLY)
    assert [(e.from_status, e.to_status, e.actor) for e in order.events.all()] == [
        ("", OrderStatus.PLACED, buyer)
    ]


@time_machine.travel(dt.datetime(2026, 11, 24, 10, 0, tzinfo=dt.UTC), tick=False)
def test_numbers_count_up_per_day_and_restart_the_next_day(parties, buyer):
    first = _place(parties, buyer, idempotency_key="a")
    second = _place(parties, buyer, idempotency_key="b")
    with time_machine.travel(dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC), tick=False):
        third = _place(parties, buyer, idempotency_key="c")
    assert [first.number, second.number, third.number] == [
        "24-11-2026 00001",
        "24-11-2026 00002",
        "25-11-2026 00001",
    ]


def test_the_same_idempotency_key_returns_the_first_order(parties, buyer):
    first = _place(parties, buyer)
    again = _place(parties, buyer, lines=[line(quantity=9)])
    assert again.pk == first.pk
    assert Order.objects.count() == 1
    assert OrderLine.objects.count() == 2
    assert OrderEvent.objects.count() == 1


def test_the_same_key_in_another_organization_is_another_order(parties, buyer):
    other = make_customer(parties["reseller"])
    first = _place(parties, buyer)
    second = _place(
        {**parties, "customer": other}, make_member(other), idempotency_key="checkout-1"
    )
    assert first.pk != second.pk


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"lines": []}, "order_empty"),
        ({"idempotency_key": "  "}, "order_key_invalid"),
        ({"payment_method": "cash"}, "order_payment_method_invalid"),
        ({"currency": "XXX"}, "order_currency_invalid"),
        ({"charges": Charges(discount=Decimal("1000"))}, "order_amount_invalid"),
        ({"charges": Charges(tax=Decimal("-1"))}, "order_amount_invalid"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(parties, buyer, change, code):
    with pytest.raises(OrderInputError) as raised:
        _place(parties, buyer, **change)
    assert raised.value.code == code
    assert Order.objects.count() == 0 and OrderLine.objects.count() == 0


def test_a_quantity_outside_the_offers_range_is_refused(parties, buyer):
    offer = make_vendor_offer(min_quantity=5, max_quantity=10)
    for quantity in (4, 11, 0):
        with pytest.raises(OrderInputError) as raised:
            _place(parties, buyer, lines=[line(offer, quantity=quantity)])
        assert raised.value.code == "order_quantity_invalid"
        assert "from 5 to 10" in raised.value.message
    assert Order.objects.count() == 0


def test_a_plan_or_term_the_offer_is_not_sold_with_is_refused(parties, buyer):
    offer = make_vendor_offer(term=Term.P1M, billing_plans=[BillingPlan.MONTHLY])
    for extra in ({"billing_plan": BillingPlan.ANNUAL}, {"term": Term.P1Y}):
        with pytest.raises(OrderInputError) as raised:
            _place(parties, buyer, lines=[line(offer, **extra)])
        assert raised.value.code == "order_plan_invalid"
    assert Order.objects.count() == 0


def test_an_inactive_offer_is_refused(parties, buyer):
    with pytest.raises(OrderInputError) as raised:
        _place(parties, buyer, lines=[line(make_vendor_offer(is_active=False))])
    assert raised.value.code == "order_offer_inactive"


def test_a_seller_that_does_not_serve_the_customer_is_refused(parties, buyer):
    from seatwise.tenancy.tests.factories import make_reseller

    stranger = make_reseller(parties["provider"])
    with pytest.raises(OrderInputError) as raised:
        _place(parties, buyer, seller=stranger)
    assert raised.value.code == "order_seller_invalid"
    # the provider above the reseller may sell too
    assert _place(parties, buyer, seller=parties["provider"]).seller == parties["provider"]


def test_a_user_of_another_organization_cannot_place_an_order_for_it(parties):
    outsider = make_member(make_customer(parties["reseller"]))
    with pytest.raises(OrganizationNotFound):
        _place(parties, outsider)
    assert Order.objects.count() == 0


def test_a_read_only_member_cannot_place_an_order(parties):
    from seatwise.tenancy.enums import Role
    from seatwise.tenancy.exceptions import RoleRequired

    with pytest.raises(RoleRequired):
        _place(parties, make_member(parties["customer"], Role.READ_ONLY))
    assert Order.objects.count() == 0


def test_reseller_staff_may_place_an_order_for_their_customer(parties):
    staff = make_member(parties["reseller"])
    order = _place(parties, staff)
    assert order.placed_by == staff and order.organization == parties["customer"]


def test_a_given_billing_address_is_kept_as_given(parties, buyer):
    order = _place(
        parties, buyer, billing=BillingAddress(name="Acme LLC", city="Lviv", country="UA")
    )
    assert (order.billing_name, order.billing_city, order.billing_country) == (
        "Acme LLC",
        "Lviv",
        "UA",
    )


def test_a_draft_is_numbered_and_placed_later(parties, buyer):
    draft = make_order(parties["customer"], status=OrderStatus.DRAFT, placed_by=buyer)
    assert draft.status == OrderStatus.DRAFT and draft.placed_at is None and draft.number
    placed = order_transition(order=draft, to=OrderStatus.PLACED, actor=buyer)
    assert placed.status == OrderStatus.PLACED and placed.placed_at is not None
    assert list(placed.events.values_list("from_status", "to_status")) == [
        ("", OrderStatus.DRAFT),
        (OrderStatus.DRAFT, OrderStatus.PLACED),
    ]


def test_a_transition_writes_an_event_and_publishes_after_commit(
    parties, buyer, django_capture_on_commit_callbacks
):
    order = _place(parties, buyer)
    seen = []

    def handler(event):
        seen.append(event.payload)

    subscribe("orders.order_status_changed", handler)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            order_transition(
                order=order, to=OrderStatus.AWAITING_PAYMENT, actor=buyer, message="LiqPay"
            )
    finally:
        unsubscribe("orders.order_status_changed", handler)
    event = order.events.order_by("pk").last()
    assert (event.from_status, event.to_status, event.actor, event.message) == (
        OrderStatus.PLACED,
        OrderStatus.AWAITING_PAYMENT,
        buyer,
        "LiqPay",
    )
    assert seen == [
        {
            "organization_id": parties["customer"].pk,
            "order_id": order.pk,
            "number": order.number,
            "from_status": OrderStatus.PLACED,
            "to_status": OrderStatus.AWAITING_PAYMENT,
            "payment_method": PaymentMethod.LIQPAY,
            "actor_id": buyer.pk,
        }
    ]


def test_a_refused_transition_changes_nothing(parties, buyer):
    order = _place(parties, buyer)
    with pytest.raises(InvalidTransitionError) as raised:
        order_transition(order=order, to=OrderStatus.COMPLETED)
    assert raised.value.message == "An order that is Placed cannot become Completed."
    order.refresh_from_db()
    assert order.status == OrderStatus.PLACED
    assert order.events.count() == 1


def test_paying_asks_for_provisioning_of_each_vendor_line(parties, buyer):
    order = _place(parties, buyer)
    paid = order_mark_paid(number=order.number, organization=parties["customer"])
    assert paid.status == OrderStatus.PROVISIONING and paid.paid_at is not None
    requests = list(ProvisioningRequest.objects.order_by("pk"))
    assert [(r.line.order_id, r.organization_id, r.status) for r in requests] == [
        (order.pk, parties["customer"].pk, "queued"),
        (order.pk, parties["customer"].pk, "queued"),
    ]
    assert set(order.lines.values_list("status", flat=True)) == {LineStatus.PROVISIONING}
    assert list(order.events.values_list("to_status", flat=True)) == [
        OrderStatus.PLACED,
        OrderStatus.PAID,
        OrderStatus.PROVISIONING,
    ]


def test_paying_twice_changes_nothing_the_second_time(parties, buyer):
    order = _place(parties, buyer)
    order_mark_paid(order=order)
    again = order_mark_paid(order=order)
    assert again.status == OrderStatus.PROVISIONING
    assert ProvisioningRequest.objects.count() == 2
    assert order.events.count() == 3


def test_store_goods_complete_at_once_or_await_shipment(parties, buyer):
    download = make_vendor_offer(VendorKind.STORE)
    boxed = make_vendor_offer(VendorKind.STORE, is_shippable=True)
    digital = _place(parties, buyer, lines=[line(download)], idempotency_key="d")
    assert order_mark_paid(order=digital).status == OrderStatus.COMPLETED
    assert digital.lines.get().status == LineStatus.PROVISIONED
    shipped = _place(parties, buyer, lines=[line(boxed)], idempotency_key="s")
    assert order_mark_paid(order=shipped).status == OrderStatus.PAID
    assert shipped.lines.get().status == LineStatus.AWAITING_SHIPMENT
    assert ProvisioningRequest.objects.count() == 0


def test_an_order_that_is_not_payable_is_refused(parties, buyer):
    order = make_order(parties["customer"], status=OrderStatus.CANCELLED, placed_by=buyer)
    with pytest.raises(OrderNotPayable):
        order_mark_paid(order=order)
    assert ProvisioningRequest.objects.count() == 0
    with pytest.raises(OrderNotFound):
        order_mark_paid(number="01-01-2000 00001")


def test_cancel_a_draft_or_an_unpaid_order_but_not_a_paid_one(parties, buyer):
    draft = make_order(parties["customer"], status=OrderStatus.DRAFT, placed_by=buyer)
    assert order_cancel(order=draft, actor=buyer).status == OrderStatus.CANCELLED
    waiting = make_order(parties["customer"], status=OrderStatus.AWAITING_PAYMENT)
    assert order_cancel(order=waiting).status == OrderStatus.CANCELLED
    paid = make_order(parties["customer"], status=OrderStatus.PAID)
    with pytest.raises(InvalidTransitionError):
        order_cancel(order=paid)
    paid.refresh_from_db()
    assert paid.status == OrderStatus.PAID


def test_the_placing_user_gets_e_mails_on_placed_paid_completed_and_failed(
    parties, buyer, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        order = _place(parties, buyer, lines=[line(make_vendor_offer(VendorKind.STORE))])
    with django_capture_on_commit_callbacks(execute=True):
        order_mark_paid(order=order)
    failing = _place(parties, buyer, idempotency_key="f")
    with django_capture_on_commit_callbacks(execute=True):
        order_transition(order=failing, to=OrderStatus.FAILED)
    events = list(Delivery.objects.order_by("pk").values_list("event", "recipient"))
    assert events == [
        ("orders.placed", buyer.email),
        ("orders.paid", buyer.email),
        ("orders.completed", buyer.email),
        ("orders.placed", buyer.email),
        ("orders.failed", buyer.email),
    ]
    subjects = [m.subject for m in mailoutbox]
    assert f"Your Seatwise order {order.number} is placed" in subjects
    assert f"Payment received for order {order.number}" in subjects
    assert f"Your Seatwise order {order.number} is completed" in subjects
    assert f"Your Seatwise order {failing.number} failed" in subjects
