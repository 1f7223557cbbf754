"""A small priced catalogue for the cart tests: a provider with cost and reseller lists, a
reseller with a customer, an Office offer (23.00 a month, ERP) with an add-on and an
academic twin under Cloud / Microsoft 365, and a shippable book (49.00, one-time)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from seatwise.catalog.enums import BillingPlan, Term
from seatwise.catalog.models import Category, Offer
from seatwise.catalog.tests.factories import make_category, make_offer, make_product
from seatwise.pricing.enums import PriceListKind
from seatwise.pricing.tests.factories import make_price, make_price_list, make_rate
from seatwise.tenancy.models import Organization
from seatwise.tenancy.tests.factories import make_customer, make_provider, make_reseller


@dataclass
class CartShop:
    provider: Organization
    reseller: Organization
    customer: Organization
    cloud: Category
    e3: Offer
    e3_academic: Offer
    teams_addon: Offer
    book_offer: Offer


def _prices(cost, resale, offer, erp: str, plans=("monthly", "annual")):
    amount = Decimal(erp)
    for plan in plans:
        value = amount * 12 if plan == "annual" else amount
        make_price(cost, offer, value * Decimal("0.8"), value, billing_plan=plan)
        make_price(resale, offer, value * Decimal("0.9"), value, billing_plan=plan)


def build_cart_shop() -> CartShop:
    provider = make_provider()
    reseller = make_reseller(provider)
    customer = make_customer(reseller)
    cost = make_price_list(provider, PriceListKind.COST, name="Cost")
    resale = make_price_list(provider, PriceListKind.RESELLER, name="Standard")
    make_rate(provider, "UAH", "41.50")
    cloud = make_category("Cloud")
    m365 = make_category("Microsoft 365", parent=cloud)
    office = make_product("Office 365 E3", category=m365)
    e3 = make_offer(office, "Office 365 E3", sku="CFQ7TTC0LF8Q")
    _prices(cost, resale, e3, "23.00")
    e3_academic = make_offer(
        office, "Office 365 A3", sku="O365-A3", for_commercial=False, for_academic=True
    )
    _prices(cost, resale, e3_academic, "3.25")
    teams_addon = make_offer(make_product("Teams Phone", category=m365), sku="TEAMS-PHONE")
    teams_addon.base_offers.add(e3)
    _prices(cost, resale, teams_addon, "8.00")
    book_offer = make_offer(
        make_product("Windows Internals", category=make_category("Books")),
        sku="BOOK-WININT-7",
        term=Term.PERPETUAL,
        billing_plans=[BillingPlan.ONE_TIME],
        is_shippable=True,
    )
    make_price(cost, book_offer, "39.00", "49.00", billing_plan="one_time")
    make_price(resale, book_offer, "44.00", "49.00", billing_plan="one_time")
    return CartShop(
        provider=provider,
        reseller=reseller,
        customer=customer,
        cloud=cloud,
        e3=e3,
        e3_academic=e3_academic,
        teams_addon=teams_addon,
        book_offer=book_offer,
    )


def build_shipping_shop(settings) -> CartShop:
    """The cart shop with the book sold by a store vendor (it ships), 20 % VAT of the
    reseller (the customer's seller) and the provider's LiqPay account."""
    from seatwise.catalog.enums import VendorKind
    from seatwise.catalog.models import Product
    from seatwise.catalog.tests.factories import make_vendor
    from seatwise.payments.tests.factories import make_account

    data = build_cart_shop()
    press = make_vendor("Tech Press", VendorKind.STORE)
    Product.objects.filter(pk=data.book_offer.product_id).update(vendor=press)
    data.book_offer.refresh_from_db()
    make_account(data.provider)
    settings.SEATWISE_VAT_RATES = {"UA": Decimal(20)}
    data.reseller.country = "UA"
    data.reseller.save(update_fields=["country"])
    return data


def make_shipping_methods(provider: Organization) -> dict:
    """The provider's courier (3.00 USD, 120.00 UAH) and a free pickup (USD only)."""
    from seatwise.pricing.services import shipping_method_upsert

    courier = shipping_method_upsert(
        provider=provider,
        name="Courier (Nova Poshta)",
        prices={"USD": Decimal("3.00"), "UAH": Decimal("120.00")},
        position=1,
    )
    pickup = shipping_method_upsert(
        provider=provider, name="Pickup in Kyiv (free)", prices={"USD": 0}, position=2
    )
    return {"courier": courier, "pickup": pickup}
