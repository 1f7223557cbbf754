"""Reads for the apps above payments (orders, cart, web)."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet

from seatwise.payments.models import Payment, PaymentEvent
from seatwise.tenancy.selectors import organization_visible_q


def payment_list(*, organization, reference: str | None = None) -> QuerySet[Payment]:
    """The payer's payments, newest first; those of one order with ``reference``."""
    payments = Payment.objects.filter(organization=organization)
    if reference is not None:
        payments = payments.filter(reference=reference)
    return payments.order_by("-created_at")


def payment_get(*, organization, pk) -> Payment | None:
    return Payment.objects.filter(organization=organization, pk=pk).first()


def payment_event_list(*, payment: Payment) -> QuerySet[PaymentEvent]:
    return PaymentEvent.objects.filter(payment=payment).order_by("at", "id")


def payment_get_visible(*, organization, pk) -> Payment | None:
    """The payment ``pk`` if its payer is ``organization`` or lies below it (a reseller's
    customers, a provider's whole tree); None otherwise, or for an id that is no UUID."""
    try:
        payment_id = uuid.UUID(str(pk))
    except ValueError:
        return None
    return (
        Payment.objects.filter(organization_visible_q(organization, "organization__"))
        .filter(pk=payment_id)
        .select_related("organization")
        .first()
    )
