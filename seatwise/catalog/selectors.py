"""Catalogue reads. Each returns querysets with what their callers render prefetched, so a
page costs the same number of queries whatever its size."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count, F, Prefetch, Q, QuerySet

from seatwise.catalog.exceptions import (
    CategoryNotFound,
    InvalidSort,
    OfferNotFound,
    ProductNotFound,
)
from seatwise.catalog.models import Category, Offer, Product, Vendor

PRODUCT_SORTS = {
    "name": ("name", "pk"),
    "-name": ("-name", "-pk"),
    "price": (F("min_price").asc(nulls_last=True), "name", "pk"),
    "-price": (F("min_price").desc(nulls_last=True), "name", "pk"),
}
DEFAULT_PRODUCT_SORT = "name"


@dataclass(frozen=True)
class CategoryNode:
    category: Category
    children: tuple[CategoryNode, ...]
    product_count: int  # active products in this category and below

    @property
    def pk(self) -> int:
        return self.category.pk


def category_tree() -> list[CategoryNode]:
    """The whole tree with product counts, built from one query."""
    rows = list(
        Category.objects.annotate(
            direct=Count("products", filter=Q(products__is_active=True))
        ).order_by("position", "name")
    )
    by_parent: dict[int | None, list[Category]] = {}
    for row in rows:
        by_parent.setdefault(row.parent_id, []).append(row)

    def build(parent_id: int | None) -> list[CategoryNode]:
        nodes = []
        for row in by_parent.get(parent_id, []):
            children = tuple(build(row.pk))
            total = row.direct + sum(child.product_count for child in children)
            nodes.append(CategoryNode(category=row, children=children, product_count=total))
        return nodes

    return build(None)


def category_get(*, slug: str) -> Category:
    try:
        return Category.objects.select_related("parent__parent").get(slug=slug)
    except Category.DoesNotExist:
        raise CategoryNotFound("Category not found.") from None


def category_get_by_id(*, pk: int) -> Category:
    try:
        return Category.objects.select_related("parent__parent").get(pk=pk)
    except Category.DoesNotExist:
        raise CategoryNotFound("Category not found.") from None


def category_descendant_ids(*, category: Category) -> list[int]:
    """The category and everything under it (one query for the whole table, which is small)."""
    pairs = list(Category.objects.values_list("pk", "parent_id"))
    wanted, frontier = {category.pk}, [category.pk]
    while frontier:
        frontier = [pk for pk, parent in pairs if parent in frontier and pk not in wanted]
        wanted.update(frontier)
    return sorted(wanted)


def category_breadcrumbs(*, category: Category) -> list[Category]:
    chain, node = [], category
    while node is not None:
        chain.append(node)
        node = node.parent
    return list(reversed(chain))


def vendor_list() -> QuerySet[Vendor]:
    return Vendor.objects.order_by("name", "pk")


def _active_offers() -> QuerySet[Offer]:
    return Offer.objects.filter(is_active=True).order_by("position", "name")


def product_list(
    *,
    category_ids: Sequence[int] | None = None,
    search: str = "",
    sort: str = DEFAULT_PRODUCT_SORT,
    min_price=None,
) -> QuerySet[Product]:
    """Active products, filtered and sorted. ``min_price`` is an annotation expression for
    the price sort (from ``pricing``), so that this app needs no knowledge of price lists."""
    if sort not in PRODUCT_SORTS:
        raise InvalidSort(
            f"sort must be one of: {', '.join(PRODUCT_SORTS)}.",
            details={"field": "sort", "allowed": list(PRODUCT_SORTS)},
        )
    qs = Product.objects.filter(is_active=True).select_related("vendor", "category")
    if category_ids is not None:
        qs = qs.filter(category_id__in=category_ids)
    term = search.strip()
    if term:
        matching_offers = Offer.objects.filter(is_active=True).filter(
            Q(sku__icontains=term) | Q(name__icontains=term) | Q(catalog_item_id__icontains=term)
        )
        qs = qs.filter(
            Q(name__icontains=term)
            | Q(product_group__icontains=term)
            | Q(pk__in=matching_offers.values("product_id"))
        )
    if sort in ("price", "-price"):
        qs = qs.annotate(min_price=min_price)
    return qs.order_by(*PRODUCT_SORTS[sort]).prefetch_related(
        Prefetch("offers", queryset=_active_offers(), to_attr="active_offers")
    )


def product_get(*, slug: str | None = None, pk: int | None = None) -> Product:
    """One active product with its offers, their add-ons and the base offers they extend."""
    lookup = {"slug": slug} if slug is not None else {"pk": pk}
    offers = _active_offers().prefetch_related(
        Prefetch(
            "addons",
            queryset=_active_offers()
            .select_related("product")
            .prefetch_related(
                Prefetch(
                    "base_offers", queryset=Offer.objects.only("pk"), to_attr="base_offer_refs"
                )
            ),
            to_attr="active_addons",
        ),
        Prefetch(
            "base_offers",
            queryset=_active_offers().select_related("product"),
            to_attr="active_base_offers",
        ),
    )
    try:
        return (
            Product.objects.filter(is_active=True)
            .select_related("vendor", "category__parent")
            .prefetch_related(Prefetch("offers", queryset=offers, to_attr="active_offers"))
            .get(**lookup)
        )
    except (Product.DoesNotExist, ValueError):
        raise ProductNotFound("Product not found.") from None


def product_list_by_ids(*, ids: Sequence[int]) -> list[Product]:
    """Products in the order of ``ids`` (e.g. recently viewed), skipping inactive ones."""
    found = {
        p.pk: p for p in Product.objects.filter(pk__in=ids, is_active=True).select_related("vendor")
    }
    return [found[pk] for pk in ids if pk in found]


def offer_list(
    *, product_id: int | None = None, search: str = "", category_ids: Sequence[int] | None = None
) -> QuerySet[Offer]:
    qs = (
        Offer.objects.filter(is_active=True, product__is_active=True)
        .select_related("product")
        .prefetch_related(
            Prefetch("base_offers", queryset=Offer.objects.only("pk"), to_attr="base_offer_refs")
        )
        .order_by("product__name", "position", "name", "pk")
    )
    if product_id is not None:
        qs = qs.filter(product_id=product_id)
    if category_ids is not None:
        qs = qs.filter(product__category_id__in=category_ids)
    term = search.strip()
    if term:
        qs = qs.filter(
            Q(name__icontains=term) | Q(sku__icontains=term) | Q(product__name__icontains=term)
        )
    return qs


def offer_get(*, pk: int) -> Offer:
    try:
        return offer_list().get(pk=pk)
    except (Offer.DoesNotExist, ValueError):
        raise OfferNotFound("Offer not found.") from None
