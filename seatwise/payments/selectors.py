"""Reads for the apps above payments (orders, cart, web)."""

from __future__ import annotations

from django.db.models import QuerySet

from seatwise.payments.models import Payment, PaymentEvent


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
