"""Catalogue writes: vendors, categories, products and offers.

Every writer here is an *upsert* keyed by a natural key (a slug or the SKU): it creates the
row when it is missing, updates the fields whose values differ, and leaves the row alone (no
UPDATE query, no ``save``) when everything already matches. So a loader such as the demo
command can run them again and again and change nothing the second time.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from seatwise.catalog.enums import UnitType
from seatwise.catalog.models import Category, Offer, Product, Vendor
from seatwise.core.cache import CATALOG, generation_bump
from seatwise.core.errors import ValidationError
from seatwise.core.upsert import upsert


@transaction.atomic
def vendor_upsert(
    *,
    slug: str,
    name: str,
    kind: str,
    website: str = "",
    terms_url: str = "",
    terms_version: str = "1",
) -> Vendor:
    vendor, _created, _changed = upsert(
        Vendor,
        what="vendor",
        cache_namespace=CATALOG,
        lookup={"slug": slug},
        values={
            "name": name,
            "kind": kind,
            "website": website,
            "terms_url": terms_url,
            "terms_version": terms_version,
        },
    )
    return vendor


@transaction.atomic
def category_upsert(
    *,
    slug: str,
    name: str,
    parent: Category | None = None,
    description: str = "",
    position: int = 0,
) -> Category:
    if parent is not None and parent.slug == slug:
        raise ValidationError(
            "A category cannot sit under itself.",
            details={"parent": ["A category cannot sit under itself."]},
        )
    category, _created, _changed = upsert(
        Category,
        what="category",
        cache_namespace=CATALOG,
        lookup={"slug": slug},
        values={
            "name": name,
            "parent": parent,
            "description": description,
            "position": position,
        },
    )
    return category


@transaction.atomic
def product_upsert(
    *,
    slug: str,
    name: str,
    vendor: Vendor,
    category: Category,
    product_group: str = "",
    summary: str = "",
    description: str = "",
    is_active: bool = True,
) -> Product:
    """Create or update a product by slug. Its image is managed elsewhere and left alone."""
    product, _created, _changed = upsert(
        Product,
        what="product",
        cache_namespace=CATALOG,
        lookup={"slug": slug},
        values={
            "name": name,
            "vendor": vendor,
            "category": category,
            "product_group": product_group,
            "summary": summary,
            "description": description,
            "is_active": is_active,
        },
    )
    return product


@transaction.atomic
def offer_upsert(
    *,
    sku: str,
    product: Product,
    name: str,
    term: str,
    billing_plans: Iterable[str],
    catalog_item_id: str = "",
    unit_type: str = UnitType.LICENCE,
    min_quantity: int = 1,
    max_quantity: int = 300,
    for_commercial: bool = True,
    for_academic: bool = False,
    for_government: bool = False,
    for_nonprofit: bool = False,
    is_trial: bool = False,
    trial_days: int | None = None,
    base_offers: Iterable[Offer] = (),
    is_shippable: bool = False,
    is_active: bool = True,
    position: int = 0,
) -> Offer:
    """Create or update an offer by SKU.

    ``base_offers`` makes the offer an add-on: it is then sold only with one of them. The
    links are set to exactly the given offers (empty: not an add-on).
    """
    plans = [str(plan) for plan in billing_plans]
    if len(set(plans)) != len(plans):
        raise ValidationError(
            "Each billing plan may be listed once.",
            details={"billing_plans": ["Each billing plan may be listed once."]},
        )
    if not (for_commercial or for_academic or for_government or for_nonprofit):
        raise ValidationError(
            "Choose at least one customer segment (commercial, academic, government or "
            "nonprofit), or nobody could buy the offer.",
            details={"segments": ["Choose at least one segment."]},
        )
    if not is_trial and trial_days is not None:
        raise ValidationError(
            "Only a trial has a trial length.",
            details={"trial_days": ["Only a trial has a trial length."]},
        )
    bases = list(base_offers)
    base_ids = {base.pk for base in bases}
    if None in base_ids:
        raise ValidationError(
            "A base offer must be saved before an add-on can point to it.",
            details={"base_offers": ["Unsaved base offer."]},
        )
    if any(base.sku == sku for base in bases):
        raise ValidationError(
            "An offer cannot be an add-on for itself.",
            details={"base_offers": ["An offer cannot be an add-on for itself."]},
        )

    offer, created, _changed = upsert(
        Offer,
        what="offer",
        cache_namespace=CATALOG,
        lookup={"sku": sku},
        values={
            "product": product,
            "name": name,
            "catalog_item_id": catalog_item_id,
            "term": term,
            "billing_plans": plans,
            "unit_type": unit_type,
            "min_quantity": min_quantity,
            "max_quantity": max_quantity,
            "for_commercial": for_commercial,
            "for_academic": for_academic,
            "for_government": for_government,
            "for_nonprofit": for_nonprofit,
            "is_trial": is_trial,
            "trial_days": trial_days,
            "is_shippable": is_shippable,
            "is_active": is_active,
            "position": position,
        },
    )
    current = set() if created else set(offer.base_offers.values_list("pk", flat=True))
    if current != base_ids:
        offer.base_offers.set(sorted(base_ids))
        generation_bump(name=CATALOG)
    return offer
