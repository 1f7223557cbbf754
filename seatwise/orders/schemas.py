"""Output and input schemas of the orders API (and the order in the checkout answer).
Amounts are strings rounded to the currency's minor unit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from seatwise.core.money import Money
from seatwise.core.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from seatwise.orders.enums import OrderStatus
from seatwise.orders.models import Order, OrderEvent, OrderLine
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
    }


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
