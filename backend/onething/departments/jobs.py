"""Worker jobs of the departments domain: webhook delivery (idempotent: a delivered or dead
event is left alone; a rerun after a crash delivers again, which the event id absorbs)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Final

import msgspec

from onething.core.jobs import JobContext, job

DELIVER: Final = "departments.deliver_webhook"


class EventRef(msgspec.Struct, frozen=True):
    event_id: uuid.UUID


@job(DELIVER)
async def deliver_webhook(ctx: JobContext, payload: bytes) -> None:
    from onething.departments.webhooks import deliver
    from onething.identity.crypto import FieldCipher

    ref = msgspec.json.decode(payload, type=EventRef)
    cipher = FieldCipher.from_config(ctx.settings.identity.data_keys)
    await deliver(
        ctx.sessionmaker, cipher, ctx.settings.webhooks, ref.event_id, now=datetime.now(UTC)
    )
