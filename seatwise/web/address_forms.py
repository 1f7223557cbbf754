"""The address form of the checkout's billing and shipping steps and of *My account →
Addresses*: the fields of an address (``tenancy.addresses``) with their labels, values and
errors, and, at checkout, the select of the address book above them."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django_countries import countries

from seatwise.cart.checkout import AddressChoice
from seatwise.tenancy.addresses import ADDRESS_FIELDS

NEW = "new"  # the choice of a new address, typed in
SAME = "billing"  # the shipping step's choice of the billing address


@dataclass(frozen=True)
class AddressField:
    name: str
    label: str
    value: str
    error: str
    maxlength: int
    required: bool
    width: str  # the Bootstrap column


@dataclass
class AddressForm:
    """The address select (the book's choices and *New address*) and the fields below it:
    editable for a new address, shown read-only for a saved one."""

    prefix: str
    values: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)
    with_tax_number: bool = True
    url: str = ""  # where the select asks for the fields of another choice (HTMX)
    label: str = ""
    choices: list[tuple[str, str]] = field(default_factory=list)
    selected: str = NEW

    @property
    def editable(self) -> bool:
        return self.selected == NEW

    @property
    def fields(self) -> list[AddressField]:
        layout = [
            (
                "name",
                _("Company name") if self.with_tax_number else _("Recipient"),
                250,
                True,
                "col-12",
            ),
            ("contact_name", _("Contact person"), 150, False, "col-md-6"),
            ("email", _("E-mail"), 254, False, "col-md-6"),
            ("phone", _("Phone"), 32, False, "col-md-6"),
            ("address_line1", _("Street address"), 200, True, "col-12"),
            ("address_line2", _("Street address 2"), 200, False, "col-12"),
            ("postal_code", _("Zip / postal code"), 20, True, "col-md-4"),
            ("city", _("City"), 100, True, "col-md-8"),
            ("country", _("Country"), 2, True, "col-md-6"),
        ]
        if self.with_tax_number:
            layout.append(("tax_number", _("Registration / tax number"), 50, False, "col-md-6"))
        return [
            AddressField(
                name=name,
                label=label,
                value=self.values.get(name, ""),
                error=self.errors.get(name, ""),
                maxlength=limit,
                required=required,
                width=width,
            )
            for name, label, limit, required, width in layout
        ]

    @property
    def countries(self) -> list[tuple[str, str]]:
        return list(countries)


def choice_label(choice: AddressChoice) -> str:
    """``Olha Sikur, Polyova Str. 21, Kyiv 03056, Ukraine`` (the profile's says so)."""
    address = choice.address
    place = " ".join(part for part in (address.city, address.postal_code) if part)
    country = countries.name(address.country) if address.country else ""
    text = ", ".join(
        part
        for part in (
            address.name,
            address.contact_name,
            address.address_line1,
            address.address_line2,
            place,
            country or address.country,
        )
        if part
    )
    if choice.is_profile:
        return _("%(address)s (company profile)") % {"address": text}
    return text


def blank(organization) -> dict[str, str]:
    return {**dict.fromkeys(ADDRESS_FIELDS, ""), "country": str(organization.country or "")}
