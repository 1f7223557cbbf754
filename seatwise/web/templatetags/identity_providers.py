"""``{% microsoft_sign_in_buttons %}``: the sign-in page's Microsoft buttons, as data from
``seatwise.web.identity_providers.sign_in_buttons`` (no logic here)."""

from django import template

from seatwise.web.identity_providers import connect_buttons, provider_label, sign_in_buttons

register = template.Library()


@register.inclusion_tag("web/identity_providers/buttons.html", takes_context=True)
def microsoft_sign_in_buttons(context):
    request = context.get("request")
    if request is None:
        return {"buttons": []}
    next_url = context.get("redirect_field_value") or ""
    return {"buttons": sign_in_buttons(request, next_url=next_url), "request": request}


@register.simple_tag(takes_context=True)
def microsoft_connect_buttons(context):
    request = context.get("request")
    return connect_buttons(request) if request is not None else []


@register.filter
def identity_provider_label(provider_id: str) -> str:
    return provider_label(provider_id)
