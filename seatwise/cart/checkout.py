"""Checkout: what a cart needs before it becomes an order, and placing it.

``checkout_requirements`` (a read) says which steps a cart needs for the organization that
buys: the payment methods it may use, whether the Microsoft Customer Agreement must be
accepted (a Microsoft line, and the current ``SEATWISE_MCA_VERSION`` not accepted yet),
whether the vendors' terms must be accepted (a line of another vendor), whether a shipping
step is needed and the Microsoft lines that name a target tenant.

``checkout_place`` (a write, one transaction) prices the cart again on the server, refuses
what cannot be sold, records the agreement, places the order with the idempotency key the
confirm page minted (a double-clicked *Confirm* gets the first order back), redeems the
coupon against the order number inside the same transaction (a lost race on a coupon's last
use rolls the whole order back), creates the payment and empties the cart.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django_countries import countries

from seatwise.cart.models import Cart, CartLine
from seatwise.cart.selectors import CartTotals, CartViewer, cart_priced_lines, cart_totals
from seatwise.catalog.enums import VendorKind
from seatwise.catalog.models import Offer
from seatwise.connectors.domains import SUFFIX, prefix_validate
from seatwise.connectors.exceptions import InvalidTenantDomain
from seatwise.core.errors import ConflictError, NotFoundError, ValidationError
from seatwise.orders.enums import OrderStatus, PaymentMethod
from seatwise.orders.models import Order
from seatwise.orders.services import (
    BUYING_ROLES,
    BillingAddress,
    Charges,
    LineInput,
    order_mark_paid,
    order_place,
    order_transition,
)
from seatwise.payments.enums import Gateway, PaymentStatus
from seatwise.payments.models import Payment
from seatwise.payments.selectors import payment_list
from seatwise.payments.services import payment_account_ensure, payment_create
from seatwise.pricing.services import coupon_redeem
from seatwise.tenancy.enums import AgreementType
from seatwise.tenancy.models import AgreementAcceptance, Organization, OrganizationRegistration
from seatwise.tenancy.selectors import require_role
from seatwise.tenancy.services import agreement_accept


class CheckoutError(ValidationError):
    code = "checkout_invalid"


class CheckoutCartChanged(ConflictError):
    code = "checkout_cart_changed"


# --- reads ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MicrosoftLine:
    line: CartLine
    default_tenant: str


@dataclass(frozen=True)
class CheckoutRequirements:
    payment_methods: tuple[str, ...]
    needs_mca: bool
    needs_vendor_terms: bool
    shipping_required: bool
    microsoft_lines: tuple[MicrosoftLine, ...]
    mca_version: str
    # The organization's acceptance of the current agreement (None: not accepted yet).
    mca_acceptance: AgreementAcceptance | None = field(default=None, compare=False, repr=False)


def checkout_payment_methods(*, organization: Organization) -> tuple[str, ...]:
    """Contract customers pay by sales invoice only; others by card (LiqPay), and also by
    invoice when their seller (their reseller, or the provider for a direct customer) allows
    it in *Settings → Payment methods*."""
    # Imported here so that this function stays the only change of the module.
    from seatwise.tenancy.selectors import payment_settings_for

    if organization.is_contract_customer:
        return (PaymentMethod.INVOICE,)
    if payment_settings_for(organization=organization).allow_invoice:
        return (PaymentMethod.LIQPAY, PaymentMethod.INVOICE)
    return (PaymentMethod.LIQPAY,)


def mca_acceptance(*, organization: Organization) -> AgreementAcceptance | None:
    """``organization``'s acceptance of the current Microsoft Customer Agreement, if any."""
    return (
        AgreementAcceptance.objects.filter(
            organization=organization,
            agreement=AgreementType.MICROSOFT_CUSTOMER_AGREEMENT,
            version=settings.SEATWISE_MCA_VERSION,
        )
        .order_by("pk")
        .first()
    )


def default_tenant(*, organization: Organization) -> str:
    """The tenant domain the organization registered (``<prefix>.onmicrosoft.com``), if any."""
    registration = OrganizationRegistration.objects.filter(organization=organization).first()
    return registration.tenant_domain_name if registration is not None else ""


def checkout_requirements(
    *, organization: Organization, totals: CartTotals
) -> CheckoutRequirements:
    lines = [priced.line for priced in totals.lines]
    microsoft_offers = set(  # one query for the vendors of all lines
        Offer.objects.filter(
            pk__in={line.offer_id for line in lines}, product__vendor__kind=VendorKind.MICROSOFT
        ).values_list("pk", flat=True)
    )
    microsoft = [line for line in lines if line.offer_id in microsoft_offers]
    tenant = default_tenant(organization=organization) if microsoft else ""
    acceptance = mca_acceptance(organization=organization) if microsoft else None
    return CheckoutRequirements(
        payment_methods=checkout_payment_methods(organization=organization),
        needs_mca=bool(microsoft) and acceptance is None,
        needs_vendor_terms=len(microsoft) < len(lines),
        shipping_required=totals.shipping_required,
        microsoft_lines=tuple(
            MicrosoftLine(line=line, default_tenant=tenant) for line in microsoft
        ),
        mca_version=settings.SEATWISE_MCA_VERSION,
        mca_acceptance=acceptance,
    )


# --- input ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckoutDetails:
    """What the buyer chose on the checkout steps (shape only; checked here)."""

    billing: BillingAddress
    payment_method: str
    accept_mca: bool = False
    accept_vendor_terms: bool = False
    target_tenants: dict[int, str] = field(default_factory=dict)  # cart line id → domain
    ship_to_billing: bool = False


BILLING_REQUIRED = ("name", "address_line1", "postal_code", "city", "country")
BILLING_LIMITS = {
    "name": 250,
    "address_line1": 200,
    "address_line2": 200,
    "postal_code": 20,
    "city": 100,
    "country": 2,
    "tax_number": 50,
}


def billing_errors(*, billing: BillingAddress) -> dict[str, str]:
    """One message per wrong billing field (empty when all is well). Pure."""
    errors: dict[str, str] = {}
    for name, limit in BILLING_LIMITS.items():
        value = getattr(billing, name)
        if name in BILLING_REQUIRED and not value.strip():
            errors[name] = _("This field is required.")
        elif len(value) > limit:
            errors[name] = _("Use at most %(max)d characters.") % {"max": limit}
    if "country" not in errors and billing.country.upper() not in countries:
        errors["country"] = _("Choose a country from the list.")
    return errors


def billing_clean(*, billing: BillingAddress) -> BillingAddress:
    values = {name: " ".join(str(getattr(billing, name) or "").split()) for name in BILLING_LIMITS}
    values["country"] = values["country"].upper()
    return BillingAddress(**values)


def checkout_check(
    *,
    organization: Organization,
    totals: CartTotals,
    details: CheckoutDetails,
    required: CheckoutRequirements | None = None,
) -> dict[str, str]:
    """The checkout's field errors for ``details`` against the cart (empty: may be placed).
    Target tenants come back normalized in ``tenants_clean``. ``required`` saves computing
    the requirements again when the caller has them for the same cart."""
    errors = {f"billing_{k}": v for k, v in billing_errors(billing=details.billing).items()}
    if required is None:
        required = checkout_requirements(organization=organization, totals=totals)
    if details.payment_method not in required.payment_methods:
        errors["payment_method"] = _("Choose one of the payment methods offered.")
    if required.needs_mca and not details.accept_mca:
        errors["accept_mca"] = _("Accept the Microsoft Customer Agreement to buy Microsoft offers.")
    if required.needs_vendor_terms and not details.accept_vendor_terms:
        errors["accept_vendor_terms"] = _("Accept the vendor's terms to continue.")
    if required.shipping_required and not details.ship_to_billing:
        errors["ship_to_billing"] = _("Confirm the shipping address.")
    for item in required.microsoft_lines:
        try:
            prefix_validate(details.target_tenants.get(item.line.pk, ""))
        except InvalidTenantDomain as exc:
            errors[f"tenant_{item.line.pk}"] = exc.message
    return errors


def tenants_clean(*, target_tenants: dict[int, str]) -> dict[int, str]:
    """Each validated domain as ``<prefix>.onmicrosoft.com`` (invalid ones are left out)."""
    clean = {}
    for line_id, value in target_tenants.items():
        try:
            clean[line_id] = prefix_validate(value) + SUFFIX
        except InvalidTenantDomain:
            continue
    return clean


# --- placing --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckoutResult:
    order: Order
    payment: Payment | None
    created: bool  # False: the idempotency key had placed this order already


def _order_payment(*, order: Order) -> Payment | None:
    return payment_list(organization=order.organization, reference=order.number).first()


def _ip(value: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address(value)) if value else None
    except ValueError:
        return None


def _mca_record(*, organization: Organization, user, ip: str | None) -> AgreementAcceptance:
    """Record the acceptance of the current Microsoft Customer Agreement."""
    return agreement_accept(
        organization=organization,
        user=user,
        agreement=AgreementType.MICROSOFT_CUSTOMER_AGREEMENT,
        version=settings.SEATWISE_MCA_VERSION,
        ip=ip,
    )


@transaction.atomic
def checkout_place(
    *,
    user,
    cart: Cart | None,
    viewer: CartViewer,
    provider: Organization | None,
    details: CheckoutDetails,
    idempotency_key: str,
    ip: str | None = None,
) -> CheckoutResult:
    """Place ``cart`` as an order of ``viewer.organization`` (see the module's doc). Raises
    ``CheckoutError`` with ``details["fields"]``, ``CheckoutCartChanged`` (an empty cart, a
    line without a price, a coupon that no longer applies), a coupon error from the
    redemption, or the orders / payments errors; on any error nothing is written and the
    cart is kept."""
    organization = viewer.organization
    if organization is None:
        raise CheckoutCartChanged(_("This cart cannot be checked out."))
    require_role(user=user, organization=organization, roles=BUYING_ROLES)
    if cart is None:
        raise CheckoutCartChanged(_("Your cart is empty."))
    if cart.organization_id != organization.pk or cart.user_id != user.pk:
        raise CheckoutCartChanged(_("This cart cannot be checked out."))
    key = (idempotency_key or "").strip()
    if not key:
        raise CheckoutCartChanged(_("Open the confirmation page again and confirm from there."))
    # Serialize the confirmations of one cart: the second of a double click waits here and
    # then finds the first one's order.
    cart = Cart.objects.select_for_update().get(pk=cart.pk)
    done = Order.objects.filter(organization=organization, idempotency_key=key).first()
    if done is not None:
        return CheckoutResult(order=done, payment=_order_payment(order=done), created=False)

    totals = cart_totals(cart=cart, viewer=viewer)
    if not totals.lines:
        raise CheckoutCartChanged(_("Your cart is empty."))
    if totals.has_unavailable:
        raise CheckoutCartChanged(
            _("Some items in your cart are not sold to you: remove them to continue.")
        )
    if totals.coupon_error:
        raise CheckoutCartChanged(
            _("Your coupon no longer applies: %(reason)s") % {"reason": totals.coupon_error}
        )
    required = checkout_requirements(organization=organization, totals=totals)
    errors = checkout_check(
        organization=organization, totals=totals, details=details, required=required
    )
    if errors:
        raise CheckoutError(_("Please correct the marked fields."), details={"fields": errors})
    microsoft_ids = {item.line.pk for item in required.microsoft_lines}
    tenants = tenants_clean(
        target_tenants={k: v for k, v in details.target_tenants.items() if k in microsoft_ids}
    )

    acceptance = required.mca_acceptance
    if required.needs_mca:
        acceptance = _mca_record(organization=organization, user=user, ip=_ip(ip))

    order = order_place(
        organization=organization,
        placed_by=user,
        seller=viewer.seller,
        currency=totals.currency,
        lines=[
            LineInput(
                offer=priced.line.offer,
                quantity=priced.line.quantity,
                unit_price=priced.unit_price.amount,
                term=priced.line.term,
                billing_plan=priced.line.billing_plan,
                target_tenant=tenants.get(priced.line.pk, ""),
            )
            for priced in totals.lines
        ],
        payment_method=details.payment_method,
        idempotency_key=key,
        charges=Charges(
            discount=totals.discount.amount,
            extra_charge=totals.extra_charge.amount,
            shipping=totals.shipping.amount,
            tax=totals.tax.amount,
        ),
        billing=billing_clean(billing=details.billing),
        agreement_acceptance=acceptance,
    )
    if totals.coupon_code and totals.discount:
        priced = cart_priced_lines(cart=cart, viewer=viewer)
        coupon_redeem(
            code=totals.coupon_code,
            customer=organization,
            seller=viewer.seller,
            subtotal=priced.subtotal,
            lines=priced.discount_lines,
            order_reference=order.number,
            rates=viewer.price_context.rates,
        )

    payment = None
    amount = order.money("total").quantize().amount
    if amount > 0:
        if details.payment_method == PaymentMethod.LIQPAY:
            payment = payment_create(
                organization=organization,
                reference=order.number,
                gateway=Gateway.LIQPAY,
                amount=amount,
                currency=order.currency,
                description=_("Seatwise order %(number)s") % {"number": order.number},
                account=payment_account_ensure(organization=provider or viewer.seller),
            )
        else:
            payment = payment_create(
                organization=organization,
                reference=order.number,
                gateway=Gateway.INVOICE,
                amount=amount,
                currency=order.currency,
                description=_("Seatwise order %(number)s") % {"number": order.number},
            )
        order = order_transition(order=order, to=OrderStatus.AWAITING_PAYMENT, actor=user)
    else:  # nothing to pay (a trial): paid at once
        order = order_mark_paid(order=order, actor=user, message=_("Nothing to pay."))
    cart.lines.all().delete()
    cart.coupon_code = ""
    cart.save(update_fields=["coupon_code", "updated_at"])
    return CheckoutResult(order=order, payment=payment, created=True)


class OrderNotPayableAgain(ConflictError):
    code = "order_not_payable_again"


@transaction.atomic
def checkout_pay_again(
    *, user, organization: Organization, number: str, provider: Organization | None
) -> CheckoutResult:
    """A new card payment for ``organization``'s order ``number`` after the last one was
    declined: the order goes from *failed* back to *awaiting payment* (logged) with a new
    LiqPay attempt (its own ``order_id``). Only a card order that failed on its payment,
    was never paid and has no attempt still pending or paid may be paid again."""
    require_role(user=user, organization=organization, roles=BUYING_ROLES)
    order = (
        Order.objects.select_for_update(of=("self",))
        .filter(organization=organization, number=(number or "")[:24])
        .first()
    )
    if order is None:
        raise NotFoundError(_("This order does not exist or is not yours."), code="order_not_found")
    attempts = list(payment_list(organization=organization, reference=order.number))
    if (
        order.payment_method != PaymentMethod.LIQPAY
        or order.status != OrderStatus.FAILED
        or order.paid_at is not None
        or any(p.status in (PaymentStatus.PENDING, PaymentStatus.PAID) for p in attempts)
    ):
        raise OrderNotPayableAgain(_("This order cannot be paid again."))
    payment = payment_create(
        organization=organization,
        reference=order.number,
        gateway=Gateway.LIQPAY,
        amount=order.money("total").quantize().amount,
        currency=order.currency,
        description=_("Seatwise order %(number)s") % {"number": order.number},
        account=payment_account_ensure(organization=provider or order.seller),
    )
    order = order_transition(
        order=order,
        to=OrderStatus.AWAITING_PAYMENT,
        actor=user,
        message=_("Paying again (attempt %(count)d)") % {"count": len(attempts) + 1},
    )
    return CheckoutResult(order=order, payment=payment, created=True)
