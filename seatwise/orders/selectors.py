"""Reads of orders, always scoped to the organization the user acts for (a member, or
reseller / provider staff acting inside it: ``tenancy.selectors.require_role``)."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from seatwise.core.money import Money
from seatwise.orders.exceptions import OrderNotFound
from seatwise.orders.models import TOTAL_FIELDS, Order, OrderEvent, OrderLine
from seatwise.tenancy.models import Organization
from seatwise.tenancy.selectors import require_role


def order_list(*, user, organization: Organization) -> QuerySet[Order]:
    """The orders of ``organization``, newest first."""
    require_role(user=user, organization=organization)
    return Order.objects.filter(organization=organization).order_by("-created_at", "-pk")


def order_get(*, user, organization: Organization, number: str) -> Order:
    """The order ``number`` of ``organization`` with its lines (each with its provisioning
    request) and event log; 404-shaped ``OrderNotFound`` for another organization's order
    or no order at all."""
    require_role(user=user, organization=organization)
    found = (
        Order.objects.filter(organization=organization, number=str(number))
        .select_related("seller", "placed_by")
        .prefetch_related(
            Prefetch(
                "lines",
                # Each line's provisioning request, if any, joined (the API shows it).
                queryset=OrderLine.objects.select_related("provisioning_request").order_by(
                    "position", "pk"
                ),
            ),
            Prefetch(
                "events", queryset=OrderEvent.objects.select_related("actor").order_by("at", "pk")
            ),
        )
        .first()
    )
    if found is None:
        raise OrderNotFound(_("Order not found."), details={"number": str(number)})
    return found


def order_amounts(*, order: Order) -> dict[str, Money]:
    """The order's totals as ``Money`` (sub-total, discount, … total)."""
    return {name: order.money(name) for name in TOTAL_FIELDS}
