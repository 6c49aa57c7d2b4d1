"""Request and response bodies of the delivery API (msgspec Structs, written per use)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Literal

import msgspec

_Short = Annotated[str, msgspec.Meta(max_length=200)]


class DeliveryChoiceIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """`method` "mail" (recipient, phone, region, address) or "collect" (hall). Fields are
    checked one by one with messages in zh-CN and en, so all are plain strings here."""

    method: Annotated[str, msgspec.Meta(max_length=16, description='"mail" or "collect"')]
    recipient: _Short | None = None
    phone: _Short | None = None
    region: Annotated[
        str | None, msgspec.Meta(description="GB/T 2260 county-level code in force")
    ] = None
    address: _Short | None = None
    hall: Annotated[str | None, msgspec.Meta(description="a service hall's id")] = None


class DeliveryChoiceView(msgspec.Struct, kw_only=True):
    method: str
    recipient: str | None
    phone: str | None
    region: str | None
    region_name: str | None
    address: str | None
    hall: str | None
    version: int
    updated_at: dt.datetime


class ParcelItemView(msgspec.Struct, kw_only=True):
    task_id: uuid.UUID
    service: str
    ready_at: dt.datetime


class ParcelView(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    number: int
    state: str
    ship_on: dt.date  # while collecting: the day it ships at the latest
    courier: str | None
    tracking_number: str | None
    items: list[ParcelItemView]
    # A parcel for a service hall: where it waits, and (while it waits) the pickup code to
    # show at the window with the applicant's ID card.
    hall: str | None = None
    pickup_code: str | None = None


class DeliveryView(msgspec.Struct, kw_only=True):
    application_id: uuid.UUID
    choice: DeliveryChoiceView | None
    # False while a parcel is with the courier: the address must not change under it.
    changeable: bool
    parcels: list[ParcelView]


class ServiceHallView(msgspec.Struct, kw_only=True):
    id: str
    name_zh: str
    name_en: str
    region_code: str
    address_zh: str
    hours_zh: str


class TrackingAck(msgspec.Struct, kw_only=True):
    # applied, duplicate (event id seen before), unknown (no such parcel), ignored (late)
    outcome: str


_Code = Annotated[str, msgspec.Meta(max_length=16, description="the 6-digit pickup code (取件码)")]
_IdNumber = Annotated[
    str, msgspec.Meta(max_length=32, description="the applicant's ID number, from their ID card")
]


class PickupLookup(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Exactly one of the two."""

    pickup_code: _Code | None = None
    id_number: _IdNumber | None = None


class HandOver(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The proof that opens the parcel (exactly one of code and ID number), and who took it:
    the applicant in person, or someone else they sent (`other`, with the applicant's code)."""

    pickup_code: _Code | None = None
    id_number: _IdNumber | None = None
    collector: Literal["applicant", "other"] = "applicant"


class PickupItemView(msgspec.Struct, kw_only=True):
    service: str
    name_zh: str
    name_en: str


class PickupView(msgspec.Struct, kw_only=True):
    """A parcel as the hall's staff see it: no ID or phone number, the name masked."""

    parcel_id: uuid.UUID
    application_id: uuid.UUID
    number: int
    state: str
    hall: str
    resident: str  # masked: 王*
    waiting_since: dt.datetime
    items: list[PickupItemView]
