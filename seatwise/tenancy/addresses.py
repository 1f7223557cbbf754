"""The address book's rules (pure: no table is read here).

An address is a company or recipient name, an optional contact (person, e-mail, phone), the
postal address and, for billing, a registration / tax number. The checkout's billing and
shipping addresses (``orders.services.BillingAddress``) have the same fields, so one set of
rules checks both: ``address_clean`` normalizes the text, ``address_errors`` gives one
message per wrong field.
"""

from __future__ import annotations

from collections.abc import Mapping

import phonenumbers
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django_countries import countries

from seatwise.core.errors import ConflictError, NotFoundError, ValidationError
from seatwise.tenancy.enums import ALL_ROLES, Role

ADDRESS_FIELDS = (
    "name",
    "contact_name",
    "email",
    "phone",
    "address_line1",
    "address_line2",
    "postal_code",
    "city",
    "country",
    "tax_number",
)
ADDRESS_REQUIRED = ("name", "address_line1", "postal_code", "city", "country")
ADDRESS_LIMITS = {
    "name": 250,
    "contact_name": 150,
    "email": 254,
    "phone": 32,
    "address_line1": 200,
    "address_line2": 200,
    "postal_code": 20,
    "city": 100,
    "country": 2,
    "tax_number": 50,
}
MAX_ADDRESSES = 100  # per organization
# Who may change an organization's address book: its members but a read-only one (and the
# reseller or provider staff acting inside it). Every member may read it.
ADDRESS_ROLES = ALL_ROLES - {Role.READ_ONLY}


class AddressNotFound(NotFoundError):
    code = "address_not_found"


class AddressInvalid(ValidationError):
    """``details["fields"]``: field name → message."""

    code = "address_invalid"


class AddressBookFull(ConflictError):
    code = "address_book_full"


def address_clean(values: Mapping[str, object]) -> dict[str, str]:
    """Every field of ``ADDRESS_FIELDS`` as text: inner runs of spaces collapsed, the ends
    trimmed, the country code in capitals, the e-mail in lower case after the ``@``."""
    clean = {name: " ".join(str(values.get(name) or "").split()) for name in ADDRESS_FIELDS}
    clean["country"] = clean["country"].upper()
    local, at, domain = clean["email"].rpartition("@")
    if at:
        clean["email"] = f"{local}@{domain.lower()}"
    return clean


def _phone(value: str) -> str | None:
    """``value`` as E.164, or None when it is not a valid number with its country code."""
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def address_errors(values: Mapping[str, str]) -> dict[str, str]:
    """One message per wrong field of the cleaned ``values`` (empty when all is well)."""
    errors: dict[str, str] = {}
    for name, limit in ADDRESS_LIMITS.items():
        value = str(values.get(name) or "")
        if name in ADDRESS_REQUIRED and not value.strip():
            errors[name] = _("This field is required.")
        elif len(value) > limit:
            errors[name] = _("Use at most %(max)d characters.") % {"max": limit}
    country = str(values.get("country") or "")
    if "country" not in errors and country.upper() not in countries:
        errors["country"] = _("Choose a country from the list.")
    email = str(values.get("email") or "")
    if email and "email" not in errors:
        try:
            validate_email(email)
        except DjangoValidationError:
            errors["email"] = _("Enter a valid e-mail address.")
    phone = str(values.get("phone") or "")
    if phone and "phone" not in errors and _phone(phone) is None:
        errors["phone"] = _("Enter the phone number with its country code, e.g. +380 67 123 4567.")
    return errors


def address_validate(values: Mapping[str, object]) -> dict[str, str]:
    """``values`` cleaned, the phone as E.164; ``AddressInvalid`` with the fields' messages
    when something is wrong."""
    clean = address_clean(values)
    errors = address_errors(clean)
    if errors:
        raise AddressInvalid(_("Please correct the marked fields."), details={"fields": errors})
    if clean["phone"]:
        clean["phone"] = _phone(clean["phone"]) or clean["phone"]
    return clean
