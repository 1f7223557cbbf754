"""Orders API: the caller's order history, one order with its lines, events and payments,
where the vendor work of its lines stands (provisioning), and cancelling an order that is
not paid yet.

Mounted by ``config.api`` under ``/api/v1/orders/``. Authentication: an API key
(``X-API-Key``) or the browser session; everything is scoped to the organization the caller
acts for (``api_organization``): another organization's order is a 404
``order_not_found``. Cancelling needs a buying role (not read-only) and honours
``Idempotency-Key``.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Query, Router

from seatwise.core.errors import ValidationError
from seatwise.core.idempotency import IdempotencyKeyHeader, idempotent
from seatwise.core.pagination import page_body, paginate, parse_page
from seatwise.core.schemas import ErrorOut
from seatwise.orders import selectors, services
from seatwise.orders.enums import OrderStatus
from seatwise.orders.schemas import (
    OrderDetailOut,
    OrderListQuery,
    OrderPageOut,
    ProvisioningListOut,
    order_detail_out,
    order_summary_out,
    provisioning_list_out,
)
from seatwise.payments.selectors import payment_list
from seatwise.tenancy.api_auth import (
    api_organization,
    api_organization_required,
    session_or_api_key,
)
from seatwise.tenancy.models import Organization
from seatwise.tenancy.selectors import require_role

router = Router(tags=["orders"], auth=session_or_api_key())

ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut}


def _detail(request, organization: Organization, number: str) -> dict:
    order = selectors.order_get(user=request.user, organization=organization, number=number)
    return order_detail_out(
        order, list(payment_list(organization=organization, reference=order.number))
    )


@router.get(
    "/",
    response={200: OrderPageOut, **ERRORS},
    summary="List the organization's orders",
    url_name="order_list",
)
def order_list(request, filters: Query[OrderListQuery]):
    """The orders of the organization the caller acts for, newest first; ``status`` keeps
    one status."""
    page_request = parse_page(filters.page, filters.page_size)
    organization = api_organization_required(request)
    orders = selectors.order_list(user=request.user, organization=organization)
    if filters.status:
        if filters.status not in OrderStatus.values:
            raise ValidationError(
                _("Unknown order status."),
                code="invalid_status",
                details={"field": "status", "allowed": list(OrderStatus.values)},
            )
        orders = orders.filter(status=filters.status)
    rows, total = paginate(orders, page_request)
    return page_body(page_request, [order_summary_out(order) for order in rows], total)


@router.get(
    "/{number}/",
    response={200: OrderDetailOut, **ERRORS},
    summary="Get an order with its lines, events and payments",
    url_name="order_get",
)
def order_get(request, number: str):
    return _detail(request, api_organization_required(request), number)


@router.get(
    "/{number}/provisioning/",
    response={200: ProvisioningListOut, **ERRORS},
    summary="Where the vendor work of the order's lines stands",
    url_name="order_provisioning_list",
)
def order_provisioning_list(request, number: str):
    """One provisioning request per paid line that needs vendor work (a Microsoft
    subscription): its status, attempts, the next attempt, the vendor's last error message,
    the subscription it created and, for a line that failed after payment, its refund."""
    order = selectors.order_get(
        user=request.user, organization=api_organization_required(request), number=number
    )
    return provisioning_list_out(order)


@router.post(
    "/{number}/cancel/",
    response={200: OrderDetailOut, **ERRORS, 409: ErrorOut, 422: ErrorOut},
    summary="Cancel an order that is not paid yet",
    url_name="order_cancel",
)
@idempotent(organization=api_organization)
def order_cancel(request, number: str, idempotency_key: IdempotencyKeyHeader = None):
    """A draft or an order awaiting payment becomes *cancelled* (its coupon use is given
    back); a paid order is a 409 ``invalid_transition``."""
    organization = api_organization_required(request)
    require_role(user=request.user, organization=organization, roles=services.BUYING_ROLES)
    order = selectors.order_get(user=request.user, organization=organization, number=number)
    services.order_cancel(order=order, actor=request.user, message=_("Cancelled through the API."))
    return 200, OrderDetailOut(**_detail(request, organization, number))
