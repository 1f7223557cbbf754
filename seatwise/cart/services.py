"""Cart writes. Every service takes the cart the interface resolved for the request (a
visitor's from the session, a user's by user and organization), so one buyer never reaches
another's lines: line ids are always looked up inside ``cart``."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from seatwise.cart.exceptions import (
    AddonNeedsBase,
    CartLineNotFound,
    InvalidBillingPlan,
    InvalidQuantity,
    OfferNotAvailable,
)
from seatwise.cart.models import Cart, CartLine
from seatwise.cart.selectors import CartViewer, cart_priced_lines
from seatwise.catalog.calculations import BuyerSegments, offer_is_eligible
from seatwise.catalog.enums import TERM_BILLING_PLANS
from seatwise.catalog.models import Offer
from seatwise.pricing.services import coupon_check
from seatwise.tenancy.models import Organization


def cart_get_or_create(
    *, session_key: str, user, organization: Organization | None, cart_id: object = None
) -> Cart:
    """A signed-in user's cart for ``organization`` (created on first use), or a visitor's
    cart: the one ``cart_id`` (kept in the visitor's session) names if it is still a
    visitor's cart, else a new one."""
    if user is not None and getattr(user, "is_authenticated", False):
        cart = Cart.objects.filter(user=user, organization=organization).order_by("pk").first()
        if cart is None:
            cart = Cart.objects.create(user=user, organization=organization)
        return cart
    if cart_id is not None:
        try:
            cart = Cart.objects.filter(pk=int(cart_id), user__isnull=True).first()
        except (TypeError, ValueError):
            cart = None
        if cart is not None:
            return cart
    return Cart.objects.create(session_key=session_key or "")


def _check_quantity(offer: Offer, quantity: object) -> int:
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        raise InvalidQuantity(_("Enter a whole number for the quantity."))
    if not offer.min_quantity <= quantity <= offer.max_quantity:
        raise InvalidQuantity(
            _("Choose a quantity from %(min)s to %(max)s.")
            % {"min": offer.min_quantity, "max": offer.max_quantity},
            details={"min": offer.min_quantity, "max": offer.max_quantity},
        )
    return quantity


def _check_offer(*, cart: Cart, offer: Offer, billing_plan: str) -> None:
    if not offer.is_active or not offer.product.is_active:
        raise OfferNotAvailable(_("This offer is no longer sold."))
    allowed = TERM_BILLING_PLANS.get(offer.term, frozenset())
    if billing_plan not in (offer.billing_plans or []) or billing_plan not in allowed:
        raise InvalidBillingPlan(_("This billing plan is not available for this offer."))
    buyer = cart.organization
    if buyer is not None and not offer_is_eligible(
        for_commercial=offer.for_commercial,
        for_academic=offer.for_academic,
        for_government=offer.for_government,
        for_nonprofit=offer.for_nonprofit,
        buyer=BuyerSegments(
            academic=buyer.is_academic,
            government=buyer.is_government,
            nonprofit=buyer.is_nonprofit,
        ),
    ):
        raise OfferNotAvailable(_("Your organization is not eligible for this offer."))
    base_ids = set(offer.base_offers.filter(is_active=True).values_list("pk", flat=True))
    if base_ids and not cart.lines.filter(offer_id__in=base_ids).exists():
        raise AddonNeedsBase(
            _("This add-on can only be bought with one of its base offers: add one first.")
        )


@transaction.atomic
def cart_line_add(*, cart: Cart, offer: Offer, billing_plan: str, quantity: int) -> CartLine:
    """Add ``quantity`` of ``offer`` on ``billing_plan``; the same offer and plan again
    raises the line's quantity (within the offer's limits)."""
    cart = Cart.objects.select_for_update().get(pk=cart.pk)
    _check_offer(cart=cart, offer=offer, billing_plan=billing_plan)
    _check_quantity(offer, quantity)
    line = CartLine.objects.filter(cart=cart, offer=offer, billing_plan=billing_plan).first()
    if line is not None:
        line.quantity = _check_quantity(offer, line.quantity + quantity)
        line.save(update_fields=["quantity"])
    else:
        line = CartLine.objects.create(
            cart=cart,
            organization=cart.organization,
            offer=offer,
            term=offer.term,
            billing_plan=billing_plan,
            quantity=quantity,
        )
    cart.save(update_fields=["updated_at"])
    return line


def _line_get(*, cart: Cart, line_id: object) -> CartLine:
    try:
        return CartLine.objects.select_related("offer").get(cart=cart, pk=int(line_id))
    except (CartLine.DoesNotExist, TypeError, ValueError):
        raise CartLineNotFound(_("This item is no longer in your cart.")) from None


def _remove_orphan_addons(cart: Cart) -> None:
    """Drop add-on lines whose every base offer has left the cart."""
    in_cart = set(cart.lines.values_list("offer_id", flat=True))
    for line in cart.lines.prefetch_related("offer__base_offers"):
        bases = {b.pk for b in line.offer.base_offers.all() if b.is_active}
        if bases and not bases & in_cart:
            line.delete()


@transaction.atomic
def cart_line_update(*, cart: Cart, line_id: object, quantity: object) -> CartLine | None:
    """Set a line's quantity; 0 removes the line (then None is returned)."""
    line = _line_get(cart=cart, line_id=line_id)
    if quantity == 0:
        cart_line_remove(cart=cart, line_id=line.pk)
        return None
    line.quantity = _check_quantity(line.offer, quantity)
    line.save(update_fields=["quantity"])
    return line


@transaction.atomic
def cart_line_remove(*, cart: Cart, line_id: object) -> None:
    line = _line_get(cart=cart, line_id=line_id)
    line.delete()
    _remove_orphan_addons(cart)


@transaction.atomic
def cart_merge(*, from_cart: Cart, into_cart: Cart) -> Cart:
    """Move a visitor's lines into the signed-in user's cart (same offer and plan: the
    quantities add up, capped at the offer's maximum), keep the coupon if the user's cart has
    none, and delete the visitor's cart."""
    if from_cart.pk == into_cart.pk:
        return into_cart
    existing = {(line.offer_id, line.billing_plan): line for line in into_cart.lines.all()}
    for line in from_cart.lines.select_related("offer"):
        mine = existing.get((line.offer_id, line.billing_plan))
        if mine is not None:
            mine.quantity = min(mine.quantity + line.quantity, line.offer.max_quantity)
            mine.save(update_fields=["quantity"])
            line.delete()
        else:
            line.cart = into_cart
            line.organization = into_cart.organization
            line.save(update_fields=["cart", "organization"])
    if from_cart.coupon_code and not into_cart.coupon_code:
        into_cart.coupon_code = from_cart.coupon_code
        into_cart.save(update_fields=["coupon_code", "updated_at"])
    from_cart.delete()
    return into_cart


def cart_coupon_apply(*, cart: Cart, code: str, viewer: CartViewer) -> Cart:
    """Check ``code`` against the cart as ``viewer`` sees it (raises the coupon error that
    says why it does not apply) and keep it on the cart."""
    code = (code or "").strip()
    priced = cart_priced_lines(cart=cart, viewer=viewer)
    coupon_check(
        code=code,
        customer=viewer.organization,
        seller=viewer.seller,
        subtotal=priced.subtotal,
        lines=priced.discount_lines,
        rates=viewer.price_context.rates,
    )
    cart.coupon_code = code[:40]
    cart.save(update_fields=["coupon_code", "updated_at"])
    return cart


def cart_coupon_remove(*, cart: Cart) -> Cart:
    cart.coupon_code = ""
    cart.save(update_fields=["coupon_code", "updated_at"])
    return cart
