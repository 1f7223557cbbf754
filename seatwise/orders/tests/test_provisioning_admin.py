"""Provisioning requests in the admin: the list an operator reads (order, line, status,
attempts, next attempt, last error, refund), *Retry now* and *Cancel* through the
provisioning services with the operator as the actor, refusals reported without a change,
and the tenants and subscriptions pages, read-only."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission

from seatwise.audit.enums import AuditEventType
from seatwise.audit.models import AuditEvent
from seatwise.core import clock
from seatwise.orders.enums import LineStatus, OrderStatus, ProvisioningStatus, RefundState
from seatwise.orders.models import OrderLine, ProvisioningRequest
from seatwise.orders.tests.factories import line, make_order, make_vendor_offer
from seatwise.subscriptions.enums import AccountStatus, SubscriptionStatus
from seatwise.subscriptions.models import Subscription, SubscriptionEvent, VendorAccount
from seatwise.tenancy.tests.factories import make_user

pytestmark = pytest.mark.django_db

LIST = "/admin/orders/provisioningrequest/"


@pytest.fixture
def operator():
    return make_user("operator@provider.test", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(client, operator):
    client.force_login(operator)
    return client


@pytest.fixture
def order():
    """A paid order of one Microsoft line: its provisioning request is queued."""
    return make_order(
        status=OrderStatus.PROVISIONING,
        lines=[line(make_vendor_offer(name="Microsoft 365 E3"), quantity=3, unit_price="6.00")],
    )


def _request(order) -> ProvisioningRequest:
    return ProvisioningRequest.objects.get(line__order=order)


def _act(client, action: str, *requests):
    return client.post(
        LIST,
        {"action": action, "_selected_action": [r.pk for r in requests], "index": 0},
        follow=True,
    )


def test_the_list_shows_order_line_status_attempts_next_attempt_error_and_refund(
    admin_client, order
):
    request = _request(order)
    ProvisioningRequest.objects.filter(pk=request.pk).update(
        status=ProvisioningStatus.FAILED_PERMANENT,
        attempts=3,
        last_error="The offer is not available in the customer's market. " * 3,
        refund_state=RefundState.DUE,
        refund_amount=Decimal("18.00"),
    )
    response = admin_client.get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    for column in ("Order", "Order line", "Status", "Attempts", "Next attempt", "Last error"):
        assert column in html
    assert order.number in html
    assert "Microsoft 365 E3" in html
    assert "The offer is not available" in html and "…" in html  # cut to one line
    assert "Refund due (to be paid back by the seller) 18.00 USD" in html
    assert 'value="retry_now"' in html and 'value="cancel"' in html
    change = admin_client.get(f"{LIST}{request.pk}/change/")
    assert change.status_code == 200
    assert 'name="status"' not in change.content.decode()  # read-only


def test_retry_now_queues_a_waiting_request_again_as_the_operator(admin_client, operator, order):
    request = _request(order)
    ProvisioningRequest.objects.filter(pk=request.pk).update(
        status=ProvisioningStatus.FAILED_RETRYING,
        attempts=4,
        next_attempt_at=clock.now() + timedelta(minutes=30),
        last_error="Partner Center did not answer.",
    )

    response = _act(admin_client, "retry_now", request)

    assert "1 provisioning request(s) queued to run again." in response.content.decode()
    request.refresh_from_db()
    assert request.status == ProvisioningStatus.QUEUED
    assert request.attempts == 0 and request.next_attempt_at is None
    audit = AuditEvent.objects.get(event=AuditEventType.PROVISIONING_RETRIED)
    assert audit.actor == operator and audit.organization_id == order.organization_id


def test_retry_now_of_a_failed_line_puts_the_line_and_order_back_to_provisioning(
    admin_client, order
):
    request = _request(order)
    ProvisioningRequest.objects.filter(pk=request.pk).update(
        status=ProvisioningStatus.FAILED_PERMANENT, attempts=12, last_error="unreachable"
    )
    OrderLine.objects.filter(order=order).update(status=LineStatus.FAILED)

    _act(admin_client, "retry_now", request)

    request.refresh_from_db()
    assert request.status == ProvisioningStatus.QUEUED
    assert order.lines.get().status == LineStatus.PROVISIONING


def test_retry_now_refuses_a_request_that_succeeded_and_changes_nothing(admin_client, order):
    request = _request(order)
    ProvisioningRequest.objects.filter(pk=request.pk).update(
        status=ProvisioningStatus.SUCCEEDED, attempts=1
    )

    response = _act(admin_client, "retry_now", request)

    html = response.content.decode()
    assert "Only a waiting or failed request can be retried." in html
    assert order.number in html
    assert "queued to run again" not in html
    request.refresh_from_db()
    assert request.status == ProvisioningStatus.SUCCEEDED and request.attempts == 1
    assert not AuditEvent.objects.filter(event=AuditEventType.PROVISIONING_RETRIED).exists()


def test_cancel_fails_the_line_and_flags_the_refund(admin_client, operator, order):
    request = _request(order)

    response = _act(admin_client, "cancel", request)

    assert "1 provisioning request(s) cancelled; their lines failed." in response.content.decode()
    request.refresh_from_db()
    assert request.status == ProvisioningStatus.CANCELLED
    assert request.refund_state == RefundState.DUE  # no card payment to give back
    assert request.refund_amount == Decimal("18.00")
    assert order.lines.get().status == LineStatus.FAILED
    order.refresh_from_db()
    assert order.status == OrderStatus.FAILED
    audit = AuditEvent.objects.get(event=AuditEventType.PROVISIONING_CANCELLED)
    assert audit.actor == operator


def test_cancel_reports_each_refusal_and_does_the_rest(admin_client, order):
    done = _request(order)
    ProvisioningRequest.objects.filter(pk=done.pk).update(status=ProvisioningStatus.SUCCEEDED)
    other = make_order(
        status=OrderStatus.PROVISIONING, lines=[line(make_vendor_offer(name="Visio Plan 2"))]
    )
    waiting = _request(other)

    html = _act(admin_client, "cancel", done, waiting).content.decode()

    assert "cannot be cancelled" in html
    assert "1 provisioning request(s) cancelled" in html
    done.refresh_from_db()
    waiting.refresh_from_db()
    assert done.status == ProvisioningStatus.SUCCEEDED
    assert waiting.status == ProvisioningStatus.CANCELLED


def test_a_staff_member_who_may_only_view_gets_no_actions(client, order):
    viewer = make_user(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_provisioningrequest"))
    client.force_login(viewer)
    html = client.get(LIST).content.decode()
    assert order.number in html and 'value="cancel"' not in html
    request = _request(order)
    _act(client, "cancel", request)
    request.refresh_from_db()
    assert request.status == ProvisioningStatus.QUEUED


def test_the_order_admin_stays_read_only_and_shows_each_lines_provisioning(admin_client, order):
    html = admin_client.get(f"/admin/orders/order/{order.pk}/change/").content.decode()
    assert "Queued" in html
    assert f"/admin/orders/provisioningrequest/{_request(order).pk}/change/" in html
    assert 'name="status"' not in html


def test_tenants_and_subscriptions_in_the_admin_are_read_only(admin_client, order):
    account = VendorAccount.objects.create(
        organization=order.organization,
        domain="acmecorp.onmicrosoft.com",
        status=AccountStatus.ACTIVE,
        vendor_customer_id="0d1f7c9e-tenant",
        admin_username="admin@acmecorp.onmicrosoft.com",
        created_at=clock.now(),
    )
    subscription = Subscription.objects.create(
        organization=order.organization,
        account=account,
        vendor_subscription_id="5f2e-sub",
        name="Microsoft 365 E3",
        quantity=3,
        status=SubscriptionStatus.ACTIVE,
        created_at=clock.now(),
        vendor_quantity=4,
        vendor_status=SubscriptionStatus.ACTIVE,
        drift_detected_at=clock.now(),
    )
    SubscriptionEvent.objects.create(
        organization=order.organization,
        subscription=subscription,
        kind="drift",
        message="Microsoft reports 4 × active; Seatwise has 3 × active.",
        at=clock.now(),
    )
    tenants = admin_client.get("/admin/subscriptions/vendoraccount/").content.decode()
    assert "acmecorp.onmicrosoft.com" in tenants and "0d1f7c9e-tenant" in tenants
    tenant = admin_client.get(f"/admin/subscriptions/vendoraccount/{account.pk}/change/")
    assert tenant.status_code == 200 and 'name="domain"' not in tenant.content.decode()
    listing = admin_client.get("/admin/subscriptions/subscription/").content.decode()
    assert "5f2e-sub" not in listing and "Microsoft 365 E3" in listing
    change = admin_client.get(f"/admin/subscriptions/subscription/{subscription.pk}/change/")
    html = change.content.decode()
    assert change.status_code == 200
    assert "5f2e-sub" in html and "Microsoft reports 4 × active" in html
    assert 'name="quantity"' not in html and 'name="vendor_subscription_id"' not in html
    assert admin_client.get("/admin/subscriptions/subscription/add/").status_code == 403
