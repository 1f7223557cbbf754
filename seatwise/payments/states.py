"""Legal moves of a payment (docs/adr/0013-liqpay.md). Monotonic: a paid payment never goes
back to pending or failed; a failed attempt may still be paid by a verified success;
refunded is final. A payment whose order was cancelled is *cancelled*: nobody may pay it or
record it any more, but a verified success that LiqPay still reports (the buyer paid the
form before the cancellation reached them) makes it *paid*, and the order then asks for the
money back."""

from seatwise.core.states import TransitionTable
from seatwise.payments.enums import PaymentStatus

PAYMENT_TRANSITIONS: TransitionTable[PaymentStatus] = TransitionTable(
    {
        PaymentStatus.PENDING: {PaymentStatus.PAID, PaymentStatus.FAILED, PaymentStatus.CANCELLED},
        PaymentStatus.FAILED: {PaymentStatus.PAID, PaymentStatus.CANCELLED},
        PaymentStatus.CANCELLED: {PaymentStatus.PAID},
        PaymentStatus.PAID: {PaymentStatus.REFUNDED},
    }
)
