"""Who is looking at the shop, in which currency, and what they looked at.

``shop_for(request)`` is the one place that turns a request into the storefront's viewer
state: the provider whose shop this is, the organization the user acts for, the display
currency and the price context. Every storefront view and the context processor use it; it
is computed once per request.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from seatwise.core.cache import CATALOG, CacheScope
from seatwise.pricing.enums import PriceKind
from seatwise.pricing.selectors import PriceContext, price_context_get
from seatwise.tenancy.models import Organization
from seatwise.tenancy.selectors import current_organization, storefront_provider

CURRENCY_SESSION_KEY = "currency"
ORGANIZATION_SESSION_KEY = "organization_id"
RECENTLY_VIEWED_SESSION_KEY = "recently_viewed"
RECENTLY_VIEWED_LIMIT = 5

_REQUEST_ATTRIBUTE = "_seatwise_shop"


@dataclass(frozen=True)
class Shop:
    provider: Organization | None
    viewer: Organization | None
    currency: str
    price_context: PriceContext
    cache: CacheScope  # the catalogue cache, its generation read once for this request

    @property
    def price_kind(self) -> PriceKind:
        return PriceKind(self.price_context.viewer_kind)

    @property
    def price_label(self) -> str:
        return self.price_kind.label

    @property
    def currencies(self) -> list[str]:
        return list(settings.SEATWISE_CURRENCIES)

    def cache_key(self, *key) -> str:
        """A key for this viewer, currency and catalogue generation (for template caches)."""
        viewer = self.viewer.pk if self.viewer else None
        return repr((self.cache.generation, viewer, self.currency, *key))

    def cached(self, *key, build):
        """A catalogue read priced for this viewer and currency, from the versioned cache."""
        viewer = self.viewer.pk if self.viewer else None
        return self.cache.get_or_build((viewer, self.currency, *key), build)


def _empty_context() -> PriceContext:
    """A context that prices nothing, for an installation without a provider yet."""
    return PriceContext(
        provider_id=0,
        viewer_kind=PriceKind.RETAIL,
        cost_list_id=None,
        reseller_list_id=None,
        markup_percent=None,
    )


def default_currency(viewer: Organization | None) -> str:
    allowed = settings.SEATWISE_CURRENCIES
    if viewer is not None and viewer.default_currency in allowed:
        return viewer.default_currency
    return settings.SEATWISE_DEFAULT_CURRENCY


def shop_for(request) -> Shop:
    """The storefront state for ``request`` (computed once, then cached on the request)."""
    cached = getattr(request, _REQUEST_ATTRIBUTE, None)
    if cached is not None:
        return cached
    viewer = current_organization(
        user=request.user, requested_id=request.session.get(ORGANIZATION_SESSION_KEY)
    )
    scope = CacheScope(CATALOG)

    def pricing() -> tuple[Organization | None, PriceContext]:
        provider = storefront_provider()
        if provider is None:
            return None, _empty_context()
        return provider, price_context_get(provider=provider, viewer=viewer)

    provider, context = scope.get_or_build(("shop", viewer.pk if viewer else None), pricing)
    chosen = request.session.get(CURRENCY_SESSION_KEY)
    currency = chosen if chosen in settings.SEATWISE_CURRENCIES else default_currency(viewer)
    shop = Shop(
        provider=provider, viewer=viewer, currency=currency, price_context=context, cache=scope
    )
    setattr(request, _REQUEST_ATTRIBUTE, shop)
    return shop


def currency_is_allowed(code: str) -> bool:
    return code in settings.SEATWISE_CURRENCIES


def currency_remember(request, code: str) -> None:
    request.session[CURRENCY_SESSION_KEY] = code
    if hasattr(request, _REQUEST_ATTRIBUTE):
        delattr(request, _REQUEST_ATTRIBUTE)


def recently_viewed_ids(request) -> list[int]:
    raw = request.session.get(RECENTLY_VIEWED_SESSION_KEY, [])
    if not isinstance(raw, list):
        return []
    return [pk for pk in raw if isinstance(pk, int)][:RECENTLY_VIEWED_LIMIT]


def recently_viewed_push(request, product_id: int) -> None:
    """Put ``product_id`` first, keeping the last five distinct products viewed."""
    ids = [product_id] + [pk for pk in recently_viewed_ids(request) if pk != product_id]
    request.session[RECENTLY_VIEWED_SESSION_KEY] = ids[:RECENTLY_VIEWED_LIMIT]
