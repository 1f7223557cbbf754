"""A double-clicked *Confirm* on PostgreSQL: the confirmations of one cart run at the same
moment and place one order. (SQLite serialises every write, so the race cannot happen
there.)"""

import threading

import pytest
from django.db import connection, connections

from seatwise.cart.models import Cart
from seatwise.cart.tests.test_checkout import _cart, _place, buyer, shop  # noqa: F401
from seatwise.orders.models import Order
from seatwise.payments.models import Payment

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs concurrent writers (PostgreSQL)"
    ),
]


def test_confirmations_racing_on_one_cart_place_one_order(shop, buyer):  # noqa: F811
    cart = _cart(shop, buyer, (shop.e3, 2))
    barrier = threading.Barrier(3)
    results, errors = [], []

    def confirm():
        try:
            barrier.wait()
            results.append(_place(shop, buyer, Cart.objects.get(pk=cart.pk), key="click"))
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=confirm) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert len({result.order.pk for result in results}) == 1
    assert sorted(result.created for result in results) == [False, False, True]
    assert Order.objects.count() == 1 and Payment.objects.count() == 1
