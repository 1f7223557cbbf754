"""Payments API: a payment's status, and recording an invoice payment.

Mounted by ``config.api`` under ``/api/v1/payments/``. Authentication: an API key
(``X-API-Key``) or the browser session. A payment is visible to its payer and to the
reseller or provider above it (``organization_visible_q``); any other id is a 404.

Recording that an invoice was paid (the admin's *Record payment*) is the provider's job: the
caller acts for the provider organization as an owner, account manager or billing member,
and the payment's payer lies in the provider's tree. The request honours ``Idempotency-Key``.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from ninja import Router

from seatwise.core.errors import NotFoundError, PermissionDeniedError
from seatwise.core.idempotency import IdempotencyKeyHeader, idempotent
from seatwise.core.schemas import ErrorOut
from seatwise.payments.models import Payment
from seatwise.payments.schemas import (
    PaymentDetailOut,
    PaymentOut,
    PaymentRecordIn,
    payment_event_out,
    payment_out,
)
from seatwise.payments.selectors import payment_event_list, payment_get_visible
from seatwise.payments.services import payment_record_manual
from seatwise.tenancy.api_auth import (
    api_organization,
    api_organization_required,
    session_or_api_key,
)
from seatwise.tenancy.enums import MANAGING_ROLES, OrganizationKind, Role
from seatwise.tenancy.models import Organization
from seatwise.tenancy.selectors import require_role

router = Router(tags=["payments"], auth=session_or_api_key())

ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
# Who records an invoice payment: the provider's owners, account managers and billing staff.
RECORDING_ROLES = MANAGING_ROLES | {Role.BILLING}


class PaymentNotFound(NotFoundError):
    code = "payment_not_found"


def _payment(*, organization: Organization, payment_id: str) -> Payment:
    payment = payment_get_visible(organization=organization, pk=payment_id)
    if payment is None:
        raise PaymentNotFound(_("Payment not found."), details={"id": payment_id})
    return payment


@router.get(
    "/{payment_id}/",
    response={200: PaymentDetailOut, **ERRORS},
    summary="Get a payment's status and events",
    url_name="payment_get",
)
def payment_get(request, payment_id: str):
    """The payment's status as Seatwise holds it, with its append-only event log."""
    organization = api_organization_required(request)
    require_role(user=request.user, organization=organization)
    payment = _payment(organization=organization, payment_id=payment_id)
    return {
        **payment_out(payment),
        "events": [payment_event_out(e) for e in payment_event_list(payment=payment)],
    }


@router.post(
    "/{payment_id}/record/",
    response={200: PaymentOut, **ERRORS, 409: ErrorOut, 422: ErrorOut},
    summary="Record that an invoice was paid (provider staff)",
    url_name="payment_record",
)
@idempotent(organization=api_organization)
def payment_record(
    request, payment_id: str, payload: PaymentRecordIn, idempotency_key: IdempotencyKeyHeader = None
):
    """The provider records that the invoice payment was received in full (``amount``
    must equal it); the order then becomes paid. Only invoice payments (a card payment is a
    409 ``payment_state``); a payment not pending (paid, or cancelled with its order) is a 409
    ``payment_state`` too. Anyone
    else who sees the payment gets a 403, anybody else a 404 ``payment_not_found``."""
    organization = api_organization_required(request)
    require_role(user=request.user, organization=organization)
    payment = _payment(organization=organization, payment_id=payment_id)
    # A payment the caller may see but not record (its payer, the reseller, the provider's
    # staff without a recording role) is a 403, not a 404 that its GET contradicts.
    if organization.kind != OrganizationKind.PROVIDER:
        raise PermissionDeniedError(_("Only the provider records invoice payments."))
    require_role(user=request.user, organization=organization, roles=RECORDING_ROLES)
    payment = payment_record_manual(
        payment=payment, actor=request.user, amount=Decimal(payload.amount)
    )
    return 200, PaymentOut(**payment_out(payment))
