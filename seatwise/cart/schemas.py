"""Input and output schemas of the cart and checkout API. Amounts are strings rounded to
the currency's minor unit; the client never sends a price (inputs refuse unknown fields)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from ninja import Field, Schema
from pydantic import ConfigDict, StrictInt, StringConstraints

from seatwise.cart.checkout import AddressChoice
from seatwise.cart.selectors import CartTotals, PricedLine
from seatwise.core.money import Money
from seatwise.orders.schemas import OrderDetailOut
from seatwise.orders.services import BillingAddress
from seatwise.payments.schemas import PaymentOut
from seatwise.pricing.selectors import ShippingQuote

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


class CheckoutQuery(CartQuery):
    shipping_method_id: int | None = Field(
        None,
        description=(
            "Price the totals with this one of `shipping_methods` (its price is the "
            "`shipping` charge, taxed like the rest); another id is a 400."
        ),
    )


# The address fields are checked on the server (``checkout_invalid`` with one message per
# field: ``billing_<field>``, ``shipping_<field>``); the limits here only bound the body.
class ShippingAddressIn(Schema):
    model_config = STRICT

    name: str = Field(..., max_length=300, description="The company or the recipient.")
    contact_name: str = Field("", max_length=300, description="The person to ask for.")
    email: str = Field("", max_length=300)
    phone: str = Field("", max_length=300, description="With its country code: `+380…`.")
    address_line1: str = Field(..., max_length=300)
    address_line2: str = Field("", max_length=300)
    postal_code: str = Field(..., max_length=300)
    city: str = Field(..., max_length=300)
    country: str = Field(..., max_length=300, description="ISO 3166 code, e.g. `UA`.")


class BillingIn(ShippingAddressIn):
    tax_number: str = Field("", max_length=300)


# ``profile`` or a saved address's id (as `GET /checkout/` answers it, or as a number).
AddressId = Annotated[str, StringConstraints(max_length=40)] | StrictInt


class CheckoutIn(Schema):
    model_config = STRICT

    payment_method: str = Field(
        ..., description="One of `payment_methods` of `GET /checkout/` (`liqpay`, `invoice`)."
    )
    billing_address_id: AddressId | None = Field(
        None,
        description=(
            "One of `addresses` of `GET /checkout/`: `profile` (the company profile) or a "
            "saved address's id. Not with `billing`."
        ),
    )
    billing: BillingIn | None = Field(
        None,
        description=(
            "The billing address typed in. Without it and without `billing_address_id`: "
            "the company profile's address."
        ),
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
        False,
        description=(
            "When `shipping_required`: ship to the billing address. Or send "
            "`shipping_address_id` or `shipping_address` (one of the three)."
        ),
    )
    shipping_address_id: AddressId | None = Field(
        None, description="Ship to one of `addresses` of `GET /checkout/` (`profile` or an id)."
    )
    shipping_address: ShippingAddressIn | None = Field(
        None, description="Ship to this address, typed in."
    )
    shipping_method_id: int | None = Field(
        None,
        strict=True,
        description=(
            "One of `shipping_methods` of `GET /checkout/` (required when "
            "`needs_shipping_method`). Its price is charged as shipping, computed here."
        ),
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


class CheckoutAddressOut(Schema):
    name: str = Field(..., description="The company or the recipient.")
    contact_name: str
    email: str
    phone: str
    address_line1: str
    address_line2: str
    postal_code: str
    city: str
    country: str = Field(..., description="ISO 3166 code, or empty.")
    tax_number: str


class AddressChoiceOut(CheckoutAddressOut):
    id: str = Field(
        ...,
        description=(
            "`profile` (the company profile) or the saved address's id: send it as "
            "`billing_address_id` or `shipping_address_id`."
        ),
    )
    is_profile: bool
    complete: bool = Field(
        ..., description="False: a required field is missing or wrong; it cannot be used."
    )


class ShippingMethodOut(Schema):
    id: int = Field(..., description="Send it as `shipping_method_id`.")
    name: str
    price: str = Field(..., description="Charged per order, before tax.")
    currency: str


class CheckoutRequirementsOut(Schema):
    payment_methods: list[str]
    needs_mca: bool
    mca_version: str
    mca_url: str
    needs_vendor_terms: bool
    shipping_required: bool = Field(..., description="A line ships: a shipping address is needed.")
    needs_shipping_method: bool = Field(
        ..., description="One of `shipping_methods` must be chosen (`shipping_method_id`)."
    )
    shipping_methods: list[ShippingMethodOut] = Field(
        ..., description="The provider's shipping methods, priced in the cart's currency."
    )
    microsoft_lines: list[MicrosoftLineOut]
    billing: CheckoutAddressOut = Field(..., description="The default billing address.")
    addresses: list[AddressChoiceOut] = Field(
        ...,
        description=(
            "The billing and shipping addresses to choose from: the company profile's "
            "first, then the organization's saved addresses by name."
        ),
    )
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


def address_out(address: BillingAddress) -> dict:
    return {
        name: str(value or "")
        for name, value in asdict(address).items()
        if name in CheckoutAddressOut.model_fields
    }


def address_choice_out(choice: AddressChoice) -> dict:
    return {
        "id": choice.key,
        "is_profile": choice.is_profile,
        "complete": choice.complete,
        **address_out(choice.address),
    }


def shipping_method_out(quote: ShippingQuote) -> dict:
    return {
        "id": quote.method_id,
        "name": quote.name,
        "price": _amount(quote.price),
        "currency": quote.price.currency,
    }
