"""Partner Center JSON <-> the plain values of ``seatwise.connectors.vendor``.

Tolerant by design (contract §3 and §13): property names matched case-insensitively on
input, enums lower-cased, amounts read from numbers or strings into ``Decimal`` (never
float), dates in any of the documented forms turned into aware UTC datetimes, unknown fields
ignored. No HTTP and no ORM here."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from seatwise.connectors.vendor import (
    AgreementContact,
    NewCustomer,
    PurchaseItem,
    RefundableBatch,
    VendorCustomer,
    VendorSubscription,
)

PARTNER_CENTER_RESOURCE = "https://api.partnercenter.microsoft.com"

# --- JSON without floats --------------------------------------------------------------------


def loads(content: bytes | str) -> Any:
    """Parse a JSON body; every non-integer number becomes a ``Decimal``."""
    return json.loads(content, parse_float=Decimal)


def dumps(value: Any) -> str:
    """Serialise a body; a ``Decimal`` is written as a JSON number with its exact digits
    (``json.dumps`` would need a float)."""
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError("Cannot serialise a non-finite Decimal.")
        text = str(value)
        return text if re.fullmatch(r"-?\d+(\.\d+)?([eE][-+]?\d+)?", text) else format(value, "f")
    if isinstance(value, Mapping):
        items = (f"{json.dumps(str(key))}:{dumps(item)}" for key, item in value.items())
        return "{" + ",".join(items) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(dumps(item) for item in value) + "]"
    if isinstance(value, dt.datetime):
        return json.dumps(format_datetime(value))
    return json.dumps(value)


# --- scalars --------------------------------------------------------------------------------


def prop(payload: Any, *names: str, default: Any = None) -> Any:
    """The first of ``names`` present in ``payload``, matched ignoring case."""
    if not isinstance(payload, Mapping):
        return default
    for name in names:
        if name in payload:
            return payload[name]
    lowered = {str(key).lower(): value for key, value in payload.items()}
    for name in names:
        if name.lower() in lowered:
            return lowered[name.lower()]
    return default


def text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def enum(value: Any) -> str:
    """An enum value in lower case (``"Annual"``, ``"ANNUAL"`` and ``"annual"`` alike)."""
    return text(value).lower()


def decimal(value: Any) -> Decimal | None:
    """A number or a numeric string as ``Decimal``; ``None`` for null, empty or junk."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value
    try:
        result = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return result if result.is_finite() else None


def integer(value: Any, default: int = 0) -> int:
    number = decimal(value)
    if number is None or number != number.to_integral_value():
        return default
    return int(number)


def boolean(value: Any, default: bool = False) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return default


_FRACTION = re.compile(r"(\.\d{1,6})\d*")


def parse_datetime(value: Any) -> dt.datetime | None:
    """An aware UTC datetime from ``2021-05-20T18:30:06.6045692Z``,
    ``2019-08-01T00:00:00`` (no offset: UTC), ``...+02:00``, or a bare date (midnight UTC).
    ``None`` for null, empty or unreadable values."""
    raw = text(value)
    if not raw:
        return None
    raw = _FRACTION.sub(lambda match: match.group(1), raw, count=1)
    if raw[-1:] in ("Z", "z"):
        raw = raw[:-1] + "+00:00"
    try:
        parsed = dt.datetime.fromisoformat(raw)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC)


def format_datetime(value: dt.datetime) -> str:
    """``2024-01-10T00:00:00.000Z``: UTC, milliseconds, ``Z`` (naive values count as UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    value = value.astimezone(dt.UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


_DURATION = re.compile(
    r"^P(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+)S)?)?$",
    re.IGNORECASE,
)


def parse_duration(value: Any) -> dt.timedelta | None:
    """An ISO 8601 duration in days/weeks/hours (``P1D``, ``PT24H``); months and years have
    no fixed length and give ``None``."""
    match = _DURATION.match(text(value))
    if not match or not any(match.groupdict().values()):
        return None
    parts = {key: int(number) for key, number in match.groupdict().items() if number}
    return dt.timedelta(**parts)


# --- customers ------------------------------------------------------------------------------


def customer_domain(prefix: str) -> str:
    return f"{prefix.strip().lower()}.onmicrosoft.com"


def new_customer_body(customer: NewCustomer) -> dict[str, Any]:
    """The ``POST /v1/customers`` body (§9.2)."""
    company_profile: dict[str, Any] = {"domain": customer_domain(customer.domain_prefix)}
    if customer.registration_number:
        company_profile["organizationRegistrationNumber"] = customer.registration_number
    body: dict[str, Any] = {
        "companyProfile": company_profile,
        "billingProfile": {
            "email": customer.email,
            "culture": customer.culture,
            "language": customer.language,
            "companyName": customer.company_name,
            "defaultAddress": {
                "firstName": customer.first_name,
                "lastName": customer.last_name,
                "addressLine1": customer.address_line1,
                "addressLine2": customer.address_line2,
                "city": customer.city,
                "state": customer.state,
                "postalCode": customer.postal_code,
                "country": customer.country.upper(),
                "phoneNumber": customer.phone,
            },
        },
    }
    if customer.reseller_partner_id:
        body["associatedPartnerId"] = customer.reseller_partner_id
    return body


def customer_from_payload(payload: Mapping[str, Any]) -> VendorCustomer:
    """A Customer resource (create answer, get, or a list item)."""
    company = prop(payload, "companyProfile", default={}) or {}
    billing = prop(payload, "billingProfile", default={}) or {}
    domain = text(prop(company, "domain")).lower()
    credentials = prop(payload, "userCredentials", default={}) or {}
    user_name = text(prop(credentials, "userName"))
    if user_name and "@" not in user_name and domain:
        user_name = f"{user_name}@{domain}"
    return VendorCustomer(
        customer_id=text(prop(payload, "id")) or text(prop(company, "tenantId")),
        domain=domain,
        company_name=text(prop(company, "companyName")) or text(prop(billing, "companyName")),
        relationship=enum(prop(payload, "relationshipToPartner")) or "none",
        admin_username=user_name,
        admin_password=text(prop(credentials, "password")),
    )


def relationship_url(payload: Mapping[str, Any]) -> str:
    return text(prop(payload, "url"))


def agreement_body(
    *, template_id: str, contact: AgreementContact, accepted_at: dt.datetime
) -> dict[str, Any]:
    """The ``POST /v1/customers/{c}/agreements`` body (§9.3)."""
    primary_contact = {
        "firstName": contact.first_name,
        "lastName": contact.last_name,
        "email": contact.email,
    }
    if contact.phone:
        primary_contact["phoneNumber"] = contact.phone
    return {
        "primaryContact": primary_contact,
        "templateId": template_id,
        "dateAgreed": format_datetime(accepted_at),
        "type": "MicrosoftCustomerAgreement",
    }


def agreement_template_id(items: Iterable[Mapping[str, Any]]) -> str:
    """The newest Microsoft Customer Agreement template (lowest ``versionRank``)."""
    candidates = [
        item
        for item in items
        if enum(prop(item, "agreementType")) in ("", "microsoftcustomeragreement")
        and text(prop(item, "templateId"))
    ]
    if not candidates:
        return ""
    best = min(candidates, key=lambda item: integer(prop(item, "versionRank"), 0))
    return text(prop(best, "templateId"))


# --- carts, orders --------------------------------------------------------------------------


def cart_body(items: Iterable[PurchaseItem]) -> dict[str, Any]:
    """The ``POST /v1/customers/{c}/carts`` body (§9.6): one line per item, ``id`` = its
    index. Deterministic, so a replay sends the very same bytes."""
    lines = []
    for index, item in enumerate(items):
        line: dict[str, Any] = {
            "id": index,
            "catalogItemId": item.catalog_item_id,
            "quantity": item.quantity,
            "billingCycle": enum(item.billing_cycle),
            "termDuration": item.term.upper(),
        }
        if item.reseller_partner_id:
            line["participants"] = [
                {"key": "transaction_reseller", "value": item.reseller_partner_id}
            ]
        lines.append(line)
    return {"partnerOnRecordAttestationAccepted": True, "lineItems": lines}


@dataclass(frozen=True)
class LineError:
    """An error attached to a cart line or an order group of a checkout."""

    vendor_code: str
    description: str
    line: str = ""


def cart_line_errors(cart: Mapping[str, Any]) -> list[LineError]:
    errors = []
    for line in prop(cart, "lineItems", default=[]) or []:
        error = prop(line, "error")
        if isinstance(error, Mapping) and error:
            errors.append(
                LineError(
                    vendor_code=text(prop(error, "errorCode", "code")),
                    description=text(prop(error, "errorDescription", "description", "message")),
                    line=text(prop(line, "id")),
                )
            )
    return errors


def checkout_errors(result: Mapping[str, Any]) -> list[LineError]:
    return [
        LineError(
            vendor_code=text(prop(error, "code", "errorCode")),
            description=text(prop(error, "description", "errorDescription", "message")),
            line=text(prop(error, "orderGroupId")),
        )
        for error in prop(result, "orderErrors", default=[]) or []
        if isinstance(error, Mapping)
    ]


@dataclass(frozen=True)
class OrderLine:
    order_id: str
    line_number: int
    offer_id: str
    subscription_id: str
    quantity: int
    term: str
    billing_cycle: str
    friendly_name: str
    unit_price: Decimal | None
    currency: str


def order_lines(order: Mapping[str, Any]) -> list[OrderLine]:
    order_id = text(prop(order, "id"))
    currency = text(prop(order, "currencyCode")).upper()
    cycle = enum(prop(order, "billingCycle"))
    lines = []
    for line in prop(order, "lineItems", default=[]) or []:
        pricing = prop(line, "pricing", default={}) or {}
        lines.append(
            OrderLine(
                order_id=order_id,
                line_number=integer(prop(line, "lineItemNumber"), len(lines)),
                offer_id=text(prop(line, "offerId", "catalogItemId")),
                subscription_id=text(prop(line, "subscriptionId")),
                quantity=integer(prop(line, "quantity")),
                term=text(prop(line, "termDuration")).upper(),
                billing_cycle=enum(prop(line, "billingCycle")) or cycle,
                friendly_name=text(prop(line, "friendlyName")),
                unit_price=decimal(prop(pricing, "price", "unitPrice")),
                currency=currency,
            )
        )
    return lines


def same_offer(asked: str, got: str) -> bool:
    """Whether two catalog ids name the same purchase: equal ignoring case, or the same
    ``product:sku`` when one side lacks (or changed) the availability."""
    asked, got = asked.strip().upper(), got.strip().upper()
    if asked == got:
        return True
    return asked.split(":")[:2] == got.split(":")[:2] and len(asked.split(":")) >= 2


# --- subscriptions --------------------------------------------------------------------------


@dataclass(frozen=True)
class RefundOption:
    """A subscription's ``refundOptions[]`` entry: ``expires_at`` from ``expiresAt`` (or an
    instant in ``expiresAfter``, the resource table's name), ``expires_after`` when the
    value is a duration (``P1D``, as in the catalog)."""

    type: str  # "full" | "partial"
    expires_at: dt.datetime | None = None
    expires_after: dt.timedelta | None = None


def refund_options(payload: Mapping[str, Any]) -> tuple[RefundOption, ...]:
    options = []
    for option in prop(payload, "refundOptions", default=[]) or []:
        raw = prop(option, "expiresAt", "expiresAfter")
        duration = parse_duration(raw) if text(raw).upper().startswith("P") else None
        options.append(
            RefundOption(
                type=enum(prop(option, "type")),
                expires_at=None if duration else parse_datetime(raw),
                expires_after=duration,
            )
        )
    return tuple(options)


def refundable_batches(payload: Mapping[str, Any]) -> tuple[RefundableBatch, ...]:
    refundable = prop(payload, "refundableQuantity", default={}) or {}
    batches = []
    for detail in prop(refundable, "details", default=[]) or []:
        until = parse_datetime(prop(detail, "allowedUntilDateTime", "allowedUntil"))
        quantity = integer(prop(detail, "quantity"))
        if until is not None and quantity:
            batches.append(RefundableBatch(quantity=quantity, allowed_until=until))
    return tuple(batches)


def subscription_from_payload(payload: Mapping[str, Any]) -> VendorSubscription:
    """A Subscription resource (§9.8). ``commitment_end_date`` is the vendor's
    ``commitmentEndDate`` as given: for NCE the term runs to the end of that day."""
    return VendorSubscription(
        subscription_id=text(prop(payload, "id")),
        offer_id=text(prop(payload, "offerId")),
        offer_name=text(prop(payload, "offerName")),
        friendly_name=text(prop(payload, "friendlyName")),
        quantity=integer(prop(payload, "quantity")),
        status=enum(prop(payload, "status")) or "none",
        term=text(prop(payload, "termDuration")).upper(),
        billing_cycle=enum(prop(payload, "billingCycle")),
        auto_renew=boolean(prop(payload, "autoRenewEnabled")),
        order_id=text(prop(payload, "orderId")),
        parent_subscription_id=text(prop(payload, "parentSubscriptionId")),
        creation_date=parse_datetime(prop(payload, "creationDate")),
        commitment_end_date=parse_datetime(prop(payload, "commitmentEndDate")),
        cancellation_allowed_until=parse_datetime(prop(payload, "cancellationAllowedUntilDate")),
        refundable=refundable_batches(payload),
        unit_price=decimal(prop(payload, "unitPrice")),
        currency=text(prop(payload, "currencyCode", "currency")).upper(),
    )


def subscription_from_order_line(line: OrderLine) -> VendorSubscription:
    """What an order line tells of its subscription, while the subscription itself is not
    visible yet (orders can take minutes to show, §7): pending, as bought."""
    return VendorSubscription(
        subscription_id=line.subscription_id,
        offer_id=line.offer_id,
        offer_name="",
        friendly_name=line.friendly_name,
        quantity=line.quantity,
        status="pending",
        term=line.term,
        billing_cycle=line.billing_cycle,
        auto_renew=True,
        order_id=line.order_id,
        unit_price=line.unit_price,
        currency=line.currency,
    )


# The subscription fields a caller may change through ``subscription_patch_body``: our name
# -> the wire name.
PATCHABLE = {
    "quantity": "quantity",
    "status": "status",
    "auto_renew": "autoRenewEnabled",
    "friendly_name": "friendlyName",
    "term": "termDuration",
    "billing_cycle": "billingCycle",
}


def subscription_patch_body(current: Mapping[str, Any], changes: Mapping[str, Any]) -> dict:
    """The full Subscription as last read with only ``changes`` applied (§9.8: an omitted
    field counts as a change, so the body is never a hand-built partial object). Keys of
    ``changes`` are ``PATCHABLE`` names; the existing property's spelling is kept."""
    body = dict(current)
    by_lower = {str(key).lower(): key for key in body}
    for name, value in changes.items():
        wire = PATCHABLE[name]
        key = by_lower.get(wire.lower(), wire)
        body[key] = value
    return body


def subscription_shows(payload: Mapping[str, Any], changes: Mapping[str, Any]) -> bool:
    """Whether a subscription read back shows every change (after a 202)."""
    for name, value in changes.items():
        got = prop(payload, PATCHABLE[name])
        if name == "quantity":
            if integer(got, -1) != int(value):
                return False
        elif name == "auto_renew":
            if boolean(got, not value) != bool(value):
                return False
        elif name in ("status", "billing_cycle"):
            if enum(got) != enum(value):
                return False
        elif text(got).lower() != text(value).lower():
            return False
    return True
