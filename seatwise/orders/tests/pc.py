"""Provisioning tests against the Partner Center sandbox: the connector setting pointed at
the session's sandbox process, a clean partner for each test, and orders paid the real way."""

from __future__ import annotations

from decimal import Decimal

import pytest

from seatwise.catalog.enums import BillingPlan, Term
from seatwise.orders.enums import OrderStatus
from seatwise.orders.tests.factories import line, make_order, make_parties, make_vendor_offer
from seatwise.tenancy.tests.factories import make_member

BUSINESS_BASIC = "CFQ7TTC0LH18:0001:CFQ7TTC0K971"  # P1Y, in sandboxes/partner_center/catalog.json


@pytest.fixture
def sandbox(partner_center_sandbox, settings):
    partner_center_sandbox.reset()
    settings.SEATWISE_MICROSOFT_CONNECTOR = (
        "seatwise.connectors.microsoft.connector.PartnerCenterConnector"
    )
    settings.SEATWISE_PARTNER_CENTER_URL = partner_center_sandbox.api_url
    settings.SEATWISE_PARTNER_CENTER_AUTHORITY = partner_center_sandbox.url
    settings.SEATWISE_PARTNER_CENTER_TENANT = "sandbox-partner"
    settings.SEATWISE_PARTNER_CENTER_CLIENT_ID = partner_center_sandbox.client_id
    settings.SEATWISE_PARTNER_CENTER_CLIENT_SECRET = partner_center_sandbox.client_secret
    settings.SEATWISE_PARTNER_CENTER_REFRESH_TOKEN = "sandbox-refresh-token"
    # Faults are the point of some tests: no waiting in place, retries by the drain.
    settings.SEATWISE_PARTNER_CENTER_BACKOFF_BASE = 0.01
    settings.SEATWISE_PARTNER_CENTER_MAX_INLINE_WAIT = 0
    settings.SEATWISE_PARTNER_CENTER_READ_TIMEOUT = 2
    settings.SEATWISE_PROVISIONING_BACKOFF = 0
    settings.SEATWISE_PROVISIONING_BACKOFF_MAX = 0  # retries are due at once (the drain)
    settings.SEATWISE_PROVISIONING_MAX_ATTEMPTS = 30
    return partner_center_sandbox


def business_basic():
    return make_vendor_offer(
        catalog_item_id=BUSINESS_BASIC,
        term=Term.P1Y,
        billing_plans=[BillingPlan.MONTHLY, BillingPlan.ANNUAL],
        max_quantity=300,
    )


def paid_order(*, customer=None, offer=None, quantity=5, tenant="", buyer=None):
    """An order of one Microsoft line, placed and paid the real way: its provisioning
    request is queued (and, with eager Celery, tried once at once)."""
    customer = customer or make_parties()["customer"]
    return make_order(
        customer,
        placed_by=buyer or make_member(customer),
        status=OrderStatus.PROVISIONING,
        lines=[
            line(
                offer or business_basic(),
                quantity=quantity,
                unit_price="6.00",
                target_tenant=tenant,
                billing_plan=BillingPlan.MONTHLY,
                term=Term.P1Y,
            )
        ],
    )


SIX = Decimal("6.00")
