"""Cart and checkout API: the same cart, coupon and checkout as the pages, for API clients.

Mounted by ``config.api`` under ``/api/v1/cart/`` and ``/api/v1/checkout/``. Authentication:
an API key (``X-API-Key``) or the browser session. The cart is the caller's cart in the
organization they act for (``api_organization``): the one the pages show to the same user,
so a line id of anybody else's cart is a 404. Reading the cart needs any role; changing it
and checking out need a buying role (a read-only member gets a 403 ``role_required``). Every
write honours ``Idempotency-Key`` (``seatwise.core.idempotency``); placing an order requires
it, and a refused write changes nothing (not even an empty cart is left behind).

The client sends an offer, a billing plan and a quantity, never a price: every answer is
priced on the server for the caller (``cart.selectors.cart_totals``), and the inputs refuse
unknown fields (a ``unit_price`` or ``total`` in a body is a 400 ``invalid_input``).

The checkout offers the organization's address book (``profile``, the company profile, then
the saved addresses) for the billing and shipping addresses, and, when a line ships, the
provider's shipping methods: the client names one, the server charges its price. An address
id is looked up only in the caller's organization (anybody else's is refused like an id
that does not exist).
"""

from __future__ import annotations

import hashlib
import ipaddress
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Query, Router

from seatwise.cart import checkout, selectors, services
from seatwise.cart.exceptions import CartLineNotFound
from seatwise.cart.models import Cart
from seatwise.cart.schemas import (
    CartLineIn,
    CartLineUpdateIn,
    CartOut,
    CartQuery,
    CheckoutIn,
    CheckoutOut,
    CheckoutQuery,
    CheckoutRequirementsOut,
    CouponIn,
    address_choice_out,
    address_out,
    cart_out,
    shipping_method_out,
)
from seatwise.catalog.exceptions import OfferNotFound
from seatwise.catalog.models import Offer
from seatwise.core.cache import CATALOG, CacheScope
from seatwise.core.errors import ApplicationError, ValidationError
from seatwise.core.idempotency import IdempotencyKeyHeader, idempotent
from seatwise.core.schemas import ErrorOut
from seatwise.orders.schemas import order_detail_out
from seatwise.orders.selectors import order_get
from seatwise.orders.services import BUYING_ROLES, BillingAddress
from seatwise.payments.enums import Gateway, PaymentStatus
from seatwise.payments.schemas import payment_out
from seatwise.payments.selectors import payment_list
from seatwise.payments.services import payment_checkout_form
from seatwise.pricing.enums import PriceKind
from seatwise.pricing.selectors import PriceContext, price_context_get
from seatwise.tenancy.addresses import AddressNotFound
from seatwise.tenancy.api_auth import api_organization, session_or_api_key
from seatwise.tenancy.exceptions import OrganizationNotFound
from seatwise.tenancy.models import Organization
from seatwise.tenancy.selectors import require_role, storefront_provider
from seatwise.tenancy.services import address_add

router = Router(tags=["cart"], auth=session_or_api_key())
checkout_router = Router(tags=["checkout"], auth=session_or_api_key())

ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
WRITE_ERRORS = {**ERRORS, 409: ErrorOut, 422: ErrorOut}

# No provider yet (an empty installation): nothing is priced.
_UNPRICED = PriceContext(
    provider_id=0,
    viewer_kind=PriceKind.RETAIL,
    cost_list_id=None,
    reseller_list_id=None,
    markup_percent=None,
)


@dataclass(frozen=True)
class Caller:
    organization: Organization
    provider: Organization | None
    viewer: selectors.CartViewer


def _currency(raw: str, organization: Organization) -> str:
    allowed = list(settings.SEATWISE_CURRENCIES)
    code = (raw or "").strip().upper()
    if code:
        if code not in allowed:
            raise ValidationError(
                _("currency must be one of: %(allowed)s.") % {"allowed": ", ".join(allowed)},
                code="invalid_currency",
                details={"field": "currency", "allowed": allowed},
            )
        return code
    own = organization.default_currency
    return own if own in allowed else settings.SEATWISE_DEFAULT_CURRENCY


def _caller(request, currency: str = "", roles=None) -> Caller:
    """The organization the caller acts for (a member, or staff acting inside it, with one
    of ``roles``), the shop's provider and the cart viewer priced for them."""
    organization = api_organization(request)
    if organization is None:
        raise OrganizationNotFound(_("You do not act for an organization yet."))
    if roles is None:
        require_role(user=request.user, organization=organization)
    else:
        require_role(user=request.user, organization=organization, roles=roles)
    code = _currency(currency, organization)
    provider = storefront_provider()
    context = (
        price_context_get(provider=provider, viewer=organization)
        if provider is not None
        else _UNPRICED
    )
    viewer = selectors.cart_viewer_get(
        organization=organization,
        provider=provider,
        price_context=context,
        currency=code,
        cache=CacheScope(CATALOG),
    )
    return Caller(organization=organization, provider=provider, viewer=viewer)


def _cart(request, caller: Caller, *, create: bool = False) -> Cart | None:
    if create:
        return services.cart_get_or_create(
            session_key="", user=request.user, organization=caller.organization
        )
    return selectors.cart_find(user=request.user, organization=caller.organization)


def _cart_body(cart: Cart | None, caller: Caller) -> dict:
    return cart_out(selectors.cart_totals(cart=cart, viewer=caller.viewer))


def _cart_required(request, caller: Caller) -> Cart:
    cart = _cart(request, caller)
    if cart is None:
        raise checkout.CheckoutCartChanged(_("Your cart is empty."))
    return cart


# --- cart -----------------------------------------------------------------------------------


@router.get(
    "/",
    response={200: CartOut, **ERRORS},
    summary="Get the cart with its totals",
    url_name="cart_get",
)
def cart_get(request, query: Query[CartQuery]):
    """The caller's cart, priced on the server: lines, sub-total, coupon discount, extra
    charge, shipping, tax and total. An empty cart (``id`` null) before the first line."""
    caller = _caller(request, query.currency)
    return _cart_body(_cart(request, caller), caller)


@router.post(
    "/lines/",
    response={201: CartOut, **WRITE_ERRORS},
    summary="Add an offer to the cart",
    url_name="cart_line_add",
)
@idempotent(organization=api_organization)
def cart_line_add(
    request,
    payload: CartLineIn,
    query: Query[CartQuery],
    idempotency_key: IdempotencyKeyHeader = None,
):
    """``quantity`` of the offer on ``billing_plan``; the same offer and plan again raises
    the line's quantity (within the offer's limits). An add-on needs one of its base offers
    in the cart. Errors: ``offer_not_found``, ``invalid_quantity``, ``invalid_billing_plan``,
    ``offer_not_available``, ``addon_needs_base``."""
    caller = _caller(request, query.currency, roles=BUYING_ROLES)
    offer = (
        Offer.objects.select_related("product").filter(pk=payload.offer_id, is_active=True).first()
    )
    if offer is None:
        raise OfferNotFound(_("This offer is no longer sold."), details={"id": payload.offer_id})
    with transaction.atomic():  # a refused line leaves no new, empty cart behind
        cart = _cart(request, caller, create=True)
        services.cart_line_add(
            cart=cart, offer=offer, billing_plan=payload.billing_plan, quantity=payload.quantity
        )
    return 201, CartOut(**_cart_body(cart, caller))


@router.patch(
    "/lines/{line_id}/",
    response={200: CartOut, **WRITE_ERRORS},
    summary="Change a line's quantity",
    url_name="cart_line_update",
)
@idempotent(organization=api_organization)
def cart_line_update(
    request,
    line_id: int,
    payload: CartLineUpdateIn,
    query: Query[CartQuery],
    idempotency_key: IdempotencyKeyHeader = None,
):
    """Set the quantity (0 removes the line). Another cart's line is a 404."""
    caller = _caller(request, query.currency, roles=BUYING_ROLES)
    cart = _cart(request, caller)
    if cart is None:
        raise CartLineNotFound(_("This item is no longer in your cart."))
    services.cart_line_update(cart=cart, line_id=line_id, quantity=payload.quantity)
    return 200, CartOut(**_cart_body(cart, caller))


@router.delete(
    "/lines/{line_id}/",
    response={200: CartOut, **WRITE_ERRORS},
    summary="Remove a line (and add-ons left without a base)",
    url_name="cart_line_remove",
)
@idempotent(organization=api_organization)
def cart_line_remove(
    request, line_id: int, query: Query[CartQuery], idempotency_key: IdempotencyKeyHeader = None
):
    caller = _caller(request, query.currency, roles=BUYING_ROLES)
    cart = _cart(request, caller)
    if cart is None:
        raise CartLineNotFound(_("This item is no longer in your cart."))
    services.cart_line_remove(cart=cart, line_id=line_id)
    return 200, CartOut(**_cart_body(cart, caller))


@router.post(
    "/coupon/",
    response={200: CartOut, **WRITE_ERRORS},
    summary="Apply a discount code",
    url_name="cart_coupon_apply",
)
@idempotent(organization=api_organization)
def cart_coupon_apply(
    request,
    payload: CouponIn,
    query: Query[CartQuery],
    idempotency_key: IdempotencyKeyHeader = None,
):
    """Check the code against the cart (validity dates, usage limits, minimum sub-total,
    scope) and keep it; a code that does not apply answers its reason (a ``coupon_*``
    code) and the cart keeps its former coupon."""
    caller = _caller(request, query.currency, roles=BUYING_ROLES)
    cart = _cart(request, caller)
    if cart is None or not cart.lines.exists():
        raise ValidationError(
            _("Add something to your cart before applying a coupon."), code="cart_empty"
        )
    services.cart_coupon_apply(cart=cart, code=payload.code, viewer=caller.viewer)
    return 200, CartOut(**_cart_body(cart, caller))


@router.delete(
    "/coupon/",
    response={200: CartOut, **WRITE_ERRORS},
    summary="Remove the discount code",
    url_name="cart_coupon_remove",
)
@idempotent(organization=api_organization)
def cart_coupon_remove(
    request, query: Query[CartQuery], idempotency_key: IdempotencyKeyHeader = None
):
    caller = _caller(request, query.currency, roles=BUYING_ROLES)
    cart = _cart(request, caller)
    if cart is not None:
        services.cart_coupon_remove(cart=cart)
    return 200, CartOut(**_cart_body(cart, caller))


# --- checkout -------------------------------------------------------------------------------


def _checkout_key(user, key: str) -> str:
    """The order's idempotency key for the client's ``Idempotency-Key``: per user (two
    users of one organization may pick the same key) and short enough for the order."""
    return "api-" + hashlib.sha256(f"{user.pk}:{key}".encode()).hexdigest()


def _client_ip(request) -> str | None:
    try:
        return str(ipaddress.ip_address(request.META.get("REMOTE_ADDR") or ""))
    except ValueError:
        return None


def _invalid(fields: dict[str, str]) -> checkout.CheckoutError:
    return checkout.CheckoutError(
        _("Please correct the marked fields."), details={"fields": fields}
    )


def _address_pick(request, organization: Organization, value: object) -> BillingAddress | None:
    """The address ``value`` names (``profile`` or a saved address's id) in
    ``organization``'s book; None for anything else, another organization's id included."""
    key = str(value)
    if key != checkout.PROFILE and not (key.isascii() and key.isdigit() and len(key) <= 18):
        return None
    try:
        choice = checkout.checkout_address_pick(
            user=request.user, organization=organization, key=key
        )
    except AddressNotFound:
        return None
    return choice.address


def _billing(
    request, payload: CheckoutIn, organization: Organization, errors: dict[str, str]
) -> BillingAddress | None:
    """The billing address sent: by id, typed in, or else the company profile's."""
    if payload.billing_address_id is not None and payload.billing is not None:
        errors["billing_address_id"] = _("Send either billing_address_id or billing, not both.")
    elif payload.billing_address_id is not None:
        picked = _address_pick(request, organization, payload.billing_address_id)
        if picked is None:
            errors["billing_address_id"] = _("Choose one of your addresses.")
        return picked
    elif payload.billing is not None:
        return BillingAddress(**payload.billing.model_dump())
    return BillingAddress.of(organization)


def _shipping_address(
    request, payload: CheckoutIn, organization: Organization, errors: dict[str, str]
) -> BillingAddress | None:
    """The shipping address sent (None: none, or ``ship_to_billing``); one way only."""
    given = [
        name
        for name, sent in (
            ("ship_to_billing", payload.ship_to_billing),
            ("shipping_address_id", payload.shipping_address_id is not None),
            ("shipping_address", payload.shipping_address is not None),
        )
        if sent
    ]
    if len(given) > 1:
        message = _("Send only one of ship_to_billing, shipping_address_id and shipping_address.")
        errors.update(dict.fromkeys(given, message))
        return None
    if payload.shipping_address_id is not None:
        picked = _address_pick(request, organization, payload.shipping_address_id)
        if picked is None:
            errors["shipping_address_id"] = _("Choose one of your addresses.")
        return picked
    if payload.shipping_address is not None:
        return BillingAddress(**payload.shipping_address.model_dump())
    return None


def _details(request, payload: CheckoutIn, organization: Organization) -> checkout.CheckoutDetails:
    """The checkout's input; a malformed one, or an address id not of ``organization``'s
    book, is refused here (``checkout_invalid`` with the fields), before anything runs."""
    tenants = {}
    for line_id, domain in payload.target_tenants.items():
        # ASCII digits only: "²".isdigit() is true, but int("²") raises (a 500).
        if not (line_id.isascii() and line_id.isdigit()):
            raise ValidationError(
                _("target_tenants must map cart line ids to domains."),
                details={"field": "target_tenants"},
            )
        tenants[int(line_id)] = domain[:100]
    errors: dict[str, str] = {}
    billing = _billing(request, payload, organization, errors)
    shipping_address = _shipping_address(request, payload, organization, errors)
    if errors:
        raise _invalid(errors)
    return checkout.CheckoutDetails(
        billing=billing,
        payment_method=payload.payment_method,
        accept_mca=payload.accept_mca,
        accept_vendor_terms=payload.accept_vendor_terms,
        target_tenants=tenants,
        ship_to_billing=payload.ship_to_billing,
        shipping_address=shipping_address,
        shipping_method_id=payload.shipping_method_id,
    )


# The checkout's field names that the body names otherwise.
_BODY_FIELDS = {"shipping_method": "shipping_method_id"}


def _named_as_in_body(exc: checkout.CheckoutError) -> checkout.CheckoutError:
    fields = exc.details.get("fields", {})
    if not set(fields) & set(_BODY_FIELDS):
        return exc
    renamed = {_BODY_FIELDS.get(name, name): message for name, message in fields.items()}
    return checkout.CheckoutError(exc.message, details={**exc.details, "fields": renamed})


def _liqpay_form(request, result: checkout.CheckoutResult) -> dict | None:
    payment = result.payment
    if payment is None or payment.gateway != Gateway.LIQPAY:
        return None
    if payment.status != PaymentStatus.PENDING:
        return None
    try:
        form = payment_checkout_form(
            payment=payment,
            result_url=request.build_absolute_uri(
                reverse("web:order_payment", args=[result.order.number])
            ),
            server_url=request.build_absolute_uri(reverse("payments:liqpay_callback")),
            language=translation.get_language() or "uk",
        )
    except ApplicationError:
        return None  # the order stands; the pages' *Pay again* can start a new payment
    return {"action": form.action_url, "data": form.data, "signature": form.signature}


@checkout_router.get(
    "/",
    response={200: CheckoutRequirementsOut, **ERRORS},
    summary="What the cart needs to be placed, with its totals",
    url_name="checkout_get",
)
def checkout_get(request, query: Query[CheckoutQuery]):
    """The payment methods the organization may use, the agreements to accept, whether
    shipping is needed and the shipping methods offered (priced in the cart's currency),
    the Microsoft lines that name a tenant, the default billing address, the addresses to
    choose from and the cart priced as the checkout prices it: with ``shipping_method_id``,
    that method's price is the shipping charge (taxed like the rest)."""
    caller = _caller(request, query.currency, roles=BUYING_ROLES)
    totals = selectors.cart_totals(
        cart=_cart(request, caller),
        viewer=caller.viewer,
        checkout=True,
        shipping_method_id=query.shipping_method_id,
    )
    if (
        query.shipping_method_id is not None
        and totals.shipping_required
        and totals.shipping_method is None
    ):
        raise ValidationError(
            _("Choose one of the shipping methods offered."),
            details={"field": "shipping_method_id"},
        )
    required = checkout.checkout_requirements(organization=caller.organization, totals=totals)
    return {
        "payment_methods": list(required.payment_methods),
        "needs_mca": required.needs_mca,
        "mca_version": required.mca_version,
        "mca_url": settings.SEATWISE_MCA_URL,
        "needs_vendor_terms": required.needs_vendor_terms,
        "shipping_required": required.shipping_required,
        "needs_shipping_method": required.needs_shipping_method,
        "shipping_methods": [shipping_method_out(quote) for quote in required.shipping_methods],
        "microsoft_lines": [
            {
                "line_id": item.line.pk,
                "offer_name": item.line.offer.name,
                "default_tenant": item.default_tenant,
            }
            for item in required.microsoft_lines
        ],
        "billing": address_out(BillingAddress.of(caller.organization)),
        "addresses": [
            address_choice_out(choice)
            for choice in checkout.checkout_address_choices(organization=caller.organization)
        ],
        "cart": cart_out(totals),
    }


def _remember_addresses(request, payload: CheckoutIn, organization: Organization) -> None:
    """Addresses typed into a placed checkout join the organization's address book, as on
    the pages (an identical entry is not added twice). The order is placed already: a book
    that is full, or an address the book refuses, only means it is not remembered."""
    for typed in (payload.billing, payload.shipping_address):
        if typed is None:
            continue
        try:
            address_add(actor=request.user, organization=organization, **typed.model_dump())
        except ApplicationError:
            continue


@checkout_router.post(
    "/",
    response={200: CheckoutOut, 201: CheckoutOut, **WRITE_ERRORS},
    summary="Place the cart as an order (Idempotency-Key required)",
    url_name="checkout_place",
)
@idempotent(organization=api_organization, required=True)
def checkout_place(
    request,
    payload: CheckoutIn,
    query: Query[CartQuery],
    idempotency_key: IdempotencyKeyHeader = None,
):
    """Prices the cart again on the server (the shipping charge is the chosen shipping
    method's price), checks the billing address, the shipping address and method (when a
    line ships), payment method, agreements and tenants, places the order, redeems the
    coupon, creates the payment and empties the cart, in one transaction. ``201`` with the
    order, the payment and, for a card payment, the signed LiqPay form; the same
    ``Idempotency-Key`` again answers the same order (``200``). A refusal changes nothing:
    ``checkout_invalid`` (400, field → message in ``details.fields``: a body field such as
    ``billing_address_id`` or ``shipping_method_id``, ``billing_<field>`` /
    ``shipping_<field>`` for an address's field, ``tenant_<line id>``),
    ``checkout_cart_changed`` (409: an empty cart, a line not sold to you, a coupon that no
    longer applies) or a coupon error."""
    caller = _caller(request, query.currency, roles=BUYING_ROLES)
    cart = _cart_required(request, caller)
    details = _details(request, payload, caller.organization)
    try:
        result = checkout.checkout_place(
            user=request.user,
            cart=cart,
            viewer=caller.viewer,
            provider=caller.provider,
            details=details,
            idempotency_key=_checkout_key(request.user, request.idempotency_key),
            ip=_client_ip(request),
        )
    except checkout.CheckoutError as exc:
        raise _named_as_in_body(exc) from None
    if result.created:
        _remember_addresses(request, payload, caller.organization)
    order = order_get(
        user=request.user, organization=caller.organization, number=result.order.number
    )
    payments = list(payment_list(organization=caller.organization, reference=order.number))
    body = {
        "order": order_detail_out(order, payments),
        "payment": payment_out(result.payment) if result.payment is not None else None,
        "liqpay": _liqpay_form(request, result),
    }
    return (201 if result.created else 200), CheckoutOut(**body)
