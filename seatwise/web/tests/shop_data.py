"""A small shop that the storefront tests (and the browser tests) build: one provider with
cost and reseller lists, a reseller with a customer, two category levels, offers with
add-ons, an academic offer, a trial and a shippable book."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from seatwise.catalog.enums import BillingPlan, Term, UnitType, VendorKind
from seatwise.catalog.models import Category, Offer, Product
from seatwise.catalog.tests.factories import make_category, make_offer, make_product, make_vendor
from seatwise.pricing.enums import PriceListKind
from seatwise.pricing.models import PriceList
from seatwise.pricing.tests.factories import make_price, make_price_list, make_rate
from seatwise.tenancy.models import Organization
from seatwise.tenancy.tests.factories import make_customer, make_provider, make_reseller


@dataclass
class Shop:
    provider: Organization
    reseller: Organization
    customer: Organization
    cost: PriceList
    resale: PriceList
    cloud: Category
    azure: Category
    m365: Category
    books: Category
    aad_premium: Product
    aad_basic: Product
    azure_plan: Product
    office: Product
    teams_phone: Product
    book: Product
    e3: Offer
    e3_academic: Offer
    e3_trial: Offer
    teams_addon: Offer
    book_offer: Offer


def add_prices(cost_list, resale_list, offer, monthly_erp, *, annual=True):
    """ERP as given, provider cost 80 % of it, reseller price 90 % of it."""
    erp = Decimal(monthly_erp)
    make_price(cost_list, offer, erp * Decimal("0.8"), erp, billing_plan="monthly")
    make_price(resale_list, offer, erp * Decimal("0.9"), erp, billing_plan="monthly")
    if annual:
        make_price(cost_list, offer, erp * 12 * Decimal("0.8"), erp * 12, billing_plan="annual")
        make_price(resale_list, offer, erp * 12 * Decimal("0.9"), erp * 12, billing_plan="annual")


def build_shop() -> Shop:
    provider = make_provider("Seatwise Distribution")
    reseller = make_reseller(provider, "Contoso Reseller")
    customer = make_customer(reseller, "Fabrikam School")
    cost = make_price_list(provider, PriceListKind.COST, name="Cost")
    resale = make_price_list(provider, PriceListKind.RESELLER, name="Standard")
    make_rate(provider, "UAH", "41.50")
    make_rate(provider, "EUR", "0.92")

    microsoft = make_vendor("Microsoft", VendorKind.MICROSOFT)
    press = make_vendor("Tech Press", VendorKind.STORE)
    cloud = make_category("Cloud products")
    azure = make_category("Azure", parent=cloud)
    m365 = make_category("Microsoft 365", parent=cloud)
    books = make_category("Books")

    aad_premium = make_product(
        "Azure Active Directory Premium",
        vendor=microsoft,
        category=azure,
        slug="aad-premium",
        summary="Identity and access management for the enterprise.",
        description="Conditional access, self-service password reset and more.",
    )
    aad_basic = make_product(
        "Azure Active Directory Basic", vendor=microsoft, category=azure, slug="aad-basic"
    )
    azure_plan = make_product("Microsoft Azure", vendor=microsoft, category=azure, slug="azure")
    office = make_product(
        "Office 365 E3",
        vendor=microsoft,
        category=m365,
        slug="office-365-e3",
        product_group="Office 365",
    )
    teams_phone = make_product(
        "Microsoft Teams Phone", vendor=microsoft, category=m365, slug="teams-phone"
    )
    book = make_product("Windows Internals", vendor=press, category=books, slug="windows-internals")

    add_prices(cost, resale, make_offer(aad_premium, "AAD Premium P1", sku="AAD-P1"), "6.00")
    add_prices(cost, resale, make_offer(aad_basic, "AAD Basic", sku="AAD-BASIC"), "1.00")
    add_prices(cost, resale, make_offer(azure_plan, "Azure plan", sku="AZURE-PLAN"), "25.00")
    e3 = make_offer(office, "Office 365 E3", sku="CFQ7TTC0LF8Q", unit_type=UnitType.USER)
    add_prices(cost, resale, e3, "23.00")
    e3_academic = make_offer(
        office,
        "Office 365 A3 for faculty",
        sku="O365-A3-FAC",
        unit_type=UnitType.USER,
        for_commercial=False,
        for_academic=True,
    )
    add_prices(cost, resale, e3_academic, "3.25")
    e3_trial = make_offer(
        office,
        "Office 365 E3 Trial",
        sku="O365-E3-TRIAL",
        term=Term.P1M,
        billing_plans=[BillingPlan.MONTHLY],
        is_trial=True,
        trial_days=30,
        unit_type=UnitType.USER,
    )
    add_prices(cost, resale, e3_trial, "0.00", annual=False)
    teams_addon = make_offer(
        teams_phone, "Teams Phone Standard", sku="TEAMS-PHONE-STD", unit_type=UnitType.USER
    )
    teams_addon.base_offers.add(e3)
    add_prices(cost, resale, teams_addon, "8.00")
    book_offer = make_offer(
        book,
        "Windows Internals, 7th edition",
        sku="BOOK-WININT-7",
        term=Term.PERPETUAL,
        billing_plans=[BillingPlan.ONE_TIME],
        unit_type=UnitType.ITEM,
        is_shippable=True,
    )
    make_price(cost, book_offer, "39.00", "49.00", billing_plan="one_time")
    make_price(resale, book_offer, "44.00", "49.00", billing_plan="one_time")
    return Shop(
        provider=provider,
        reseller=reseller,
        customer=customer,
        cost=cost,
        resale=resale,
        cloud=cloud,
        azure=azure,
        m365=m365,
        books=books,
        aad_premium=aad_premium,
        aad_basic=aad_basic,
        azure_plan=azure_plan,
        office=office,
        teams_phone=teams_phone,
        book=book,
        e3=e3,
        e3_academic=e3_academic,
        e3_trial=e3_trial,
        teams_addon=teams_addon,
        book_offer=book_offer,
    )
