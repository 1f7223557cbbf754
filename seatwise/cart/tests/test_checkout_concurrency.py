"""A double-clicked *Confirm* on PostgreSQL: the confirmations of one cart run at the same
moment and place one order. (SQLite serialises every write, so the race cannot happen
there.)"""

import threading

import pytest
from django.db import connection, connections

from seatwise.cart.checkout import CheckoutCartChanged
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


def test_two_tabs_confirming_one_cart_with_different_keys_place_it_once(shop, buyer):  # noqa: F811
    """Two confirmation pages of one cart (two keys): the first to take the cart's lock
    orders its lines; the other reads the lines under the same lock, finds them ordered and
    gone, and is told the cart is empty. Nothing is ordered twice."""
    cart = _cart(shop, buyer, (shop.e3, 2), (shop.teams_addon, 1))
    barrier = threading.Barrier(2)
    results, errors = [], []

    def confirm(key):
        try:
            barrier.wait()
            results.append(_place(shop, buyer, Cart.objects.get(pk=cart.pk), key=key))
        except Exception as exc:  # one of them, asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=confirm, args=(key,)) for key in ("tab-1", "tab-2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(results) == 1 and results[0].created
    assert [type(error) for error in errors] == [CheckoutCartChanged]
    assert "empty" in str(errors[0].message)
    assert Order.objects.count() == 1 and Payment.objects.count() == 1
    assert results[0].order.lines.count() == 2
