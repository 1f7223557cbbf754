"""Provisioning: the vendor work of a paid line, done by the worker, exactly once.

A request moves queued → in progress → succeeded, or → failed, will retry (a vendor that
could not answer: next attempt at a time that doubles, up to
``SEATWISE_PROVISIONING_MAX_ATTEMPTS``) or → failed (the vendor refused for good; its
message is kept and shown, and the line's share of the payment is refunded or flagged for
refund). Operators retry or cancel a request from the admin.

Exactly once: a worker *claims* a request with one conditional UPDATE (two workers never run
the same request at once); the vendor call carries the request's ``vendor_request_id``,
stored when the request was made, so a repeat after a lost answer, a dead worker or a retry
is the same purchase at the vendor, not a second one; the subscription is recorded by the
vendor's id. Tasks are acknowledged late (a worker killed mid-task leaves the message to be
delivered again) and a periodic sweep re-queues requests whose task was lost (a broker that
was down, a claim left by a dead worker). The database, not the broker, is the record.
"""

from __future__ import annotations

import logging
import math
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _

from seatwise.audit.enums import AuditEventType
from seatwise.audit.services import audit_record
from seatwise.catalog.enums import VendorKind
from seatwise.connectors.exceptions import ConnectorUnavailable, VendorError
from seatwise.connectors.vendor import PurchaseItem
from seatwise.core import clock
from seatwise.core.errors import ApplicationError, ConflictError
from seatwise.core.events import enqueue_after_commit
from seatwise.orders.enums import (
    LineStatus,
    OrderStatus,
    PaymentMethod,
    ProvisioningStatus,
    RefundState,
)
from seatwise.orders.models import Order, OrderEvent, OrderLine, ProvisioningRequest
from seatwise.orders.services import _locked, _move
from seatwise.orders.states import LINE_TRANSITIONS
from seatwise.payments.enums import Gateway, PaymentStatus
from seatwise.payments.selectors import payment_list
from seatwise.subscriptions.enums import AccountStatus
from seatwise.subscriptions.services import (
    account_for_domain,
    subscription_record,
    subscriptions_connector,
    tenant_create_at_vendor,
    tenant_link_check,
)

logger = logging.getLogger(__name__)

P = ProvisioningStatus
RUNNABLE = (P.QUEUED, P.FAILED_RETRYING)
CENT = Decimal("0.01")


class ProvisioningNotRetryable(ConflictError):
    code = "provisioning_not_retryable"


def _eager() -> bool:
    from config.celery import app

    return bool(app.conf.task_always_eager)


def provisioning_enqueue(request: ProvisioningRequest, *, countdown: int = 0) -> None:
    """Queue the request's task once the transaction commits. A broker that is down only
    logs: the sweep finds the request later. In eager mode (tests) a retry with a countdown
    is left to the sweep, which the test drives."""
    from seatwise.orders.tasks import provision_task  # tasks call this module

    if countdown and _eager():
        return
    if countdown:
        transaction.on_commit(
            lambda: _send(provision_task, request.pk, countdown=countdown), robust=True
        )
    else:
        enqueue_after_commit(provision_task, request.pk)


def _send(task, pk: int, *, countdown: int) -> None:
    try:
        task.apply_async((pk,), countdown=countdown)
    except Exception:  # the broker is down: the sweep re-queues the request
        logger.warning("Provisioning: could not queue request %s; the sweep will", pk)


def _backoff(attempts: int, hint) -> int:
    """Seconds to the next attempt: doubling from the base, at least the vendor's hint
    (``Retry-After``), at most the cap."""
    base = _setting("SEATWISE_PROVISIONING_BACKOFF", 15)
    cap = _setting("SEATWISE_PROVISIONING_BACKOFF_MAX", 1800)
    return min(cap, max(base * (2 ** max(0, attempts - 1)), math.ceil(hint or 0)))


def _claim(pk: int, task_id: str = "") -> bool:
    """Take the request for this attempt: a queued or due request, for anyone; or one in
    progress under ``task_id`` itself, which is the same Celery message delivered again
    because the worker running it died (acknowledged late), so it need not wait for the
    sweep to take the claim back."""
    now = clock.now()
    claim = {"attempts": F("attempts") + 1, "claimed_at": now, "claimed_by": task_id[:64]}
    claimed = (
        ProvisioningRequest.objects.filter(pk=pk, status__in=RUNNABLE)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(status=P.IN_PROGRESS, next_attempt_at=None, **claim)
    )
    if not claimed and task_id:
        claimed = ProvisioningRequest.objects.filter(
            pk=pk, status=P.IN_PROGRESS, claimed_by=task_id[:64]
        ).update(**claim)
    return bool(claimed)


def _billing_cycle(plan: str) -> str:
    return plan if plan in ("monthly", "annual", "triennial") else "none"


def provisioning_run(*, request_id: int, task_id: str = "") -> str:
    """Do one attempt of the request if it is due and nobody else is on it (``task_id``: the
    Celery message's id, see ``_claim``). Returns what happened (for the task's log)."""
    if not _claim(request_id, task_id):
        return "skipped"
    request = ProvisioningRequest.objects.select_related(
        "line__order__organization", "line__offer__product__vendor", "line__order__seller"
    ).get(pk=request_id)
    line = request.line
    order = line.order
    try:
        connector = subscriptions_connector(organization=order.organization)
        if line.offer.product.vendor.kind != VendorKind.MICROSOFT:
            raise VendorError(
                _("No connector provisions %(vendor)s yet.")
                % {"vendor": line.offer.product.vendor.name},
                vendor_code="no_connector",
            )
        account = account_for_domain(
            organization=order.organization,
            domain=line.target_tenant,
            requested_by=order.placed_by,
        )
        if account.status == AccountStatus.LINK_PENDING:
            account = tenant_link_check(account_id=account.pk)
        if account.status != AccountStatus.ACTIVE:
            account = tenant_create_at_vendor(account_id=account.pk)
        result = connector.purchase(
            request_id=str(request.vendor_request_id),
            customer_id=account.vendor_customer_id,
            items=[
                PurchaseItem(
                    catalog_item_id=line.offer.catalog_item_id,
                    quantity=line.quantity,
                    term=line.term,
                    billing_cycle=_billing_cycle(line.billing_plan),
                    friendly_name=line.offer_name[:100],
                )
            ],
        )
    except ConnectorUnavailable as error:
        return _retry_later(request, message=error.message, hint=getattr(error, "retry_after", 0))
    except ApplicationError as error:  # the vendor refused, or the line cannot be provisioned
        _fail(request, message=error.message, vendor_code=getattr(error, "vendor_code", ""))
        return f"failed: {error.code}"
    except Exception as error:  # a bug or an unexpected answer: retried, then an operator
        logger.exception("Provisioning request %s: unexpected error", request.pk)
        return _retry_later(request, message=f"{type(error).__name__}: {error}"[:500], hint=0)
    vendor = result.subscriptions[0]
    _succeed(request, account=account, vendor=vendor)
    return f"succeeded: {vendor.subscription_id}"


def _retry_later(request: ProvisioningRequest, *, message: str, hint) -> str:
    maximum = int(getattr(settings, "SEATWISE_PROVISIONING_MAX_ATTEMPTS", 12))
    if request.attempts >= maximum:
        _fail(
            request,
            message=_("Microsoft could not be reached after %(n)d attempts: %(error)s")
            % {"n": request.attempts, "error": message},
            vendor_code="unreachable",
        )
        return "failed: attempts exhausted"
    delay = _backoff(request.attempts, hint)
    with transaction.atomic():
        updated = ProvisioningRequest.objects.filter(pk=request.pk, status=P.IN_PROGRESS).update(
            status=P.FAILED_RETRYING,
            next_attempt_at=clock.now() + timedelta(seconds=delay),
            last_error=message[:2000],
        )
        if updated:
            provisioning_enqueue(request, countdown=delay)
    return f"retry in {delay} s"


def _settle(order: Order) -> None:
    """The order follows its lines: all provisioned → completed; none waiting and some
    failed → partially failed (or failed, when none was provisioned)."""
    statuses = list(order.lines.values_list("status", flat=True))
    if any(s in (LineStatus.PENDING, LineStatus.PROVISIONING) for s in statuses):
        return
    if any(s == LineStatus.AWAITING_SHIPMENT for s in statuses):
        return
    failed = sum(1 for s in statuses if s == LineStatus.FAILED)
    target = (
        OrderStatus.COMPLETED
        if not failed
        else OrderStatus.FAILED
        if failed == len(statuses)
        else OrderStatus.PARTIALLY_FAILED
    )
    if order.status != target and order.status in (
        OrderStatus.PROVISIONING,
        OrderStatus.PARTIALLY_FAILED,
    ):
        _move(order=order, to=target, actor=None, message="")


def _line_to(line: OrderLine, status: str) -> None:
    LINE_TRANSITIONS.check(LineStatus(line.status), LineStatus(status))
    OrderLine.objects.filter(pk=line.pk).update(status=status)


@transaction.atomic
def _succeed(request: ProvisioningRequest, *, account, vendor) -> None:
    order = _locked(request.line.order)
    locked = ProvisioningRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status != P.IN_PROGRESS:
        return  # taken back by the sweep or an operator meanwhile; the next run finds it
    line = OrderLine.objects.get(pk=locked.line_id)
    subscription = subscription_record(
        account=account,
        vendor=vendor,
        offer=line.offer,
        seller=order.seller,
        billing_plan=line.billing_plan,
        currency=order.currency,
        unit_price=line.unit_price,
        partner_unit_price=line.partner_unit_price,
    )
    locked.status = P.SUCCEEDED
    locked.subscription = subscription
    locked.finished_at = clock.now()
    locked.last_error = ""
    locked.save()
    if line.status == LineStatus.PROVISIONING:
        _line_to(line, LineStatus.PROVISIONED)
    _settle(order)


def _refund_share(order: Order, line: OrderLine) -> Decimal:
    """What the customer paid for ``line``: its total with the order's discount and
    charges spread in proportion (the whole total when it is the only line)."""
    if not order.subtotal:
        return Decimal(0)
    share = (line.line_total * order.total / order.subtotal).quantize(CENT)
    return min(share, order.total)


@transaction.atomic
def _fail(request: ProvisioningRequest, *, message: str, vendor_code: str = "") -> None:
    order = _locked(request.line.order)
    locked = ProvisioningRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status in (P.SUCCEEDED, P.FAILED_PERMANENT, P.CANCELLED):
        return
    line = OrderLine.objects.get(pk=locked.line_id)
    locked.status = P.FAILED_PERMANENT
    locked.finished_at = clock.now()
    locked.last_error = message[:2000]
    _refund(order=order, line=line, request=locked)
    locked.save()
    if line.status in (LineStatus.PENDING, LineStatus.PROVISIONING):
        _line_to(line, LineStatus.FAILED)
    OrderEvent.objects.create(
        order=order,
        organization_id=order.organization_id,
        from_status=order.status,
        to_status=order.status,
        message=(
            _("%(item)s could not be provisioned: %(error)s")
            % {"item": line.offer_name, "error": message}
        )[:500],
        at=clock.now(),
    )
    _settle(order)


def _refund(*, order: Order, line: OrderLine, request: ProvisioningRequest) -> None:
    """A card payment gives the line's share back through LiqPay; anything else (an
    invoice, paid by transfer) is flagged: the seller pays it back."""
    if order.paid_at is None:
        return
    amount = _refund_share(order, line)
    if amount <= 0:
        return
    request.refund_amount = amount
    paid = (
        payment_list(organization=order.organization, reference=order.number)
        .filter(status=PaymentStatus.PAID)
        .first()
    )
    if order.payment_method == PaymentMethod.LIQPAY and paid and paid.gateway == Gateway.LIQPAY:
        from seatwise.payments.tasks import refund_task  # tasks call services

        already = sum(
            r.refund_amount or 0
            for r in ProvisioningRequest.objects.filter(
                line__order=order, refund_state=RefundState.REQUESTED
            ).exclude(pk=request.pk)
        )
        request.refund_state = RefundState.REQUESTED
        enqueue_after_commit(refund_task, str(paid.pk), str(already + amount))
    else:
        request.refund_state = RefundState.DUE


# --- The sweep and the operators -------------------------------------------------------------


def provisioning_sweep() -> int:
    """Re-queue what no task is carrying (periodic): claims left by a worker that died
    (taken back after ``SEATWISE_PROVISIONING_STALE_SECONDS``), queued requests whose
    message was lost (a broker down at payment) and retries that are due, each once it has
    waited ``SEATWISE_PROVISIONING_SWEEP_GRACE`` seconds more than its own task would have
    (so a message still on its way is not sent twice). Returns how many."""
    now = clock.now()
    stale = now - timedelta(seconds=_setting("SEATWISE_PROVISIONING_STALE_SECONDS", 300))
    grace = now - timedelta(seconds=_setting("SEATWISE_PROVISIONING_SWEEP_GRACE", 60))
    taken_back = list(
        ProvisioningRequest.objects.filter(status=P.IN_PROGRESS, claimed_at__lt=stale).values_list(
            "pk", flat=True
        )
    )
    if taken_back:
        ProvisioningRequest.objects.filter(pk__in=taken_back, status=P.IN_PROGRESS).update(
            status=P.FAILED_RETRYING,
            next_attempt_at=now,
            last_error=_("The worker stopped during the attempt; trying again."),
        )
    lost = ProvisioningRequest.objects.filter(
        Q(status=P.QUEUED, next_attempt_at__isnull=True, created_at__lte=grace)
        | Q(status__in=RUNNABLE, next_attempt_at__lte=grace)
    ).exclude(pk__in=taken_back)
    pending = [*taken_back, *lost.values_list("pk", flat=True)]
    for pk in pending:
        provisioning_enqueue(ProvisioningRequest(pk=pk))
    return len(pending)


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def provisioning_drain(*, limit: int = 10000) -> int:
    """Run every request that is due, in this process, until none is (tests, the demo and
    ``manage.py``). Returns how many attempts ran."""
    ran = 0
    while ran < limit:
        now = clock.now()
        pending = list(
            ProvisioningRequest.objects.filter(status__in=RUNNABLE)
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
            .values_list("pk", flat=True)[:200]
        )
        if not pending:
            return ran
        for pk in pending:
            provisioning_run(request_id=pk)
            ran += 1
    return ran


@transaction.atomic
def provisioning_retry(*, request: ProvisioningRequest, actor) -> ProvisioningRequest:
    """An operator runs a request again now: one that failed (its attempts start over) or
    waits for its next attempt. A request that succeeded or was cancelled stays as it is."""
    locked = ProvisioningRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status not in (P.FAILED_RETRYING, P.FAILED_PERMANENT, P.QUEUED):
        raise ProvisioningNotRetryable(_("Only a waiting or failed request can be retried."))
    if locked.status == P.FAILED_PERMANENT and locked.refund_state:
        raise ProvisioningNotRetryable(
            _("This request failed and its refund was started; place a new order instead.")
        )
    line = OrderLine.objects.select_related("order").get(pk=locked.line_id)
    if line.status == LineStatus.FAILED:
        OrderLine.objects.filter(pk=line.pk).update(status=LineStatus.PROVISIONING)
        order = _locked(line.order)
        if order.status in (OrderStatus.FAILED, OrderStatus.PARTIALLY_FAILED):
            Order.objects.filter(pk=order.pk).update(status=OrderStatus.PROVISIONING)
    locked.status = P.QUEUED
    locked.attempts = 0
    locked.next_attempt_at = None
    locked.finished_at = None
    locked.save()
    audit_record(
        organization=line.order.organization,
        actor=actor,
        event=AuditEventType.PROVISIONING_RETRIED,
        details={"order": line.order.number, "request": locked.pk},
    )
    provisioning_enqueue(locked)
    return locked


@transaction.atomic
def provisioning_cancel(*, request: ProvisioningRequest, actor) -> ProvisioningRequest:
    """An operator gives up on a request that has not succeeded: the line fails and its
    share is refunded or flagged, as for a vendor refusal."""
    locked = ProvisioningRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status in (P.SUCCEEDED, P.CANCELLED, P.IN_PROGRESS):
        raise ProvisioningNotRetryable(
            _("A request that succeeded, is running or was cancelled cannot be cancelled.")
        )
    order = _locked(locked.line.order)
    line = OrderLine.objects.get(pk=locked.line_id)
    if locked.status != P.FAILED_PERMANENT:
        _refund(order=order, line=line, request=locked)
    locked.status = P.CANCELLED
    locked.finished_at = clock.now()
    locked.save()
    if line.status in (LineStatus.PENDING, LineStatus.PROVISIONING):
        _line_to(line, LineStatus.FAILED)
    audit_record(
        organization=order.organization,
        actor=actor,
        event=AuditEventType.PROVISIONING_CANCELLED,
        details={"order": order.number, "request": locked.pk},
    )
    _settle(order)
    return locked
