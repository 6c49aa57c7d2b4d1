"""Parcel state machine (pure): collecting → ordering → ordered → picked_up → in_transit →
out_for_delivery → delivered; returned from the courier's hands, then re-sent (ordering).
A parcel for a service hall goes collecting → at_hall → collected instead (hall pick-up)."""

from __future__ import annotations

from enum import StrEnum
from typing import Final


class ParcelState(StrEnum):
    COLLECTING = "collecting"  # waiting for more paper outputs of the application
    ORDERING = "ordering"  # closed; the courier order is being created (retried when down)
    ORDERED = "ordered"  # the courier assigned a tracking number
    PICKED_UP = "picked_up"
    IN_TRANSIT = "in_transit"
    OUT_FOR_DELIVERY = "out_for_delivery"
    DELIVERED = "delivered"
    RETURNED = "returned"  # back to the sender; the resident is asked to correct the address
    AT_HALL = "at_hall"  # waiting at the chosen service hall for the resident (待领取)
    COLLECTED = "collected"  # handed over at the hall (已领取)


class TrackingStatus(StrEnum):
    """What a courier reports (our names; each adapter maps its own codes to these)."""

    PICKED_UP = "picked_up"
    IN_TRANSIT = "in_transit"
    OUT_FOR_DELIVERY = "out_for_delivery"
    DELIVERED = "delivered"
    RETURNED = "returned"


P = ParcelState
_MOVING: Final = (P.ORDERED, P.PICKED_UP, P.IN_TRANSIT, P.OUT_FOR_DELIVERY)

# (state, tracking status) → next state. A status may skip steps (a courier may never report
# "out for delivery"), but never goes back.
TRACKING: Final[dict[tuple[ParcelState, TrackingStatus], ParcelState]] = {
    **{(s, TrackingStatus.PICKED_UP): P.PICKED_UP for s in (P.ORDERED,)},
    **{(s, TrackingStatus.IN_TRANSIT): P.IN_TRANSIT for s in (P.ORDERED, P.PICKED_UP)},
    **{
        (s, TrackingStatus.OUT_FOR_DELIVERY): P.OUT_FOR_DELIVERY
        for s in (P.ORDERED, P.PICKED_UP, P.IN_TRANSIT)
    },
    **{(s, TrackingStatus.DELIVERED): P.DELIVERED for s in _MOVING},
    **{(s, TrackingStatus.RETURNED): P.RETURNED for s in _MOVING},
}

# With the courier (or about to be): the address must not change under it.
ON_ITS_WAY: Final = frozenset({P.ORDERING, *_MOVING})


def after_tracking(state: ParcelState, status: TrackingStatus) -> ParcelState | None:
    """The parcel's state after the courier's status, or None when it does not apply (a
    duplicate, or a late event arriving after a later one)."""
    return TRACKING.get((state, status))
