"""The invoice document of an order paid by invoice: issued once, e-mailed, downloadable.

When an order paid by invoice reaches *awaiting payment* (checkout places it and moves it
there at once), ``orders.order_status_changed`` (published after commit by ``services``,
naming the payment method) reaches ``on_order_status_changed``, which queues
``orders.invoice_issue`` (a Celery task: the order's id in, ``order_invoice_issue`` out).
``order_invoice_issue`` locks the order, and, unless it already has one, numbers the invoice
(``INV-2026-000123``, one race-safe sequence per year), takes a snapshot of the seller, the
buyer's billing address and the lines, renders the PDF (``invoice_pdf``), stores it with its
SHA-256, and queues the ``orders.invoice_issued`` e-mail with the PDF attached to the
placing user and the buying organization's billing contacts (its owners when it has none).
Running it again, or a repeated event, issues nothing new and sends nothing again.
``order_invoice_issue_missing`` (periodic) catches orders whose task was lost.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_countries import countries

from seatwise.catalog.enums import BillingPlan, Term
from seatwise.core import clock, events
from seatwise.notifications.registry import NotificationEvent, event_register
from seatwise.notifications.services import Attachment, notification_send
from seatwise.orders.enums import OrderStatus, PaymentMethod
from seatwise.orders.exceptions import OrderNotFound
from seatwise.orders.invoice_pdf import (
    InvoiceDocument,
    InvoiceLine,
    Party,
    invoice_pdf_render,
    money_text,
)
from seatwise.orders.models import InvoiceNumberCounter, Order, OrderInvoice
from seatwise.tenancy.enums import Role
from seatwise.tenancy.models import Membership, Organization
from seatwise.tenancy.selectors import payment_settings_own, require_role

logger = logging.getLogger(__name__)

STATUS_CHANGED = "orders.order_status_changed"
INVOICE_ISSUED = "orders.invoice_issued"
PDF = "application/pdf"

# An invoice is issued for an order paid by invoice once it is placed; not for a draft, and
# not for one that was cancelled or failed before the task ran.
INVOICED_STATUSES = frozenset(
    {
        OrderStatus.PLACED,
        OrderStatus.AWAITING_PAYMENT,
        OrderStatus.PAID,
        OrderStatus.PROVISIONING,
        OrderStatus.COMPLETED,
        OrderStatus.PARTIALLY_FAILED,
    }
)
MISSING_SWEEP_AFTER = dt.timedelta(minutes=10)

EVENT = NotificationEvent(
    INVOICE_ISSUED,
    ("name", "number", "order_number", "total", "due_date"),
    (),
    "The invoice of an order paid by invoice, with the PDF attached.",
)


# --- numbers --------------------------------------------------------------------------------


def invoice_number_format(*, year: int, sequence: int) -> str:
    return f"INV-{year:04d}-{sequence:06d}"


def invoice_number_next(*, year: int | None = None) -> str:
    """The next invoice number of ``year`` (this year by default). Must run inside the
    transaction that saves the invoice: the year's counter row stays locked until it commits,
    so two invoices never share a number and a rolled-back one gives its number back."""
    year = year or clock.today().year
    with transaction.atomic():
        bumped = InvoiceNumberCounter.objects.filter(year=year).update(last=F("last") + 1)
        if not bumped:
            try:
                with transaction.atomic():
                    InvoiceNumberCounter.objects.create(year=year, last=1)
            except IntegrityError:  # another transaction created the year's row first
                InvoiceNumberCounter.objects.filter(year=year).update(last=F("last") + 1)
        sequence = InvoiceNumberCounter.objects.values_list("last", flat=True).get(year=year)
    return invoice_number_format(year=year, sequence=sequence)


# --- the snapshot ---------------------------------------------------------------------------


def _country(code: str) -> str:
    return str(countries.name(code)) if code else ""


def _party_of_organization(organization: Organization) -> Party:
    city = " ".join(part for part in (organization.postal_code, organization.city) if part)
    lines = (
        organization.address_line1,
        organization.address_line2,
        city,
        _country(str(organization.country or "")),
    )
    return Party(
        name=organization.legal_name or organization.name,
        address_lines=tuple(line for line in lines if line),
        tax_number=organization.tax_number,
    )


def _party_of_order_buyer(order: Order) -> Party:
    if not order.billing_name:
        return _party_of_organization(order.organization)
    city = " ".join(part for part in (order.billing_postal_code, order.billing_city) if part)
    lines = (
        order.billing_address_line1,
        order.billing_address_line2,
        city,
        _country(order.billing_country),
    )
    return Party(
        name=order.billing_name,
        address_lines=tuple(line for line in lines if line),
        tax_number=order.billing_tax_number,
    )


def _party_shipped_to(order: Order) -> Party | None:
    """Where the order's goods ship (None when nothing ships)."""
    if not order.shipping_name and not order.shipping_address_line1:
        return None
    city = " ".join(part for part in (order.shipping_postal_code, order.shipping_city) if part)
    contact = ", ".join(
        part for part in (order.shipping_contact_name, order.shipping_phone) if part
    )
    lines = (
        order.shipping_address_line1,
        order.shipping_address_line2,
        city,
        _country(order.shipping_country),
        contact,
    )
    return Party(
        name=order.shipping_name or order.billing_name,
        address_lines=tuple(line for line in lines if line),
    )


def _label(choices, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def bank_details_for(*, seller: Organization) -> str:
    """What the invoices of ``seller`` print as bank details: its own (*Settings → Payment
    methods*), else the installation's ``INVOICE_BANK_DETAILS``."""
    own = payment_settings_own(organization=seller).bank_details
    return own or settings.SEATWISE_INVOICE_BANK_DETAILS


def invoice_document_build(*, order: Order, number: str, issued_at: dt.datetime) -> InvoiceDocument:
    """The snapshot printed on the invoice of ``order``."""
    issued_on = timezone.localdate(issued_at)
    return InvoiceDocument(
        number=number,
        issued_on=issued_on,
        due_on=issued_on + dt.timedelta(days=settings.SEATWISE_INVOICE_DUE_DAYS),
        order_number=order.number,
        currency=order.currency,
        seller=_party_of_organization(order.seller),
        buyer=_party_of_order_buyer(order),
        lines=tuple(
            InvoiceLine(
                product=line.product_name,
                offer=line.offer_name,
                sku=line.sku,
                term=_label(Term, line.term),
                billing_plan=_label(BillingPlan, line.billing_plan),
                quantity=line.quantity,
                unit_price=line.unit_price,
                total=line.line_total,
            )
            for line in order.lines.order_by("position", "pk")
        ),
        subtotal=order.subtotal,
        discount=order.discount,
        extra_charge=order.extra_charge,
        shipping=order.shipping,
        tax=order.tax,
        total=order.total,
        bank_details=bank_details_for(seller=order.seller),
        created_at=issued_at,
        ship_to=_party_shipped_to(order),
        shipping_method=order.shipping_method_name,
    )


# --- issuing --------------------------------------------------------------------------------


def invoice_recipients(*, order: Order) -> list[tuple[str, str]]:
    """``(e-mail, name)`` of who receives the invoice: the user who placed the order and
    the buying organization's billing contacts, or its owners when it has none."""
    members = list(
        Membership.objects.filter(
            organization_id=order.organization_id, role__in=(Role.BILLING, Role.OWNER)
        )
        .select_related("user")
        .order_by("pk")
    )
    billing = [m.user for m in members if m.role == Role.BILLING]
    contacts = billing or [m.user for m in members if m.role == Role.OWNER]
    people = ([order.placed_by] if order.placed_by is not None else []) + contacts
    found: dict[str, str] = {}
    for user in people:
        email = (getattr(user, "email", "") or "").strip()
        if email and email.lower() not in {known.lower() for known in found}:
            found[email] = user.get_short_name() if hasattr(user, "get_short_name") else ""
    return list(found.items())


def _needs_invoice(order: Order) -> bool:
    return (
        order.payment_method == PaymentMethod.INVOICE
        and order.status in INVOICED_STATUSES
        and order.total > 0
    )


@transaction.atomic
def order_invoice_issue(*, order_id: int, language: str = "") -> OrderInvoice | None:
    """Issue the invoice of order ``order_id`` (paid by invoice, placed, not free) and queue
    its e-mail; the existing invoice when it has one (nothing is sent again); None when the
    order needs no invoice. Safe to run twice and from two workers at once."""
    order = (
        Order.objects.select_for_update(of=("self",))
        .select_related("seller", "organization", "placed_by")
        .filter(pk=order_id)
        .first()
    )
    if order is None:
        raise OrderNotFound(_("Order not found."), details={"order_id": order_id})
    existing = OrderInvoice.objects.filter(order=order).first()
    if existing is not None:
        return existing
    if not _needs_invoice(order):
        return None
    language = language or settings.LANGUAGE_CODE
    issued_at = clock.now()
    number = invoice_number_next(year=issued_at.year)
    with translation.override(language):
        document = invoice_document_build(order=order, number=number, issued_at=issued_at)
        pdf = invoice_pdf_render(document)
    invoice = OrderInvoice.objects.create(
        organization_id=order.organization_id,
        order=order,
        number=number,
        issued_at=issued_at,
        due_date=document.due_on,
        seller_details=document.seller.as_dict(),
        buyer_details=document.buyer.as_dict(),
        total=order.total,
        currency=order.currency,
        pdf=pdf,
        sha256=hashlib.sha256(pdf).hexdigest(),
    )
    with translation.override(language):
        total = money_text(order.total, order.currency)
    attachment = Attachment(filename=invoice.filename, content=pdf, content_type=PDF)
    for email, name in invoice_recipients(order=order):
        digest = hashlib.sha256(email.lower().encode()).hexdigest()[:16]
        notification_send(
            event=INVOICE_ISSUED,
            to_email=email,
            context={
                "name": name,
                "number": invoice.number,
                "order_number": order.number,
                "total": total,
                "due_date": document.due_on.strftime("%d.%m.%Y"),
            },
            language=language,
            organization_id=order.organization_id,
            idempotency_key=f"order-invoice-{order.pk}-{digest}",
            attachments=[attachment],
        )
    logger.info("Invoice %s issued for order %s", invoice.number, order.number)
    return invoice


def order_invoice_issue_missing(*, older_than: dt.timedelta = MISSING_SWEEP_AFTER) -> int:
    """Issue the invoices whose task was lost: orders paid by invoice, placed more than
    ``older_than`` ago, still without one. Returns how many were issued."""
    cutoff = clock.now() - older_than
    ids = list(
        Order.objects.filter(
            payment_method=PaymentMethod.INVOICE,
            status__in=INVOICED_STATUSES,
            total__gt=0,
            placed_at__lt=cutoff,
            invoice__isnull=True,
        ).values_list("pk", flat=True)
    )
    issued = 0
    for order_id in ids:
        if order_invoice_issue(order_id=order_id) is not None:
            issued += 1
    return issued


# --- reads ----------------------------------------------------------------------------------


def order_invoice_get(*, user, organization: Organization, number: str) -> OrderInvoice:
    """The invoice of ``organization``'s order ``number``; 404-shaped ``OrderNotFound`` for
    another organization's order, an unknown one, or an order without an invoice."""
    require_role(user=user, organization=organization)
    found = OrderInvoice.objects.filter(
        organization=organization, order__organization=organization, order__number=str(number)
    ).first()
    if found is None:
        raise OrderNotFound(_("This order has no invoice."), details={"number": str(number)})
    return found


def order_invoice_exists(*, order: Order) -> bool:
    return OrderInvoice.objects.filter(order=order).exists()


# --- wiring ---------------------------------------------------------------------------------


def on_order_status_changed(event: events.Event) -> None:
    """An order paid by invoice reached *awaiting payment*: queue its invoice. No query here
    (the event names the payment method); the task is idempotent and checks the order. A
    broker that refuses the task is logged; the periodic sweep issues it later."""
    from seatwise.orders.tasks import invoice_issue_task  # tasks import this module

    payload = event.payload
    if payload.get("to_status") != OrderStatus.AWAITING_PAYMENT:
        return
    if payload.get("payment_method") != PaymentMethod.INVOICE:
        return
    order_id = payload.get("order_id")
    try:
        invoice_issue_task.delay(order_id, translation.get_language() or "")
    except Exception:  # the order is committed; the sweep catches up
        logger.exception("Could not queue the invoice of order %s", order_id)


def register() -> None:
    event_register(EVENT)
    events.subscribe(STATUS_CHANGED, on_order_status_changed)
