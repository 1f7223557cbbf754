"""Priced catalogue API: products and offers with the caller's price per billing plan.

Mounted by ``config.api`` under ``/api/v1/catalog/`` beside ``seatwise.catalog.api`` (same
tag); it lives here because ``catalog`` may not import ``pricing``.

The caller: an anonymous visitor sees suggested retail prices; a signed-in user (session)
sees the price of the organization they act for (the one chosen in the session, else their
first membership); a client sending an API key (``X-API-Key``) sees the price of the key's
organization, and a key that is not valid is a 401. Amounts are strings rounded to the
currency's minor unit.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpResponse
from ninja import Query, Router
from ninja.responses import NinjaJSONEncoder
from pydantic import BaseModel

from seatwise.catalog.selectors import category_descendant_ids, category_get_by_id
from seatwise.core.cache import CATALOG, cached
from seatwise.core.errors import ValidationError
from seatwise.core.pagination import Page, parse_page
from seatwise.core.schemas import ErrorOut
from seatwise.pricing.enums import PriceKind
from seatwise.pricing.schemas import (
    CurrencyQuery,
    OfferListQuery,
    OfferOut,
    OfferPageOut,
    ProductDetailOut,
    ProductListQuery,
    ProductPageOut,
)
from seatwise.pricing.selectors import (
    PriceContext,
    PricedOffer,
    PricedProduct,
    ViewerPrice,
    price_context_get,
    priced_offer_get,
    priced_offer_page,
    priced_product_get,
    priced_product_page,
)
from seatwise.tenancy.api_auth import api_key_optional, api_organization
from seatwise.tenancy.models import Organization
from seatwise.tenancy.selectors import storefront_provider

router = Router(tags=["catalog"], auth=api_key_optional())

ERRORS = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut}

# No provider yet (an empty installation): nothing is priced, lists still work.
_UNPRICED = PriceContext(
    provider_id=0,
    viewer_kind=PriceKind.RETAIL,
    cost_list_id=None,
    reseller_list_id=None,
    markup_percent=None,
)


@dataclass(frozen=True)
class Caller:
    """Who is asking (the organization they act for, None for a visitor) and the currency."""

    viewer: Organization | None
    currency: str

    @property
    def cache_key(self) -> tuple:
        return (self.viewer.pk if self.viewer else None, self.currency)

    def context(self) -> PriceContext:
        provider = storefront_provider()
        if provider is None:
            return _UNPRICED
        return price_context_get(provider=provider, viewer=self.viewer)


def _requested_currency(raw: str) -> str | None:
    if not raw.strip():
        return None
    code = raw.strip().upper()
    allowed = list(settings.SEATWISE_CURRENCIES)
    if code not in allowed:
        raise ValidationError(
            f"currency must be one of: {', '.join(allowed)}.",
            code="invalid_currency",
            details={"field": "currency", "allowed": allowed},
        )
    return code


def _caller(request, currency: str) -> Caller:
    """Who is asking and in which currency; validates the currency before any query."""
    requested = _requested_currency(currency)
    viewer: Organization | None = api_organization(request)
    if requested is None:
        own = viewer.default_currency if viewer is not None else None
        requested = own if own in settings.SEATWISE_CURRENCIES else None
    return Caller(viewer=viewer, currency=requested or settings.SEATWISE_DEFAULT_CURRENCY)


def _cached_json(key: tuple, schema: type[BaseModel], build: Callable[[], dict]) -> HttpResponse:
    """The JSON body for ``key`` from the catalogue cache (see ``seatwise.core.cache``):
    built, validated against ``schema`` and serialized once per catalogue generation, then
    served as stored bytes."""

    def body() -> str:
        return json.dumps(
            schema.model_validate(build()).model_dump(mode="json"), cls=NinjaJSONEncoder
        )

    return HttpResponse(cached(name=CATALOG, key=key, build=body), content_type="application/json")


def _category_ids(category_id: int | None) -> list[int] | None:
    if category_id is None:
        return None
    return category_descendant_ids(category=category_get_by_id(pk=category_id))


# --- Rendering ----------------------------------------------------------------------------


def _price_out(price: ViewerPrice) -> dict:
    shown = price.display
    return {
        "billing_plan": price.billing_plan,
        "amount": format(shown.amount, "f"),
        "currency": shown.currency,
        "kind": price.kind,
    }


def _base_offer_ids(offer) -> list[int]:
    for attr in ("base_offer_refs", "active_base_offers"):
        refs = getattr(offer, attr, None)
        if refs is not None:
            return sorted(ref.pk for ref in refs)
    # Not prefetched by the selector (add-ons on the product page): one query per add-on.
    return sorted(offer.base_offers.values_list("pk", flat=True))


def _offer_out(priced: PricedOffer) -> dict:
    offer = priced.offer
    return {
        "id": offer.pk,
        "name": offer.name,
        "sku": offer.sku,
        "catalog_item_id": offer.catalog_item_id,
        "term": offer.term,
        "billing_plans": offer.billing_plans,
        "unit_type": offer.unit_type,
        "min_quantity": offer.min_quantity,
        "max_quantity": offer.max_quantity,
        "segments": offer.segments,
        "is_trial": offer.is_trial,
        "trial_days": offer.trial_days,
        "is_shippable": offer.is_shippable,
        "base_offer_ids": _base_offer_ids(offer),
        "product": {"id": offer.product_id, "name": offer.product.name},
        "prices": [_price_out(price) for price in priced.prices],
    }


def _product_out(priced: PricedProduct) -> dict:
    product = priced.product
    from_price = priced.from_price
    return {
        "id": product.pk,
        "name": product.name,
        "slug": product.slug,
        "summary": product.summary,
        "product_group": product.product_group,
        "vendor": {"id": product.vendor_id, "name": product.vendor.name},
        "category": {"id": product.category_id, "name": product.category.name},
        "offer_count": len(priced.offers),
        "from_price": _price_out(from_price) if from_price is not None else None,
    }


def _page_out(page: Page, items: list[dict]) -> dict:
    return {
        "items": items,
        "page": page.number,
        "page_size": page.page_size,
        "total": page.total,
        "pages": page.num_pages,
    }


# --- Endpoints ----------------------------------------------------------------------------


@router.get(
    "/products",
    response={200: ProductPageOut, **ERRORS},
    summary="List products with their from-price",
    url_name="product_list",
)
def product_list(request, filters: Query[ProductListQuery]):
    """Active products, filtered and sorted, each with the lowest price among its offers as
    the caller sees it. An unknown ``category`` is a 404."""
    page_request = parse_page(filters.page, filters.page_size)
    caller = _caller(request, filters.currency)

    def build() -> dict:
        page = priced_product_page(
            context=caller.context(),
            currency=caller.currency,
            page_request=page_request,
            category_ids=_category_ids(filters.category),
            search=filters.q,
            sort=filters.sort,
        )
        body = _page_out(page, [_product_out(item) for item in page.items])
        return body

    key = (
        "product_list",
        *caller.cache_key,
        page_request,
        filters.category,
        filters.q,
        filters.sort,
    )
    return _cached_json(key, ProductPageOut, build)


@router.get(
    "/products/{product_id}",
    response={200: ProductDetailOut, **ERRORS},
    summary="Get a product with its offers, add-ons and prices",
    url_name="product_get",
)
def product_get(request, product_id: int, query: Query[CurrencyQuery]):
    """One active product, its offers and each offer's add-ons, priced for the caller."""
    caller = _caller(request, query.currency)

    def build() -> dict:
        priced = priced_product_get(
            context=caller.context(), currency=caller.currency, pk=product_id
        )
        product = priced.product
        body = {
            **_product_out(priced),
            "description": product.description,
            "image_url": request.build_absolute_uri(product.image.url) if product.image else None,
            "offers": [
                {**_offer_out(offer), "addons": [_offer_out(addon) for addon in offer.addons]}
                for offer in priced.offers
            ],
        }
        return body

    key = ("product_get", *caller.cache_key, product_id, request.get_host())
    return _cached_json(key, ProductDetailOut, build)


@router.get(
    "/offers",
    response={200: OfferPageOut, **ERRORS},
    summary="List offers with the caller's prices",
    url_name="offer_list",
)
def offer_list(request, filters: Query[OfferListQuery]):
    """Active offers of active products, by product name, with the caller's price for each
    billing plan. An unknown ``category`` is a 404; an unknown ``product`` gives no items."""
    page_request = parse_page(filters.page, filters.page_size)
    caller = _caller(request, filters.currency)

    def build() -> dict:
        page = priced_offer_page(
            context=caller.context(),
            currency=caller.currency,
            page_request=page_request,
            product_id=filters.product,
            category_ids=_category_ids(filters.category),
            search=filters.q,
        )
        body = _page_out(page, [_offer_out(item) for item in page.items])
        return body

    key = (
        "offer_list",
        *caller.cache_key,
        page_request,
        filters.product,
        filters.category,
        filters.q,
    )
    return _cached_json(key, OfferPageOut, build)


@router.get(
    "/offers/{offer_id}",
    response={200: OfferOut, **ERRORS},
    summary="Get an offer with the caller's prices",
    url_name="offer_get",
)
def offer_get(request, offer_id: int, query: Query[CurrencyQuery]):
    caller = _caller(request, query.currency)

    def build() -> dict:
        priced = priced_offer_get(context=caller.context(), currency=caller.currency, pk=offer_id)
        return _offer_out(priced)

    return _cached_json(("offer_get", *caller.cache_key, offer_id), OfferOut, build)
