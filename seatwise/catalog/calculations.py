"""Pure catalogue rules (no ORM)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BuyerSegments:
    academic: bool = False
    government: bool = False
    nonprofit: bool = False


def offer_is_eligible(
    *,
    for_commercial: bool,
    for_academic: bool,
    for_government: bool,
    for_nonprofit: bool,
    buyer: BuyerSegments,
) -> bool:
    """Commercial offers are open to everyone; segment offers only to buyers of the segment."""
    return (
        for_commercial
        or (for_academic and buyer.academic)
        or (for_government and buyer.government)
        or (for_nonprofit and buyer.nonprofit)
    )
