"""Legal moves of a delivery. ``sending`` is held by one worker between the claim and the
outcome; a stuck ``sending`` (worker died) is put back to ``queued`` by the sweep."""

from seatwise.core.states import TransitionTable
from seatwise.notifications.enums import DeliveryStatus

DELIVERY_TRANSITIONS: TransitionTable[DeliveryStatus] = TransitionTable(
    {
        DeliveryStatus.QUEUED: {DeliveryStatus.SENDING, DeliveryStatus.FAILED},
        DeliveryStatus.SENDING: {
            DeliveryStatus.SENT,
            DeliveryStatus.QUEUED,
            DeliveryStatus.FAILED,
        },
    }
)
