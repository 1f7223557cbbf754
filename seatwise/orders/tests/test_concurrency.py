"""Two placements at the same moment, on PostgreSQL: distinct numbers, and one order for one
idempotency key. (SQLite serialises every write, so the race cannot happen there.)"""

import threading

import pytest
from django.db import connection, connections

from seatwise.orders.models import Order
from seatwise.orders.services import order_place
from seatwise.orders.tests.factories import line, make_parties, make_vendor_offer
from seatwise.tenancy.tests.factories import make_member

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs concurrent writers (PostgreSQL)"
    ),
]


def _race(calls):
    barrier = threading.Barrier(len(calls))
    results, errors = [], []

    def run(call):
        try:
            barrier.wait()
            results.append(call())
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    return results


def _placement(parties, user, offer, key):
    return lambda: order_place(
        organization=parties["customer"],
        placed_by=user,
        seller=parties["reseller"],
        currency="USD",
        lines=[line(offer)],
        payment_method="liqpay",
        idempotency_key=key,
    )


def test_concurrent_placements_get_distinct_numbers():
    parties = make_parties()
    user = make_member(parties["customer"])
    offer = make_vendor_offer()
    orders = _race([_placement(parties, user, offer, f"key-{n}") for n in range(4)])
    numbers = sorted(order.number for order in orders)
    assert len(set(numbers)) == 4
    assert [n.split()[1] for n in numbers] == ["00001", "00002", "00003", "00004"]


def test_a_double_click_creates_one_order():
    parties = make_parties()
    user = make_member(parties["customer"])
    offer = make_vendor_offer()
    orders = _race([_placement(parties, user, offer, "same") for _ in range(3)])
    assert len({order.pk for order in orders}) == 1
    assert Order.objects.count() == 1
