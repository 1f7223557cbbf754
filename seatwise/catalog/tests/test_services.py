from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from seatwise.catalog.enums import BillingPlan, Term, UnitType, VendorKind
from seatwise.catalog.models import Category, Offer, Product, Vendor
from seatwise.catalog.services import (
    category_upsert,
    offer_upsert,
    product_upsert,
    vendor_upsert,
)
from seatwise.catalog.tests.factories import make_category, make_offer, make_product, make_vendor
from seatwise.core.errors import ValidationError

pytestmark = pytest.mark.django_db

WRITES = ("INSERT", "UPDATE", "DELETE")


def _writes(queries: CaptureQueriesContext) -> list[str]:
    """Writes to business tables (the catalogue cache generation is checked separately)."""
    return [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().startswith(WRITES) and "core_cachegeneration" not in q["sql"]
    ]


def _row(obj) -> dict:
    return type(obj).objects.filter(pk=obj.pk).values().get()


def _offer_kwargs(product: Product, **overrides) -> dict:
    kwargs = {
        "sku": "MS-CFQ7TTC0LH18-0001-P1Y",
        "product": product,
        "name": "Microsoft 365 Business Basic, 1-year term",
        "term": Term.P1Y,
        "billing_plans": [BillingPlan.MONTHLY, BillingPlan.ANNUAL],
        "catalog_item_id": "CFQ7TTC0LH18:0001:CFQ7TTC0K971",
        "unit_type": UnitType.USER,
    }
    kwargs.update(overrides)
    return kwargs


# ------------------------------------------------------------------ vendors


def test_vendor_upsert_creates_a_vendor_by_slug():
    vendor = vendor_upsert(
        slug="microsoft", name="Microsoft", kind=VendorKind.MICROSOFT, website="https://x.example"
    )

    assert _row(vendor) == {
        "id": vendor.pk,
        "slug": "microsoft",
        "name": "Microsoft",
        "kind": "microsoft",
        "terms_url": "",
        "terms_version": "1",
        "website": "https://x.example",
    }


def test_vendor_upsert_with_the_same_values_writes_nothing():
    vendor = vendor_upsert(slug="cisco", name="Cisco", kind=VendorKind.SMART_LICENSING)

    with CaptureQueriesContext(connection) as queries:
        again = vendor_upsert(slug="cisco", name="Cisco", kind=VendorKind.SMART_LICENSING)

    assert again.pk == vendor.pk
    assert _writes(queries) == []
    assert Vendor.objects.count() == 1


def test_vendor_upsert_updates_only_the_fields_that_differ():
    vendor = vendor_upsert(slug="cisco", name="Cisco", kind=VendorKind.SMART_LICENSING)

    with CaptureQueriesContext(connection) as queries:
        vendor_upsert(slug="cisco", name="Cisco Systems", kind=VendorKind.SMART_LICENSING)

    writes = _writes(queries)
    assert len(writes) == 1
    assert writes[0].startswith("UPDATE")
    assert '"name"' in writes[0]
    assert '"kind"' not in writes[0]
    vendor.refresh_from_db()
    assert (vendor.name, vendor.kind) == ("Cisco Systems", "smart_licensing")


def test_vendor_upsert_refuses_an_unknown_kind_and_creates_nothing():
    with pytest.raises(ValidationError) as exc:
        vendor_upsert(slug="acme", name="Acme", kind="hardware")

    assert exc.value.code == "invalid_input"
    assert "kind" in exc.value.details
    assert "kind" in exc.value.message
    assert Vendor.objects.count() == 0


def test_vendor_upsert_refuses_a_name_another_vendor_has_and_changes_nothing():
    make_vendor(name="Microsoft")
    other = vendor_upsert(slug="msft", name="Microsoft Corp", kind=VendorKind.MICROSOFT)
    before = _row(other)

    with pytest.raises(ValidationError) as exc:
        vendor_upsert(slug="msft", name="Microsoft", kind=VendorKind.MICROSOFT)

    assert "name" in exc.value.details
    assert _row(other) == before


# ------------------------------------------------------------------ categories


def test_category_upsert_builds_a_tree():
    root = category_upsert(slug="cloud-products", name="Cloud products", position=10)
    child = category_upsert(
        slug="azure", name="Azure", parent=root, description="Azure plan", position=40
    )

    assert _row(child) == {
        "id": child.pk,
        "parent_id": root.pk,
        "name": "Azure",
        "slug": "azure",
        "description": "Azure plan",
        "position": 40,
    }
    assert root.parent_id is None


def test_category_upsert_moves_a_category_to_another_parent():
    old_parent = category_upsert(slug="software", name="Software")
    new_parent = category_upsert(slug="cloud-products", name="Cloud products")
    category_upsert(slug="saas", name="SaaS", parent=old_parent)

    moved = category_upsert(slug="saas", name="SaaS", parent=new_parent)

    assert Category.objects.get(slug="saas").parent_id == new_parent.pk
    assert moved.parent_id == new_parent.pk


def test_category_upsert_refuses_a_category_under_itself():
    category = category_upsert(slug="books", name="Books")

    with pytest.raises(ValidationError) as exc:
        category_upsert(slug="books", name="Books", parent=category)

    assert "parent" in exc.value.details
    assert Category.objects.get(slug="books").parent_id is None


def test_category_upsert_refuses_a_cycle_and_changes_nothing():
    top = category_upsert(slug="top", name="Top")
    below = category_upsert(slug="below", name="Below", parent=top)

    with pytest.raises(ValidationError) as exc:
        category_upsert(slug="top", name="Top", parent=below)

    assert "parent" in exc.value.details
    assert Category.objects.get(slug="top").parent_id is None


# ------------------------------------------------------------------ products


def test_product_upsert_creates_and_then_updates_a_product():
    vendor, category = make_vendor(), make_category()
    product = product_upsert(
        slug="m365-business-basic",
        name="Microsoft 365 Business Basic",
        vendor=vendor,
        category=category,
        product_group="Microsoft 365",
        summary="Mail and Teams",
        description="A paragraph.",
    )
    product_upsert(
        slug="m365-business-basic",
        name="Microsoft 365 Business Basic",
        vendor=vendor,
        category=category,
        product_group="Microsoft 365",
        summary="Mail, Teams and 1 TB storage",
        description="A paragraph.",
    )

    row = _row(product)
    assert row["summary"] == "Mail, Teams and 1 TB storage"
    assert row["product_group"] == "Microsoft 365"
    assert (row["vendor_id"], row["category_id"], row["is_active"]) == (
        vendor.pk,
        category.pk,
        True,
    )
    assert Product.objects.count() == 1


def test_product_upsert_with_the_same_values_writes_nothing():
    vendor, category = make_vendor(), make_category()
    kwargs = {"slug": "p", "name": "P", "vendor": vendor, "category": category}
    product_upsert(**kwargs)

    with CaptureQueriesContext(connection) as queries:
        product_upsert(**kwargs)

    assert _writes(queries) == []


def test_product_upsert_refuses_a_blank_name_and_changes_nothing():
    product = make_product(name="Old name", slug="p")
    before = _row(product)

    with pytest.raises(ValidationError) as exc:
        product_upsert(slug="p", name="", vendor=product.vendor, category=product.category)

    assert "name" in exc.value.details
    assert _row(product) == before


# ------------------------------------------------------------------ offers


def test_offer_upsert_creates_an_offer_with_every_field():
    product = make_product()

    offer = offer_upsert(**_offer_kwargs(product, max_quantity=300, position=2))

    row = _row(offer)
    row.pop("id")
    assert row == {
        "product_id": product.pk,
        "name": "Microsoft 365 Business Basic, 1-year term",
        "sku": "MS-CFQ7TTC0LH18-0001-P1Y",
        "catalog_item_id": "CFQ7TTC0LH18:0001:CFQ7TTC0K971",
        "term": "P1Y",
        "billing_plans": ["monthly", "annual"],
        "unit_type": "user",
        "min_quantity": 1,
        "max_quantity": 300,
        "for_commercial": True,
        "for_academic": False,
        "for_government": False,
        "for_nonprofit": False,
        "is_trial": False,
        "trial_days": None,
        "is_shippable": False,
        "is_active": True,
        "position": 2,
    }
    assert list(offer.base_offers.all()) == []


def test_offer_upsert_links_an_addon_to_its_base_offers():
    base_one, base_two = make_offer(), make_offer()
    product = make_product()

    addon = offer_upsert(
        **_offer_kwargs(product, sku="TEAMS-PHONE", name="Teams Phone"),
        base_offers=[base_one, base_two],
    )

    assert set(addon.base_offers.values_list("pk", flat=True)) == {base_one.pk, base_two.pk}
    assert list(base_one.addons.all()) == [addon]


def test_offer_upsert_replaces_the_base_offers_with_the_given_ones():
    base_one, base_two = make_offer(), make_offer()
    product = make_product()
    kwargs = _offer_kwargs(product, sku="ADDON")
    offer_upsert(**kwargs, base_offers=[base_one, base_two])

    addon = offer_upsert(**kwargs, base_offers=[base_two])

    assert list(addon.base_offers.values_list("pk", flat=True)) == [base_two.pk]


def test_offer_upsert_with_the_same_values_and_links_writes_nothing():
    base = make_offer()
    product = make_product()
    kwargs = _offer_kwargs(product, sku="ADDON")
    first = offer_upsert(**kwargs, base_offers=[base])

    with CaptureQueriesContext(connection) as queries:
        again = offer_upsert(**kwargs, base_offers=[base])

    assert again.pk == first.pk
    assert _writes(queries) == []


def test_offer_upsert_changes_only_what_differs():
    product = make_product()
    offer = offer_upsert(**_offer_kwargs(product))

    with CaptureQueriesContext(connection) as queries:
        offer_upsert(**_offer_kwargs(product, max_quantity=500))

    writes = _writes(queries)
    assert len(writes) == 1
    assert '"max_quantity"' in writes[0]
    assert '"name"' not in writes[0]
    offer.refresh_from_db()
    assert offer.max_quantity == 500


def test_offer_upsert_creates_a_trial():
    product = make_product()

    trial = offer_upsert(
        **_offer_kwargs(
            product,
            sku="TRIAL",
            term=Term.P1M,
            billing_plans=[BillingPlan.MONTHLY],
            max_quantity=25,
        ),
        is_trial=True,
        trial_days=30,
    )

    assert (trial.is_trial, trial.trial_days, trial.max_quantity) == (True, 30, 25)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"term": Term.P1M, "billing_plans": [BillingPlan.ANNUAL]}, "billing_plans"),
        ({"term": Term.PERPETUAL, "billing_plans": [BillingPlan.MONTHLY]}, "billing_plans"),
        ({"billing_plans": []}, "billing_plans"),
        ({"billing_plans": ["monthly", "monthly"]}, "billing_plans"),
        ({"catalog_item_id": "CFQ7TTC0LH18-0001"}, "catalog_item_id"),
        ({"is_trial": True}, "trial_days"),
        ({"trial_days": 30}, "trial_days"),
        ({"for_commercial": False}, "segments"),
        ({"term": "P5Y"}, "term"),
        ({"min_quantity": 10, "max_quantity": 5}, "__all__"),
        ({"min_quantity": 0}, "min_quantity"),
    ],
)
def test_offer_upsert_refuses_invalid_input_and_changes_nothing(overrides, field):
    product = make_product()
    offer = offer_upsert(**_offer_kwargs(product))
    before = _row(offer)

    with pytest.raises(ValidationError) as exc:
        offer_upsert(**_offer_kwargs(product, **overrides))

    assert field in exc.value.details
    assert _row(offer) == before
    assert Offer.objects.count() == 1


def test_offer_upsert_refuses_a_new_invalid_offer_and_creates_nothing():
    product = make_product()

    with pytest.raises(ValidationError):
        offer_upsert(**_offer_kwargs(product, term=Term.P1M))  # P1M cannot bill annually

    assert Offer.objects.count() == 0


def test_offer_upsert_refuses_an_offer_as_its_own_addon():
    product = make_product()
    offer = offer_upsert(**_offer_kwargs(product))

    with pytest.raises(ValidationError) as exc:
        offer_upsert(**_offer_kwargs(product), base_offers=[offer])

    assert "base_offers" in exc.value.details
    assert list(offer.base_offers.all()) == []


def test_offer_upsert_refuses_an_unsaved_base_offer():
    product = make_product()

    with pytest.raises(ValidationError) as exc:
        offer_upsert(**_offer_kwargs(product), base_offers=[Offer(sku="NOT-SAVED")])

    assert "base_offers" in exc.value.details
    assert Offer.objects.count() == 0


def test_a_change_bumps_the_catalogue_cache_generation_and_a_no_op_does_not():
    from seatwise.core.cache import CATALOG, generation

    vendor_upsert(slug="acme", name="Acme", kind=VendorKind.SAAS)
    after_create = generation(CATALOG)
    vendor_upsert(slug="acme", name="Acme", kind=VendorKind.SAAS)
    assert generation(CATALOG) == after_create
    vendor_upsert(slug="acme", name="Acme Corp", kind=VendorKind.SAAS)
    assert generation(CATALOG) == after_create + 1
