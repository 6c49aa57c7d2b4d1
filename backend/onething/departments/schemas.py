"""Departments API shapes: webhook endpoints and dead letters (admin)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

import msgspec


class EndpointSet(msgspec.Struct, forbid_unknown_fields=True):
    """Where the department's system takes webhooks, and the secret shared with it."""

    url: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]
    secret: Annotated[
        str,
        msgspec.Meta(
            max_length=512, description="At least 32 characters; used for HMAC-SHA256, never shown"
        ),
    ]


class EndpointView(msgspec.Struct):
    department: str
    url: str
    updated_at: datetime
    updated_by: str


class DeadLetter(msgspec.Struct):
    event_id: uuid.UUID
    department: str | None  # the recipient: a department's system …
    client_id: str | None  # … or a mini-app
    type: str
    created_at: datetime
    attempts: int
    last_attempt_at: datetime | None
    last_error: str | None
    dead_at: datetime


class DeadLetterPage(msgspec.Struct):
    items: list[DeadLetter]
    next_after: uuid.UUID | None
