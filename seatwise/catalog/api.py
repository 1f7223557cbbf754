"""Catalogue API without prices: vendors and the category tree.

Mounted by ``config.api`` under ``/api/v1/catalog/``. Products and offers, which carry the
caller's prices, are served by ``seatwise.pricing.api`` under the same prefix and tag.
"""

from __future__ import annotations

from ninja import Router

from seatwise.catalog import selectors
from seatwise.catalog.exceptions import CategoryNotFound
from seatwise.catalog.models import Category
from seatwise.catalog.schemas import (
    CategoryDetailOut,
    CategoryOut,
    CategoryTreeOut,
    VendorOut,
)
from seatwise.catalog.selectors import CategoryNode
from seatwise.core.schemas import ErrorOut

router = Router(tags=["catalog"])


def _category_out(node: CategoryNode) -> dict:
    category = node.category
    return {
        "id": category.pk,
        "name": category.name,
        "slug": category.slug,
        "description": category.description,
        "parent_id": category.parent_id,
        "position": category.position,
        "product_count": node.product_count,
    }


def _tree_out(node: CategoryNode) -> dict:
    return {
        "id": node.category.pk,
        "name": node.category.name,
        "slug": node.category.slug,
        "product_count": node.product_count,
        "children": [_tree_out(child) for child in node.children],
    }


def _walk(nodes: list[CategoryNode] | tuple[CategoryNode, ...]):
    for node in nodes:
        yield node
        yield from _walk(node.children)


def _ref(category: Category) -> dict:
    return {"id": category.pk, "name": category.name, "slug": category.slug}


@router.get(
    "/vendors",
    response={200: list[VendorOut]},
    summary="List vendors",
    url_name="vendor_list",
)
def vendor_list(request):
    """Every vendor whose products the catalogue holds, by name."""
    return [
        {"id": v.pk, "name": v.name, "slug": v.slug, "kind": v.kind, "website": v.website}
        for v in selectors.vendor_list()
    ]


@router.get(
    "/categories",
    response={200: list[CategoryOut]},
    summary="List categories (flat)",
    url_name="category_list",
)
def category_list(request):
    """Every category, parents before their children (depth first, by position and name),
    each with its ``parent_id`` and the number of active products in it and below it."""
    return [_category_out(node) for node in _walk(selectors.category_tree())]


@router.get(
    "/categories/tree",
    response={200: list[CategoryTreeOut]},
    summary="Category tree",
    url_name="category_tree",
)
def category_tree(request):
    """The top-level categories with their children nested, and product counts."""
    return [_tree_out(node) for node in selectors.category_tree()]


@router.get(
    "/categories/{category_id}",
    response={200: CategoryDetailOut, 400: ErrorOut, 404: ErrorOut},
    summary="Get a category",
    url_name="category_get",
)
def category_get(request, category_id: int):
    """One category with its breadcrumbs and direct children."""
    category = selectors.category_get_by_id(pk=category_id)
    node = next((n for n in _walk(selectors.category_tree()) if n.pk == category.pk), None)
    if node is None:  # deleted between the two reads
        raise CategoryNotFound("Category not found.")
    return {
        **_category_out(node),
        "breadcrumbs": [_ref(c) for c in selectors.category_breadcrumbs(category=category)],
        "children": [_category_out(child) for child in node.children],
    }
