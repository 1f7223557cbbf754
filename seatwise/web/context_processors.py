from django.utils.functional import SimpleLazyObject

from seatwise.web.shop import shop_for


def storefront(request):
    """``shop``: the viewer, currency and price label, computed only if a template uses it
    (so admin pages pay nothing for it)."""
    return {"shop": SimpleLazyObject(lambda: shop_for(request))}
