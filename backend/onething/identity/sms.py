"""The SMS adapter: an interface, and the local outbox used in development and tests."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from sqlalchemy import select

from onething.identity.crypto import normalise_phone
from onething.identity.models import SmsOutboxMessage
from onething.identity.services import phone_index

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from onething.identity.context import IdentityContext


class SmsSender(Protocol):
    """Sends one text message. Called inside the caller's transaction: an implementation for a
    real gateway enqueues a job there (core.jobs), so nothing is sent for a rolled-back write."""

    async def send(self, session: AsyncSession, phone: str, text: str) -> None: ...


class LocalSmsOutbox:
    """Writes messages to the `sms_outbox` table instead of a phone network; the dev-only
    endpoint `/oauth2/dev/sms-outbox` reads them back. The recipient is stored encrypted."""

    def __init__(self, ctx: IdentityContext) -> None:
        self.ctx = ctx

    async def send(self, session: AsyncSession, phone: str, text: str) -> None:
        digits = normalise_phone(phone)
        session.add(
            SmsOutboxMessage(
                phone_index=phone_index(self.ctx, digits),
                phone_encrypted=self.ctx.cipher.encrypt(digits, context="sms_outbox.phone"),
                body=text,
            )
        )

    async def latest(self, session: AsyncSession, limit: int = 20) -> list[tuple[str, str]]:
        """(phone, text) of the newest messages, newest first."""
        rows = await session.execute(
            select(SmsOutboxMessage).order_by(SmsOutboxMessage.id.desc()).limit(limit)
        )
        return [
            (self.ctx.cipher.decrypt(m.phone_encrypted, context="sms_outbox.phone"), m.body)
            for m in rows.scalars()
        ]


def sms_sender(ctx: IdentityContext) -> SmsSender:
    """The adapter chosen by `SMS_BACKEND` (only `local` exists so far)."""
    if ctx.settings.sms_backend == "local":
        return LocalSmsOutbox(ctx)
    msg = f"unknown SMS_BACKEND {ctx.settings.sms_backend!r}"
    raise ValueError(msg)
