from django.utils.functional import SimpleLazyObject

from seatwise.tenancy.selectors import can_manage_terms
from seatwise.web.organization_switch_views import (
    acting_as_for,
    may_read_event_log,
    may_switch_organization,
)
from seatwise.web.shop import shop_for


def storefront(request):
    """``shop``: the viewer, currency and price label, computed only if a template uses it
    (so admin pages pay nothing for it); ``may_manage_settings`` likewise."""
    return {
        "shop": SimpleLazyObject(lambda: shop_for(request)),
        # The "Settings" entries of My account: owners / account managers of a reseller or
        # provider. Lazy too: only the signed-in menu asks.
        "may_manage_settings": SimpleLazyObject(
            lambda: can_manage_terms(user=request.user, organization=shop_for(request).viewer)
        ),
        # Acting as: the banner under the header, the user menu's "Select organization"
        # and "Event log" entries (see ``organization_switch_views``). Lazy as well.
        "acting_as": SimpleLazyObject(lambda: acting_as_for(request)),
        "may_switch_organization": SimpleLazyObject(lambda: may_switch_organization(request)),
        "may_read_event_log": SimpleLazyObject(lambda: may_read_event_log(request)),
    }
