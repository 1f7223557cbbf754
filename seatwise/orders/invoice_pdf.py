"""The invoice document of an order paid by invoice, rendered as PDF with fpdf2.

Pure: it reads no table. ``invoice_pdf_render`` takes an ``InvoiceDocument`` (the snapshot
``orders.invoices`` takes when it issues the invoice) and returns the PDF bytes. Text is set
in Roboto (the ``font-roboto`` package), which covers Latin, Cyrillic and the hryvnia sign,
so Ukrainian names print as written. Labels follow the active language (``gettext``).
The creation date inside the PDF is the issue time, so one snapshot gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path

import font_roboto
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from seatwise.core.money import Money

# fontTools (used by fpdf2 to subset the font) logs every step at INFO.
logging.getLogger("fontTools").setLevel(logging.WARNING)

FONT_FAMILY = "Roboto"
# The signs Roboto has a glyph for; any other currency prints by its code.
CURRENCY_SIGNS = {"UAH": "₴", "USD": "$", "EUR": "€", "GBP": "£", "PLN": "zł"}


@dataclass(frozen=True)
class Party:
    """Seller or buyer as printed on the invoice."""

    name: str
    address_lines: tuple[str, ...] = ()
    tax_number: str = ""

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "address_lines": list(self.address_lines),
            "tax_number": self.tax_number,
        }


@dataclass(frozen=True)
class InvoiceLine:
    product: str
    offer: str
    sku: str
    term: str
    billing_plan: str
    quantity: int
    unit_price: Decimal
    total: Decimal


@dataclass(frozen=True)
class InvoiceDocument:
    number: str
    issued_on: dt.date
    due_on: dt.date
    order_number: str
    currency: str
    seller: Party
    buyer: Party
    lines: tuple[InvoiceLine, ...]
    subtotal: Decimal
    discount: Decimal
    extra_charge: Decimal
    shipping: Decimal
    tax: Decimal
    total: Decimal
    bank_details: str = ""
    created_at: dt.datetime | None = field(default=None, compare=False)
    # Goods that ship: where to, and how (None: nothing ships).
    ship_to: Party | None = None
    shipping_method: str = ""


@cache
def font_files() -> tuple[Path, Path]:
    """Roboto regular and bold, from the ``font-roboto`` package."""
    folder = Path(font_roboto.__file__).parent / "files"
    return folder / "Roboto-Regular.ttf", folder / "Roboto-Bold.ttf"


def money_text(amount: Decimal, currency: str) -> str:
    """``1,234.50 ₴``: rounded to the currency's minor unit, grouped, with its sign."""
    rounded = Money(amount, currency).quantize()
    sign = CURRENCY_SIGNS.get(currency, currency)
    return f"{rounded.amount:,} {sign}"


def _date(value: dt.date) -> str:
    return value.strftime("%d.%m.%Y")


class _InvoicePDF(FPDF):
    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT_FAMILY, "", 8)
        self.set_text_color(110)
        self.cell(
            0,
            5,
            _("Page %(page)s of %(pages)s") % {"page": self.page_no(), "pages": "{nb}"},
            align="R",
        )


def invoice_pdf_render(document: InvoiceDocument, *, compress: bool = True) -> bytes:
    """The PDF of ``document``. ``compress=False`` leaves the page streams readable (tests)."""
    regular, bold = font_files()
    pdf = _InvoicePDF(format="A4")
    pdf.set_compression(compress)
    pdf.set_title(_("Invoice %(number)s") % {"number": document.number})
    pdf.set_author(document.seller.name)
    pdf.set_creator("Seatwise")
    if document.created_at is not None:
        pdf.set_creation_date(document.created_at)
    pdf.add_font(FONT_FAMILY, "", str(regular))
    pdf.add_font(FONT_FAMILY, "B", str(bold))
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()
    width = pdf.epw

    # Title and the invoice's numbers.
    pdf.set_font(FONT_FAMILY, "B", 18)
    pdf.cell(
        0,
        10,
        _("Invoice %(number)s") % {"number": document.number},
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.set_font(FONT_FAMILY, "", 10)
    for label, value in (
        (_("Invoice date"), _date(document.issued_on)),
        (_("Due date"), _date(document.due_on)),
        (_("Order"), document.order_number),
        (_("Currency"), document.currency),
    ):
        pdf.cell(35, 5.5, f"{label}:")
        pdf.cell(0, 5.5, value, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)

    # Seller and buyer side by side.
    column = (width - 6) / 2
    top = pdf.get_y()
    bottoms = []
    for index, (title, party) in enumerate(
        ((_("Seller"), document.seller), (_("Bill to"), document.buyer))
    ):
        x = pdf.l_margin + index * (column + 6)
        pdf.set_xy(x, top)
        pdf.set_font(FONT_FAMILY, "B", 10)
        pdf.cell(column, 6, title, new_x=XPos.LEFT, new_y=YPos.NEXT)
        pdf.set_font(FONT_FAMILY, "", 10)
        text = "\n".join(
            [
                party.name,
                *party.address_lines,
                *(
                    [_("Registration / tax number: %(number)s") % {"number": party.tax_number}]
                    if party.tax_number
                    else []
                ),
            ]
        )
        pdf.multi_cell(column, 5, text, align="L", new_x=XPos.LEFT, new_y=YPos.NEXT)
        bottoms.append(pdf.get_y())
    pdf.set_xy(pdf.l_margin, max(bottoms) + 6)
    if document.ship_to is not None:
        pdf.set_font(FONT_FAMILY, "B", 10)
        pdf.cell(0, 6, _("Ship to"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font(FONT_FAMILY, "", 10)
        lines = [document.ship_to.name, *document.ship_to.address_lines]
        if document.shipping_method:
            lines.append(_("Shipping method: %(method)s") % {"method": document.shipping_method})
        pdf.multi_cell(0, 5, "\n".join(lines), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(4)

    # The lines.
    pdf.set_font(FONT_FAMILY, "", 8.5)
    heading = FontFace(emphasis="BOLD", fill_color=(235, 238, 242))
    with pdf.table(
        col_widths=(50, 34, 14, 18, 9, 22, 24),
        text_align=("LEFT", "LEFT", "LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT"),
        headings_style=heading,
        line_height=4.6,
        padding=1.2,
    ) as table:
        table.row(
            (
                _("Product and offer"),
                _("SKU"),
                _("Term"),
                _("Billing plan"),
                _("Qty"),
                _("Unit price"),
                _("Total"),
            )
        )
        for line in document.lines:
            table.row(
                (
                    f"{line.product}\n{line.offer}" if line.offer != line.product else line.product,
                    line.sku,
                    line.term,
                    line.billing_plan,
                    str(line.quantity),
                    money_text(line.unit_price, document.currency),
                    money_text(line.total, document.currency),
                )
            )
    pdf.ln(3)

    # Totals, right-aligned.
    rows = [(_("Sub-total"), document.subtotal)]
    if document.discount:
        rows.append((_("Discount"), -document.discount))
    if document.extra_charge:
        rows.append((_("Extra charge"), document.extra_charge))
    if document.shipping:
        rows.append((_("Shipping"), document.shipping))
    rows.append((_("Tax"), document.tax))
    pdf.set_font(FONT_FAMILY, "", 10)
    for label, amount in rows:
        pdf.set_x(pdf.l_margin + width - 90)
        pdf.cell(50, 6, label)
        pdf.cell(
            40,
            6,
            money_text(amount, document.currency),
            align="R",
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
    pdf.set_font(FONT_FAMILY, "B", 11)
    pdf.set_x(pdf.l_margin + width - 90)
    pdf.cell(50, 7, _("Total due"), border="T")
    pdf.cell(
        40,
        7,
        money_text(document.total, document.currency),
        align="R",
        border="T",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.ln(6)

    # How to pay.
    pdf.set_font(FONT_FAMILY, "B", 10)
    pdf.cell(0, 6, _("Payment instructions"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT_FAMILY, "", 10)
    instructions = [
        _("Pay by bank transfer quoting %(number)s.") % {"number": document.number},
        _("Please pay %(total)s by %(date)s.")
        % {"total": money_text(document.total, document.currency), "date": _date(document.due_on)},
    ]
    if document.bank_details:
        instructions += ["", document.bank_details]
    else:
        instructions.append(_("Ask the seller for its bank details."))
    pdf.multi_cell(0, 5, "\n".join(instructions), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())
