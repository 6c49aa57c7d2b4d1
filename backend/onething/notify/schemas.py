"""Request and response bodies of the notifications API."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Literal

import msgspec

_B64 = Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z0-9_-]+={0,2}$", max_length=200)]


class PushKeys(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    p256dh: _B64
    auth: _B64


class PushSubscriptionIn(msgspec.Struct, kw_only=True):
    """The browser's `PushSubscription.toJSON()` (expirationTime is ignored)."""

    endpoint: Annotated[str, msgspec.Meta(max_length=1000)]
    keys: PushKeys


class PushSubscriptionView(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    endpoint: str
    created_at: dt.datetime


class VapidKey(msgspec.Struct, kw_only=True):
    # The applicationServerKey for PushManager.subscribe (uncompressed P-256 point, base64url).
    public_key: str


class PreferencesIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    push: bool
    sms: bool
    language: Literal["zh-CN", "en"] = "zh-CN"


class PreferencesView(msgspec.Struct, kw_only=True):
    push: bool
    sms: bool
    language: str


class MessageView(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    template: str
    title: str
    body: str
    application_id: uuid.UUID | None
    created_at: dt.datetime
    read_at: dt.datetime | None


class MessagePage(msgspec.Struct, kw_only=True):
    messages: list[MessageView]
    unread: int
