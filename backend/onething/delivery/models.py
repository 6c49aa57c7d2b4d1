"""Tables of the delivery domain: the delivery choice of an application, parcels, the paper
outputs in each parcel, the courier's tracking events as received, and the staff of each
service hall who hand parcels over.

Personal data: the recipient's name, phone and street address are stored only AES-GCM-sealed
(bound to the application's id); the region code is kept in clear for routing and statistics.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, Final

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from onething.core.db import Base
from onething.delivery.states import ParcelState

_TZ: Final = DateTime(timezone=True)
METHODS: Final = ("mail", "collect")


def _one_of(column: str, values: list[str] | tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class DeliveryChoice(Base):
    """How an application's paper outputs reach the resident: mailed home, or collected at a
    service hall. One row per application; `version` counts changes."""

    __tablename__ = "delivery_choices"
    __table_args__ = (
        CheckConstraint(_one_of("method", METHODS), name="method_known"),
        CheckConstraint(
            "(method = 'mail' AND address_encrypted IS NOT NULL AND region_code IS NOT NULL)"
            " OR (method = 'collect' AND hall IS NOT NULL)",
            name="complete",
        ),
    )

    application_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), primary_key=True
    )
    method: Mapped[str] = mapped_column(String(16))
    region_code: Mapped[str | None] = mapped_column(String(6))
    # {recipient, phone, address}, sealed.
    address_encrypted: Mapped[str | None] = mapped_column(Text)
    hall: Mapped[str | None] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(_TZ)


class Parcel(Base):
    """Paper outputs of one application travelling together."""

    __tablename__ = "delivery_parcels"
    __table_args__ = (
        UniqueConstraint("application_id", "number"),
        CheckConstraint(_one_of("state", [s.value for s in ParcelState]), name="state_known"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    application_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)  # 1, 2, … within the application
    state: Mapped[str] = mapped_column(String(24), index=True)
    # While collecting: the day it ships at the latest (window end or the time limit).
    ship_on: Mapped[date] = mapped_column(Date)
    courier: Mapped[str | None] = mapped_column(String(32))
    tracking_number: Mapped[str | None] = mapped_column(String(64), unique=True)
    # Every order this parcel has had (a returned parcel is re-sent under a new number).
    orders: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, server_default="[]")
    order_attempts: Mapped[int] = mapped_column(Integer, server_default="0")
    last_error: Mapped[str | None] = mapped_column(String(200))
    # A parcel for a service hall: where it waits, and its pickup code (取件码) — sealed, so
    # the resident can be shown it again, plus a keyed index (hall + code) to find it by.
    hall: Mapped[str | None] = mapped_column(String(64))
    pickup_code_encrypted: Mapped[str | None] = mapped_column(Text)
    pickup_code_index: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(_TZ)
    updated_at: Mapped[datetime] = mapped_column(_TZ)


class ParcelItem(Base):
    """One task's paper output in a parcel (a task's output travels once)."""

    __tablename__ = "delivery_parcel_items"

    task_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("application_tasks.id", ondelete="CASCADE"), primary_key=True
    )
    parcel_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("delivery_parcels.id", ondelete="CASCADE"), index=True
    )
    service: Mapped[str] = mapped_column(String(64))
    ready_at: Mapped[datetime] = mapped_column(_TZ)


class CourierEvent(Base):
    """A tracking event as the courier posted it (deduplicated by the courier's event id)."""

    __tablename__ = "delivery_courier_events"
    __table_args__ = (UniqueConstraint("courier", "event_id"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    courier: Mapped[str] = mapped_column(String(32))
    event_id: Mapped[str] = mapped_column(String(64))
    tracking_number: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(24))
    occurred_at: Mapped[datetime] = mapped_column(_TZ)
    received_at: Mapped[datetime] = mapped_column(_TZ)
    # Applied to the parcel, or why not (unknown number, out of order).
    outcome: Mapped[str] = mapped_column(String(24))


class HallStaff(Base):
    """An account (agent or clerk) working at a service hall's collection window: only they
    see the parcels waiting there and hand them over."""

    __tablename__ = "delivery_hall_staff"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    hall: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(_TZ)
