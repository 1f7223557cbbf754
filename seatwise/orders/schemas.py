"""Output and input schemas of the orders API (and the order in the checkout answer).
Amounts are strings rounded to the currency's minor unit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from seatwise.core.money import Money
from seatwise.core.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from seatwise.orders.enums import OrderStatus
from seatwise.orders.models import Order, OrderEvent, OrderLine, ProvisioningRequest
from seatwise.payments.models import Payment
from seatwise.payments.schemas import PaymentOut, payment_out


class OrderListQuery(Schema):
    status: str = Field(
        "", description=f"Only orders in this status: {', '.join(OrderStatus.values)}."
    )
    page: int = Field(1, description="Page number, from 1.", json_schema_extra={"minimum": 1})
    page_size: int = Field(
        DEFAULT_PAGE_SIZE,
        description=f"Orders per page, 1 to {MAX_PAGE_SIZE}.",
        json_schema_extra={"minimum": 1, "maximum": MAX_PAGE_SIZE},
    )


class BillingOut(Schema):
    name: str
    contact_name: str
    email: str
    phone: str
    address_line1: str
    address_line2: str
    postal_code: str
    city: str
    country: str
    tax_number: str


class ShippingAddressOut(Schema):
    name: str = Field(..., description="The company or the recipient.")
    contact_name: str
    email: str
    phone: str
    address_line1: str
    address_line2: str
    postal_code: str
    city: str
    country: str


class OrderSummaryOut(Schema):
    number: str = Field(..., examples=["25-11-2026 00042"])
    status: str
    currency: str
    total: str
    payment_method: str = Field(..., description="`liqpay`, `invoice` or empty for a draft.")
    created_at: dt.datetime
    placed_at: dt.datetime | None
    paid_at: dt.datetime | None
    billing: BillingOut
    shipping_address: ShippingAddressOut | None = Field(
        ..., description="Where the goods ship; null for an order with nothing to ship."
    )
    shipping_method_name: str = Field(
        ..., description="How the goods ship (its price is the detail's `shipping`), or empty."
    )


class OrderPageOut(Schema):
    items: list[OrderSummaryOut]
    page: int
    page_size: int
    total: int
    pages: int


class ProvisioningOut(Schema):
    """Where the vendor work of a paid line stands (Microsoft lines: the tenant and the
    subscription)."""

    status: str = Field(
        ...,
        description=(
            "`queued`, `in_progress`, `succeeded`, `failed_retrying` (the vendor could not "
            "answer; tried again at `next_attempt_at`), `failed_permanent` (the vendor "
            "refused; see `last_error`) or `cancelled`."
        ),
    )
    attempts: int = Field(..., description="Vendor calls made so far.")
    next_attempt_at: dt.datetime | None = Field(
        ..., description="When the next attempt is due (a request that will be retried)."
    )
    last_error: str = Field(..., description="The vendor's message of the last failure.")
    subscription_id: int | None = Field(
        ..., description="The subscription created (`/api/v1/subscriptions/{id}/`)."
    )
    refund_state: str = Field(
        ...,
        description=(
            "Empty, `requested` (asked of the payment provider) or `due` (to be paid back "
            "by the seller) for a line that failed after payment."
        ),
    )
    refund_amount: str | None = Field(..., description="The line's share of the payment.")


class ProvisioningRequestOut(ProvisioningOut):
    line_id: int
    offer_name: str
    created_at: dt.datetime
    finished_at: dt.datetime | None


class ProvisioningListOut(Schema):
    items: list[ProvisioningRequestOut] = Field(
        ..., description="One request per line that needs vendor work, in the lines' order."
    )


class OrderLineOut(Schema):
    id: int
    offer_id: int
    product_name: str
    offer_name: str
    sku: str
    term: str
    billing_plan: str
    quantity: int
    unit_price: str
    line_total: str
    status: str
    target_tenant: str
    provisioning: ProvisioningOut | None = Field(
        ..., description="The line's vendor work; null for a line that needs none (yet)."
    )


class OrderEventOut(Schema):
    from_status: str
    to_status: str
    message: str
    at: dt.datetime


class PartyOut(Schema):
    id: int
    name: str


class OrderDetailOut(OrderSummaryOut):
    subtotal: str
    discount: str
    extra_charge: str
    shipping: str = Field(..., description="The shipping method's price, before tax.")
    tax: str
    seller: PartyOut
    lines: list[OrderLineOut]
    events: list[OrderEventOut]
    payments: list[PaymentOut]


def amount_out(value: Decimal, currency: str) -> str:
    return format(Money(value, currency).quantize().amount, "f")


ADDRESS_FIELDS = (
    "name",
    "contact_name",
    "email",
    "phone",
    "address_line1",
    "address_line2",
    "postal_code",
    "city",
    "country",
)


def _billing_out(order: Order) -> dict:
    return {
        **{name: getattr(order, f"billing_{name}") for name in ADDRESS_FIELDS},
        "tax_number": order.billing_tax_number,
    }


def _shipping_address_out(order: Order) -> dict | None:
    address = {name: getattr(order, f"shipping_{name}") for name in ADDRESS_FIELDS}
    return address if any(address.values()) else None


def order_summary_out(order: Order) -> dict:
    return {
        "number": order.number,
        "status": order.status,
        "currency": order.currency,
        "total": amount_out(order.total, order.currency),
        "payment_method": order.payment_method,
        "created_at": order.created_at,
        "placed_at": order.placed_at,
        "paid_at": order.paid_at,
        "billing": _billing_out(order),
        "shipping_address": _shipping_address_out(order),
        "shipping_method_name": order.shipping_method_name,
    }


def _line_out(line: OrderLine, currency: str) -> dict:
    return {
        "id": line.pk,
        "offer_id": line.offer_id,
        "product_name": line.product_name,
        "offer_name": line.offer_name,
        "sku": line.sku,
        "term": line.term,
        "billing_plan": line.billing_plan,
        "quantity": line.quantity,
        "unit_price": amount_out(line.unit_price, currency),
        "line_total": amount_out(line.line_total, currency),
        "status": line.status,
        "target_tenant": line.target_tenant,
        "provisioning": provisioning_out(_request_of(line), currency),
    }


def _request_of(line: OrderLine) -> ProvisioningRequest | None:
    # ``order_get`` joins each line's request: no query here (None when there is none).
    return getattr(line, "provisioning_request", None)


def provisioning_out(request: ProvisioningRequest | None, currency: str) -> dict | None:
    if request is None:
        return None
    return {
        "status": request.status,
        "attempts": request.attempts,
        "next_attempt_at": request.next_attempt_at,
        "last_error": request.last_error,
        "subscription_id": request.subscription_id,
        "refund_state": request.refund_state,
        "refund_amount": (
            amount_out(request.refund_amount, currency)
            if request.refund_amount is not None
            else None
        ),
    }


def provisioning_list_out(order: Order) -> dict:
    """The provisioning requests of ``order``'s lines (as joined by ``order_get``)."""
    items = []
    for line in order.lines.all():
        request = _request_of(line)
        if request is None:
            continue
        items.append(
            {
                **provisioning_out(request, order.currency),
                "line_id": line.pk,
                "offer_name": line.offer_name,
                "created_at": request.created_at,
                "finished_at": request.finished_at,
            }
        )
    return {"items": items}


def _event_out(event: OrderEvent) -> dict:
    return {
        "from_status": event.from_status,
        "to_status": event.to_status,
        "message": event.message,
        "at": event.at,
    }


def order_detail_out(order: Order, payments: list[Payment]) -> dict:
    """``order`` with its lines and events (prefetched by ``order_get``) and payments."""
    currency = order.currency
    return {
        **order_summary_out(order),
        **{
            name: amount_out(getattr(order, name), currency)
            for name in ("subtotal", "discount", "extra_charge", "shipping", "tax")
        },
        "seller": {"id": order.seller_id, "name": order.seller.name},
        "lines": [_line_out(line, currency) for line in order.lines.all()],
        "events": [_event_out(event) for event in order.events.all()],
        "payments": [payment_out(payment) for payment in payments],
    }
