"""The order lifecycle (issue 4, point 5).

draft (saved for later) → placed → awaiting payment → paid → provisioning → completed, plus
partially failed, failed, cancelled and refunded. An invoice order or a card payment that
comes back at once may skip *awaiting payment*; an order of store goods only may skip
*provisioning*. A failed payment may be tried again (failed → awaiting payment).
"""

from seatwise.core.states import TransitionTable
from seatwise.orders.enums import LineStatus, OrderStatus

S = OrderStatus

ORDER_TRANSITIONS: TransitionTable[OrderStatus] = TransitionTable(
    {
        S.DRAFT: {S.PLACED, S.CANCELLED},
        S.PLACED: {S.AWAITING_PAYMENT, S.PAID, S.FAILED, S.CANCELLED},
        S.AWAITING_PAYMENT: {S.PAID, S.FAILED, S.CANCELLED},
        S.PAID: {S.PROVISIONING, S.COMPLETED, S.REFUNDED},
        S.PROVISIONING: {S.COMPLETED, S.PARTIALLY_FAILED, S.FAILED, S.REFUNDED},
        S.PARTIALLY_FAILED: {S.COMPLETED, S.REFUNDED},
        S.FAILED: {S.AWAITING_PAYMENT, S.REFUNDED},
        S.COMPLETED: {S.REFUNDED},
        S.CANCELLED: set(),
        S.REFUNDED: set(),
    }
)

# An order in one of these may be paid.
PAYABLE = frozenset({S.PLACED, S.AWAITING_PAYMENT})

L = LineStatus

LINE_TRANSITIONS: TransitionTable[LineStatus] = TransitionTable(
    {
        L.PENDING: {L.PROVISIONING, L.PROVISIONED, L.AWAITING_SHIPMENT, L.FAILED},
        L.AWAITING_SHIPMENT: {L.PROVISIONED, L.FAILED},
        L.PROVISIONING: {L.PROVISIONED, L.FAILED},
        L.PROVISIONED: set(),
        L.FAILED: set(),
    }
)
