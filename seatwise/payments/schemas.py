"""Output and input schemas of the payments API. Amounts are strings with two decimals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema
from pydantic import ConfigDict

from seatwise.payments.models import Payment, PaymentEvent

AMOUNT_PATTERN = r"^\d{1,12}(\.\d{1,2})?$"
CENT = Decimal("0.01")


class PaymentOut(Schema):
    id: str = Field(..., description="The payment's UUID.")
    reference: str = Field(..., description="The order number the payment is for.")
    gateway: str = Field(..., description="`liqpay` (card) or `invoice`.")
    status: str = Field(..., description="`pending`, `paid`, `failed` or `refunded`.")
    amount: str
    refunded_amount: str
    currency: str
    sandbox: bool
    created_at: dt.datetime
    updated_at: dt.datetime


class PaymentEventOut(Schema):
    kind: str
    status_before: str
    status_after: str
    gateway_status: str
    at: dt.datetime


class PaymentDetailOut(PaymentOut):
    events: list[PaymentEventOut]


class PaymentRecordIn(Schema):
    model_config = ConfigDict(extra="forbid")

    amount: str = Field(
        ...,
        pattern=AMOUNT_PATTERN,
        description="The amount received, as a string; must equal the invoice amount.",
        examples=["1234.50"],
    )


def _amount(value) -> str:
    """An amount as stored (two decimals), also for a payment not read back from the
    database yet (``refunded_amount`` is then the model's default, ``0``)."""
    return format(Decimal(value).quantize(CENT), "f")


def payment_out(payment: Payment) -> dict:
    return {
        "id": str(payment.pk),
        "reference": payment.reference,
        "gateway": payment.gateway,
        "status": payment.status,
        "amount": _amount(payment.amount),
        "refunded_amount": _amount(payment.refunded_amount),
        "currency": payment.currency,
        "sandbox": payment.sandbox,
        "created_at": payment.created_at,
        "updated_at": payment.updated_at,
    }


def payment_event_out(event: PaymentEvent) -> dict:
    return {
        "kind": event.kind,
        "status_before": event.status_before,
        "status_after": event.status_after,
        "gateway_status": event.gateway_status,
        "at": event.at,
    }
