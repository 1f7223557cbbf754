"""Plain values that cross the vendor ports (``ports.py``): what Seatwise asks a vendor for
and what the vendor answered, free of any wire format. A client maps its payloads to these
in its ``mapping.py``; domain code reads only these."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal


@dataclass(frozen=True)
class NewCustomer:
    """A tenant to create: ``<domain_prefix>.onmicrosoft.com`` for a customer company."""

    domain_prefix: str
    company_name: str
    email: str  # the billing contact's e-mail
    first_name: str
    last_name: str
    address_line1: str
    city: str
    postal_code: str
    country: str  # ISO 3166 alpha-2, upper case
    address_line2: str = ""
    state: str = ""
    phone: str = ""
    registration_number: str = ""  # mandatory for some countries (e.g. UA)
    language: str = "en"
    culture: str = "en-US"
    reseller_partner_id: str = ""  # indirect provider: the reseller's PartnerID


@dataclass(frozen=True)
class VendorCustomer:
    """A customer tenant as the vendor knows it. ``admin_username`` / ``admin_password`` are
    set only on the answer to a create, once; nobody stores the password in clear."""

    customer_id: str  # the tenant id
    domain: str  # "<prefix>.onmicrosoft.com"
    company_name: str
    relationship: str = "reseller"  # none | reseller | advisor | ... (lower case)
    admin_username: str = ""  # the sign-in name, "admin@<domain>"
    admin_password: str = field(default="", repr=False)


@dataclass(frozen=True)
class AgreementContact:
    first_name: str
    last_name: str
    email: str
    phone: str = ""


@dataclass(frozen=True)
class PurchaseItem:
    """One line to buy: ``catalog_item_id`` is ``product:sku:availability``."""

    catalog_item_id: str
    quantity: int
    term: str  # "P1M" | "P1Y" | "P3Y"
    billing_cycle: str  # "monthly" | "annual" | "triennial" | "none" (trials)
    friendly_name: str = ""
    reseller_partner_id: str = ""  # indirect provider: the reseller of record


@dataclass(frozen=True)
class RefundableBatch:
    quantity: int
    allowed_until: datetime


@dataclass(frozen=True)
class VendorSubscription:
    """A subscription as the vendor reports it. ``status`` and ``billing_cycle`` are lower
    case whatever the wire said; dates are aware UTC datetimes or ``None``."""

    subscription_id: str
    offer_id: str  # the catalog item id it was bought as
    offer_name: str
    friendly_name: str
    quantity: int
    status: str  # none | active | suspended | deleted | expired | pending | disabled
    term: str
    billing_cycle: str
    auto_renew: bool
    order_id: str = ""
    parent_subscription_id: str = ""
    creation_date: datetime | None = None
    commitment_end_date: datetime | None = None
    cancellation_allowed_until: datetime | None = None
    refundable: tuple[RefundableBatch, ...] = ()
    unit_price: Decimal | None = None  # partner cost per unit when the vendor tells it
    currency: str = ""


@dataclass(frozen=True)
class PurchaseResult:
    """What a purchase produced: the vendor's order ids and one subscription per item, in the
    order of the items asked for."""

    order_ids: tuple[str, ...]
    subscriptions: tuple[VendorSubscription, ...]
