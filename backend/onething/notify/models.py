"""Tables of the notify domain: in-app messages, Web Push subscriptions, preferences.

Messages keep a template id and non-personal parameters (service ids, parcel numbers); the text
is rendered in the reader's language when read or sent."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Final

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from onething.core.db import Base

_TZ: Final = DateTime(timezone=True)


class Message(Base):
    """One thing the resident was told (the in-app message list)."""

    __tablename__ = "notify_messages"
    __table_args__ = (Index("ix_notify_messages_user_id_created_at", "user_id", "created_at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    template: Mapped[str] = mapped_column(String(64))
    params: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default="{}")
    application_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE")
    )
    created_at: Mapped[datetime] = mapped_column(_TZ)
    read_at: Mapped[datetime | None] = mapped_column(_TZ)


class PushSubscription(Base):
    """A browser's Web Push subscription (the PushSubscription JSON the PWA obtained)."""

    __tablename__ = "notify_push_subscriptions"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    endpoint: Mapped[str] = mapped_column(String(1000), unique=True)
    p256dh: Mapped[str] = mapped_column(String(200))  # the browser's ECDH P-256 public key
    auth: Mapped[str] = mapped_column(String(100))  # the 16-byte auth secret, base64url
    created_at: Mapped[datetime] = mapped_column(_TZ)
    # Set when the push service answered 404/410: the browser dropped it.
    gone_at: Mapped[datetime | None] = mapped_column(_TZ)
    last_error: Mapped[str | None] = mapped_column(Text)


class Preferences(Base):
    """Which channels the resident wants besides the in-app list, and in which language."""

    __tablename__ = "notify_preferences"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    push: Mapped[bool] = mapped_column(Boolean)
    sms: Mapped[bool] = mapped_column(Boolean)
    language: Mapped[str] = mapped_column(String(8))
    updated_at: Mapped[datetime] = mapped_column(_TZ)
