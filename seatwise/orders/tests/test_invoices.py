"""The invoice of an order paid by invoice: the PDF, its number, one per order however often
the event comes, the e-mail with the PDF attached, and the periodic sweep."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from decimal import Decimal

import pypdf
import pytest
import time_machine
from django.core import mail

from seatwise.core import events
from seatwise.notifications.models import Delivery, DeliveryAttachment
from seatwise.orders.enums import OrderStatus, PaymentMethod
from seatwise.orders.invoice_pdf import (
    InvoiceDocument,
    InvoiceLine,
    Party,
    invoice_pdf_render,
    money_text,
)
from seatwise.orders.invoices import (
    STATUS_CHANGED,
    invoice_number_next,
    invoice_recipients,
    order_invoice_issue,
    order_invoice_issue_missing,
)
from seatwise.orders.models import OrderInvoice
from seatwise.orders.services import BillingAddress
from seatwise.orders.tests.factories import line, make_order, make_parties
from seatwise.tenancy.enums import Role
from seatwise.tenancy.models import PaymentSettings
from seatwise.tenancy.tests.factories import make_member

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
BUYER = BillingAddress(
    name="ТОВ «Полісся Енерго»",
    address_line1="вул. Шевченка, 5",
    postal_code="10001",
    city="Житомир",
    country="UA",
    tax_number="87654321",
)


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def _document(**extra) -> InvoiceDocument:
    values: dict = dict(  # noqa: C408 - the document's fields by name
        number="INV-2026-000007",
        issued_on=dt.date(2026, 11, 25),
        due_on=dt.date(2026, 12, 9),
        order_number="25-11-2026 00042",
        currency="UAH",
        seller=Party("Seatwise Distribution", ("1 Khreshchatyk St", "01001 Kyiv"), "12345678"),
        buyer=Party(BUYER.name, ("вул. Шевченка, 5", "10001 Житомир"), "87654321"),
        lines=(
            InvoiceLine(
                "Microsoft 365 Business Basic",
                "Business Basic (annual)",
                "CFQ7TTC0LH18:0001",
                "1 year",
                "Monthly",
                10,
                Decimal("240.5"),
                Decimal("2405"),
            ),
        ),
        subtotal=Decimal("2405"),
        discount=Decimal("5"),
        extra_charge=Decimal(0),
        shipping=Decimal(0),
        tax=Decimal("480"),
        total=Decimal("2880"),
        bank_details=(
            "Beneficiary: Seatwise Distribution LLC\nIBAN: UA21 3223 1300 0002 6007 2335 6600 1"
        ),
        created_at=NOW,
    )
    values.update(extra)
    return InvoiceDocument(**values)


# --- the document ---------------------------------------------------------------------------


def test_the_pdf_prints_the_invoice_the_cyrillic_buyer_and_the_hryvnia():
    pdf = invoice_pdf_render(_document())
    assert pdf.startswith(b"%PDF-")
    text = _text(pdf)
    for expected in (
        "Invoice INV-2026-000007",
        "25.11.2026",
        "09.12.2026",
        "25-11-2026 00042",
        "Seatwise Distribution",
        "ТОВ «Полісся Енерго»",
        "вул. Шевченка, 5",
        "CFQ7TTC0LH18:0001",
        "240.50 ₴",
        "2,405.00 ₴",
        "-5.00 ₴",
        "480.00 ₴",
        "2,880.00 ₴",
        "Pay by bank transfer quoting INV-2026-000007.",
        "IBAN: UA21 3223 1300 0002 6007 2335 6600 1",
    ):
        assert expected in text, expected


def test_goods_that_ship_print_where_to_and_how_and_licences_print_no_ship_to():
    shipped = _document(
        ship_to=Party("Склад «Полісся»", ("вул. Складська, 1", "10001 Житомир", "Ukraine")),
        shipping_method="Courier (Nova Poshta)",
    )
    text = _text(invoice_pdf_render(shipped))
    for expected in (
        "Ship to",
        "Склад «Полісся»",
        "вул. Складська, 1",
        "Shipping method: Courier (Nova Poshta)",
    ):
        assert expected in text, expected
    assert "Ship to" not in _text(invoice_pdf_render(_document()))


def test_the_same_snapshot_gives_the_same_bytes():
    assert invoice_pdf_render(_document()) == invoice_pdf_render(_document())


def test_uncompressed_pages_are_readable_too():
    pdf = invoice_pdf_render(_document(), compress=False)
    assert pdf.startswith(b"%PDF-") and b"/FlateDecode" not in pdf.split(b"/FontFile2")[0]
    assert "ТОВ «Полісся Енерго»" in _text(pdf)


def test_money_is_rounded_and_signed_by_currency():
    assert money_text(Decimal("1234.565"), "UAH") == "1,234.57 ₴"
    assert money_text(Decimal("6"), "USD") == "6.00 $"
    assert money_text(Decimal("0.5"), "EUR") == "0.50 €"


def test_invoice_numbers_run_per_year():
    assert invoice_number_next(year=2026) == "INV-2026-000001"
    assert invoice_number_next(year=2026) == "INV-2026-000002"
    assert invoice_number_next(year=2027) == "INV-2027-000001"


# --- issuing on placement -------------------------------------------------------------------


@pytest.fixture
def parties():
    parties = make_parties()
    customer = parties["customer"]
    customer.is_contract_customer = True
    customer.save(update_fields=["is_contract_customer"])
    return parties


def _invoice_order(parties, capture, **extra):
    with time_machine.travel(NOW, tick=False), capture(execute=True):
        return make_order(
            parties["customer"],
            status=OrderStatus.AWAITING_PAYMENT,
            payment_method=PaymentMethod.INVOICE,
            lines=[line(quantity=3, unit_price="40.00")],
            currency="UAH",
            billing=BUYER,
            **extra,
        )


def test_placing_an_invoice_order_issues_the_invoice_and_emails_the_pdf(
    parties, django_capture_on_commit_callbacks, settings
):
    settings.SEATWISE_INVOICE_DUE_DAYS = 14
    PaymentSettings.objects.create(
        organization=parties["reseller"], bank_details="IBAN: UA00 0000", updated_at=NOW
    )
    buyer = make_member(parties["customer"], Role.BILLING)
    order = _invoice_order(parties, django_capture_on_commit_callbacks, placed_by=buyer)

    invoice = OrderInvoice.objects.get()
    assert invoice.order == order
    assert invoice.organization_id == order.organization_id
    assert invoice.number == "INV-2026-000001"
    assert invoice.issued_at == NOW
    assert invoice.due_date == dt.date(2026, 12, 9)
    assert (invoice.total, invoice.currency) == (Decimal("120.0000"), "UAH")
    assert invoice.buyer_details["name"] == "ТОВ «Полісся Енерго»"
    assert invoice.seller_details["name"] == parties["reseller"].legal_name
    pdf = bytes(invoice.pdf)
    assert invoice.sha256 == hashlib.sha256(pdf).hexdigest()
    text = _text(pdf)
    assert "INV-2026-000001" in text and "ТОВ «Полісся Енерго»" in text
    assert order.number in text and "IBAN: UA00 0000" in text

    (message,) = [
        m for m in mail.outbox if m.extra_headers["X-Seatwise-Event"] == "orders.invoice_issued"
    ]
    assert message.to == [buyer.email]
    assert message.subject == f"Invoice INV-2026-000001 for your Seatwise order {order.number}"
    assert "Pay by bank transfer quoting INV-2026-000001." in message.body
    assert message.attachments == [("INV-2026-000001.pdf", pdf, "application/pdf")]


def test_the_invoice_is_issued_once_however_often_the_event_comes(
    parties, django_capture_on_commit_callbacks
):
    order = _invoice_order(parties, django_capture_on_commit_callbacks)
    invoice = OrderInvoice.objects.get()
    sent = len(mail.outbox)
    for status in (OrderStatus.PLACED, OrderStatus.AWAITING_PAYMENT):
        with django_capture_on_commit_callbacks(execute=True):
            events.publish_after_commit(
                STATUS_CHANGED,
                organization_id=order.organization_id,
                order_id=order.pk,
                number=order.number,
                from_status="",
                to_status=status,
                actor_id=None,
            )
    with django_capture_on_commit_callbacks(execute=True):
        again = order_invoice_issue(order_id=order.pk)
    assert again == invoice
    assert OrderInvoice.objects.count() == 1
    assert len(mail.outbox) == sent
    assert Delivery.objects.filter(event="orders.invoice_issued").count() == 1
    assert DeliveryAttachment.objects.count() == 1


def test_the_billing_contacts_get_the_invoice_else_the_owners(parties):
    customer = parties["customer"]
    owner = make_member(customer, Role.OWNER)
    technical = make_member(customer, Role.TECHNICAL)
    order = make_order(customer, placed_by=technical, payment_method=PaymentMethod.INVOICE)
    assert [email for email, _name in invoice_recipients(order=order)] == [
        technical.email,
        owner.email,
    ]
    billing = make_member(customer, Role.BILLING)
    assert [email for email, _name in invoice_recipients(order=order)] == [
        technical.email,
        billing.email,
    ]


def test_a_card_order_gets_no_invoice(parties, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        order = make_order(parties["customer"], status=OrderStatus.AWAITING_PAYMENT)
    assert order_invoice_issue(order_id=order.pk) is None
    assert not OrderInvoice.objects.exists()


def test_a_cancelled_or_draft_invoice_order_gets_no_invoice(parties):
    cancelled = make_order(
        parties["customer"], status=OrderStatus.CANCELLED, payment_method=PaymentMethod.INVOICE
    )
    draft = make_order(
        parties["customer"], status=OrderStatus.DRAFT, payment_method=PaymentMethod.INVOICE
    )
    assert order_invoice_issue(order_id=cancelled.pk) is None
    assert order_invoice_issue(order_id=draft.pk) is None
    assert not OrderInvoice.objects.exists()
    assert not mail.outbox


def test_the_sweep_issues_what_a_lost_task_left_behind(parties, django_capture_on_commit_callbacks):
    with time_machine.travel(NOW, tick=False):  # placed without its events: the task was lost
        order = make_order(
            parties["customer"],
            status=OrderStatus.AWAITING_PAYMENT,
            payment_method=PaymentMethod.INVOICE,
        )
    with time_machine.travel(NOW + dt.timedelta(minutes=5), tick=False):
        assert order_invoice_issue_missing() == 0  # too early: the task may still run
    with (
        time_machine.travel(NOW + dt.timedelta(minutes=30), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert order_invoice_issue_missing() == 1
        assert order_invoice_issue_missing() == 0
    assert OrderInvoice.objects.get().order == order
    assert [m.attachments[0][0] for m in mail.outbox] == ["INV-2026-000001.pdf"]


def test_the_invoice_of_goods_that_ship_names_the_shipping_address_and_method(
    parties, django_capture_on_commit_callbacks
):
    order = _invoice_order(
        parties,
        django_capture_on_commit_callbacks,
        shipping_address=BillingAddress(
            name="Warehouse 3", address_line1="1 Skladska St", postal_code="10001", city="Zhytomyr"
        ),
        shipping_method_name="Courier (Nova Poshta)",
    )
    text = _text(bytes(OrderInvoice.objects.get(order=order).pdf))
    assert "Ship to" in text and "Warehouse 3" in text and "1 Skladska St" in text
    assert "Shipping method: Courier (Nova Poshta)" in text
