"""Input and output schemas of the priced catalogue API (products and offers with the
caller's prices). Money amounts are strings quantized to the currency's minor unit."""

from __future__ import annotations

from ninja import Field, Schema
from pydantic import BaseModel

from seatwise.catalog.enums import BillingPlan, Segment, Term, UnitType
from seatwise.catalog.selectors import DEFAULT_PRODUCT_SORT, PRODUCT_SORTS
from seatwise.core.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from seatwise.pricing.enums import PriceKind

AMOUNT_PATTERN = r"^-?\d+(\.\d+)?$"

# --- Inputs -------------------------------------------------------------------------------


def _page_field():
    return Field(1, description="Page number, from 1.", json_schema_extra={"minimum": 1})


def _page_size_field():
    return Field(
        DEFAULT_PAGE_SIZE,
        description=f"Items per page, 1 to {MAX_PAGE_SIZE}.",
        json_schema_extra={"minimum": 1, "maximum": MAX_PAGE_SIZE},
    )


def _currency_field():
    return Field(
        "",
        description=(
            "ISO 4217 code of a currency the shop sells in (USD, EUR or UAH unless configured "
            "otherwise). Default: the caller organization's currency, else the shop's."
        ),
    )


class CurrencyQuery(Schema):
    currency: str = _currency_field()


class ProductListQuery(Schema):
    category: int | None = Field(
        None, description="Category id; products of its sub-categories are included."
    )
    q: str = Field("", description="Search in product names and groups, offer names and SKUs.")
    sort: str = Field(
        DEFAULT_PRODUCT_SORT,
        description="Sort order: by name or by from-price, `-` for descending.",
        json_schema_extra={"enum": list(PRODUCT_SORTS)},
    )
    page: int = _page_field()
    page_size: int = _page_size_field()
    currency: str = _currency_field()


class OfferListQuery(Schema):
    product: int | None = Field(None, description="Only offers of this product id.")
    category: int | None = Field(
        None, description="Category id; offers of products in its sub-categories are included."
    )
    q: str = Field("", description="Search in offer names, SKUs and product names.")
    page: int = _page_field()
    page_size: int = _page_size_field()
    currency: str = _currency_field()


# --- Outputs ------------------------------------------------------------------------------
# Plain pydantic models: the endpoints return dicts built from the selectors' results, which
# pydantic-core validates directly (ninja's Schema would wrap every nested dict in its
# attribute getter: several times slower on a page of 20 offers).


class PriceOut(BaseModel):
    billing_plan: BillingPlan
    amount: str = Field(
        ...,
        description="Per unit and billing period, rounded to the currency's minor unit.",
        pattern=AMOUNT_PATTERN,
        examples=["12.50"],
    )
    currency: str = Field(..., examples=["USD"])
    kind: PriceKind = Field(
        ...,
        description=(
            "retail: suggested retail price (anonymous callers); customer: the caller "
            "organization's price; reseller: a reseller's buy price; cost: provider cost."
        ),
    )


class NamedRef(BaseModel):
    id: int
    name: str


class OfferOut(BaseModel):
    id: int
    name: str
    sku: str
    catalog_item_id: str = Field(..., description="product:sku:availability (Microsoft).")
    term: Term
    billing_plans: list[BillingPlan]
    unit_type: UnitType
    min_quantity: int
    max_quantity: int
    segments: list[Segment]
    is_trial: bool
    trial_days: int | None
    is_shippable: bool
    base_offer_ids: list[int] = Field(
        ..., description="For an add-on: the offers it can be bought with. Empty otherwise."
    )
    product: NamedRef
    prices: list[PriceOut] = Field(
        ..., description="One per billing plan the caller can buy; empty if not for sale."
    )


class OfferWithAddonsOut(OfferOut):
    addons: list[OfferOut] = Field(..., description="Add-ons that can be bought with it.")


class ProductOut(BaseModel):
    id: int
    name: str
    slug: str
    summary: str
    product_group: str
    vendor: NamedRef
    category: NamedRef
    offer_count: int
    from_price: PriceOut | None = Field(
        ...,
        description=(
            "The price heading the product card, for the caller: the lowest first-plan price "
            "among paid offers open to every buyer (else paid offers, else any); null when "
            "nothing is priced."
        ),
    )


class ProductDetailOut(ProductOut):
    description: str
    image_url: str | None
    offers: list[OfferWithAddonsOut]


PAGE_TOTAL = "Matching items on all pages."
PAGE_PAGES = "Number of pages (at least 1); a page past the last is empty."


class ProductPageOut(BaseModel):
    items: list[ProductOut]
    page: int
    page_size: int
    total: int = Field(..., description=PAGE_TOTAL)
    pages: int = Field(..., description=PAGE_PAGES)


class OfferPageOut(BaseModel):
    items: list[OfferOut]
    page: int
    page_size: int
    total: int = Field(..., description=PAGE_TOTAL)
    pages: int = Field(..., description=PAGE_PAGES)
