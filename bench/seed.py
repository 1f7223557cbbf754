"""Seed a benchmark database with the test factories, for when ``manage.py demo_data`` is
not available: one provider selling 60 offers (20 products x 3 offers, monthly and annual
prices, some add-ons) directly and through a reseller; USD cost list, EUR and UAH rates.

Run by ``bench/catalog_api.py`` with the bench environment; usable alone as
``DJANGO_SETTINGS_MODULE=... python bench/seed.py``.
"""

from __future__ import annotations

import os
import sys
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")


def seed() -> int:
    from django.db import transaction

    from seatwise.catalog.enums import VendorKind
    from seatwise.catalog.models import Offer
    from seatwise.catalog.tests.factories import (
        make_category,
        make_offer,
        make_product,
        make_vendor,
    )
    from seatwise.pricing.enums import PriceListKind
    from seatwise.pricing.tests.factories import make_price, make_price_list, make_rate
    from seatwise.tenancy.tests.factories import make_customer, make_provider, make_reseller

    if Offer.objects.exists():
        return Offer.objects.count()
    with transaction.atomic():
        provider = make_provider("Seatwise Distribution")
        reseller = make_reseller(provider, "Northwind Reseller")
        make_customer(reseller, "Contoso Ltd")
        make_customer(provider, "Fabrikam Direct")
        cost = make_price_list(provider, PriceListKind.COST, name="Cost")
        standard = make_price_list(provider, PriceListKind.RESELLER, name="Standard")
        make_rate(provider, "EUR", "0.92")
        make_rate(provider, "UAH", "41.50")

        vendors = [
            make_vendor("Microsoft", VendorKind.MICROSOFT),
            make_vendor("Cisco", VendorKind.SMART_LICENSING),
            make_vendor("CloudDocs", VendorKind.SAAS),
        ]
        roots = [make_category(name) for name in ("Productivity", "Security", "Collaboration")]
        leaves = [make_category(f"{root.name} plans", parent=root) for root in roots]
        categories = roots + leaves

        bases: list[Offer] = []
        for n in range(20):
            product = make_product(
                f"Product {n + 1:02d} Suite",
                vendor=vendors[n % len(vendors)],
                category=categories[n % len(categories)],
                product_group="Bench",
                summary="A product of the benchmark catalogue.",
            )
            for k, edition in enumerate(("Basic", "Standard", "Premium")):
                offer = make_offer(
                    product,
                    f"{product.name} {edition}",
                    sku=f"BENCH-{n + 1:02d}-{k + 1}",
                    position=k,
                )
                monthly = Decimal(4 + n) + Decimal(k) * Decimal("2.5")
                annual = monthly * 12
                make_price(cost, offer, monthly * Decimal("0.8"), monthly, billing_plan="monthly")
                make_price(cost, offer, annual * Decimal("0.8"), annual, billing_plan="annual")
                make_price(standard, offer, monthly * Decimal("0.9"), monthly)
                make_price(standard, offer, annual * Decimal("0.9"), annual, billing_plan="annual")
                if k == 0:
                    bases.append(offer)
                elif k == 2 and bases[:-1]:
                    offer.base_offers.add(bases[-2])  # a premium add-on of the previous product
    return Offer.objects.count()


if __name__ == "__main__":
    import django

    django.setup()
    print(f"seeded: {seed()} offers")
