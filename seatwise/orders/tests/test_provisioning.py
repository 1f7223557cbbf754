"""Provisioning a paid Microsoft line through the Partner Center sandbox (a real process over
real HTTP): the tenant created once, the subscription bought once, whatever the vendor's
faults; a refusal fails the line with the vendor's message and flags its refund."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest

from seatwise.core import clock
from seatwise.notifications.models import Delivery
from seatwise.orders.enums import LineStatus, OrderStatus, ProvisioningStatus, RefundState
from seatwise.orders.models import ProvisioningRequest
from seatwise.orders.provisioning import (
    ProvisioningNotRetryable,
    provisioning_cancel,
    provisioning_drain,
    provisioning_retry,
    provisioning_run,
    provisioning_sweep,
)
from seatwise.orders.tests.factories import line, make_order, make_parties
from seatwise.orders.tests.pc import business_basic, paid_order, sandbox  # noqa: F401
from seatwise.subscriptions.enums import AccountStatus
from seatwise.subscriptions.models import Subscription, VendorAccount
from seatwise.tenancy.tests.factories import make_member

pytestmark = pytest.mark.django_db

_names = itertools.count(1)


def _tenant() -> str:
    return f"swtest{clock.now():%H%M%S}{next(_names)}"


def test_a_paid_line_creates_the_tenant_and_one_subscription(
    sandbox,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    domain = _tenant()
    order = paid_order(tenant=domain, quantity=5)
    request = ProvisioningRequest.objects.get(line__order=order)
    assert request.status == ProvisioningStatus.QUEUED
    with django_capture_on_commit_callbacks(execute=True):  # the e-mails go out
        assert provisioning_drain() == 1
    request.refresh_from_db()
    assert request.status == ProvisioningStatus.SUCCEEDED and request.attempts == 1
    order.refresh_from_db()
    assert order.status == OrderStatus.COMPLETED
    assert order.lines.get().status == LineStatus.PROVISIONED

    account = VendorAccount.objects.get(domain=f"{domain}.onmicrosoft.com")
    assert account.status == AccountStatus.ACTIVE and account.vendor_customer_id
    subscription = Subscription.objects.get(account=account)
    assert request.subscription == subscription
    assert (subscription.quantity, subscription.status) == (5, "active")
    remote = sandbox.subscriptions(account.vendor_customer_id)
    assert [(s["id"], s["quantity"], s["status"]) for s in remote] == [
        (subscription.vendor_subscription_id, 5, "active")
    ]
    # The admin sign-in went to the primary contact once, and is kept nowhere.
    delivery = Delivery.objects.get(event="subscriptions.tenant_created")
    assert delivery.recipient == order.placed_by.email
    assert delivery.payload == {}  # erased once sent
    assert account.admin_username == f"admin@{domain}.onmicrosoft.com"

    # Running it again buys nothing more.
    assert provisioning_run(request_id=request.pk) == "skipped"
    assert provisioning_drain() == 0
    assert len(sandbox.subscriptions(account.vendor_customer_id)) == 1


@pytest.mark.parametrize("step", ["carts/", "checkout", "customers"])
def test_an_answer_lost_after_the_vendor_acted_is_retried_into_one_purchase(
    sandbox,  # noqa: F811
    step,
):
    # Three lost answers in a row: the client's own retries (same MS-RequestId) give up,
    # and the provisioning request retries later, still with the same id.
    lost = {"kind": "drop", "when": "after", "path": step, "method": "POST"}
    sandbox.control("faults", {"next": [lost] * 3})
    order = paid_order(tenant=_tenant(), quantity=3)
    request = ProvisioningRequest.objects.get(line__order=order)
    provisioning_run(request_id=request.pk)
    request.refresh_from_db()
    assert request.status == ProvisioningStatus.FAILED_RETRYING
    assert request.last_error
    provisioning_drain()
    request.refresh_from_db()
    assert request.status == ProvisioningStatus.SUCCEEDED
    account = VendorAccount.objects.get(organization=order.organization)
    assert len(sandbox.subscriptions(account.vendor_customer_id)) == 1
    assert Subscription.objects.filter(account=account).count() == 1
    assert sandbox.control("customers")["totalCount"] >= 1


def test_a_refusal_fails_the_line_with_the_vendors_message_and_flags_the_refund(
    sandbox,  # noqa: F811
):
    offer = business_basic()
    offer.max_quantity = 1000  # Seatwise lets it through; Microsoft's maximum is 300
    offer.save()
    order = paid_order(offer=offer, tenant=_tenant(), quantity=400)
    provisioning_drain()
    request = ProvisioningRequest.objects.get(line__order=order)
    assert request.status == ProvisioningStatus.FAILED_PERMANENT
    assert "300" in request.last_error or "quantity" in request.last_error.lower()
    assert request.refund_state == RefundState.DUE  # paid without a card payment on record
    assert request.refund_amount == order.total
    order.refresh_from_db()
    assert order.status == OrderStatus.FAILED
    assert order.lines.get().status == LineStatus.FAILED
    assert request.last_error in order.events.order_by("pk").last().message or any(
        request.last_error[:40] in e.message for e in order.events.all()
    )
    assert not Subscription.objects.exists()
    with pytest.raises(ProvisioningNotRetryable):
        provisioning_retry(request=request, actor=None)


def test_the_order_follows_its_lines_to_partially_failed(sandbox):  # noqa: F811
    customer = make_parties()["customer"]
    big = business_basic()
    big.max_quantity = 1000
    big.save()
    order = make_order(
        customer,
        placed_by=make_member(customer),
        status=OrderStatus.PROVISIONING,
        lines=[
            line(business_basic(), quantity=2, target_tenant=(domain := _tenant())),
            line(big, quantity=500, target_tenant=domain),
        ],
    )
    provisioning_drain()
    order.refresh_from_db()
    assert order.status == OrderStatus.PARTIALLY_FAILED
    assert sorted(order.lines.values_list("status", flat=True)) == ["failed", "provisioned"]
    # The buyer hears about it (and not that the order failed).
    events = set(Delivery.objects.values_list("event", flat=True))
    assert "orders.partially_failed" in events and "orders.failed" not in events


def test_the_sweep_takes_back_a_claim_left_by_a_dead_worker(
    sandbox,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    order = paid_order(tenant=_tenant())
    provisioning_drain()
    request = ProvisioningRequest.objects.get(line__order=order)
    # As if a worker claimed it (and bought it, even) and died before writing the answer.
    ProvisioningRequest.objects.filter(pk=request.pk).update(
        status=ProvisioningStatus.IN_PROGRESS,
        claimed_at=clock.now() - timedelta(hours=1),
        subscription=None,
    )
    Subscription.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True) as queued:
        assert provisioning_sweep() == 1  # eager Celery: the re-queued task runs here
    assert len(queued) == 1
    request.refresh_from_db()
    assert request.status == ProvisioningStatus.SUCCEEDED
    account = VendorAccount.objects.get(organization=order.organization)
    assert len(sandbox.subscriptions(account.vendor_customer_id)) == 1
    assert Subscription.objects.count() == 1


def test_an_operator_cancels_a_waiting_request(sandbox):  # noqa: F811
    sandbox.control("faults", {"error_rate": 1.0, "error_statuses": [503]})
    order = paid_order(tenant=_tenant())
    request = ProvisioningRequest.objects.get(line__order=order)
    provisioning_run(request_id=request.pk)
    request.refresh_from_db()
    assert request.status == ProvisioningStatus.FAILED_RETRYING
    provisioning_cancel(request=request, actor=None)
    request.refresh_from_db()
    order.refresh_from_db()
    assert request.status == ProvisioningStatus.CANCELLED
    assert request.refund_state == RefundState.DUE
    assert order.status == OrderStatus.FAILED


def test_a_message_delivered_again_takes_over_its_own_claim(sandbox):  # noqa: F811
    """A worker died running the task: the broker delivers the same message (same task id)
    again, and it carries on at once; another message must wait for the sweep."""
    order = paid_order(tenant=_tenant())
    request = ProvisioningRequest.objects.get(line__order=order)
    ProvisioningRequest.objects.filter(pk=request.pk).update(
        status=ProvisioningStatus.IN_PROGRESS, claimed_at=clock.now(), claimed_by="task-1"
    )
    assert provisioning_run(request_id=request.pk, task_id="task-2") == "skipped"
    assert provisioning_run(request_id=request.pk).startswith("skipped")
    assert provisioning_run(request_id=request.pk, task_id="task-1").startswith("succeeded")
    request.refresh_from_db()
    assert (request.status, request.attempts) == (ProvisioningStatus.SUCCEEDED, 1)
