"""Cart reads, priced for the viewer on the server. The browser never sends a price: every
line is priced from ``pricing`` for the viewer and currency of the request, and the totals
(sub-total, coupon discount, extra charge, shipping, tax, total) are computed here."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from seatwise.cart.calculations import PriceOptionRow, customer_unit_price, price_option_rows
from seatwise.cart.exceptions import CartLineNotFound
from seatwise.cart.models import Cart, CartLine
from seatwise.catalog.enums import VendorKind
from seatwise.catalog.models import Category, Offer
from seatwise.core.cache import CATALOG, CacheScope
from seatwise.core.errors import ApplicationError
from seatwise.core.money import Money, money_sum
from seatwise.orders.enums import OrderStatus
from seatwise.orders.models import OrderLine
from seatwise.pricing.discounts import DiscountLine
from seatwise.pricing.enums import PriceKind
from seatwise.pricing.exceptions import CouponError
from seatwise.pricing.selectors import (
    PriceContext,
    ShippingQuote,
    ViewerPrice,
    offer_price_map,
    shipping_quote_list,
)
from seatwise.pricing.services import coupon_check
from seatwise.subscriptions.enums import AccountStatus
from seatwise.subscriptions.models import VendorAccount
from seatwise.tenancy.enums import MANAGING_ROLES, OrganizationKind
from seatwise.tenancy.models import Organization, OrganizationRegistration
from seatwise.tenancy.selectors import (
    acting_from_organization,
    organization_reseller,
    require_role,
)

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class CartViewer:
    """Who looks at the cart: the buying organization (None for a visitor), the seller whose
    coupons apply, the price context and the display currency."""

    organization: Organization | None
    seller: Organization | None
    price_context: PriceContext
    currency: str
    # The request's catalogue cache (its generation read once per request); None: each
    # pricing of a cart reads the generation itself.
    cache: CacheScope | None = field(default=None, compare=False)

    def catalogue(self) -> CacheScope:
        return self.cache if self.cache is not None else CacheScope(CATALOG)


def cart_viewer_get(
    *,
    organization: Organization | None,
    provider: Organization | None,
    price_context,
    currency,
    cache: CacheScope | None = None,
) -> CartViewer:
    """The seller is the reseller a customer buys through, else the provider."""
    seller = provider
    if organization is not None and organization.is_customer:
        seller = organization_reseller(organization=organization) or provider
    return CartViewer(
        organization=organization,
        seller=seller,
        price_context=price_context,
        currency=currency,
        cache=cache,
    )


def cart_find(*, user, organization: Organization | None, cart_id: object = None) -> Cart | None:
    """The cart the request may see, without creating one: a user's cart for the
    organization, or the visitor's cart named in their session."""
    if user is not None and getattr(user, "is_authenticated", False):
        return Cart.objects.filter(user=user, organization=organization).order_by("pk").first()
    if cart_id is None:
        return None
    try:
        return Cart.objects.filter(pk=int(cart_id), user__isnull=True).first()
    except (TypeError, ValueError):
        return None


def partner_price(price: ViewerPrice) -> Money:
    """What the seller of a customer pays per unit: the reseller's buy price, or the
    provider's cost for a customer buying directly from the provider."""
    breakdown = price.breakdown
    return breakdown.reseller_price if breakdown.reseller_price is not None else breakdown.cost


def unit_price_for(price: ViewerPrice, markup_percent: Decimal | None) -> Money:
    """The viewer's unit price of ``price``, in whole minor units (the price the buyer is
    quoted, so that a line is exactly unit price × quantity); a *Price options* markup (set
    on a customer's line by its reseller) replaces the default: partner price × (1 + markup
    / 100)."""
    if markup_percent is None or price.kind != PriceKind.CUSTOMER:
        return price.amount.quantize()
    return customer_unit_price(
        partner=partner_price(price), markup_percent=markup_percent
    ).quantize()


@dataclass(frozen=True)
class PricedLine:
    line: CartLine
    unit_price: Money | None  # None: no price for this viewer (not sold to them)
    total: Money | None
    price: ViewerPrice | None = None  # the tiers behind ``unit_price``

    @property
    def available(self) -> bool:
        return self.unit_price is not None

    @property
    def partner_price(self) -> Money | None:
        """The seller's unit buy price for a customer's line (None for other viewers)."""
        if self.price is None or self.price.kind != PriceKind.CUSTOMER:
            return None
        return partner_price(self.price)

    @property
    def markup_percent(self) -> Decimal | None:
        """The line's *Price options* markup (None: the seller's default applies)."""
        return self.line.markup_percent

    @property
    def margin(self) -> Money | None:
        """The seller's margin on the line: its total less the partner price × quantity."""
        partner = self.partner_price
        if partner is None or self.total is None:
            return None
        return self.total - (partner * self.line.quantity).quantize()


@dataclass(frozen=True)
class PricedLines:
    lines: tuple[PricedLine, ...]
    subtotal: Money
    discount_lines: list[DiscountLine]


@dataclass(frozen=True)
class CartTotals:
    cart: Cart | None
    lines: tuple[PricedLine, ...]
    currency: str
    subtotal: Money
    discount: Money
    coupon_code: str
    coupon_error: str
    extra_charge: Money
    shipping_required: bool
    shipping: Money
    tax_rate: Decimal
    tax: Money
    total: Money
    # The checkout's totals, when a line ships: the provider's shipping methods priced in
    # the cart's currency, and the one chosen (its price is ``shipping``; None: none chosen,
    # shipping is zero).
    shipping_methods: tuple[ShippingQuote, ...] = ()
    shipping_method: ShippingQuote | None = None
    # The priced lines as the coupon sees them (offer, categories, total).
    discount_lines: tuple[DiscountLine, ...] = ()

    @property
    def item_count(self) -> int:
        return len(self.lines)

    @property
    def has_unavailable(self) -> bool:
        return any(not line.available for line in self.lines)


def _category_chains(lines: list[CartLine]) -> dict[int, frozenset[int]]:
    """Each line's category and its ancestors (one query for the small category table)."""
    if not lines:
        return {}
    parents = dict(Category.objects.values_list("pk", "parent_id"))
    chains: dict[int, frozenset[int]] = {}
    for line in lines:
        node, chain = line.offer.product.category_id, set()
        while node is not None and node not in chain:
            chain.add(node)
            node = parents.get(node)
        chains[line.pk] = frozenset(chain)
    return chains


def _context_key(viewer: CartViewer) -> tuple:
    """Everything of the viewer that decides a price, as a cache key."""
    context = viewer.price_context
    return (
        context.provider_id,
        str(context.viewer_kind),
        context.cost_list_id,
        context.reseller_list_id,
        str(context.markup_percent),
        tuple(sorted((f"{a}-{b}", str(rate)) for (a, b), rate in context.rates.items())),
        viewer.currency,
    )


def _cart_catalogue(
    *, viewer: CartViewer, offer_ids: list[int], scope: CacheScope
) -> tuple[dict[int, Offer], dict[int, list[ViewerPrice]]]:
    """The offers of a cart (with product and vendor) and their prices for ``viewer``, from
    the catalogue cache: its generation changes in the same transaction as any catalogue or
    price write (ADR 0008), so a cart is never priced from rows older than that generation."""

    def build() -> tuple[dict[int, Offer], dict[int, list[ViewerPrice]]]:
        offers = Offer.objects.filter(pk__in=offer_ids).select_related("product__vendor")
        prices = offer_price_map(
            context=viewer.price_context, offer_ids=offer_ids, currency=viewer.currency
        )
        return {offer.pk: offer for offer in offers}, prices

    if not offer_ids:
        return {}, {}
    return scope.get_or_build(("cart-catalogue", *_context_key(viewer), *offer_ids), build)


def cart_priced_lines(
    *,
    cart: Cart | None,
    viewer: CartViewer,
    categories: bool | None = None,
    lines: list[CartLine] | None = None,
    scope: CacheScope | None = None,
) -> PricedLines:
    """The cart's lines priced for ``viewer``. The discount lines carry their categories when
    ``categories`` (by default: when the cart holds a coupon, the only one that needs them).
    ``lines``: the cart's lines, already read (the checkout reads them with its lock).
    Offers and prices come from the catalogue cache (``scope``, default the viewer's)."""
    if lines is None:
        lines = list(cart.lines.order_by("added_at", "pk")) if cart is not None else []
    offers, price_map = _cart_catalogue(
        viewer=viewer,
        offer_ids=sorted({line.offer_id for line in lines}),
        scope=scope or viewer.catalogue(),
    )
    for line in lines:
        offer = offers.get(line.offer_id)
        if offer is not None:  # else (an offer deleted since) the line loads its own
            line.offer = offer
    # Only a coupon looks at the categories (one query for the small category table).
    if categories is None:
        categories = cart is not None and bool(cart.coupon_code)
    chains = _category_chains(lines) if categories else {}
    priced, discount_lines = [], []
    for line in lines:
        price = next(
            (
                p
                for p in price_map.get(line.offer_id, ())
                if p.billing_plan == line.billing_plan and p.amount.currency == viewer.currency
            ),
            None,
        )
        unit = unit_price_for(price, line.markup_percent) if price is not None else None
        total = (unit * line.quantity).quantize() if unit is not None else None
        priced.append(PricedLine(line=line, unit_price=unit, total=total, price=price))
        if total is not None:
            discount_lines.append(
                DiscountLine(
                    offer_id=line.offer_id,
                    category_ids=chains.get(line.pk, frozenset()),
                    total=total,
                )
            )
    subtotal = money_sum([d.total for d in discount_lines], viewer.currency)
    return PricedLines(lines=tuple(priced), subtotal=subtotal, discount_lines=discount_lines)


def vat_rate(*, seller: Organization | None) -> Decimal:
    """The seller's country VAT rate in percent, from ``SEATWISE_VAT_RATES`` (0 if unset)."""
    country = str(getattr(seller, "country", "") or "") if seller is not None else ""
    rate = getattr(settings, "SEATWISE_VAT_RATES", {}).get(country, 0)
    return Decimal(str(rate)) if not isinstance(rate, Decimal) else rate


def cart_totals(
    *,
    cart: Cart | None,
    viewer: CartViewer,
    checkout: bool = False,
    shipping_method_id: object = None,
    lines: list[CartLine] | None = None,
) -> CartTotals:
    """The cart priced for ``viewer``. The cart page leaves shipping to the checkout; the
    checkout's totals (``checkout``), when a line ships, list the shop's provider's active
    shipping methods priced in the cart's currency, and ``shipping_method_id`` picks one of
    them: its price is the shipping charge, taxed like the rest. An id that is not one of
    them (another provider's, an inactive one) picks none and the charge stays zero.
    ``lines``: the cart's lines, already read (see ``cart_priced_lines``)."""
    currency = viewer.currency
    scope = viewer.catalogue()
    priced = cart_priced_lines(cart=cart, viewer=viewer, lines=lines, scope=scope)
    zero = Money.zero(currency)
    discount, coupon_error = zero, ""
    code = cart.coupon_code if cart is not None else ""
    if code and priced.lines:
        try:
            discount = coupon_check(
                code=code,
                customer=viewer.organization,
                seller=viewer.seller,
                subtotal=priced.subtotal,
                lines=priced.discount_lines,
                rates=viewer.price_context.rates,
            ).discount
        except CouponError as error:
            coupon_error = error.message
    shipping_required = any(p.line.offer.is_shippable for p in priced.lines)
    extra_charge = zero
    methods: tuple[ShippingQuote, ...] = ()
    if shipping_required and checkout:
        methods = scope.get_or_build(
            ("shipping-quotes", *_context_key(viewer)),
            lambda: shipping_quote_list(
                provider_id=viewer.price_context.provider_id,
                currency=currency,
                rates=viewer.price_context.rates,
            ),
        )
    chosen = next((m for m in methods if str(m.method_id) == str(shipping_method_id)), None)
    shipping = chosen.price if chosen is not None else zero
    rate = vat_rate(seller=viewer.seller)
    taxable = priced.subtotal - discount + extra_charge + shipping
    tax = (taxable * rate / HUNDRED).quantize()
    return CartTotals(
        cart=cart,
        lines=priced.lines,
        currency=currency,
        subtotal=priced.subtotal,
        discount=discount,
        coupon_code=code,
        coupon_error=coupon_error,
        extra_charge=extra_charge,
        shipping_required=shipping_required,
        shipping=shipping,
        tax_rate=rate,
        tax=tax,
        total=taxable + tax,
        shipping_methods=methods,
        shipping_method=chosen,
        discount_lines=tuple(priced.discount_lines),
    )


# --- Price options and the order page (ALEF 2.2) -------------------------------------------


def price_override_allowed(*, user, organization: Organization | None) -> bool:
    """Whether ``user`` may set *Price options* in ``organization``: an owner or account
    manager of the customer's reseller acting inside it, or of the provider acting inside
    one of its direct customers. Never the customer's own users."""
    if organization is None or organization.kind != OrganizationKind.CUSTOMER:
        return False
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    acting_from = acting_from_organization(user=user, organization=organization)
    if acting_from is None or acting_from.pk != organization.parent_id:
        return False
    try:
        require_role(user=user, organization=acting_from, roles=MANAGING_ROLES)
    except ApplicationError:
        return False
    return True


def offer_viewer_price(
    *, viewer: CartViewer, offer_id: int, billing_plan: str
) -> ViewerPrice | None:
    """The viewer's price of one offer on one billing plan, or None if not sold to them."""
    prices = offer_price_map(
        context=viewer.price_context, offer_ids=[offer_id], currency=viewer.currency
    ).get(offer_id, ())
    return next((p for p in prices if p.billing_plan == billing_plan), None)


@dataclass(frozen=True)
class PriceOptions:
    """The order page's total and the *Price options* summary table for one offer, plan and
    quantity as the viewer buys it. ``rows``: one unit, then the quantity."""

    billing_plan: str
    quantity: int
    markup_percent: Decimal | None  # the override; None: the default markup
    default_markup_percent: Decimal | None
    partner_price: Money | None  # None unless the buyer is a customer
    suggested_retail_price: Money
    unit_price: Money
    total: Money
    rows: tuple[PriceOptionRow, ...]


def offer_price_options(
    *,
    viewer: CartViewer,
    offer: Offer,
    billing_plan: str,
    quantity: int,
    markup_percent: Decimal | None = None,
) -> PriceOptions | None:
    """The total (and, for a customer, the summary table) of ``quantity`` × ``offer`` on
    ``billing_plan`` with ``markup_percent`` (None: the default); None when the offer has no
    price on that plan for the viewer."""
    price = offer_viewer_price(viewer=viewer, offer_id=offer.pk, billing_plan=billing_plan)
    if price is None:
        return None
    unit = unit_price_for(price, markup_percent)
    is_customer = price.kind == PriceKind.CUSTOMER
    partner = partner_price(price) if is_customer else None
    rows = (
        price_option_rows(partner=partner, srp=price.erp, customer_unit=unit, quantity=quantity)
        if partner is not None
        else ()
    )
    return PriceOptions(
        billing_plan=billing_plan,
        quantity=quantity,
        markup_percent=markup_percent if is_customer else None,
        default_markup_percent=viewer.price_context.markup_percent,
        partner_price=partner,
        suggested_retail_price=price.erp,
        unit_price=unit,
        total=(unit * quantity).quantize(),
        rows=rows,
    )


def cart_line_price_options(*, cart: Cart, line_id: object, viewer: CartViewer) -> PriceOptions:
    """The summary table of one cart line (its quantity, plan and markup)."""
    try:
        line = CartLine.objects.select_related("offer").get(cart=cart, pk=int(line_id))
    except (CartLine.DoesNotExist, TypeError, ValueError):
        raise CartLineNotFound(_("This item is no longer in your cart.")) from None
    options = offer_price_options(
        viewer=viewer,
        offer=line.offer,
        billing_plan=line.billing_plan,
        quantity=line.quantity,
        markup_percent=line.markup_percent,
    )
    if options is None:
        raise CartLineNotFound(_("This item is not sold to you."))
    return options


def offer_is_microsoft(*, offer: Offer) -> bool:
    return offer.product.vendor.kind == VendorKind.MICROSOFT


def tenant_domain_options(*, organization: Organization | None) -> tuple[str, ...]:
    """The Microsoft tenant domains the organization is known to have: the one it asked for
    at registration, its tenants on record (created or linked; not failed ones) and the
    ones its earlier orders named, each once, in that order."""
    if organization is None:
        return ()
    found: list[str] = []
    registration = OrganizationRegistration.objects.filter(organization=organization).first()
    if registration is not None and registration.tenant_domain_name:
        found.append(registration.tenant_domain_name)
    accounts = (
        VendorAccount.objects.filter(organization=organization)
        .exclude(status=AccountStatus.FAILED)
        .order_by("domain")
        .values_list("domain", flat=True)
    )
    for domain in accounts:
        if domain not in found:
            found.append(domain)
    used = (
        OrderLine.objects.filter(organization=organization)
        .exclude(target_tenant="")
        .exclude(order__status__in=(OrderStatus.DRAFT, OrderStatus.CANCELLED))
        .values_list("target_tenant", flat=True)
        .distinct()
    )
    for domain in sorted(used):
        if domain not in found:
            found.append(domain)
    return tuple(found)
