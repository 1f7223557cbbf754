"""Cart writes. Every service takes the cart the interface resolved for the request (a
visitor's from the session, a user's by user and organization), so one buyer never reaches
another's lines: line ids are always looked up inside ``cart``."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from seatwise.audit.enums import AuditEventType
from seatwise.audit.services import audit_record
from seatwise.cart.calculations import MarkupOutOfRange, markup_check, markup_for_target
from seatwise.cart.exceptions import (
    AddonNeedsBase,
    CartLineNotFound,
    CartNotSavable,
    DraftNotResumable,
    InvalidBillingPlan,
    InvalidMarkup,
    InvalidQuantity,
    InvalidTargetTenant,
    OfferNotAvailable,
    PriceOverrideDenied,
)
from seatwise.cart.models import Cart, CartLine
from seatwise.cart.selectors import (
    CartViewer,
    cart_priced_lines,
    cart_totals,
    offer_is_microsoft,
    offer_viewer_price,
    partner_price,
    price_override_allowed,
    tenant_domain_options,
)
from seatwise.catalog.calculations import BuyerSegments, offer_is_eligible
from seatwise.catalog.enums import TERM_BILLING_PLANS
from seatwise.catalog.models import Offer
from seatwise.connectors.domains import SUFFIX, prefix_validate
from seatwise.connectors.exceptions import InvalidTenantDomain
from seatwise.core.money import Money
from seatwise.orders.enums import LineStatus, OrderStatus
from seatwise.orders.models import Order, OrderLine
from seatwise.orders.services import (
    BUYING_ROLES,
    Charges,
    LineInput,
    order_create_draft,
    order_transition,
)
from seatwise.pricing.enums import PriceKind
from seatwise.pricing.services import coupon_check
from seatwise.tenancy.models import Organization
from seatwise.tenancy.selectors import require_role


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
    if (
        base_ids
        and not cart.lines.filter(offer_id__in=base_ids).exists()
        and not _owned(organization=buyer, offer_ids=base_ids)
    ):
        raise AddonNeedsBase(
            _(
                "This add-on can only be bought with one of its base offers: add one first, "
                "or buy it for an organization that already has one."
            )
        )


def _owned(*, organization: Organization | None, offer_ids: set[int]) -> set[int]:
    """The offers among ``offer_ids`` that ``organization`` already owns: a line of one of its
    orders that was provisioned (the subscriptions of the Microsoft issue will answer this
    from the vendor's side too)."""
    if organization is None or not offer_ids:
        return set()
    return set(
        OrderLine.objects.filter(
            organization=organization, offer_id__in=offer_ids, status=LineStatus.PROVISIONED
        ).values_list("offer_id", flat=True)
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
        if (
            bases
            and not bases & in_cart
            and not _owned(organization=cart.organization, offer_ids=bases)
        ):
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
    priced = cart_priced_lines(cart=cart, viewer=viewer, categories=True)
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


# --- Price options (ALEF 2.2) ---------------------------------------------------------------


def _markup_clean(value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise InvalidMarkup(_("Enter the markup as a number."), details={"field": "markup_percent"})
    try:
        return markup_check(Decimal(value))
    except MarkupOutOfRange:
        raise InvalidMarkup(
            _("The markup must be between -100 and 9999 percent."),
            details={"field": "markup_percent"},
        ) from None


def line_markup_for(
    *,
    viewer: CartViewer | None,
    offer: Offer,
    billing_plan: str,
    markup_percent: object = None,
    target_price: object = None,
) -> Decimal | None:
    """The markup a *Price options* form asks for: ``markup_percent`` as given, or
    ``target_price`` (a customer unit price in the viewer's currency) turned into the markup
    over the partner price, rounded to three decimals. None when neither is given. Checks
    the numbers, not who asks (``cart_line_price_set`` does)."""
    if markup_percent is not None and target_price is not None:
        raise InvalidMarkup(
            _("Give a markup or a target customer price, not both."),
            details={"field": "markup_percent"},
        )
    if markup_percent is not None:
        return _markup_clean(markup_percent)
    if target_price is None:
        return None
    if isinstance(target_price, bool) or not isinstance(target_price, Decimal | int):
        raise InvalidMarkup(
            _("Enter the target customer price as a number."), details={"field": "target_price"}
        )
    target = Decimal(target_price)
    if not target.is_finite() or target < 0:
        raise InvalidMarkup(
            _("The target customer price cannot be negative."), details={"field": "target_price"}
        )
    if viewer is None:
        raise InvalidMarkup(
            _("A target price needs the buyer's prices."), details={"field": "target_price"}
        )
    price = offer_viewer_price(viewer=viewer, offer_id=offer.pk, billing_plan=billing_plan)
    if price is None or price.kind != PriceKind.CUSTOMER:
        raise OfferNotAvailable(_("This offer has no price for this organization."))
    try:
        return markup_for_target(
            partner=partner_price(price), target=Money(target, price.amount.currency)
        )
    except MarkupOutOfRange:
        raise InvalidMarkup(
            _("No markup gives this target customer price."), details={"field": "target_price"}
        ) from None


def _require_override(*, user, organization: Organization | None) -> None:
    if not price_override_allowed(user=user, organization=organization):
        raise PriceOverrideDenied(
            _("Only the customer's reseller, acting for the customer, can change its prices.")
        )


@transaction.atomic
def cart_line_price_set(
    *,
    cart: Cart,
    line_id: object,
    user,
    viewer: CartViewer | None = None,
    markup_percent: object = None,
    target_price: object = None,
) -> CartLine:
    """Set (or, with neither value, clear) the *Price options* markup of one line: the
    customer then pays partner price × (1 + markup / 100). Only a managing user of the
    customer's reseller acting inside the customer (or of the provider inside a direct
    customer) may: anyone else gets ``PriceOverrideDenied`` and nothing changes."""
    _require_override(user=user, organization=cart.organization)
    if cart.user_id != getattr(user, "pk", None):
        raise CartLineNotFound(_("This item is no longer in your cart."))
    line = _line_get(cart=cart, line_id=line_id)
    line.markup_percent = line_markup_for(
        viewer=viewer,
        offer=line.offer,
        billing_plan=line.billing_plan,
        markup_percent=markup_percent,
        target_price=target_price,
    )
    line.save(update_fields=["markup_percent"])
    return line


# --- Buy now (the order page) ---------------------------------------------------------------


def target_tenant_clean(*, organization: Organization | None, offer: Offer, value: str) -> str:
    """The tenant a Microsoft line names: one of the organization's known tenant domains, or
    a new ``<prefix>.onmicrosoft.com`` (its format checked here; whether it is free is
    asked through the connector by the page, outside any transaction). Other vendors'
    lines name none."""
    if not offer_is_microsoft(offer=offer):
        return ""
    value = (value or "").strip().lower()
    if not value:
        raise InvalidTargetTenant(
            _("Choose the tenant the licences go to, or create a new one."),
            details={"field": "tenant"},
        )
    if value in tenant_domain_options(organization=organization):
        return value
    try:
        return prefix_validate(value) + SUFFIX
    except InvalidTenantDomain as exc:
        raise InvalidTargetTenant(exc.message, details={"field": "tenant"}) from None


@transaction.atomic
def cart_buy_now(
    *,
    cart: Cart,
    user,
    viewer: CartViewer,
    offer: Offer,
    billing_plan: str,
    quantity: int,
    target_tenant: str = "",
    markup_percent: object = None,
    target_price: object = None,
    addons: Sequence[tuple[Offer, int]] = (),
) -> list[CartLine]:
    """*Add to cart* (or *Skip* / *Confirm*) from the order page: ``quantity`` × ``offer``
    on ``billing_plan`` for the tenant chosen, with the reseller's *Price options* markup if
    one is given (refused to anyone but the acting reseller), then each chosen add-on of the
    offer (on the same plan when it has it, else its first). One transaction: all or
    nothing. Returns the lines, the offer's first."""
    markup = line_markup_for(
        viewer=viewer,
        offer=offer,
        billing_plan=billing_plan,
        markup_percent=markup_percent,
        target_price=target_price,
    )
    if markup is not None:
        _require_override(user=user, organization=cart.organization)
    tenant = target_tenant_clean(organization=cart.organization, offer=offer, value=target_tenant)
    line = cart_line_add(cart=cart, offer=offer, billing_plan=billing_plan, quantity=quantity)
    line.target_tenant = tenant
    if markup is not None:
        line.markup_percent = markup
    line.save(update_fields=["target_tenant", "markup_percent"])
    lines = [line]
    allowed = {a.pk for a in offer.addons.filter(is_active=True)}
    for addon, addon_quantity in addons:
        if addon.pk not in allowed:
            raise OfferNotAvailable(
                _("%(addon)s is not an add-on of this offer.") % {"addon": addon.name}
            )
        plans = list(addon.billing_plans or [])
        plan = billing_plan if billing_plan in plans else (plans[0] if plans else "")
        added = cart_line_add(cart=cart, offer=addon, billing_plan=plan, quantity=addon_quantity)
        if tenant and offer_is_microsoft(offer=addon):
            added.target_tenant = tenant
            added.save(update_fields=["target_tenant"])
        lines.append(added)
    return lines


# --- Save for later and resume (ALEF 2.2–2.3) -----------------------------------------------


def _audit(*, order: Order, user, event: str, ip: str | None, user_agent: str) -> None:
    audit_record(
        organization=order.organization,
        actor=user,
        event=event,
        details={
            "order": order.number,
            "lines": order.lines.count(),
            "total": str(order.total),
            "currency": order.currency,
        },
        ip=ip,
        user_agent=user_agent,
    )


@transaction.atomic
def cart_save_for_later(
    *, cart: Cart, user, viewer: CartViewer, ip: str | None = None, user_agent: str = ""
) -> Order:
    """*Save for later*: the cart becomes a draft order of the organization (numbered, not
    placed, every line priced on the server as now, the *Price options* markup and tenant
    kept) and is emptied (its coupon stays on it). Audited, with the reseller the user acts
    from. An empty cart, a visitor's, another user's or one with a line not sold to the
    organization is refused and nothing changes."""
    organization = viewer.organization
    if organization is None or cart.organization_id != organization.pk:
        raise CartNotSavable(_("Sign in and choose an organization to save an order."))
    if cart.user_id != getattr(user, "pk", None):
        raise CartNotSavable(_("This cart cannot be saved."))
    require_role(user=user, organization=organization, roles=BUYING_ROLES)
    cart = Cart.objects.select_for_update().get(pk=cart.pk)
    totals = cart_totals(cart=cart, viewer=viewer)
    if not totals.lines:
        raise CartNotSavable(_("Your cart is empty."))
    if totals.has_unavailable:
        raise CartNotSavable(
            _("Some items in your cart are not sold to you: remove them to continue.")
        )
    order = order_create_draft(
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
                target_tenant=priced.line.target_tenant,
                partner_unit_price=(
                    priced.partner_price.amount if priced.partner_price is not None else None
                ),
                markup_percent=priced.line.markup_percent,
            )
            for priced in totals.lines
        ],
        charges=Charges(
            discount=totals.discount.amount,
            extra_charge=totals.extra_charge.amount,
            shipping=totals.shipping.amount,
            tax=totals.tax.amount,
        ),
    )
    cart.lines.all().delete()
    cart.save(update_fields=["updated_at"])
    _audit(
        order=order,
        user=user,
        event=AuditEventType.ORDER_SAVED_FOR_LATER,
        ip=ip,
        user_agent=user_agent,
    )
    return order


@transaction.atomic
def order_draft_resume(
    *, order: Order, cart: Cart, user, ip: str | None = None, user_agent: str = ""
) -> Cart:
    """*Resume* a saved order: its lines go back into ``cart`` (the user's cart for the
    order's organization) with their markup and tenant, to be priced again as every cart
    is, and the draft is cancelled with the message "Resumed in the cart" (its number and
    event log stay). Only a buying member of the organization, or the staff acting for it,
    may; a second resume of the same draft is refused (``DraftNotResumable``)."""
    organization = order.organization
    require_role(user=user, organization=organization, roles=BUYING_ROLES)
    if cart.organization_id != organization.pk or cart.user_id != getattr(user, "pk", None):
        raise DraftNotResumable(_("This order cannot be resumed in this cart."))
    locked = Order.objects.select_for_update().get(pk=order.pk)
    if locked.status != OrderStatus.DRAFT:
        raise DraftNotResumable(_("Only an order saved for later can be resumed."))
    cart = Cart.objects.select_for_update().get(pk=cart.pk)
    existing = {(line.offer_id, line.billing_plan): line for line in cart.lines.all()}
    for item in locked.lines.select_related("offer").order_by("position", "pk"):
        offer = item.offer
        if not offer.is_active:
            continue  # no longer sold: left out, the order page showed what it was
        line = existing.get((item.offer_id, item.billing_plan))
        if line is not None:
            line.quantity = min(line.quantity + item.quantity, offer.max_quantity)
            line.markup_percent = item.markup_percent
            line.target_tenant = item.target_tenant or line.target_tenant
            line.save(update_fields=["quantity", "markup_percent", "target_tenant"])
        else:
            existing[(item.offer_id, item.billing_plan)] = CartLine.objects.create(
                cart=cart,
                organization=organization,
                offer=offer,
                term=item.term,
                billing_plan=item.billing_plan,
                quantity=item.quantity,
                markup_percent=item.markup_percent,
                target_tenant=item.target_tenant,
            )
    cart.save(update_fields=["updated_at"])
    order_transition(
        order=locked, to=OrderStatus.CANCELLED, actor=user, message=_("Resumed in the cart")
    )
    _audit(
        order=locked,
        user=user,
        event=AuditEventType.ORDER_DRAFT_RESUMED,
        ip=ip,
        user_agent=user_agent,
    )
    return cart
