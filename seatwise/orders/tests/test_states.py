"""The order lifecycle table: every allowed move, and a sample of refused ones."""

import pytest

from seatwise.core.errors import InvalidTransitionError
from seatwise.orders.enums import OrderStatus as S
from seatwise.orders.states import ORDER_TRANSITIONS

ALLOWED = [
    (S.DRAFT, S.PLACED),
    (S.DRAFT, S.CANCELLED),
    (S.PLACED, S.AWAITING_PAYMENT),
    (S.PLACED, S.PAID),
    (S.PLACED, S.FAILED),
    (S.PLACED, S.CANCELLED),
    (S.AWAITING_PAYMENT, S.PAID),
    (S.AWAITING_PAYMENT, S.FAILED),
    (S.AWAITING_PAYMENT, S.CANCELLED),
    (S.PAID, S.PROVISIONING),
    (S.PAID, S.COMPLETED),
    (S.PAID, S.REFUNDED),
    (S.PROVISIONING, S.COMPLETED),
    (S.PROVISIONING, S.PARTIALLY_FAILED),
    (S.PROVISIONING, S.FAILED),
    (S.PROVISIONING, S.REFUNDED),
    (S.PARTIALLY_FAILED, S.COMPLETED),
    (S.PARTIALLY_FAILED, S.REFUNDED),
    (S.FAILED, S.AWAITING_PAYMENT),
    (S.FAILED, S.REFUNDED),
    (S.COMPLETED, S.REFUNDED),
]


def test_the_table_allows_exactly_the_listed_moves():
    listed = {(src, dst) for src in S for dst in S if ORDER_TRANSITIONS.can(src, dst)}
    assert listed == set(ALLOWED)


@pytest.mark.parametrize(("current", "target"), ALLOWED)
def test_allowed_move(current, target):
    ORDER_TRANSITIONS.check(current, target)


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (S.DRAFT, S.PAID),
        (S.DRAFT, S.COMPLETED),
        (S.PLACED, S.COMPLETED),
        (S.PLACED, S.REFUNDED),
        (S.AWAITING_PAYMENT, S.PROVISIONING),
        (S.PAID, S.CANCELLED),
        (S.PAID, S.PLACED),
        (S.COMPLETED, S.CANCELLED),
        (S.CANCELLED, S.PLACED),
        (S.CANCELLED, S.PAID),
        (S.REFUNDED, S.PAID),
        (S.REFUNDED, S.COMPLETED),
    ],
)
def test_refused_move(current, target):
    with pytest.raises(InvalidTransitionError):
        ORDER_TRANSITIONS.check(current, target)


def test_cancelled_and_refunded_are_final():
    assert ORDER_TRANSITIONS.is_final(S.CANCELLED)
    assert ORDER_TRANSITIONS.is_final(S.REFUNDED)
    assert not ORDER_TRANSITIONS.is_final(S.COMPLETED)
