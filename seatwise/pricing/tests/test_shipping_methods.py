"""Shipping methods of a provider: the idempotent writer and its checks."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from seatwise.core.errors import ValidationError
from seatwise.pricing.models import ShippingMethod, ShippingMethodPrice
from seatwise.pricing.selectors import shipping_quote_list
from seatwise.pricing.services import shipping_method_upsert
from seatwise.tenancy.tests.factories import make_provider, make_reseller

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider():
    return make_provider("Seatwise Distribution")


def test_upsert_creates_then_changes_only_what_differs(provider):
    method = shipping_method_upsert(
        provider=provider,
        name="Courier  (Nova Poshta)",
        prices={"USD": Decimal("3.00"), "UAH": "120"},
        position=1,
    )
    assert (method.organization, method.name, method.is_active, method.position) == (
        provider,
        "Courier (Nova Poshta)",
        True,
        1,
    )
    prices = {p.currency: (p.amount, p.organization_id) for p in method.prices.all()}
    assert prices == {"UAH": (Decimal(120), provider.pk), "USD": (Decimal(3), provider.pk)}

    with CaptureQueriesContext(connection) as queries:
        shipping_method_upsert(
            provider=provider,
            name="Courier (Nova Poshta)",
            prices={"USD": Decimal("3.00"), "UAH": "120"},
            position=1,
        )
    assert not [q for q in queries.captured_queries if q["sql"].startswith(("UPDATE", "INSERT"))]

    shipping_method_upsert(
        provider=provider, name="Courier (Nova Poshta)", prices={"USD": "3.50"}, is_active=False
    )
    method.refresh_from_db()
    assert (method.is_active, method.position) == (False, 0)
    assert list(method.prices.values_list("currency", "amount")) == [("USD", Decimal("3.5"))]
    assert ShippingMethod.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": "  "}, "name"),
        ({"prices": {}}, "prices"),
        ({"prices": {"USD": Decimal("-1")}}, "prices"),
        ({"prices": {"USD": 2.5}}, "prices"),
        ({"prices": {"XXX": "1"}}, "prices"),
    ],
)
def test_upsert_refuses_bad_input_and_writes_nothing(provider, changes, field):
    values = {"provider": provider, "name": "Courier", "prices": {"USD": "3"}, **changes}
    with pytest.raises(ValidationError) as error:
        shipping_method_upsert(**values)
    assert list(error.value.details) == [field]
    assert not ShippingMethod.objects.exists() and not ShippingMethodPrice.objects.exists()


def test_only_a_provider_has_shipping_methods(provider):
    with pytest.raises(ValidationError) as error:
        shipping_method_upsert(
            provider=make_reseller(provider), name="Courier", prices={"USD": "3"}
        )
    assert list(error.value.details) == ["provider"]
    assert not ShippingMethod.objects.exists()


def test_quotes_list_the_active_methods_in_order_in_one_query(provider):
    shipping_method_upsert(provider=provider, name="Pickup", prices={"USD": 0}, position=2)
    shipping_method_upsert(provider=provider, name="Courier", prices={"USD": "3"}, position=1)
    shipping_method_upsert(
        provider=provider, name="Old post", prices={"USD": "1"}, position=0, is_active=False
    )
    with CaptureQueriesContext(connection) as queries:
        quotes = shipping_quote_list(provider_id=provider.pk, currency="USD", rates={})
    assert len(queries.captured_queries) == 1
    assert [(q.name, q.price.amount) for q in quotes] == [
        ("Courier", Decimal(3)),
        ("Pickup", Decimal(0)),
    ]
    assert shipping_quote_list(provider_id=provider.pk, currency="EUR", rates={}) == ()
    euro = shipping_quote_list(
        provider_id=provider.pk, currency="EUR", rates={("USD", "EUR"): Decimal("0.92")}
    )
    assert [(q.name, q.price.amount, q.price.currency) for q in euro] == [
        ("Courier", Decimal("2.76"), "EUR"),
        ("Pickup", Decimal(0), "EUR"),
    ]
