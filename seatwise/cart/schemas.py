"""Input and output schemas of the cart and checkout API. Amounts are strings rounded to
the currency's minor unit; the client never sends a price (inputs refuse unknown fields)."""

from __future__ import annotations

from ninja import Field, Schema
from pydantic import ConfigDict

from seatwise.cart.selectors import CartTotals, PricedLine
from seatwise.core.money import Money
from seatwise.orders.schemas import OrderDetailOut
from seatwise.payments.schemas import PaymentOut

STRICT = ConfigDict(extra="forbid")

# --- inputs ---------------------------------------------------------------------------------


class CartQuery(Schema):
    currency: str = Field(
        "",
        description=(
            "ISO 4217 code the cart is priced in (USD, EUR or UAH unless configured "
            "otherwise). Default: the organization's currency, else the shop's."
        ),
    )


class CartLineIn(Schema):
    model_config = STRICT

    offer_id: int = Field(..., description="The offer to buy.")
    billing_plan: str = Field(..., description="One of the offer's billing plans.")
    quantity: int = Field(..., description="Within the offer's minimum and maximum.")


class CartLineUpdateIn(Schema):
    model_config = STRICT

    quantity: int = Field(..., description="The new quantity; 0 removes the line.")


class CouponIn(Schema):
    model_config = STRICT

    code: str = Field(..., min_length=1, max_length=40, description="The discount code.")


class BillingIn(Schema):
    model_config = STRICT

    name: str = Field(..., max_length=300)
    address_line1: str = Field(..., max_length=300)
    address_line2: str = Field("", max_length=300)
    postal_code: str = Field(..., max_length=300)
    city: str = Field(..., max_length=300)
    country: str = Field(..., max_length=300, description="ISO 3166 code, e.g. `UA`.")
    tax_number: str = Field("", max_length=300)


class CheckoutIn(Schema):
    model_config = STRICT

    payment_method: str = Field(
        ..., description="One of `payment_methods` of `GET /checkout/` (`liqpay`, `invoice`)."
    )
    billing: BillingIn | None = Field(
        None, description="The billing address; default: the organization's own address."
    )
    accept_mca: bool = Field(
        False, description="Accept the Microsoft Customer Agreement (when `needs_mca`)."
    )
    accept_vendor_terms: bool = Field(
        False, description="Accept the vendors' terms (when `needs_vendor_terms`)."
    )
    target_tenants: dict[str, str] = Field(
        default_factory=dict,
        description=(
            "Cart line id → the Microsoft tenant's domain prefix (`contoso` for "
            "`contoso.onmicrosoft.com`), for each line of `microsoft_lines`."
        ),
    )
    ship_to_billing: bool = Field(
        False, description="Ship to the billing address (when `shipping_required`)."
    )


# --- outputs --------------------------------------------------------------------------------


class CartLineOut(Schema):
    id: int
    offer_id: int
    offer_name: str
    product_name: str
    sku: str
    term: str
    billing_plan: str
    quantity: int
    available: bool = Field(..., description="False: the offer has no price for you now.")
    unit_price: str | None
    total: str | None
    markup_percent: str | None = Field(
        ..., description="A reseller's *Price options* markup on this line, if set."
    )


class CartOut(Schema):
    id: int | None = Field(..., description="None until something is added.")
    currency: str
    lines: list[CartLineOut]
    item_count: int
    subtotal: str
    discount: str
    coupon_code: str
    coupon_error: str = Field(..., description="Why the kept coupon no longer applies, if so.")
    extra_charge: str
    shipping_required: bool
    shipping: str
    tax_rate: str = Field(..., description="VAT in percent.")
    tax: str
    total: str


class MicrosoftLineOut(Schema):
    line_id: int
    offer_name: str
    default_tenant: str = Field(..., description="The tenant the organization registered.")


class CheckoutRequirementsOut(Schema):
    payment_methods: list[str]
    needs_mca: bool
    mca_version: str
    mca_url: str
    needs_vendor_terms: bool
    shipping_required: bool
    microsoft_lines: list[MicrosoftLineOut]
    billing: dict[str, str] = Field(..., description="The default billing address.")
    cart: CartOut


class LiqPayFormOut(Schema):
    """POST ``data`` and ``signature`` as form fields to ``action`` (the LiqPay checkout)."""

    action: str
    data: str
    signature: str


class CheckoutOut(Schema):
    order: OrderDetailOut
    payment: PaymentOut | None
    liqpay: LiqPayFormOut | None = Field(
        ..., description="For a card payment: the signed form to send the buyer to LiqPay."
    )


def _amount(money: Money | None) -> str | None:
    return format(money.quantize().amount, "f") if money is not None else None


def _line_out(priced: PricedLine) -> dict:
    line = priced.line
    markup = line.markup_percent
    return {
        "id": line.pk,
        "offer_id": line.offer_id,
        "offer_name": line.offer.name,
        "product_name": line.offer.product.name,
        "sku": line.offer.sku,
        "term": line.term,
        "billing_plan": line.billing_plan,
        "quantity": line.quantity,
        "available": priced.available,
        "unit_price": _amount(priced.unit_price),
        "total": _amount(priced.total),
        "markup_percent": format(markup, "f") if markup is not None else None,
    }


def cart_out(totals: CartTotals) -> dict:
    return {
        "id": totals.cart.pk if totals.cart is not None else None,
        "currency": totals.currency,
        "lines": [_line_out(priced) for priced in totals.lines],
        "item_count": totals.item_count,
        "subtotal": _amount(totals.subtotal),
        "discount": _amount(totals.discount),
        "coupon_code": totals.coupon_code,
        "coupon_error": totals.coupon_error,
        "extra_charge": _amount(totals.extra_charge),
        "shipping_required": totals.shipping_required,
        "shipping": _amount(totals.shipping),
        "tax_rate": format(totals.tax_rate, "f"),
        "tax": _amount(totals.tax),
        "total": _amount(totals.total),
    }
