"""The header mini-cart: the request's cart totals (read through ``cart_views``; no pricing
here) and a money filter for the cart templates."""

from __future__ import annotations

from django import template

from seatwise.web import formatting
from seatwise.web.cart_views import mini_cart_totals

register = template.Library()


@register.simple_tag(takes_context=True)
def mini_cart(context):
    request = context.get("request")
    if request is None or not hasattr(request, "session"):
        return None
    return mini_cart_totals(request)


@register.filter
def money(value) -> str:
    return formatting.format_money(value) if value is not None else ""
