"""Request and response bodies of the delivery API (msgspec Structs, written per use)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

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
