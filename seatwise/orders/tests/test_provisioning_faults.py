"""Fault test (issue 5): with the Partner Center sandbox failing 30 % of its calls (5xx,
429, dropped connections, timeouts; half of them *after* the vendor acted, so the answer is
lost), 200 paid orders all end provisioned exactly once: as many subscriptions at the
vendor as lines ordered, none twice."""

from __future__ import annotations

from collections import Counter

import pytest

from seatwise.orders.enums import OrderStatus, ProvisioningStatus
from seatwise.orders.models import Order, ProvisioningRequest
from seatwise.orders.provisioning import provisioning_drain
from seatwise.orders.tests.factories import make_parties
from seatwise.orders.tests.pc import business_basic, paid_order, sandbox  # noqa: F401
from seatwise.subscriptions.models import Subscription, VendorAccount
from seatwise.tenancy.tests.factories import make_customer, make_member

pytestmark = pytest.mark.django_db

ORDERS = 200
CUSTOMERS = 20


def test_two_hundred_orders_through_thirty_percent_failures_provision_exactly_once(
    sandbox,  # noqa: F811
    settings,
):
    settings.SEATWISE_PARTNER_CENTER_READ_TIMEOUT = 0.5
    sandbox.control("settings", {"max_subscriptions_per_customer": 100})
    parties = make_parties()
    offer = business_basic()
    customers = [make_customer(parties["reseller"]) for _ in range(CUSTOMERS)]
    buyers = {customer.pk: make_member(customer) for customer in customers}
    quantities = {}
    for n in range(ORDERS):
        customer = customers[n % CUSTOMERS]
        order = paid_order(
            customer=customer,
            buyer=buyers[customer.pk],
            offer=offer,
            quantity=1 + n % 7,
            tenant=f"swfault{customer.pk}x{sandbox.port}",
        )
        quantities[order.pk] = 1 + n % 7

    sandbox.control(
        "faults",
        {
            "seed": 20261203,
            "error_rate": 0.15,
            "error_statuses": [500, 502, 503, 504],
            "throttle_rate": 0.08,
            "retry_after": 1,
            "drop_rate": 0.05,
            "timeout_rate": 0.02,
            "timeout_seconds": 1,
            "fail_after_rate": 0.5,
        },
    )
    attempts = provisioning_drain()
    sandbox.control("faults", {})

    requests = list(ProvisioningRequest.objects.all())
    assert len(requests) == ORDERS
    assert Counter(r.status for r in requests) == {ProvisioningStatus.SUCCEEDED: ORDERS}
    assert attempts > ORDERS  # the faults did make requests try again
    assert set(Order.objects.values_list("status", flat=True)) == {OrderStatus.COMPLETED}

    # Exactly once, at the vendor and here.
    remote = []
    for account in VendorAccount.objects.all():
        remote += sandbox.subscriptions(account.vendor_customer_id)
    assert VendorAccount.objects.count() == CUSTOMERS
    assert len(remote) == ORDERS
    assert len({s["id"] for s in remote}) == ORDERS
    local = Subscription.objects.all()
    assert local.count() == ORDERS
    assert {s.vendor_subscription_id for s in local} == {s["id"] for s in remote}
    assert len({r.subscription_id for r in requests}) == ORDERS
    by_order = {r.line.order_id: r.subscription.quantity for r in requests}
    assert by_order == quantities
    assert sum(s["quantity"] for s in remote) == sum(quantities.values())
