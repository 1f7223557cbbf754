from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from seatwise.catalog.enums import BillingPlan, Term
from seatwise.catalog.tests.factories import make_offer
from seatwise.core.errors import ValidationError
from seatwise.pricing.enums import PriceListKind
from seatwise.pricing.models import ExchangeRate, Price, PriceList, ResellerTerms
from seatwise.pricing.services import (
    exchange_rate_set,
    price_list_upsert,
    price_set,
    reseller_terms_set,
)
from seatwise.tenancy.tests.factories import make_customer, make_provider, make_reseller

pytestmark = pytest.mark.django_db

WRITES = ("INSERT", "UPDATE", "DELETE")
VALID_FROM = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def _writes(queries: CaptureQueriesContext) -> list[str]:
    """Writes to business tables (the catalogue cache generation is checked separately)."""
    return [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().startswith(WRITES) and "core_cachegeneration" not in q["sql"]
    ]


def _rows(model) -> list[dict]:
    return list(model.objects.order_by("pk").values())


@pytest.fixture
def provider():
    return make_provider("Seatwise Distribution")


@pytest.fixture
def cost_list(provider):
    return price_list_upsert(
        organization=provider, name="Provider cost", kind=PriceListKind.COST, is_default=True
    )


@pytest.fixture
def offer():
    return make_offer(term=Term.P1Y, billing_plans=[BillingPlan.MONTHLY, BillingPlan.ANNUAL])


# ------------------------------------------------------------------ price lists


def test_price_list_upsert_creates_a_provider_list(provider):
    price_list = price_list_upsert(
        organization=provider, name="Standard reseller", kind=PriceListKind.RESELLER
    )

    assert PriceList.objects.filter(pk=price_list.pk).values().get() == {
        "id": price_list.pk,
        "organization_id": provider.pk,
        "kind": "reseller",
        "name": "Standard reseller",
        "currency": "USD",
        "is_default": False,
    }


def test_price_list_upsert_with_the_same_values_writes_nothing(provider, cost_list):
    with CaptureQueriesContext(connection) as queries:
        again = price_list_upsert(
            organization=provider, name="Provider cost", kind=PriceListKind.COST, is_default=True
        )

    assert again.pk == cost_list.pk
    assert _writes(queries) == []


def test_price_list_upsert_moves_the_default_flag_to_the_new_default(provider):
    standard = price_list_upsert(
        organization=provider, name="Standard", kind=PriceListKind.RESELLER, is_default=True
    )

    gold = price_list_upsert(
        organization=provider, name="Gold", kind=PriceListKind.RESELLER, is_default=True
    )

    standard.refresh_from_db()
    assert (standard.is_default, gold.is_default) == (False, True)


def test_price_list_upsert_keeps_one_default_per_kind(provider, cost_list):
    reseller_list = price_list_upsert(
        organization=provider, name="Standard", kind=PriceListKind.RESELLER, is_default=True
    )

    cost_list.refresh_from_db()
    assert (cost_list.is_default, reseller_list.is_default) == (True, True)


def test_price_list_upsert_refuses_a_reseller_as_owner_and_creates_nothing(provider):
    reseller = make_reseller(provider)

    with pytest.raises(ValidationError) as exc:
        price_list_upsert(organization=reseller, name="Mine", kind=PriceListKind.COST)

    assert "organization" in exc.value.details
    assert PriceList.objects.count() == 0


def test_price_list_upsert_refuses_an_unknown_currency(provider):
    with pytest.raises(ValidationError) as exc:
        price_list_upsert(
            organization=provider, name="Cost", kind=PriceListKind.COST, currency="XYZ"
        )

    assert "currency" in exc.value.details
    assert PriceList.objects.count() == 0


def test_price_list_upsert_refuses_an_unknown_kind(provider):
    with pytest.raises(ValidationError) as exc:
        price_list_upsert(organization=provider, name="Cost", kind="wholesale")

    assert "kind" in exc.value.details
    assert PriceList.objects.count() == 0


# ------------------------------------------------------------------ prices


def test_price_set_creates_a_price_owned_by_the_lists_organization(provider, cost_list, offer):
    price = price_set(
        price_list=cost_list,
        offer=offer,
        billing_plan=BillingPlan.ANNUAL,
        cost=Decimal("57.60"),
        erp=Decimal("72.00"),
    )

    row = Price.objects.filter(pk=price.pk).values().get()
    assert row == {
        "id": price.pk,
        "organization_id": provider.pk,
        "price_list_id": cost_list.pk,
        "offer_id": offer.pk,
        "currency": "USD",
        "billing_plan": "annual",
        "cost": Decimal("57.6000"),
        "erp": Decimal("72.0000"),
    }


def test_price_set_keeps_one_price_per_currency_and_plan(cost_list, offer):
    price_set(price_list=cost_list, offer=offer, billing_plan="monthly", cost="4.80", erp="6")
    price_set(
        price_list=cost_list,
        offer=offer,
        billing_plan="monthly",
        currency="UAH",
        cost="199.20",
        erp="249",
    )
    price_set(price_list=cost_list, offer=offer, billing_plan="monthly", cost="5.00", erp="6")

    assert sorted(Price.objects.values_list("currency", "billing_plan", "cost", "erp")) == [
        ("UAH", "monthly", Decimal("199.2000"), Decimal("249.0000")),
        ("USD", "monthly", Decimal("5.0000"), Decimal("6.0000")),
    ]


def test_price_set_with_equal_amounts_writes_nothing(cost_list, offer):
    price_set(price_list=cost_list, offer=offer, billing_plan="monthly", cost="4.80", erp="6.00")

    with CaptureQueriesContext(connection) as queries:
        price_set(
            price_list=cost_list,
            offer=offer,
            billing_plan="monthly",
            cost=Decimal("4.8"),
            erp=Decimal("6.0000"),
        )

    assert _writes(queries) == []


def test_price_set_updates_only_the_amount_that_changed(cost_list, offer):
    price = price_set(
        price_list=cost_list, offer=offer, billing_plan="monthly", cost="4.80", erp="6.00"
    )

    with CaptureQueriesContext(connection) as queries:
        price_set(
            price_list=cost_list, offer=offer, billing_plan="monthly", cost="4.80", erp="6.50"
        )

    writes = _writes(queries)
    assert len(writes) == 1
    assert '"erp"' in writes[0]
    assert '"cost"' not in writes[0]
    price.refresh_from_db()
    assert (price.cost, price.erp) == (Decimal("4.8000"), Decimal("6.5000"))


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"cost": 4.8}, "cost"),
        ({"erp": 6.0}, "erp"),
        ({"cost": "four"}, "cost"),
        ({"cost": Decimal("NaN")}, "cost"),
        ({"cost": "-1"}, "cost"),
        ({"erp": "6.000001"}, "erp"),
        ({"billing_plan": "triennial"}, "billing_plan"),
        ({"currency": "BTC"}, "currency"),
    ],
)
def test_price_set_refuses_invalid_input_and_changes_nothing(cost_list, offer, overrides, field):
    price_set(price_list=cost_list, offer=offer, billing_plan="monthly", cost="4.80", erp="6.00")
    before = _rows(Price)
    kwargs = {
        "price_list": cost_list,
        "offer": offer,
        "billing_plan": "monthly",
        "cost": "4.80",
        "erp": "6.00",
        **overrides,
    }

    with pytest.raises(ValidationError) as exc:
        price_set(**kwargs)

    assert field in exc.value.details
    assert _rows(Price) == before


# ------------------------------------------------------------------ reseller terms


def test_reseller_terms_set_defaults_to_the_default_list_and_five_percent(provider):
    reseller = make_reseller(provider)

    terms = reseller_terms_set(reseller=reseller)

    assert ResellerTerms.objects.filter(pk=terms.pk).values(
        "organization_id", "price_list_id", "markup_percent"
    ).get() == {
        "organization_id": reseller.pk,
        "price_list_id": None,
        "markup_percent": Decimal("5.000"),
    }


def test_reseller_terms_set_assigns_a_list_and_a_markup(provider):
    reseller = make_reseller(provider)
    reseller_terms_set(reseller=reseller)
    gold = price_list_upsert(organization=provider, name="Gold", kind=PriceListKind.RESELLER)

    terms = reseller_terms_set(reseller=reseller, price_list=gold, markup_percent=Decimal(8))

    terms.refresh_from_db()
    assert (terms.price_list_id, terms.markup_percent) == (gold.pk, Decimal("8.000"))
    assert ResellerTerms.objects.count() == 1


def test_reseller_terms_set_with_the_same_values_writes_nothing(provider):
    reseller = make_reseller(provider)
    reseller_terms_set(reseller=reseller, markup_percent="8")

    with CaptureQueriesContext(connection) as queries:
        reseller_terms_set(reseller=reseller, markup_percent=Decimal("8.000"))

    assert _writes(queries) == []


def test_reseller_terms_set_refuses_a_customer(provider):
    customer = make_customer(provider)

    with pytest.raises(ValidationError) as exc:
        reseller_terms_set(reseller=customer)

    assert "reseller" in exc.value.details
    assert ResellerTerms.objects.count() == 0


def test_reseller_terms_set_refuses_a_cost_list(provider, cost_list):
    reseller = make_reseller(provider)

    with pytest.raises(ValidationError) as exc:
        reseller_terms_set(reseller=reseller, price_list=cost_list)

    assert "price_list" in exc.value.details
    assert ResellerTerms.objects.count() == 0


def test_reseller_terms_set_refuses_another_providers_list_and_changes_nothing(provider):
    reseller = make_reseller(provider)
    reseller_terms_set(reseller=reseller, markup_percent="7")
    before = _rows(ResellerTerms)
    other_provider = make_provider("Other Distribution")
    foreign = price_list_upsert(
        organization=other_provider, name="Theirs", kind=PriceListKind.RESELLER
    )

    with pytest.raises(ValidationError) as exc:
        reseller_terms_set(reseller=reseller, price_list=foreign, markup_percent="1")

    assert "price_list" in exc.value.details
    assert _rows(ResellerTerms) == before


def test_reseller_terms_set_refuses_a_markup_below_minus_100_percent(provider):
    reseller = make_reseller(provider)

    with pytest.raises(ValidationError) as exc:
        reseller_terms_set(reseller=reseller, markup_percent="-101")

    assert "markup_percent" in exc.value.details
    assert ResellerTerms.objects.count() == 0


def test_reseller_terms_set_refuses_a_float_markup(provider):
    reseller = make_reseller(provider)

    with pytest.raises(ValidationError) as exc:
        reseller_terms_set(reseller=reseller, markup_percent=5.5)

    assert "markup_percent" in exc.value.details
    assert ResellerTerms.objects.count() == 0


# ------------------------------------------------------------------ exchange rates


def test_exchange_rate_set_creates_a_rate(provider):
    rate = exchange_rate_set(
        provider=provider,
        base_currency="USD",
        quote_currency="UAH",
        rate=Decimal("41.50"),
        valid_from=VALID_FROM,
    )

    assert ExchangeRate.objects.filter(pk=rate.pk).values().get() == {
        "id": rate.pk,
        "organization_id": provider.pk,
        "base_currency": "USD",
        "quote_currency": "UAH",
        "rate": Decimal("41.50000000"),
        "valid_from": VALID_FROM,
    }


def test_exchange_rate_set_updates_the_rate_of_the_same_day(provider):
    exchange_rate_set(
        provider=provider,
        base_currency="USD",
        quote_currency="EUR",
        rate="0.92",
        valid_from=VALID_FROM,
    )

    exchange_rate_set(
        provider=provider,
        base_currency="USD",
        quote_currency="EUR",
        rate="0.93",
        valid_from=VALID_FROM,
    )

    assert list(ExchangeRate.objects.values_list("rate", flat=True)) == [Decimal("0.93")]


def test_exchange_rate_set_keeps_rates_from_different_dates(provider):
    for day, rate in ((1, "41.50"), (2, "41.70")):
        exchange_rate_set(
            provider=provider,
            base_currency="USD",
            quote_currency="UAH",
            rate=rate,
            valid_from=dt.datetime(2026, 1, day, tzinfo=dt.UTC),
        )

    assert list(ExchangeRate.objects.order_by("valid_from").values_list("rate", flat=True)) == [
        Decimal("41.50"),
        Decimal("41.70"),
    ]


def test_exchange_rate_set_with_the_same_rate_writes_nothing(provider):
    kwargs = {
        "provider": provider,
        "base_currency": "USD",
        "quote_currency": "UAH",
        "rate": Decimal("41.50"),
        "valid_from": VALID_FROM,
    }
    exchange_rate_set(**kwargs)

    with CaptureQueriesContext(connection) as queries:
        exchange_rate_set(**kwargs)

    assert _writes(queries) == []


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"quote_currency": "USD"}, "quote_currency"),
        ({"base_currency": "XYZ"}, "base_currency"),
        ({"rate": "0"}, "rate"),
        ({"rate": "-41.5"}, "rate"),
        ({"rate": 41.5}, "rate"),
        ({"valid_from": dt.datetime(2026, 1, 1)}, "valid_from"),
    ],
)
def test_exchange_rate_set_refuses_invalid_input_and_changes_nothing(provider, overrides, field):
    exchange_rate_set(
        provider=provider,
        base_currency="USD",
        quote_currency="UAH",
        rate="41.50",
        valid_from=VALID_FROM,
    )
    before = _rows(ExchangeRate)
    kwargs = {
        "provider": provider,
        "base_currency": "USD",
        "quote_currency": "UAH",
        "rate": "42",
        "valid_from": VALID_FROM,
        **overrides,
    }

    with pytest.raises(ValidationError) as exc:
        exchange_rate_set(**kwargs)

    assert field in exc.value.details
    assert _rows(ExchangeRate) == before


def test_exchange_rate_set_refuses_a_reseller(provider):
    reseller = make_reseller(provider)

    with pytest.raises(ValidationError) as exc:
        exchange_rate_set(
            provider=reseller,
            base_currency="USD",
            quote_currency="UAH",
            rate="41.50",
            valid_from=VALID_FROM,
        )

    assert "provider" in exc.value.details
    assert ExchangeRate.objects.count() == 0
