"""Test factories for orders (other apps' tests may use them)."""

from __future__ import annotations

import itertools
from decimal import Decimal

from seatwise.catalog.enums import VendorKind
from seatwise.catalog.models import Offer
from seatwise.catalog.tests.factories import make_offer, make_product, make_vendor
from seatwise.orders.enums import OrderStatus, PaymentMethod
from seatwise.orders.models import Order
from seatwise.orders.services import (
    LineInput,
    order_create_draft,
    order_mark_paid,
    order_place,
    order_transition,
)
from seatwise.tenancy.models import Organization
from seatwise.tenancy.tests.factories import (
    make_customer,
    make_member,
    make_provider,
    make_reseller,
)

_seq = itertools.count(1)


def make_vendor_offer(kind: str = VendorKind.MICROSOFT, **extra) -> Offer:
    """An offer of a vendor of ``kind`` (Microsoft by default; ``store`` for store goods)."""
    return make_offer(make_product(vendor=make_vendor(kind=kind)), **extra)


def make_parties() -> dict[str, Organization]:
    """A provider, a reseller, and a customer of the reseller (the buyer)."""
    provider = make_provider()
    reseller = make_reseller(provider)
    return {"provider": provider, "reseller": reseller, "customer": make_customer(reseller)}


def line(offer: Offer | None = None, quantity: int = 1, unit_price: str = "10.00", **extra):
    return LineInput(
        offer=offer or make_vendor_offer(),
        quantity=quantity,
        unit_price=Decimal(unit_price),
        **extra,
    )


def make_order(
    organization: Organization | None = None,
    *,
    status: str = OrderStatus.PLACED,
    placed_by=None,
    seller: Organization | None = None,
    lines: list[LineInput] | None = None,
    currency: str = "USD",
    payment_method: str = PaymentMethod.LIQPAY,
    **extra,
) -> Order:
    """An order of ``organization`` (a new reseller customer by default), moved to
    ``status`` through the services (so its event log is real)."""
    if organization is None:
        organization = make_parties()["customer"]
    seller = seller or organization.parent
    placed_by = placed_by if placed_by is not None else make_member(organization)
    kwargs = dict(
        organization=organization,
        placed_by=placed_by,
        seller=seller,
        currency=currency,
        lines=lines or [line()],
        payment_method=payment_method,
        **extra,
    )
    if status == OrderStatus.DRAFT:
        return order_create_draft(**kwargs)
    kwargs.setdefault("idempotency_key", f"test-order-{next(_seq)}")
    order = order_place(**kwargs)
    if status == OrderStatus.PROVISIONING:  # paid the real way: provisioning requests too
        order = order_mark_paid(order=order)
        assert order.status == OrderStatus.PROVISIONING, "give lines of a provisioned vendor"
        return order
    path = {
        OrderStatus.PLACED: [],
        OrderStatus.AWAITING_PAYMENT: [OrderStatus.AWAITING_PAYMENT],
        OrderStatus.PAID: [OrderStatus.PAID],
        OrderStatus.COMPLETED: [OrderStatus.PAID, OrderStatus.COMPLETED],
        OrderStatus.FAILED: [OrderStatus.FAILED],
        OrderStatus.CANCELLED: [OrderStatus.CANCELLED],
    }[status]
    for target in path:
        order = order_transition(order=order, to=target)
    return order
