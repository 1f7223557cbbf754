"""Output schemas of the catalogue API (price-free parts; prices live in pricing).

Plain pydantic models, validated from the dicts the endpoints build (see pricing.schemas)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from seatwise.catalog.enums import VendorKind


class ErrorDetail(BaseModel):
    code: str = Field(..., description="Stable snake_case code, e.g. `invalid_input`.")
    message: str = Field(..., description="What went wrong, for a person.")
    details: dict[str, Any] = Field(
        default_factory=dict, description="Machine-readable context, e.g. the field at fault."
    )


class ErrorOut(BaseModel):
    """The one error shape of the API: ``{"error": {"code", "message", "details"}}``."""

    error: ErrorDetail


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
