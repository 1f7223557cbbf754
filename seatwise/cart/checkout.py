"""Checkout: what a cart needs before it becomes an order, and placing it.

``checkout_requirements`` (a read) says which steps a cart needs for the organization that
buys: the payment methods it may use, whether the Microsoft Customer Agreement must be
accepted (a Microsoft line, and the current ``SEATWISE_MCA_VERSION`` not accepted yet),
whether other vendors' terms must be accepted (a line of a vendor whose current terms
version the organization has not accepted yet; recorded per vendor), whether the
shipping steps are needed (a line that ships: a shipping address, and one of the provider's
shipping methods when it has any) and the Microsoft lines that name a target tenant.

The billing and shipping addresses come from the organization's address book
(``checkout_address_choices``: the company profile first, then the saved entries; an id is
looked up only inside the buyer's organization) or are typed in; the pages save a new one
to the book.

``checkout_place`` (a write, one transaction) prices the cart again on the server, refuses
what cannot be sold, records the agreement, places the order with the idempotency key the
confirm page minted (a double-clicked *Confirm* gets the first order back), redeems the
coupon against the order number inside the same transaction (a lost race on a coupon's last
use rolls the whole order back), creates the payment and empties the cart.
"""

from __future__ import annotations

import ipaddress
from dataclasses import asdict, dataclass, field, replace

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from seatwise.cart.models import Cart, CartLine
from seatwise.cart.selectors import CartTotals, CartViewer, cart_totals, tenant_domain_options
from seatwise.cart.snapshot import locked_lines
from seatwise.catalog.enums import VendorKind
from seatwise.connectors.domains import SUFFIX, prefix_validate
from seatwise.connectors.exceptions import ConnectorUnavailable, InvalidTenantDomain
from seatwise.connectors.selectors import tenant_domain_check
from seatwise.core.cache import CATALOG, CacheScope
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
from seatwise.pricing.selectors import ShippingQuote
from seatwise.pricing.services import coupon_redeem
from seatwise.tenancy.addresses import (
    ADDRESS_FIELDS,
    ADDRESS_LIMITS,
    ADDRESS_REQUIRED,
    address_clean,
    address_errors,
)
from seatwise.tenancy.enums import AgreementType
from seatwise.tenancy.models import (
    Address,
    AgreementAcceptance,
    Organization,
    OrganizationRegistration,
)
from seatwise.tenancy.selectors import (
    access_address,
    address_list,
    payment_settings_for,
    require_role,
)
from seatwise.tenancy.services import agreement_accept


class CheckoutError(ValidationError):
    code = "checkout_invalid"


class CheckoutCartChanged(ConflictError):
    code = "checkout_cart_changed"


# --- reads ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MicrosoftLine:
    line: CartLine
    default_tenant: str  # the tenant chosen on *Buy now*, else the one the company registered


@dataclass(frozen=True)
class VendorTerms:
    """A vendor whose terms the buyer must accept (the current version not accepted yet)."""

    slug: str
    name: str
    version: str
    url: str


@dataclass(frozen=True)
class CheckoutRequirements:
    payment_methods: tuple[str, ...]
    needs_mca: bool
    needs_vendor_terms: bool
    shipping_required: bool
    microsoft_lines: tuple[MicrosoftLine, ...]
    mca_version: str
    vendor_terms: tuple[VendorTerms, ...] = ()
    # The organization's acceptance of the current agreement (None: not accepted yet).
    mca_acceptance: AgreementAcceptance | None = field(default=None, compare=False, repr=False)
    # The shipping methods offered (when shipping is required): one must be chosen when
    # the provider has any; without any, goods ship at no charge.
    shipping_methods: tuple[ShippingQuote, ...] = ()

    @property
    def needs_shipping_method(self) -> bool:
        return self.shipping_required and bool(self.shipping_methods)


def checkout_payment_methods(*, organization: Organization) -> tuple[str, ...]:
    """Contract customers pay by sales invoice only; others by card (LiqPay), and also by
    invoice when their seller (their reseller, or the provider for a direct customer) allows
    it in *Settings → Payment methods*."""
    if organization.is_contract_customer:
        return (PaymentMethod.INVOICE,)
    if payment_settings_for(organization=organization).allow_invoice:
        return (PaymentMethod.LIQPAY, PaymentMethod.INVOICE)
    return (PaymentMethod.LIQPAY,)


def default_tenant(*, organization: Organization) -> str:
    """The tenant domain the organization registered (``<prefix>.onmicrosoft.com``), if any."""
    registration = OrganizationRegistration.objects.filter(organization=organization).first()
    return registration.tenant_domain_name if registration is not None else ""


def _acceptances(
    *, organization: Organization, microsoft: bool, vendor_slugs: list[str]
) -> tuple[AgreementAcceptance | None, set[tuple[str, str]]]:
    """One query: the organization's acceptance of the current Microsoft Customer Agreement
    (asked when ``microsoft``) and the (vendor, version) pairs of terms it accepted."""
    wanted = Q()
    if microsoft:
        wanted |= Q(
            agreement=AgreementType.MICROSOFT_CUSTOMER_AGREEMENT,
            version=settings.SEATWISE_MCA_VERSION,
        )
    if vendor_slugs:
        wanted |= Q(agreement=AgreementType.VENDOR_TERMS, subject__in=vendor_slugs)
    if not wanted:
        return None, set()
    rows = list(
        AgreementAcceptance.objects.filter(wanted, organization=organization).order_by("pk")
    )
    mca = next(
        (row for row in rows if row.agreement == AgreementType.MICROSOFT_CUSTOMER_AGREEMENT), None
    )
    accepted = {
        (row.subject, row.version) for row in rows if row.agreement == AgreementType.VENDOR_TERMS
    }
    return mca, accepted


def checkout_requirements(
    *,
    organization: Organization,
    totals: CartTotals,
    prefill: bool = True,
    acceptances: tuple[AgreementAcceptance | None, set[tuple[str, str]]] | None = None,
) -> CheckoutRequirements:
    """What the cart needs (see the module's doc). ``prefill``: also look up the tenant the
    company registered, to suggest it for Microsoft lines that name none (the pages).
    ``acceptances``: the Microsoft Customer Agreement acceptance and the accepted (vendor,
    version) pairs, already read (the checkout reads them with its cart lock)."""
    lines = [priced.line for priced in totals.lines]
    vendors = {line.offer.product.vendor for line in lines}  # cart_totals selects them
    microsoft = [line for line in lines if line.offer.product.vendor.kind == VendorKind.MICROSOFT]
    tenant = (
        default_tenant(organization=organization)
        if prefill and any(not line.target_tenant for line in microsoft)
        else ""
    )
    others = sorted(
        (v for v in vendors if v.kind != VendorKind.MICROSOFT), key=lambda vendor: vendor.name
    )
    acceptance, accepted = acceptances or _acceptances(
        organization=organization,
        microsoft=bool(microsoft),
        vendor_slugs=[vendor.slug for vendor in others],
    )
    terms = tuple(
        VendorTerms(slug=v.slug, name=v.name, version=v.terms_version, url=v.terms_url)
        for v in others
        if (v.slug, v.terms_version) not in accepted
    )
    return CheckoutRequirements(
        payment_methods=checkout_payment_methods(organization=organization),
        needs_mca=bool(microsoft) and acceptance is None,
        needs_vendor_terms=bool(terms),
        vendor_terms=terms,
        shipping_required=totals.shipping_required,
        microsoft_lines=tuple(
            MicrosoftLine(line=line, default_tenant=line.target_tenant or tenant)
            for line in microsoft
        ),
        mca_version=settings.SEATWISE_MCA_VERSION,
        mca_acceptance=acceptance,
        shipping_methods=totals.shipping_methods if totals.shipping_required else (),
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
    ship_to_billing: bool = False  # goods ship to the billing address
    shipping_address: BillingAddress | None = None  # ... or to this one
    shipping_method_id: int | None = None  # one of ``CheckoutRequirements.shipping_methods``


# The address fields, their limits and the required ones (the address book's rules).
BILLING_REQUIRED = ADDRESS_REQUIRED
BILLING_LIMITS = ADDRESS_LIMITS


def billing_errors(*, billing: BillingAddress) -> dict[str, str]:
    """One message per wrong field of a billing or shipping address (empty when all is
    well). Pure."""
    return address_errors(asdict(billing))


def billing_clean(*, billing: BillingAddress) -> BillingAddress:
    return BillingAddress(**address_clean(asdict(billing)))


def shipping_clean(*, address: BillingAddress) -> BillingAddress:
    """A shipping address as the order keeps it (no tax number)."""
    return BillingAddress(**{**address_clean(asdict(address)), "tax_number": ""})


# --- the address book at checkout -----------------------------------------------------------

PROFILE = "profile"  # the choice of the company profile's address


@dataclass(frozen=True)
class AddressChoice:
    key: str  # ``PROFILE`` or the address book entry's id
    address: BillingAddress
    is_profile: bool = False

    @property
    def complete(self) -> bool:
        return not billing_errors(billing=self.address)


def address_of(entry: Address) -> BillingAddress:
    return BillingAddress(**{name: str(getattr(entry, name) or "") for name in ADDRESS_FIELDS})


def checkout_address_choices(*, organization: Organization) -> tuple[AddressChoice, ...]:
    """The addresses the buyer may pick: the company profile's first, then the address
    book's entries by name. One query."""
    return (
        AddressChoice(key=PROFILE, address=BillingAddress.of(organization), is_profile=True),
        *(
            AddressChoice(key=str(entry.pk), address=address_of(entry))
            for entry in address_list(organization=organization)
        ),
    )


def checkout_address_pick(*, user, organization: Organization, key: object) -> AddressChoice:
    """The choice ``key`` (``PROFILE`` or an entry's id) of ``organization``; an id of
    another organization, or no id at all, is ``AddressNotFound``."""
    if key == PROFILE:
        return AddressChoice(key=PROFILE, address=BillingAddress.of(organization), is_profile=True)
    entry = access_address(user=user, organization=organization, pk=key)
    return AddressChoice(key=str(entry.pk), address=address_of(entry))


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
    if required.shipping_required:
        if details.shipping_address is not None:
            errors.update(
                {
                    f"shipping_{name}": message
                    for name, message in billing_errors(billing=details.shipping_address).items()
                    if name != "tax_number"
                }
            )
        elif not details.ship_to_billing:
            errors["ship_to_billing"] = _("Confirm the shipping address.")
        offered = {quote.method_id for quote in required.shipping_methods}
        if offered and details.shipping_method_id is None:
            errors["shipping_method"] = _("Choose a shipping method.")
        elif offered and details.shipping_method_id not in offered:
            errors["shipping_method"] = _("Choose one of the shipping methods offered.")
    for item in required.microsoft_lines:
        try:
            prefix_validate(_tenant_of(item, details))
        except InvalidTenantDomain as exc:
            errors[f"tenant_{item.line.pk}"] = exc.message
    return errors


def _tenant_of(item: MicrosoftLine, details: CheckoutDetails) -> str:
    """The tenant a Microsoft line goes to: as given at checkout, else as chosen on *Buy
    now* (kept on the cart line)."""
    return details.target_tenants.get(item.line.pk) or item.line.target_tenant


@dataclass(frozen=True)
class TenantCheck:
    """A target tenant as the buyer typed it: one the organization already has
    (``existing``), a new one that is free (created at provisioning), or an error."""

    domain: str = ""
    existing: bool = False
    error: str = ""
    suggestions: tuple[str, ...] = ()


def checkout_tenant_check(*, organization: Organization, value: str) -> TenantCheck:
    """Whether ``value`` may name a Microsoft line's tenant: a tenant the organization is
    known to have (registered, or named by its earlier orders), or a new domain that the
    Microsoft connector says is free. Asked by the checkout's agreements step, outside any
    transaction (the connector may be a network call); ``checkout_place`` checks the form
    only, and a name taken meanwhile fails at provisioning."""
    try:
        prefix = prefix_validate(value)
    except InvalidTenantDomain as exc:
        return TenantCheck(error=exc.message)
    domain = prefix + SUFFIX
    if domain in tenant_domain_options(organization=organization):
        return TenantCheck(domain=domain, existing=True)
    try:
        check = tenant_domain_check(prefix=prefix, country=str(organization.country or ""))
    except ConnectorUnavailable:
        return TenantCheck(
            domain=domain,
            error=_("We could not check the domain name now. Try again in a moment."),
        )
    if not check.available:
        return TenantCheck(
            domain=domain,
            error=_("%(domain)s is already taken.") % {"domain": domain},
            suggestions=check.suggestions,
        )
    return TenantCheck(domain=domain)


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


def _carried_acceptances(
    *, lines: list[CartLine], organization: Organization
) -> tuple[AgreementAcceptance | None, set[tuple[str, str]]] | None:
    """``_acceptances`` from what ``locked_lines`` carried (None: no lines carried it). The
    agreement is referred to by id: the order only keeps the reference."""
    if not lines:
        return None
    mca_id = lines[0].mca_id
    mca = AgreementAcceptance(pk=mca_id, organization_id=organization.pk) if mca_id else None
    vendors = {line.offer.product.vendor for line in lines if line.terms_accepted}
    return mca, {(vendor.slug, vendor.terms_version) for vendor in vendors}


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
    cart is kept.

    Placing twice with one ``idempotency_key`` gives one order: a repeat of the cart's last
    checkout (a double click) waits for the cart's lock and finds the order on the cart; a
    key that some other checkout already used fails on the orders' unique key, and that
    order is the answer."""
    arguments = {
        "user": user,
        "cart": cart,
        "viewer": viewer,
        "provider": provider,
        "details": details,
        "idempotency_key": idempotency_key,
        "ip": ip,
    }
    try:
        return _checkout_place(**arguments)
    except IntegrityError:
        key = (idempotency_key or "").strip()
        organization = viewer.organization
        done = (
            Order.objects.filter(organization=organization, idempotency_key=key).first()
            if key and organization is not None
            else None
        )
        if done is None:
            raise
        return CheckoutResult(order=done, payment=_order_payment(order=done), created=False)


@transaction.atomic
def _checkout_place(
    *,
    user,
    cart: Cart | None,
    viewer: CartViewer,
    provider: Organization | None,
    details: CheckoutDetails,
    idempotency_key: str,
    ip: str | None,
) -> CheckoutResult:
    organization = viewer.organization
    if organization is None:
        raise CheckoutCartChanged(_("This cart cannot be checked out."))
    key = (idempotency_key or "").strip()
    refusal = ""
    if cart is None:
        refusal = _("Your cart is empty.")
    elif cart.organization_id != organization.pk or cart.user_id != user.pk:
        refusal = _("This cart cannot be checked out.")
    elif not key:
        refusal = _("Open the confirmation page again and confirm from there.")
    if refusal:
        # A caller without the role hears that first; the role is otherwise read with the
        # cart's lock below.
        require_role(user=user, organization=organization, roles=BUYING_ROLES)
        raise CheckoutCartChanged(refusal)
    if viewer.cache is None:  # one catalogue generation for the whole checkout
        viewer = replace(viewer, cache=CacheScope(CATALOG))
    lines = locked_lines(cart=cart, user=user, organization=organization)
    if lines:
        viewer.cache.adopt(lines[0].catalogue_generation)
    if not lines or lines[0].buyer_role not in BUYING_ROLES:
        # No lines to carry it, or a role that may still pass through an ancestor: the
        # full check decides, and raises the right error.
        require_role(user=user, organization=organization, roles=BUYING_ROLES)
    cart = lines[0].cart if lines else Cart.objects.select_for_update().get(pk=cart.pk)
    if cart.placed_key == key and cart.placed_order_id is not None:
        done = Order.objects.get(pk=cart.placed_order_id)
        return CheckoutResult(order=done, payment=_order_payment(order=done), created=False)

    totals = cart_totals(
        cart=cart,
        viewer=viewer,
        checkout=True,
        shipping_method_id=details.shipping_method_id,
        lines=lines,
    )
    acceptances = _carried_acceptances(lines=lines, organization=organization)
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
    required = checkout_requirements(
        organization=organization, totals=totals, prefill=False, acceptances=acceptances
    )
    errors = checkout_check(
        organization=organization, totals=totals, details=details, required=required
    )
    if errors:
        raise CheckoutError(_("Please correct the marked fields."), details={"fields": errors})
    tenants = tenants_clean(
        target_tenants={
            item.line.pk: _tenant_of(item, details) for item in required.microsoft_lines
        }
    )

    billing = billing_clean(billing=details.billing)
    ship_to = None
    if required.shipping_required:
        ship_to = shipping_clean(address=details.shipping_address or billing)

    acceptance = required.mca_acceptance
    if required.needs_mca:
        acceptance = _mca_record(organization=organization, user=user, ip=_ip(ip))
    for terms in required.vendor_terms:
        agreement_accept(
            organization=organization,
            user=user,
            agreement=AgreementType.VENDOR_TERMS,
            subject=terms.slug,
            version=terms.version,
            ip=_ip(ip),
        )

    amount = totals.total.quantize().amount
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
                partner_unit_price=(
                    priced.partner_price.amount if priced.partner_price is not None else None
                ),
                markup_percent=priced.line.markup_percent,
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
        billing=billing,
        agreement_acceptance=acceptance,
        shipping_address=ship_to,
        shipping_method_name=totals.shipping_method.name if totals.shipping_method else "",
        # Something to pay: the order awaits its payment, created just below.
        await_payment=amount > 0,
        # The role was checked above; a used key fails the order's insert (see above).
        checked=True,
    )
    if totals.coupon_code and totals.discount:
        coupon_redeem(
            code=totals.coupon_code,
            customer=organization,
            seller=viewer.seller,
            subtotal=totals.subtotal,
            lines=totals.discount_lines,
            order_reference=order.number,
            rates=viewer.price_context.rates,
        )

    payment = None
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
    else:  # nothing to pay (a trial): paid at once
        order = order_mark_paid(order=order, actor=user, message=_("Nothing to pay."))
    cart.lines.all().delete()
    cart.coupon_code = ""
    cart.placed_key, cart.placed_order = key, order
    cart.save(update_fields=["coupon_code", "placed_key", "placed_order", "updated_at"])
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
