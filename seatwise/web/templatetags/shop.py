"""Presentation filters for the storefront templates (no pricing or permission logic)."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from seatwise.catalog.enums import BillingPlan
from seatwise.web import formatting

register = template.Library()


@register.filter
def plan_price(price, unit_type: str) -> str:
    """A ``ViewerPrice`` as ``$6.00 / user / month`` for an offer of ``unit_type``."""
    if price is None:
        return ""
    return formatting.format_plan_price(
        price.amount, billing_plan=price.billing_plan, unit_type=unit_type
    )


@register.filter
def plan_label(price) -> str:
    try:
        return BillingPlan(price.billing_plan).label
    except ValueError:
        return price.billing_plan


@register.filter
def only_for(offer) -> list[str]:
    """Badges for offers closed to commercial buyers: "Academic only" and the like."""
    if offer.for_commercial:
        return []
    labels = []
    if offer.for_academic:
        labels.append(_("Academic only"))
    if offer.for_government:
        labels.append(_("Government only"))
    if offer.for_nonprofit:
        labels.append(_("Nonprofit only"))
    return labels


@register.filter
def initials(name: str) -> str:
    return formatting.initials(str(name))


@register.filter
def hue(key: str) -> int:
    return formatting.hue(str(key))


@register.filter
def placeholder(product) -> dict[str, object]:
    return formatting.placeholder(product)


@register.filter
def from_price(priced_product) -> str:
    """The product card's headline price (chosen by ``PricedProduct.headline``), written for
    that offer's unit."""
    headline = priced_product.headline
    if headline is None:
        return ""
    price = headline.primary_price
    offer = headline.offer
    return formatting.format_plan_price(
        price.amount, billing_plan=price.billing_plan, unit_type=offer.unit_type
    )


@register.filter
def base_products(offer) -> list:
    """The products whose offers an add-on extends, each once, in the order first met."""
    seen: dict[int, object] = {}
    for base in getattr(offer, "active_base_offers", []):
        seen.setdefault(base.product_id, base.product)
    return list(seen.values())
