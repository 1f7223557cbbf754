"""Output schemas of the catalogue API (price-free parts; prices live in pricing).

Plain pydantic models, validated from the dicts the endpoints build (see pricing.schemas)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from seatwise.catalog.enums import VendorKind

# --- Outputs ------------------------------------------------------------------------------


class VendorOut(BaseModel):
    id: int
    name: str
    slug: str
    kind: VendorKind
    website: str


class CategoryRef(BaseModel):
    id: int
    name: str
    slug: str


class CategoryOut(BaseModel):
    id: int
    name: str
    slug: str
    description: str
    parent_id: int | None
    position: int
    product_count: int = Field(
        ..., description="Active products in this category and every category below it."
    )


class CategoryTreeOut(BaseModel):
    id: int
    name: str
    slug: str
    product_count: int = Field(
        ..., description="Active products in this category and every category below it."
    )
    children: list[CategoryTreeOut]


class CategoryDetailOut(CategoryOut):
    breadcrumbs: list[CategoryRef] = Field(
        ..., description="From the top-level category down to this one."
    )
    children: list[CategoryOut]
