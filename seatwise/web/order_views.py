"""My account → Orders: the order history of the organization the user acts for, and one
order's lines, totals, status, event log and payment history. Thin views over
``orders.selectors``; a user who acts for another organization sees a 404."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from seatwise.cart.services import order_draft_resume
from seatwise.core.errors import ApplicationError
from seatwise.core.money import Money
from seatwise.core.pagination import Page, paginate, parse_page
from seatwise.orders.enums import OrderStatus, ProvisioningStatus, RefundState
from seatwise.orders.invoices import order_invoice_exists, order_invoice_get
from seatwise.orders.models import Order, OrderLine
from seatwise.orders.selectors import order_amounts, order_get, order_list
from seatwise.payments.models import Payment
from seatwise.payments.selectors import payment_list
from seatwise.tenancy.exceptions import OrganizationNotFound
from seatwise.web.cart_views import cart_for
from seatwise.web.errors import render_error
from seatwise.web.formatting import format_money
from seatwise.web.shop import shop_for

ORDERS_PAGE_SIZE = 24

STATUS_BADGES = {
    OrderStatus.DRAFT: "text-bg-light",
    OrderStatus.PLACED: "text-bg-info",
    OrderStatus.AWAITING_PAYMENT: "text-bg-warning",
    OrderStatus.PAID: "text-bg-primary",
    OrderStatus.PROVISIONING: "text-bg-primary",
    OrderStatus.COMPLETED: "text-bg-success",
    OrderStatus.PARTIALLY_FAILED: "text-bg-warning",
    OrderStatus.FAILED: "text-bg-danger",
    OrderStatus.CANCELLED: "text-bg-secondary",
    OrderStatus.REFUNDED: "text-bg-secondary",
}


def _messages() -> dict[str, str]:
    return {
        "organization_not_found": _("You do not act for an organization yet."),
        "order_not_found": _("This order does not exist or is not yours."),
        "invalid_input": _("There is no such page."),
    }


@dataclass(frozen=True)
class OrderRow:
    order: Order
    total: str
    badge: str
    resumable: bool = False  # a draft (saved for later): the list offers *Resume*


@dataclass(frozen=True)
class PaymentRow:
    payment: Payment
    amount: str


@dataclass(frozen=True)
class Provisioning:
    """Where the vendor work of a line stands, as the customer reads it."""

    status: str
    label: str
    badge: str
    retry_at: datetime | None = None  # a vendor that could not answer: the next attempt
    message: str = ""  # failed: the vendor's message
    refund: str = ""  # failed: the refund of the line's share, requested or due
    subscription_id: int | None = None  # provisioned: the subscription it made


@dataclass(frozen=True)
class LineRow:
    line: OrderLine
    unit_price: str
    line_total: str
    provisioning: Provisioning | None = None


PROVISIONING_BADGES = {
    ProvisioningStatus.QUEUED: "text-bg-light",
    ProvisioningStatus.IN_PROGRESS: "text-bg-primary",
    ProvisioningStatus.SUCCEEDED: "text-bg-success",
    ProvisioningStatus.FAILED_RETRYING: "text-bg-warning",
    ProvisioningStatus.FAILED_PERMANENT: "text-bg-danger",
    ProvisioningStatus.CANCELLED: "text-bg-danger",
}


def _provisioning(line: OrderLine, currency: str) -> Provisioning | None:
    request = getattr(line, "provisioning_request", None)  # joined by ``order_get``
    if request is None:
        return None
    status = ProvisioningStatus(request.status)
    labels = {
        ProvisioningStatus.QUEUED: _("Queued"),
        ProvisioningStatus.IN_PROGRESS: _("In progress"),
        ProvisioningStatus.SUCCEEDED: _("Provisioned"),
        ProvisioningStatus.FAILED_RETRYING: _("Will retry"),
        ProvisioningStatus.FAILED_PERMANENT: _("Failed"),
        ProvisioningStatus.CANCELLED: _("Failed"),
    }
    failed = status in (ProvisioningStatus.FAILED_PERMANENT, ProvisioningStatus.CANCELLED)
    refund = ""
    if failed and request.refund_amount:
        amount = format_money(Money(request.refund_amount, currency))
        if request.refund_state == RefundState.REQUESTED:
            refund = _("A refund of %(amount)s was requested.") % {"amount": amount}
        elif request.refund_state == RefundState.DUE:
            refund = _("A refund of %(amount)s is due.") % {"amount": amount}
    return Provisioning(
        status=status,
        label=labels[status],
        badge=PROVISIONING_BADGES[status],
        retry_at=request.next_attempt_at if status == ProvisioningStatus.FAILED_RETRYING else None,
        message=request.last_error if failed else "",
        refund=refund,
        subscription_id=(
            request.subscription_id if status == ProvisioningStatus.SUCCEEDED else None
        ),
    )


def _organization(request):
    organization = shop_for(request).viewer
    if organization is None:
        raise OrganizationNotFound("No organization.")
    return organization


@login_required
@require_GET
def orders(request):
    try:
        organization = _organization(request)
        page_request = parse_page(
            request.GET.get("page"), request.GET.get("page_size"), default_size=ORDERS_PAGE_SIZE
        )
        rows, total = paginate(
            order_list(user=request.user, organization=organization), page_request
        )
    except ApplicationError as exc:
        return render_error(request, exc, _messages())
    page = Page(
        items=[
            OrderRow(
                order=order,
                total=format_money(order.money("total")),
                badge=STATUS_BADGES.get(order.status, "text-bg-light"),
                resumable=order.status == OrderStatus.DRAFT,
            )
            for order in rows
        ],
        number=page_request.page,
        page_size=page_request.page_size,
        total=total,
    )
    return render(
        request,
        "web/account/orders.html",
        {"organization": organization, "page": page, "rows": page.items},
    )


@login_required
@require_GET
def order_detail(request, number: str):
    try:
        organization = _organization(request)
        order = order_get(user=request.user, organization=organization, number=number)
    except ApplicationError as exc:
        return render_error(request, exc, _messages())
    amounts = order_amounts(order=order)
    lines = [
        LineRow(
            line=line,
            unit_price=format_money(Money(line.unit_price, order.currency)),
            line_total=format_money(Money(line.line_total, order.currency)),
            provisioning=_provisioning(line, order.currency),
        )
        for line in order.lines.all()
    ]
    return render(
        request,
        "web/account/orders_detail.html",
        {
            "organization": organization,
            "order": order,
            "badge": STATUS_BADGES.get(order.status, "text-bg-light"),
            "lines": lines,
            "amounts": {name: format_money(value) for name, value in amounts.items()},
            "has_discount": bool(amounts["discount"]),
            "has_extra_charge": bool(amounts["extra_charge"]),
            "has_shipping": bool(amounts["shipping"]),
            # Goods that ship: the address and method (a free method still shows its 0.00).
            "ships": bool(order.shipping_name or order.shipping_method_name),
            "events": list(order.events.all()),
            "has_invoice": order_invoice_exists(order=order),
            "payments": [
                PaymentRow(
                    payment=payment, amount=format_money(Money(payment.amount, payment.currency))
                )
                for payment in payment_list(organization=organization, reference=order.number)
            ],
        },
    )


@login_required
@require_POST
def order_resume(request, number: str):
    """*Resume* a draft: its lines go back into the user's cart for this organization (priced
    again there) and the draft is closed; then the cart page."""
    try:
        organization = _organization(request)
        order = order_get(user=request.user, organization=organization, number=number)
        order_draft_resume(
            order=order,
            cart=cart_for(request, create=True),
            user=request.user,
            ip=request.META.get("REMOTE_ADDR"),
            user_agent=request.headers.get("User-Agent", ""),
        )
    except ApplicationError as exc:
        if exc.status == 409:
            messages.error(request, exc.message)
            return redirect("web:orders")
        return render_error(request, exc, _messages())
    messages.success(
        request, _("Order %(number)s is back in your cart.") % {"number": order.number}
    )
    return redirect("web:cart")


@login_required
@require_GET
def order_invoice_pdf(request, number: str):
    """The invoice (PDF) of an order paid by invoice, exactly as it was issued and e-mailed."""
    try:
        organization = _organization(request)
        invoice = order_invoice_get(user=request.user, organization=organization, number=number)
    except ApplicationError as exc:
        return render_error(request, exc, _messages())
    response = HttpResponse(bytes(invoice.pdf), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=invoice.filename
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
