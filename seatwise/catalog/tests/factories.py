"""Test factories for the catalogue."""

from __future__ import annotations

import itertools

from seatwise.catalog.enums import BillingPlan, Term, VendorKind
from seatwise.catalog.models import Category, Offer, Product, Vendor
from seatwise.core.cache import generation_bump

_seq = itertools.count(1)


def make_vendor(name: str | None = None, kind: str = VendorKind.MICROSOFT) -> Vendor:
    n = next(_seq)
    generation_bump()  # as the services do: cached catalogue reads see the change
    return Vendor.objects.create(name=name or f"Vendor {n}", slug=f"vendor-{n}", kind=kind)


def make_category(name: str | None = None, parent: Category | None = None) -> Category:
    n = next(_seq)
    generation_bump()  # as the services do: cached catalogue reads see the change
    return Category.objects.create(
        name=name or f"Category {n}", slug=f"category-{n}", parent=parent
    )


def make_product(
    name: str | None = None,
    *,
    vendor: Vendor | None = None,
    category: Category | None = None,
    **extra,
) -> Product:
    n = next(_seq)
    generation_bump()  # as the services do: cached catalogue reads see the change
    return Product.objects.create(
        name=name or f"Product {n}",
        slug=extra.pop("slug", f"product-{n}"),
        vendor=vendor or make_vendor(),
        category=category or make_category(),
        **extra,
    )


def make_offer(product: Product | None = None, name: str | None = None, **extra) -> Offer:
    n = next(_seq)
    extra.setdefault("term", Term.P1Y)
    extra.setdefault("billing_plans", [BillingPlan.MONTHLY, BillingPlan.ANNUAL])
    generation_bump()  # as the services do: cached catalogue reads see the change
    return Offer.objects.create(
        product=product or make_product(),
        name=name or f"Offer {n}",
        sku=extra.pop("sku", f"SKU-{n:05d}"),
        **extra,
    )
