"""payments.payment_status_changed moves the order (published here as payments would)."""

import pytest

from seatwise.core.events import publish_after_commit
from seatwise.orders.enums import OrderStatus
from seatwise.orders.models import ProvisioningRequest
from seatwise.orders.tests.factories import make_order

pytestmark = pytest.mark.django_db


def _payment(order, status, *, capture, organization_id=None, reference=None):
    with capture(execute=True):
        publish_after_commit(
            "payments.payment_status_changed",
            organization_id=organization_id or order.organization_id,
            payment_id=41,
            reference=reference or order.number,
            status=status,
        )
    order.refresh_from_db()
    return order


def test_a_paid_payment_pays_the_order(django_capture_on_commit_callbacks):
    order = make_order(status=OrderStatus.AWAITING_PAYMENT)
    order = _payment(order, "paid", capture=django_capture_on_commit_callbacks)
    assert order.status == OrderStatus.PROVISIONING
    assert order.paid_at is not None
    assert ProvisioningRequest.objects.count() == 1
    paid = order.events.get(to_status=OrderStatus.PAID)
    assert (paid.from_status, paid.actor, paid.message) == (
        OrderStatus.AWAITING_PAYMENT,
        None,
        "Payment 41: paid",
    )


def test_a_repeated_paid_notice_changes_nothing(django_capture_on_commit_callbacks):
    order = make_order()
    _payment(order, "paid", capture=django_capture_on_commit_callbacks)
    events = order.events.count()
    order = _payment(order, "paid", capture=django_capture_on_commit_callbacks)
    assert order.events.count() == events
    assert ProvisioningRequest.objects.count() == 1


def test_a_failed_payment_fails_an_order_awaiting_payment(django_capture_on_commit_callbacks):
    order = make_order(status=OrderStatus.AWAITING_PAYMENT)
    order = _payment(order, "failed", capture=django_capture_on_commit_callbacks)
    assert order.status == OrderStatus.FAILED


def test_a_failed_notice_after_payment_is_ignored(django_capture_on_commit_callbacks):
    order = make_order(status=OrderStatus.PROVISIONING)
    order = _payment(order, "failed", capture=django_capture_on_commit_callbacks)
    assert order.status == OrderStatus.PROVISIONING


def test_a_refund_refunds_a_paid_order(django_capture_on_commit_callbacks):
    order = make_order(status=OrderStatus.COMPLETED)
    order = _payment(order, "refunded", capture=django_capture_on_commit_callbacks)
    assert order.status == OrderStatus.REFUNDED
    # and a refund of an order never paid changes nothing
    unpaid = make_order(status=OrderStatus.PLACED)
    unpaid = _payment(unpaid, "refunded", capture=django_capture_on_commit_callbacks)
    assert unpaid.status == OrderStatus.PLACED


def test_a_notice_for_another_organizations_order_changes_nothing(
    django_capture_on_commit_callbacks,
):
    order = make_order()
    other = make_order()
    order = _payment(
        order,
        "paid",
        capture=django_capture_on_commit_callbacks,
        organization_id=other.organization_id,
    )
    assert order.status == OrderStatus.PLACED
    order = _payment(order, "paid", capture=django_capture_on_commit_callbacks, reference="nope")
    assert order.status == OrderStatus.PLACED
    assert ProvisioningRequest.objects.count() == 0
