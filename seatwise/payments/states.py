"""Legal moves of a payment (docs/adr/0013-liqpay.md). Monotonic: a paid payment never goes
back to pending or failed; a failed attempt may still be paid by a verified success;
refunded is final."""

from seatwise.core.states import TransitionTable
from seatwise.payments.enums import PaymentStatus

PAYMENT_TRANSITIONS: TransitionTable[PaymentStatus] = TransitionTable(
    {
        PaymentStatus.PENDING: {PaymentStatus.PAID, PaymentStatus.FAILED},
        PaymentStatus.FAILED: {PaymentStatus.PAID},
        PaymentStatus.PAID: {PaymentStatus.REFUNDED},
    }
)
