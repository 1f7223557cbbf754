"""Payment services: create a payment, hand out the LiqPay checkout form, apply verified
gateway reports (callbacks and status answers), refunds and manual (invoice) payments.

Every check of a gateway report happens before anything is written; a refused report
changes no payment and is recorded as a ``callback_rejected`` event when the payment is
known. No network call is made while a payment row is locked.
"""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from seatwise.core import clock
from seatwise.core.errors import ValidationError
from seatwise.core.events import publish_after_commit
from seatwise.payments import liqpay
from seatwise.payments.client import liqpay_api_post
from seatwise.payments.enums import Gateway, PaymentEventKind, PaymentStatus
from seatwise.payments.exceptions import (
    CallbackOrphan,
    CallbackRejected,
    PaymentError,
    PaymentNotConfigured,
    PaymentStateError,
)
from seatwise.payments.models import Payment, PaymentAccount, PaymentEvent
from seatwise.payments.states import PAYMENT_TRANSITIONS
from seatwise.payments.vault import secret_decrypt, secret_encrypt

logger = logging.getLogger(__name__)
security_logger = logging.getLogger("seatwise.security.payments")

STATUS_CHANGED = "payments.payment_status_changed"
ORDER_ID_PREFIX = "sw-"
# Payer data LiqPay may send that Seatwise does not keep (privacy: §A.6).
_DROPPED_FIELDS = ("sender_first_name", "sender_last_name", "sender_phone", "ip", "customer")


# --- accounts -------------------------------------------------------------------------------


def payment_account_private_key(*, account: PaymentAccount) -> str:
    return secret_decrypt(token=account.private_key_encrypted)


@transaction.atomic
def payment_account_ensure(*, organization) -> PaymentAccount:
    """The provider's LiqPay account, created from the ``LIQPAY_*`` settings on first use."""
    account = PaymentAccount.objects.filter(
        organization=organization, gateway=Gateway.LIQPAY
    ).first()
    if account is not None:
        return account
    if not (settings.LIQPAY_PUBLIC_KEY and settings.LIQPAY_PRIVATE_KEY):
        raise PaymentNotConfigured(_("Card payments are not configured for this seller."))
    return PaymentAccount.objects.create(
        organization=organization,
        gateway=Gateway.LIQPAY,
        public_key=settings.LIQPAY_PUBLIC_KEY,
        private_key_encrypted=secret_encrypt(plain=settings.LIQPAY_PRIVATE_KEY),
        sandbox=settings.LIQPAY_SANDBOX,
    )


def payment_account_set_private_key(*, account: PaymentAccount, private_key: str) -> None:
    """Store a new private key (encrypted). An empty value keeps the current key."""
    if not private_key:
        return
    account.private_key_encrypted = secret_encrypt(plain=private_key.strip())
    account.updated_at = clock.now()
    if account.pk:
        account.save(update_fields=["private_key_encrypted", "updated_at"])


# --- payments -------------------------------------------------------------------------------


def payment_create(
    *,
    organization,
    reference: str,
    gateway: str,
    amount: Decimal,
    currency: str,
    description: str = "",
    account: PaymentAccount | None = None,
) -> Payment:
    """A new pending payment attempt for ``organization`` (the payer). LiqPay payments need
    the seller's ``account``; each attempt gets its own ``order_id`` (``sw-<uuid>``).
    Everything is checked before the two rows are written together; inside a caller's
    transaction (checkout) they join it without a savepoint of their own."""
    if not isinstance(amount, Decimal) or not amount.is_finite() or amount <= 0:
        raise ValidationError(_("The amount to pay must be a positive number."))
    if amount != amount.quantize(liqpay.CENT):
        raise ValidationError(_("The amount to pay must have at most two decimals."))
    if gateway not in Gateway.values:
        raise ValidationError(_("Unknown payment method."))
    if not reference or len(reference) > 64:
        raise ValidationError(_("A payment needs an order reference."))
    sandbox = False
    if gateway == Gateway.LIQPAY:
        if account is None or account.gateway != Gateway.LIQPAY:
            raise PaymentNotConfigured(_("Card payments are not configured for this seller."))
        if currency not in liqpay.CURRENCIES:
            raise ValidationError(
                _("Card payments accept UAH, USD and EUR, not %(currency)s.")
                % {"currency": currency}
            )
        sandbox = bool(account.sandbox or settings.LIQPAY_SANDBOX)
    elif currency not in settings.SEATWISE_CURRENCIES:
        raise ValidationError(_("Unknown currency %(currency)s.") % {"currency": currency})
    payment_id = uuid.uuid4()
    with transaction.atomic(savepoint=False):  # writes only: any error here is the database's
        payment = Payment.objects.create(
            id=payment_id,
            organization=organization,
            account=account if gateway == Gateway.LIQPAY else None,
            reference=reference,
            gateway=gateway,
            amount=amount,
            currency=currency,
            description=description[:255],
            sandbox=sandbox,
            gateway_order_id=f"{ORDER_ID_PREFIX}{payment_id}",
        )
        _event(payment=payment, kind=PaymentEventKind.CREATED, after=payment.status)
    return payment


@dataclass(frozen=True)
class CheckoutForm:
    action_url: str
    data: str
    signature: str

    def __iter__(self):  # unpacks as (action_url, data, signature)
        return iter((self.action_url, self.data, self.signature))


def payment_checkout_form(
    *, payment: Payment, result_url: str, server_url: str, language: str = "uk"
) -> CheckoutForm:
    """The signed form the browser POSTs to LiqPay's checkout. Nothing is written."""
    if payment.gateway != Gateway.LIQPAY or payment.account is None:
        raise PaymentStateError(_("This payment is not paid by card."))
    if payment.status not in (PaymentStatus.PENDING, PaymentStatus.FAILED):
        raise PaymentStateError(_("This payment cannot be paid again."))
    account = payment.account
    try:
        params = liqpay.checkout_params(
            public_key=account.public_key,
            amount=payment.amount,
            currency=payment.currency,
            description=payment.description or payment.reference,
            order_id=payment.gateway_order_id,
            result_url=result_url,
            server_url=server_url,
            language=language,
            sandbox=payment.sandbox,
        )
    except liqpay.LiqPayProtocolError as exc:
        raise ValidationError(str(exc)) from exc
    data, signature = liqpay.envelope(
        params, private_key=payment_account_private_key(account=account)
    )
    return CheckoutForm(action_url=account.effective_checkout_url, data=data, signature=signature)


def payment_callback_handle(*, data: str, signature: str) -> Payment:
    """Apply a LiqPay server callback.

    The signature is checked over the exact received ``data`` string, in constant time,
    with each LiqPay account's key, before anything is decoded; then the public key,
    version, order id, amount and currency. A refusal raises ``CallbackRejected`` (or
    ``CallbackOrphan`` for an unknown order id) and changes no payment."""
    account = _account_for_signature(data=data, signature=signature)
    if account is None:
        security_logger.warning("LiqPay callback refused: signature does not verify")
        raise CallbackRejected(_("The callback could not be verified."))
    try:
        body = liqpay.liqpay_decode(data)
    except liqpay.LiqPayProtocolError as exc:
        security_logger.warning("LiqPay callback refused: signed data is not base64 JSON")
        raise CallbackRejected(_("The callback could not be read.")) from exc
    if body.get("public_key") != account.public_key or body.get("version") != liqpay.VERSION:
        security_logger.warning("LiqPay callback refused: public key or version mismatch")
        raise CallbackRejected(_("The callback is not for this merchant."))
    return _report_apply(account=account, body=body, kind=PaymentEventKind.CALLBACK)


def payment_status_query(*, payment: Payment) -> Payment:
    """Ask LiqPay for the payment's status (``action: status``) and apply the answer like a
    callback. The answer is recorded as a ``status_query`` event."""
    account = _liqpay_account(payment=payment)
    params = liqpay.request_params(
        public_key=account.public_key, action="status", order_id=payment.gateway_order_id
    )
    body = _api_call(account=account, params=params)
    if body.get("result") == "error" or "status" not in body:
        _event(
            payment=payment,
            kind=PaymentEventKind.STATUS_QUERY,
            before=payment.status,
            after=payment.status,
            gateway_status=str(body.get("status", ""))[:32],
            payload=_payload(body),
            note=str(body.get("err_code") or body.get("err_description") or "")[:255],
        )
        payment.refresh_from_db()
        return payment
    if body.get("order_id") != payment.gateway_order_id:
        _reject(payment=payment, body=body, reason="order id of the answer differs")
    if "public_key" in body and body.get("public_key") != account.public_key:
        _reject(payment=payment, body=body, reason="public key of the answer differs")
    return _report_apply(account=account, body=body, kind=PaymentEventKind.STATUS_QUERY)


def payment_refund(*, payment: Payment, amount: Decimal | None = None) -> Payment:
    """Ask LiqPay to refund ``amount`` (default: what is left) of a paid payment. The
    request carries the payment's own ``order_id``, so a repeated request refers to the same
    payment; the payment becomes refunded only on a verified ``reversed`` callback or status
    answer."""
    account = _liqpay_account(payment=payment)
    if payment.status != PaymentStatus.PAID:
        raise PaymentStateError(_("Only a paid payment can be refunded."))
    remaining = payment.amount - payment.refunded_amount
    if amount is None:
        amount = remaining
    if not isinstance(amount, Decimal) or amount <= 0 or amount > remaining:
        raise ValidationError(
            _("The refund must be more than 0 and at most %(remaining)s %(currency)s.")
            % {"remaining": remaining, "currency": payment.currency}
        )
    params = liqpay.request_params(
        public_key=account.public_key,
        action="refund",
        order_id=payment.gateway_order_id,
        amount=amount,
    )
    body = _api_call(account=account, params=params)
    _event(
        payment=payment,
        kind=PaymentEventKind.REFUND_REQUESTED,
        before=payment.status,
        after=payment.status,
        gateway_status=str(body.get("status", ""))[:32],
        payload=_payload({"request_amount": liqpay.format_amount(amount), "answer": body}),
        note=str(body.get("err_code") or "")[:255],
    )
    if body.get("result") == "error":
        raise PaymentError(
            _("LiqPay refused the refund (%(code)s).")
            % {"code": body.get("err_code") or body.get("err_description") or "error"}
        )
    payment.refresh_from_db()
    return payment


@transaction.atomic
def payment_record_manual(*, payment: Payment, actor, amount: Decimal) -> Payment:
    """The provider records that an invoice was paid (admin action *Record payment*)."""
    if payment.gateway != Gateway.INVOICE:
        raise PaymentStateError(_("Only invoice payments are recorded by hand."))
    if not isinstance(amount, Decimal) or amount != payment.amount:
        raise ValidationError(
            _("The amount received must equal the invoice amount %(amount)s %(currency)s.")
            % {"amount": payment.amount, "currency": payment.currency}
        )
    locked = Payment.objects.select_for_update().get(pk=payment.pk)
    if locked.status != PaymentStatus.PENDING:
        raise PaymentStateError(
            _("This payment is %(status)s: there is nothing to record.")
            % {"status": locked.get_status_display().lower()},
            details={"status": locked.status},
        )
    _transition(
        payment=locked,
        target=PaymentStatus.PAID,
        kind=PaymentEventKind.MANUAL,
        actor=actor,
        payload=_payload({"amount": liqpay.format_amount(amount)}),
    )
    return locked


@transaction.atomic
def payment_cancel(*, payment: Payment, actor=None, note: str = "") -> Payment:
    """The payment's order was cancelled: a pending or failed payment becomes *cancelled*
    (its LiqPay form and its invoice can no longer be paid or recorded). A payment already
    cancelled is returned as it is; a paid or refunded one raises ``PaymentStateError``."""
    locked = Payment.objects.select_for_update().get(pk=payment.pk)
    if locked.status == PaymentStatus.CANCELLED:
        return locked
    if locked.status not in (PaymentStatus.PENDING, PaymentStatus.FAILED):
        raise PaymentStateError(
            _("A paid payment cannot be cancelled; refund it instead."),
            details={"status": locked.status},
        )
    _transition(
        payment=locked,
        target=PaymentStatus.CANCELLED,
        kind=PaymentEventKind.CANCELLED,
        actor=actor,
        payload=_payload({"note": note[:255]}) if note else "",
    )
    return locked


def payment_pending_poll() -> int:
    """Ask LiqPay about card payments pending longer than ``LIQPAY_POLL_AFTER_MINUTES`` and
    younger than ``LIQPAY_POLL_LIMIT_HOURS``. Returns how many were asked."""
    now = clock.now()
    due = Payment.objects.filter(
        gateway=Gateway.LIQPAY,
        status=PaymentStatus.PENDING,
        created_at__lte=now - timedelta(minutes=settings.LIQPAY_POLL_AFTER_MINUTES),
        created_at__gte=now - timedelta(hours=settings.LIQPAY_POLL_LIMIT_HOURS),
    ).select_related("account")
    asked = 0
    for payment in due.iterator():
        asked += 1
        try:
            payment_status_query(payment=payment)
        except (PaymentError, CallbackRejected) as exc:
            logger.warning("LiqPay status query for payment %s failed: %s", payment.pk, exc.code)
    return asked


# --- internals ------------------------------------------------------------------------------


def _liqpay_account(*, payment: Payment) -> PaymentAccount:
    if payment.gateway != Gateway.LIQPAY or payment.account is None:
        raise PaymentStateError(_("This payment is not paid by card."))
    return payment.account


def _account_for_signature(*, data: str, signature: str) -> PaymentAccount | None:
    if not isinstance(data, str) or not isinstance(signature, str) or not data or not signature:
        return None
    match = None
    for account in PaymentAccount.objects.filter(gateway=Gateway.LIQPAY).order_by("pk"):
        private_key = payment_account_private_key(account=account)
        # Every account is tried, so the time taken does not tell which one matched.
        if liqpay.liqpay_verify(data=data, signature=signature, private_key=private_key):
            match = match or account
    return match


def _api_call(*, account: PaymentAccount, params: dict[str, Any]) -> dict[str, Any]:
    private_key = payment_account_private_key(account=account)
    data, signature = liqpay.envelope(params, private_key=private_key)
    body = liqpay_api_post(
        api_url=account.effective_api_url,
        data=data,
        signature=signature,
        timeout=settings.LIQPAY_HTTP_TIMEOUT,
    )
    # The documented answer is plain JSON; an envelope is verified like a callback.
    if set(body) >= {"data", "signature"} and isinstance(body.get("data"), str):
        if not liqpay.liqpay_verify(
            data=body["data"], signature=str(body["signature"]), private_key=private_key
        ):
            security_logger.warning("LiqPay API answer refused: signature does not verify")
            raise CallbackRejected(_("The answer from LiqPay could not be verified."))
        try:
            body = liqpay.liqpay_decode(body["data"])
        except liqpay.LiqPayProtocolError as exc:
            raise CallbackRejected(_("The answer from LiqPay could not be read.")) from exc
    return body


def _report_apply(*, account: PaymentAccount, body: dict[str, Any], kind: str) -> Payment:
    order_id = body.get("order_id")
    payment = (
        Payment.objects.filter(gateway_order_id=order_id, account=account).first()
        if isinstance(order_id, str)
        else None
    )
    if payment is None:
        logger.error("LiqPay report for an unknown order id %r (orphan)", str(order_id)[:80])
        raise CallbackOrphan(_("The callback names an unknown order."))
    amount = liqpay.parse_amount(body.get("amount"))
    if amount != payment.amount or body.get("currency") != payment.currency:
        _reject(payment=payment, body=body, reason="amount or currency differs")
    gateway_status = body.get("status")
    if not isinstance(gateway_status, str) or not gateway_status:
        _reject(payment=payment, body=body, reason="no status")
    target = liqpay.map_status(gateway_status, sandbox=payment.sandbox)
    if target is None:
        if gateway_status == liqpay.SANDBOX_STATUS:
            _reject(payment=payment, body=body, reason="sandbox status on a live payment")
        logger.info("LiqPay status %s ignored for payment %s", gateway_status, payment.pk)
        target = payment.status
    refund_amount = liqpay.parse_amount(body.get("refund_amount"))
    if (
        target == PaymentStatus.REFUNDED
        and refund_amount is not None
        and refund_amount < payment.amount
    ):
        target = PaymentStatus.PAID  # a partial refund: the payment stays paid
    payload = _payload(body)
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        stale = target != locked.status and not PAYMENT_TRANSITIONS.can(locked.status, target)
        if not stale:
            if locked.events.filter(kind=kind, payload=payload).exists():
                return locked  # the same report again: nothing to do
            if target == PaymentStatus.REFUNDED:
                locked.refunded_amount = locked.amount
            elif refund_amount is not None and gateway_status in liqpay.REFUNDED_STATUSES:
                locked.refunded_amount = refund_amount
            payment_id = body.get("payment_id")
            if payment_id is not None and not locked.gateway_payment_id:
                locked.gateway_payment_id = str(payment_id)[:64]
            _transition(
                payment=locked,
                target=target,
                kind=kind,
                gateway_status=gateway_status,
                payload=payload,
                extra_fields=("refunded_amount", "gateway_payment_id"),
            )
    if stale:
        _reject(
            payment=payment,
            body=body,
            reason=f"status {gateway_status} after {payment.status}",
        )
    return locked


def _transition(
    *,
    payment: Payment,
    target: str,
    kind: str,
    gateway_status: str = "",
    payload: str = "",
    actor=None,
    extra_fields: tuple[str, ...] = (),
) -> None:
    """Save ``payment`` (locked by the caller) in ``target`` with its event; publish the
    change after commit."""
    before = payment.status
    payment.status = target
    payment.updated_at = clock.now()
    payment.save(update_fields=["status", "updated_at", *extra_fields])
    _event(
        payment=payment,
        kind=kind,
        before=before,
        after=target,
        gateway_status=gateway_status,
        payload=payload,
        actor=actor,
    )
    if before != target:
        publish_after_commit(
            STATUS_CHANGED,
            organization_id=payment.organization_id,
            payment_id=str(payment.pk),
            reference=payment.reference,
            status=str(target),
            previous_status=str(before),
        )


def _reject(*, payment: Payment, body: dict[str, Any], reason: str) -> None:
    """Record a refused report against a known payment and raise. The payment is not
    touched."""
    security_logger.warning("LiqPay report for payment %s refused: %s", payment.pk, reason)
    _event(
        payment=payment,
        kind=PaymentEventKind.CALLBACK_REJECTED,
        before=payment.status,
        after=payment.status,
        gateway_status=str(body.get("status", ""))[:32],
        payload=_payload(body),
        note=reason[:255],
    )
    raise CallbackRejected(_("The callback does not match the payment."))


def _event(
    *,
    payment: Payment,
    kind: str,
    before: str = "",
    after: str = "",
    gateway_status: str = "",
    payload: str = "",
    note: str = "",
    actor=None,
) -> PaymentEvent:
    return PaymentEvent.objects.create(
        organization_id=payment.organization_id,
        payment=payment,
        kind=kind,
        status_before=before,
        status_after=after,
        gateway_status=gateway_status[:32],
        payload=payload,
        note=note,
        actor=actor,
    )


def _payload(body: dict[str, Any]) -> str:
    kept = {key: value for key, value in body.items() if key not in _DROPPED_FIELDS}
    return json.dumps(kept, ensure_ascii=False, sort_keys=True, default=str)
