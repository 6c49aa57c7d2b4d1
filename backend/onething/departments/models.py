"""Tables of the departments domain: where each department's system takes webhooks, and the
webhook events themselves (an outbox: written in the transaction of the change they announce),
for a department's system or for a mini-app (a registered client; its URL and secret are on
its registration).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Final

from sqlalchemy import CheckConstraint, DateTime, Index, Integer, String, Text, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from onething.core.db import Base

_TZ: Final = DateTime(timezone=True)


class DepartmentEndpoint(Base):
    """A department system's webhook URL and shared secret (sealed: it must be usable to sign,
    so it is encrypted, not hashed)."""

    __tablename__ = "department_endpoints"

    department: Mapped[str] = mapped_column(String(64), primary_key=True)
    url: Mapped[str] = mapped_column(String(2000))
    secret_encrypted: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(_TZ)
    updated_by: Mapped[str] = mapped_column(String(128))


class WebhookEvent(Base):
    """One event for one department or one mini-app (exactly one of the two); its id is the
    receiver's deduplication key. Dead once its last attempt failed, until an admin replays it."""

    __tablename__ = "department_webhook_events"
    __table_args__ = (
        Index(
            "ix_department_webhook_events_dead",
            "dead_at",
            postgresql_where=text("dead_at IS NOT NULL"),
        ),
        CheckConstraint("(department IS NULL) <> (client_id IS NULL)", name="one_recipient"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    department: Mapped[str | None] = mapped_column(String(64), index=True)
    client_id: Mapped[str | None] = mapped_column(String(128), index=True)
    kind: Mapped[str] = mapped_column(String(48))
    # What the department may know without asking: ids and states, never answers.
    data: Mapped[dict[str, Any]] = mapped_column(JSONB)
    created_at: Mapped[datetime] = mapped_column(_TZ)
    attempts: Mapped[int] = mapped_column(Integer, server_default="0")
    last_attempt_at: Mapped[datetime | None] = mapped_column(_TZ)
    last_error: Mapped[str | None] = mapped_column(String(500))
    delivered_at: Mapped[datetime | None] = mapped_column(_TZ)
    dead_at: Mapped[datetime | None] = mapped_column(_TZ)
