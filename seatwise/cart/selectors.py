"""Cart reads, priced for the viewer on the server. The browser never sends a price: every
line is priced from ``pricing`` for the viewer and currency of the request, and the totals
(sub-total, coupon discount, extra charge, shipping, tax, total) are computed here."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from seatwise.cart.models import Cart, CartLine
from seatwise.catalog.models import Category
from seatwise.core.money import Money, money_sum
from seatwise.pricing.discounts import DiscountLine
from seatwise.pricing.exceptions import CouponError
from seatwise.pricing.selectors import PriceContext, offer_price_map
from seatwise.pricing.services import coupon_check
from seatwise.tenancy.models import Organization
from seatwise.tenancy.selectors import organization_reseller

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class CartViewer:
    """Who looks at the cart: the buying organization (None for a visitor), the seller whose
    coupons apply, the price context and the display currency."""

    organization: Organization | None
    seller: Organization | None
    price_context: PriceContext
    currency: str


def cart_viewer_get(
    *, organization: Organization | None, provider: Organization | None, price_context, currency
) -> CartViewer:
    """The seller is the reseller a customer buys through, else the provider."""
    seller = provider
    if organization is not None and organization.is_customer:
        seller = organization_reseller(organization=organization) or provider
    return CartViewer(
        organization=organization, seller=seller, price_context=price_context, currency=currency
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


@dataclass(frozen=True)
class PricedLine:
    line: CartLine
    unit_price: Money | None  # None: no price for this viewer (not sold to them)
    total: Money | None

    @property
    def available(self) -> bool:
        return self.unit_price is not None


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


def cart_priced_lines(*, cart: Cart | None, viewer: CartViewer) -> PricedLines:
    lines = (
        list(cart.lines.select_related("offer__product__category").order_by("added_at", "pk"))
        if cart is not None
        else []
    )
    price_map = offer_price_map(
        context=viewer.price_context,
        offer_ids={line.offer_id for line in lines},
        currency=viewer.currency,
    )
    chains = _category_chains(lines)
    priced, discount_lines = [], []
    for line in lines:
        unit = next(
            (
                p.amount
                for p in price_map.get(line.offer_id, ())
                if p.billing_plan == line.billing_plan and p.amount.currency == viewer.currency
            ),
            None,
        )
        total = (unit * line.quantity).quantize() if unit is not None else None
        priced.append(PricedLine(line=line, unit_price=unit, total=total))
        if total is not None:
            discount_lines.append(
                DiscountLine(offer_id=line.offer_id, category_ids=chains[line.pk], total=total)
            )
    subtotal = money_sum([d.total for d in discount_lines], viewer.currency)
    return PricedLines(lines=tuple(priced), subtotal=subtotal, discount_lines=discount_lines)


def vat_rate(*, seller: Organization | None) -> Decimal:
    """The seller's country VAT rate in percent, from ``SEATWISE_VAT_RATES`` (0 if unset)."""
    country = str(getattr(seller, "country", "") or "") if seller is not None else ""
    rate = getattr(settings, "SEATWISE_VAT_RATES", {}).get(country, 0)
    return Decimal(str(rate)) if not isinstance(rate, Decimal) else rate


def cart_totals(*, cart: Cart | None, viewer: CartViewer) -> CartTotals:
    currency = viewer.currency
    priced = cart_priced_lines(cart=cart, viewer=viewer)
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
    shipping = zero
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
    )
