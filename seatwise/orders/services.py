"""Writes for orders: create a draft, place, move through the lifecycle, mark paid (which
asks for provisioning), cancel. Every status change locks the order, checks
``states.ORDER_TRANSITIONS``, appends an ``OrderEvent``, publishes
``orders.order_status_changed`` after commit and e-mails the placing user on placed, paid,
completed and failed."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from seatwise.catalog.enums import VendorKind
from seatwise.catalog.models import Offer
from seatwise.core import clock
from seatwise.core.errors import InvalidTransitionError
from seatwise.core.events import enqueue_after_commit, publish_after_commit
from seatwise.core.money import MINOR_UNITS, Money
from seatwise.notifications.services import notification_send
from seatwise.orders.calculations import line_total, order_number_format, order_totals
from seatwise.orders.enums import LineStatus, OrderStatus, PaymentMethod, ProvisioningStatus
from seatwise.orders.exceptions import OrderInputError, OrderNotFound, OrderNotPayable
from seatwise.orders.models import (
    Order,
    OrderEvent,
    OrderLine,
    OrderNumberCounter,
    ProvisioningRequest,
)
from seatwise.orders.states import LINE_TRANSITIONS, ORDER_TRANSITIONS, PAYABLE
from seatwise.payments.enums import PaymentStatus
from seatwise.payments.selectors import payment_list
from seatwise.payments.services import payment_cancel
from seatwise.pricing.services import coupon_release
from seatwise.tenancy.enums import ALL_ROLES, Role
from seatwise.tenancy.models import AgreementAcceptance, Organization
from seatwise.tenancy.selectors import require_role

logger = logging.getLogger(__name__)

STATUS_CHANGED = "orders.order_status_changed"

# The status changes the placing user hears about, and the notification event of each.
NOTIFIED: dict[str, str] = {
    OrderStatus.PLACED: "orders.placed",
    OrderStatus.PAID: "orders.paid",
    OrderStatus.COMPLETED: "orders.completed",
    OrderStatus.FAILED: "orders.failed",
    OrderStatus.PARTIALLY_FAILED: "orders.partially_failed",
}

# Who may place an order for an organization: every member but a read-only one (reseller
# and provider staff acting inside it pass through ``require_role``).
BUYING_ROLES = ALL_ROLES - {Role.READ_ONLY}

# Vendors whose lines need vendor work after payment (a provisioning request).
PROVISIONED_KINDS = frozenset({VendorKind.MICROSOFT, VendorKind.SMART_LICENSING, VendorKind.SAAS})


@dataclass(frozen=True)
class LineInput:
    offer: Offer
    quantity: int
    unit_price: Decimal
    term: str = ""  # the offer's term when empty
    billing_plan: str = ""  # the offer's first plan when empty
    target_tenant: str = ""
    # What the seller pays per unit and its markup over it (a reseller's *Price options*),
    # kept so that the seller's margin stays on the order; None when not known.
    partner_unit_price: Decimal | None = None
    markup_percent: Decimal | None = None


@dataclass(frozen=True)
class Charges:
    """What the order adds to or takes from the lines' sub-total, in the order's currency
    (computed by the cart; never read from the browser)."""

    discount: Decimal = Decimal(0)
    extra_charge: Decimal = Decimal(0)
    shipping: Decimal = Decimal(0)
    tax: Decimal = Decimal(0)


@dataclass(frozen=True)
class BillingAddress:
    """A billing address, or a shipping address (same fields; ``tax_number`` unused)."""

    name: str = ""
    address_line1: str = ""
    address_line2: str = ""
    postal_code: str = ""
    city: str = ""
    country: str = ""
    tax_number: str = ""
    contact_name: str = ""
    email: str = ""
    phone: str = ""

    @classmethod
    def of(cls, organization: Organization) -> BillingAddress:
        return cls(
            name=organization.legal_name or organization.name,
            address_line1=organization.address_line1,
            address_line2=organization.address_line2,
            postal_code=organization.postal_code,
            city=organization.city,
            country=str(organization.country or ""),
            tax_number=organization.tax_number,
            phone=str(organization.phone or ""),
        )


# --- numbers --------------------------------------------------------------------------------


def order_number_next(*, day: dt.date | None = None) -> str:
    """The next readable number of ``day`` (today by default). Must run inside the
    transaction that saves the order: the day's counter row stays locked until it commits,
    so two placements never share a number and a rolled-back one gives its number back."""
    day = day or clock.today()
    sequence = _counter_bump(day=day)
    if sequence is None:  # the day's first order
        try:
            with transaction.atomic():
                OrderNumberCounter.objects.create(day=day, last=1)
            sequence = 1
        except IntegrityError:  # another transaction created the day's row first
            sequence = _counter_bump(day=day)
    return order_number_format(day=day, sequence=sequence)


def _counter_bump(*, day: dt.date) -> int | None:
    """Add one to ``day``'s counter and return it, in one statement (``RETURNING``, which
    PostgreSQL and SQLite 3.35+ both have); None when the day has no row yet."""
    table = connection.ops.quote_name(OrderNumberCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f'UPDATE {table} SET "last" = "last" + 1 WHERE "day" = %s RETURNING "last"',  # noqa: S608
            [day],
        )
        row = cursor.fetchone()
    return row[0] if row else None


# --- creating -------------------------------------------------------------------------------


def _check_parties(
    *, organization: Organization, placed_by, seller: Organization, role_checked: bool = False
) -> None:
    if placed_by is not None and not role_checked:
        require_role(user=placed_by, organization=organization, roles=BUYING_ROLES)
    sellers = {organization.parent_id}
    if organization.parent_id is not None:
        sellers.add(organization.parent.parent_id)
    if seller.pk not in sellers - {None}:
        raise OrderInputError(
            _("This seller does not sell to this organization."),
            code="order_seller_invalid",
            details={"seller": seller.pk},
        )


def _amount(value: Decimal, *, name: str) -> Decimal:
    if not isinstance(value, Decimal | int) or isinstance(value, bool):
        raise OrderInputError(_("Amounts must be decimal numbers."), details={"field": name})
    value = Decimal(value)
    if not value.is_finite() or value < 0:
        raise OrderInputError(
            _("Amounts cannot be negative."), code="order_amount_invalid", details={"field": name}
        )
    return value


def _markup(value: Decimal | None, *, position: int) -> Decimal | None:
    if value is None:
        return None
    if (
        not isinstance(value, Decimal | int)
        or isinstance(value, bool)
        or not Decimal(value).is_finite()
        or not Decimal(-100) <= Decimal(value) < Decimal(10000)
    ):
        raise OrderInputError(
            _("A markup must be between -100 and 9999 percent."),
            code="order_markup_invalid",
            details={"line": position},
        )
    return Decimal(value)


def _line_rows(*, lines: Sequence[LineInput], currency: str) -> list[tuple[LineInput, dict]]:
    if not lines:
        raise OrderInputError(_("An order needs at least one line."), code="order_empty")
    rows = []
    for position, line in enumerate(lines):
        offer = line.offer
        if not offer.is_active:
            raise OrderInputError(
                _("%(offer)s is no longer sold.") % {"offer": offer.name},
                code="order_offer_inactive",
                details={"line": position},
            )
        quantity = line.quantity
        if (
            isinstance(quantity, bool)
            or not isinstance(quantity, int)
            or not (offer.min_quantity <= quantity <= offer.max_quantity)
        ):
            raise OrderInputError(
                _("Choose a quantity from %(min)s to %(max)s for %(offer)s.")
                % {"min": offer.min_quantity, "max": offer.max_quantity, "offer": offer.name},
                code="order_quantity_invalid",
                details={"line": position},
            )
        term = line.term or offer.term
        plans = list(offer.billing_plans or [])
        plan = line.billing_plan or (plans[0] if plans else "")
        if term != offer.term or plan not in plans:
            raise OrderInputError(
                _("%(offer)s is not sold with this term and billing plan.") % {"offer": offer.name},
                code="order_plan_invalid",
                details={"line": position},
            )
        unit = Money(_amount(line.unit_price, name="unit_price"), currency)
        rows.append(
            (
                line,
                {
                    "position": position,
                    "offer": offer,
                    "product_name": offer.product.name,
                    "offer_name": offer.name,
                    "sku": offer.sku,
                    "term": term,
                    "billing_plan": plan,
                    "quantity": quantity,
                    "unit_price": unit.amount,
                    "line_total": line_total(unit_price=unit, quantity=quantity).amount,
                    "target_tenant": (line.target_tenant or "").strip()[:255],
                    "partner_unit_price": (
                        None
                        if line.partner_unit_price is None
                        else _amount(line.partner_unit_price, name="partner_unit_price")
                    ),
                    "markup_percent": _markup(line.markup_percent, position=position),
                },
            )
        )
    return rows


def _create(
    *,
    status: str,
    organization: Organization,
    placed_by,
    seller: Organization,
    currency: str,
    lines: Sequence[LineInput],
    charges: Charges | None,
    payment_method: str,
    billing: BillingAddress | None,
    agreement_acceptance: AgreementAcceptance | None,
    idempotency_key: str,
    shipping_address: BillingAddress | None = None,
    shipping_method_name: str = "",
    then: str = "",
    checked: bool = False,
) -> Order:
    """Check everything, then write the order, its lines, its events and its e-mail in one
    block (a savepoint of its own: a twin with the same key that wins the race is the
    answer). ``then`` moves the new order on at once (placed → awaiting payment), with both
    events, as ``order_transition`` would. ``checked``: the caller already checked
    ``placed_by``'s role and answers a repeated ``idempotency_key`` itself; neither is looked
    up here and no savepoint is taken, so a used key fails the insert and the caller's
    transaction with it (``IntegrityError``)."""
    idempotency_key = (idempotency_key or "").strip()
    if len(idempotency_key) > 100:
        raise OrderInputError(_("The idempotency key is too long."), code="order_key_invalid")
    if idempotency_key and not checked:
        existing = Order.objects.filter(
            organization=organization, idempotency_key=idempotency_key
        ).first()
        if existing is not None:
            return existing
    if currency not in MINOR_UNITS:
        raise OrderInputError(_("Unknown currency."), code="order_currency_invalid")
    if payment_method and payment_method not in PaymentMethod.values:
        raise OrderInputError(_("Choose a payment method."), code="order_payment_method_invalid")
    if agreement_acceptance is not None and agreement_acceptance.organization_id != (
        organization.pk
    ):
        raise OrderInputError(
            _("The agreement was accepted for another organization."),
            code="order_agreement_invalid",
        )
    _check_parties(
        organization=organization, placed_by=placed_by, seller=seller, role_checked=checked
    )
    rows = _line_rows(lines=lines, currency=currency)
    charges = charges or Charges()
    totals = order_totals(
        line_totals=[Money(row["line_total"], currency) for _line, row in rows],
        currency=currency,
        **{
            name: Money(_amount(getattr(charges, name), name=name), currency)
            for name in ("discount", "extra_charge", "shipping", "tax")
        },
    )
    if totals.total.amount < 0:
        raise OrderInputError(
            _("The discount is larger than the order."), code="order_amount_invalid"
        )
    billing = billing or BillingAddress.of(organization)
    shipping = shipping_address or BillingAddress()
    now = clock.now()
    steps = [("", status)]
    if then:
        ORDER_TRANSITIONS.check(OrderStatus(status), OrderStatus(then))
        steps.append((status, then))

    def write() -> Order:
        order = Order.objects.create(
            organization=organization,
            placed_by=placed_by,
            seller=seller,
            number=order_number_next(day=now.date()),
            status=then or status,
            currency=currency,
            payment_method=payment_method,
            billing_name=billing.name[:250],
            billing_address_line1=billing.address_line1[:200],
            billing_address_line2=billing.address_line2[:200],
            billing_postal_code=billing.postal_code[:20],
            billing_city=billing.city[:100],
            billing_country=billing.country[:2],
            billing_tax_number=billing.tax_number[:50],
            billing_contact_name=billing.contact_name[:150],
            billing_email=billing.email[:254],
            billing_phone=billing.phone[:32],
            shipping_name=shipping.name[:250],
            shipping_contact_name=shipping.contact_name[:150],
            shipping_email=shipping.email[:254],
            shipping_phone=shipping.phone[:32],
            shipping_address_line1=shipping.address_line1[:200],
            shipping_address_line2=shipping.address_line2[:200],
            shipping_postal_code=shipping.postal_code[:20],
            shipping_city=shipping.city[:100],
            shipping_country=shipping.country[:2],
            shipping_method_name=(shipping_method_name or "").strip()[:120],
            agreement_acceptance=agreement_acceptance,
            idempotency_key=idempotency_key,
            created_at=now,
            placed_at=now if status == OrderStatus.PLACED else None,
            **totals.amounts(),
        )
        OrderLine.objects.bulk_create(
            [OrderLine(order=order, organization=organization, **row) for _l, row in rows]
        )
        OrderEvent.objects.bulk_create(
            OrderEvent(
                order=order,
                organization_id=organization.pk,
                from_status=before,
                to_status=after,
                actor=placed_by,
                at=now,
            )
            for before, after in steps
        )
        for before, after in steps:
            _announce(
                order=order,
                from_status=before,
                to_status=after,
                actor=placed_by,
                new_order=True,
            )
        return order

    if checked:
        return write()
    try:
        with transaction.atomic():
            return write()
    except IntegrityError:
        if not idempotency_key:
            raise
        # The same key raced us and won: its order is the answer.
        return Order.objects.get(organization=organization, idempotency_key=idempotency_key)


def order_create_draft(
    *,
    organization: Organization,
    placed_by,
    seller: Organization,
    currency: str,
    lines: Sequence[LineInput],
    charges: Charges | None = None,
    payment_method: str = "",
    billing: BillingAddress | None = None,
    agreement_acceptance: AgreementAcceptance | None = None,
    idempotency_key: str = "",
) -> Order:
    """An order saved for later (*Save for later*): numbered, not placed, changes nothing."""
    return _create(
        status=OrderStatus.DRAFT,
        organization=organization,
        placed_by=placed_by,
        seller=seller,
        currency=currency,
        lines=lines,
        charges=charges,
        payment_method=payment_method,
        billing=billing,
        agreement_acceptance=agreement_acceptance,
        idempotency_key=idempotency_key,
    )


def order_place(
    *,
    organization: Organization,
    placed_by,
    seller: Organization,
    currency: str,
    lines: Sequence[LineInput],
    payment_method: str,
    idempotency_key: str,
    charges: Charges | None = None,
    billing: BillingAddress | None = None,
    agreement_acceptance: AgreementAcceptance | None = None,
    shipping_address: BillingAddress | None = None,
    shipping_method_name: str = "",
    await_payment: bool = False,
    checked: bool = False,
) -> Order:
    """Place an order. A repeated call with the same ``idempotency_key`` (a double-clicked
    *Confirm*, a repeated API POST) returns the first order and creates nothing. Goods that
    ship go to ``shipping_address`` by ``shipping_method_name``; its price is
    ``charges.shipping``. ``await_payment``: the order goes on to *awaiting payment* at once
    (checkout creates its payment in the same transaction). ``checked``: see ``_create``
    (the checkout checks the role and answers a used key)."""
    if not (idempotency_key or "").strip():
        raise OrderInputError(_("An idempotency key is required."), code="order_key_invalid")
    if payment_method not in PaymentMethod.values:
        raise OrderInputError(_("Choose a payment method."), code="order_payment_method_invalid")
    return _create(
        status=OrderStatus.PLACED,
        organization=organization,
        placed_by=placed_by,
        seller=seller,
        currency=currency,
        lines=lines,
        charges=charges,
        payment_method=payment_method,
        billing=billing,
        agreement_acceptance=agreement_acceptance,
        idempotency_key=idempotency_key,
        shipping_address=shipping_address,
        shipping_method_name=shipping_method_name,
        then=OrderStatus.AWAITING_PAYMENT if await_payment else "",
        checked=checked,
    )


# --- lifecycle ------------------------------------------------------------------------------


def _event(*, order: Order, from_status: str, to_status: str, actor, message: str) -> OrderEvent:
    return OrderEvent.objects.create(
        order=order,
        organization_id=order.organization_id,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        message=(message or "")[:500],
        at=clock.now(),
    )


def _announce(
    *, order: Order, from_status: str, actor, to_status: str = "", new_order: bool = False
) -> None:
    """Publish the status change after commit, and queue its e-mail (``to_status``: the
    order's status when not given; ``new_order``: the order was created in this transaction,
    so no e-mail of it can exist yet)."""
    to_status = to_status or order.status
    publish_after_commit(
        STATUS_CHANGED,
        organization_id=order.organization_id,
        order_id=order.pk,
        number=order.number,
        from_status=from_status,
        to_status=to_status,
        payment_method=order.payment_method,
        actor_id=getattr(actor, "pk", None),
    )
    event = NOTIFIED.get(to_status)
    user = order.placed_by
    if event is None or user is None or not user.email:
        return
    notification_send(
        event=event,
        to_email=user.email,
        context={
            "name": user.get_short_name() if hasattr(user, "get_short_name") else "",
            "number": order.number,
            "total": str(order.money("total")),
        },
        language=translation.get_language() or "en",
        organization_id=order.organization_id,
        idempotency_key=f"order-{order.pk}-{to_status}",
        key_is_new=new_order,
    )


def _locked(order: Order) -> Order:
    try:
        return (
            Order.objects.select_for_update(of=("self",))
            .select_related("placed_by")
            .get(pk=order.pk)
        )
    except Order.DoesNotExist:
        raise OrderNotFound(_("Order not found.")) from None


def _move(*, order: Order, to: str, actor, message: str) -> Order:
    """Change the locked ``order`` to ``to``: check, save, log, announce."""
    current = order.status
    ORDER_TRANSITIONS.check(OrderStatus(current), OrderStatus(to))
    order.status = to
    fields = ["status"]
    now = clock.now()
    if to == OrderStatus.PLACED and order.placed_at is None:
        order.placed_at = now
        fields.append("placed_at")
    if to == OrderStatus.PAID and order.paid_at is None:
        order.paid_at = now
        fields.append("paid_at")
    order.save(update_fields=fields)
    _event(order=order, from_status=current, to_status=to, actor=actor, message=message)
    _announce(order=order, from_status=current, actor=actor)
    return order


@transaction.atomic
def order_transition(*, order: Order, to: str, actor=None, message: str = "") -> Order:
    """Move ``order`` to ``to`` if the lifecycle allows it (else ``InvalidTransitionError``,
    nothing changed)."""
    if to not in OrderStatus.values:
        raise OrderInputError(_("Unknown order status."), details={"to": str(to)})
    locked = _locked(order)
    try:
        return _move(order=locked, to=to, actor=actor, message=message)
    except InvalidTransitionError as exc:
        raise InvalidTransitionError(
            _("An order that is %(current)s cannot become %(target)s.")
            % {
                "current": OrderStatus(locked.status).label,
                "target": OrderStatus(to).label,
            },
            details=exc.details,
        ) from None


def _lines_after_payment(*, order: Order) -> tuple[int, bool]:
    """Ask for the vendor work of each pending line; store goods complete at once or await
    shipment. Returns how many lines wait for a vendor and whether any awaits shipment."""
    waiting, shipping = 0, False
    now = clock.now()
    for line in order.lines.select_related("offer__product__vendor").order_by("pk"):
        if line.status != LineStatus.PENDING:
            continue
        offer = line.offer
        if offer.product.vendor.kind in PROVISIONED_KINDS:
            request, created = ProvisioningRequest.objects.get_or_create(
                idempotency_key=f"order-line-{line.pk}",
                defaults={
                    "organization_id": order.organization_id,
                    "line": line,
                    "status": ProvisioningStatus.QUEUED,
                    "created_at": now,
                },
            )
            if created:
                from seatwise.orders.tasks import provision_task  # tasks call services

                enqueue_after_commit(provision_task, request.pk)
            target = LineStatus.PROVISIONING
            waiting += 1
        elif offer.is_shippable:
            target = LineStatus.AWAITING_SHIPMENT
            shipping = True
        else:
            target = LineStatus.PROVISIONED
        LINE_TRANSITIONS.check(LineStatus(line.status), target)
        line.status = target
        line.save(update_fields=["status"])
    return waiting, shipping


@transaction.atomic
def order_mark_paid(
    *,
    order: Order | None = None,
    number: str = "",
    organization: Organization | None = None,
    actor=None,
    message: str = "",
) -> Order:
    """Record that ``order`` (or the order ``number``, of ``organization`` when given) is
    paid, and start its fulfilment: one provisioning request per vendor line (the order
    moves on to *provisioning*); store goods complete at once, or await shipment. Paying an
    order that is already paid changes nothing."""
    if order is None:
        found = Order.objects.filter(number=number)
        if organization is not None:
            found = found.filter(organization=organization)
        order = found.first()
        if order is None:
            raise OrderNotFound(_("Order not found."), details={"number": number})
    locked = _locked(order)
    if locked.paid_at is not None:
        return locked  # a repeated payment notice
    if locked.status not in PAYABLE:
        raise OrderNotPayable(
            _("An order that is %(current)s cannot be paid.")
            % {"current": OrderStatus(locked.status).label},
            details={"status": locked.status},
        )
    _move(order=locked, to=OrderStatus.PAID, actor=actor, message=message)
    waiting, shipping = _lines_after_payment(order=locked)
    if waiting:
        _move(order=locked, to=OrderStatus.PROVISIONING, actor=None, message="")
    elif not shipping:
        _move(order=locked, to=OrderStatus.COMPLETED, actor=None, message="")
    return locked


@transaction.atomic
def order_cancel(*, order: Order, actor=None, message: str = "") -> Order:
    """Cancel a draft or an order not paid yet. Its payments still open (a LiqPay form not
    paid, an invoice not recorded) are cancelled with it, and its coupon use is given back."""
    locked = _locked(order)
    if locked.status not in (OrderStatus.DRAFT, *PAYABLE):
        raise InvalidTransitionError(
            _("Only an order that is not paid yet can be cancelled."),
            details={"from": locked.status, "to": OrderStatus.CANCELLED},
        )
    # A coupon used by the order counts again for its customer and its limits.
    coupon_release(customer=locked.organization, order_reference=locked.number)
    open_payments = payment_list(organization=locked.organization, reference=locked.number).filter(
        status__in=(PaymentStatus.PENDING, PaymentStatus.FAILED)
    )
    for payment in open_payments:
        payment_cancel(payment=payment, actor=actor, note=f"order {locked.number} cancelled")
    return _move(order=locked, to=OrderStatus.CANCELLED, actor=actor, message=message)
