"""Load the demo data through the apps' services, idempotently.

Organizations and users are looked up by slug and e-mail first and only created when they are
missing (an existing one is left exactly as it is, password included). Everything else goes
through ``*_upsert`` / ``*_set`` services, which write only what differs. The whole load is
one transaction, and the result says which rows were really created, updated or deleted.
"""

from __future__ import annotations

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.db import models, transaction

from seatwise.catalog.models import Category, Offer, Product, Vendor
from seatwise.catalog.services import (
    category_upsert,
    offer_upsert,
    product_upsert,
    vendor_upsert,
)
from seatwise.demo import DEMO_PASSWORD
from seatwise.demo.data.catalog import CATEGORIES, PRODUCTS, VENDORS, ProductSpec
from seatwise.demo.data.organizations import ORGANIZATIONS, PROVIDER, USERS
from seatwise.demo.data.pricing import (
    COUPONS,
    EXCHANGE_RATES,
    PRICE_LISTS,
    RATES_VALID_FROM,
    RESELLER_TERMS,
    SHIPPING_METHODS,
    plan_amount,
    tier_unit,
)
from seatwise.demo.snapshot import TableChange, compare, take_snapshot
from seatwise.identity.models import User
from seatwise.identity.services import user_email_mark_verified
from seatwise.pricing.enums import CouponKind
from seatwise.pricing.models import (
    Coupon,
    ExchangeRate,
    Price,
    PriceList,
    ResellerTerms,
    ShippingMethod,
    ShippingMethodPrice,
)
from seatwise.pricing.services import (
    coupon_upsert,
    exchange_rate_set,
    price_list_upsert,
    price_set,
    reseller_terms_set,
    shipping_method_upsert,
)
from seatwise.subscriptions.services import account_for_domain
from seatwise.tenancy.enums import OrganizationKind
from seatwise.tenancy.models import (
    Membership,
    Organization,
    OrganizationRegistration,
    PaymentSettings,
)
from seatwise.tenancy.services import (
    membership_set,
    organization_create,
    organization_tenant_record,
    payment_settings_set,
)

# The tables the demo writes, with the names the summary uses for them.
TABLES: dict[type[models.Model], str] = {
    User: "users",
    EmailAddress: "verified e-mail addresses",
    Organization: "organizations",
    Membership: "memberships",
    Vendor: "vendors",
    Category: "categories",
    Product: "products",
    Offer: "offers",
    Offer.base_offers.through: "add-on links",
    PriceList: "price lists",
    Price: "prices",
    ResellerTerms: "reseller terms",
    ExchangeRate: "exchange rates",
    Coupon: "coupons",
    ShippingMethod: "shipping methods",
    ShippingMethodPrice: "shipping prices",
    PaymentSettings: "payment settings",
    OrganizationRegistration: "customer tenants",
}

# What the demo provider prints on its invoices (*Settings → Payment methods*). Made up.
PROVIDER_BANK_DETAILS = (
    "Beneficiary: Seatwise Distribution LLC, EDRPOU 12345678\n"
    "IBAN: UA21 3223 1300 0002 6007 2335 6600 1 (demo, not a real account)\n"
    "Bank: JSC Demo Bank, Kyiv\n"
    "Purpose of payment: the invoice number"
)


@dataclass(frozen=True)
class DemoResult:
    changes: tuple[TableChange, ...]

    @property
    def changed(self) -> bool:
        return any(change.changed for change in self.changes)

    @property
    def created(self) -> int:
        return sum(change.created for change in self.changes)

    @property
    def updated(self) -> int:
        return sum(change.updated for change in self.changes)

    @property
    def deleted(self) -> int:
        return sum(change.deleted for change in self.changes)


def demo_data_load() -> DemoResult:
    with transaction.atomic():
        before = take_snapshot(TABLES)
        organizations = _load_organizations()
        _load_users(organizations)
        offers = _load_catalog()
        _load_pricing(organizations, offers)
        _load_payment_settings(organizations)
        _load_tenants(organizations)
        after = take_snapshot(TABLES)
    return DemoResult(changes=tuple(compare(before, after, TABLES)))


def _load_organizations() -> dict[str, Organization]:
    found = {
        org.slug: org
        for org in Organization.objects.filter(slug__in=[spec.slug for spec in ORGANIZATIONS])
    }
    for spec in ORGANIZATIONS:
        if spec.slug not in found:
            found[spec.slug] = organization_create(
                kind=spec.kind,
                name=spec.name,
                parent=found[spec.parent] if spec.parent else None,
                slug=spec.slug,
                **spec.profile(),
            )
    return found


def _load_tenants(organizations: dict[str, Organization]) -> None:
    """Each demo customer has its Microsoft tenant: its slug without dashes (the embedded
    connector knows these names as taken, connectors migration 0002). The tenant is on
    record as *to be created*: with ``make run`` the worker's sweep creates it in the Partner
    Center sandbox within a minute (and mails its sign-in to the demo mailbox)."""
    for spec in ORGANIZATIONS:
        if spec.kind == OrganizationKind.CUSTOMER:
            organization = organizations[spec.slug]
            registration = organization_tenant_record(
                organization=organization, tenant_domain=spec.slug.replace("-", "")
            )
            account_for_domain(organization=organization, domain=registration.tenant_domain)


def _load_payment_settings(organizations: dict[str, Organization]) -> None:
    """The provider's bank details for its invoices (card and invoice as by default)."""
    provider = organizations[PROVIDER]
    owner = User.objects.get(email=f"owner@{PROVIDER}.example")
    payment_settings_set(
        actor=owner,
        organization=provider,
        allow_invoice=False,
        bank_details=PROVIDER_BANK_DETAILS,
    )


def _load_users(organizations: dict[str, Organization]) -> None:
    found = {user.email: user for user in User.objects.filter(email__in=[s.email for s in USERS])}
    for spec in USERS:
        user = found.get(spec.email)
        if user is None:
            create = (
                User.objects.create_superuser if spec.is_superuser else User.objects.create_user
            )
            user = create(
                spec.email,
                DEMO_PASSWORD,
                given_name=spec.given_name,
                surname=spec.surname,
                display_name=spec.shown_name,
                phone=spec.phone,
                is_staff=spec.is_staff,
            )
        # allauth signs in only users whose e-mail address is verified.
        user_email_mark_verified(user=user)
        if spec.organization is not None:
            membership_set(organization=organizations[spec.organization], user=user, role=spec.role)


def _load_catalog() -> dict[str, Offer]:
    vendors = {
        spec.slug: vendor_upsert(
            slug=spec.slug,
            name=spec.name,
            kind=spec.kind,
            website=spec.website,
            terms_url=spec.terms_url,
        )
        for spec in VENDORS
    }
    categories: dict[str, Category] = {}
    for spec in CATEGORIES:
        categories[spec.slug] = category_upsert(
            slug=spec.slug,
            name=spec.name,
            parent=categories[spec.parent] if spec.parent else None,
            description=spec.description,
            position=spec.position,
        )
    # Base offers before the add-ons that point to them.
    ordered = sorted(PRODUCTS, key=lambda spec: bool(spec.addon_for))
    offers: dict[str, Offer] = {}
    by_product: dict[str, list[Offer]] = {}
    for spec in ordered:
        product = product_upsert(
            slug=spec.slug,
            name=spec.name,
            vendor=vendors[spec.vendor],
            category=categories[spec.category],
            product_group=spec.product_group,
            summary=spec.summary,
            description=spec.description,
        )
        bases = _base_offers(spec, by_product)
        for position, offer_spec in enumerate(spec.offers):
            offer = offer_upsert(
                sku=offer_spec.sku,
                product=product,
                name=offer_spec.name,
                term=offer_spec.term,
                billing_plans=offer_spec.billing_plans,
                catalog_item_id=offer_spec.catalog_item_id,
                unit_type=offer_spec.unit_type,
                min_quantity=offer_spec.min_quantity,
                max_quantity=offer_spec.max_quantity,
                for_commercial=offer_spec.for_commercial,
                for_academic=offer_spec.for_academic,
                for_government=offer_spec.for_government,
                for_nonprofit=offer_spec.for_nonprofit,
                is_trial=offer_spec.is_trial,
                trial_days=offer_spec.trial_days,
                base_offers=bases,
                is_shippable=offer_spec.is_shippable,
                position=position,
            )
            offers[offer.sku] = offer
            by_product.setdefault(spec.slug, []).append(offer)
    return offers


def _base_offers(spec: ProductSpec, by_product: dict[str, list[Offer]]) -> list[Offer]:
    """The paid (non-trial) offers of the products an add-on extends."""
    return [offer for slug in spec.addon_for for offer in by_product[slug] if not offer.is_trial]


def _load_pricing(organizations: dict[str, Organization], offers: dict[str, Offer]) -> None:
    provider = organizations[PROVIDER]
    lists = {
        spec.name: price_list_upsert(
            organization=provider,
            name=spec.name,
            kind=spec.kind,
            currency=spec.currency,
            is_default=spec.is_default,
        )
        for spec in PRICE_LISTS
    }
    for list_spec in PRICE_LISTS:
        price_list = lists[list_spec.name]
        for product_spec in PRODUCTS:
            share = list_spec.share[product_spec.vendor]
            for offer_spec in product_spec.offers:
                offer = offers[offer_spec.sku]
                amounts = [(list_spec.currency, offer_spec.list_price)]
                if offer_spec.list_price_uah is not None:
                    amounts.append(("UAH", offer_spec.list_price_uah))
                for currency, erp_unit in amounts:
                    cost_unit = tier_unit(erp_unit, share)
                    for plan in offer_spec.billing_plans:
                        price_set(
                            price_list=price_list,
                            offer=offer,
                            billing_plan=plan,
                            currency=currency,
                            cost=plan_amount(cost_unit, plan),
                            erp=plan_amount(erp_unit, plan),
                        )

    for terms in RESELLER_TERMS:
        options = {} if terms.markup_percent is None else {"markup_percent": terms.markup_percent}
        reseller_terms_set(
            reseller=organizations[terms.reseller],
            price_list=lists[terms.price_list] if terms.price_list else None,
            **options,
        )
    for spec in COUPONS:
        coupon_upsert(
            organization=organizations[spec.issuer],
            code=spec.code,
            kind=CouponKind.PERCENT,
            value=spec.percent,
            minimum_subtotal=spec.minimum_usd,
            minimum_currency="USD" if spec.minimum_usd is not None else "",
        )
    for method in SHIPPING_METHODS:
        shipping_method_upsert(
            provider=provider, name=method.name, prices=method.prices, position=method.position
        )
    for base, quote, rate in EXCHANGE_RATES:
        exchange_rate_set(
            provider=provider,
            base_currency=base,
            quote_currency=quote,
            rate=rate,
            valid_from=RATES_VALID_FROM,
        )
