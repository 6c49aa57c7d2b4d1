"""Worker jobs of the notify domain: push and SMS of one message (idempotent enough: a
re-run after a crash may repeat a push or an SMS, never lose one)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Final

import msgspec
import structlog

from onething.core.jobs import JobContext, job

PUSH: Final = "notify.push"
SMS: Final = "notify.sms"
log = structlog.get_logger(__name__)


class MessageRef(msgspec.Struct, frozen=True):
    message_id: uuid.UUID


@job(PUSH)
async def push_message(ctx: JobContext, payload: bytes) -> None:
    """To every live subscription of the resident; a gone one is marked, others retried."""
    from sqlalchemy import select

    from onething.notify.models import Message, PushSubscription
    from onething.notify.push import GONE, PushFailedError, PushPayload, send_push
    from onething.notify.services import preferences_of
    from onething.notify.templates import render

    settings = ctx.settings.notify
    if not settings.vapid_private_key:
        log.warning("push_not_configured")
        return
    ref = msgspec.json.decode(payload, type=MessageRef)
    failed: list[str] = []
    async with ctx.sessionmaker() as session, session.begin():
        message = await session.get(Message, ref.message_id)
        if message is None:
            return
        language = (await preferences_of(session, message.user_id)).language
        title = render(message.template, message.params, language).title
        subscriptions = (
            await session.execute(
                select(PushSubscription).where(
                    PushSubscription.user_id == message.user_id,
                    PushSubscription.gone_at.is_(None),
                )
            )
        ).scalars()
        for subscription in subscriptions:
            try:
                await send_push(
                    settings,
                    endpoint=subscription.endpoint,
                    p256dh=subscription.p256dh,
                    auth=subscription.auth,
                    payload=PushPayload(title=title, message_id=str(message.id)),
                )
            except PushFailedError as exc:
                subscription.last_error = str(exc)
                if exc.status in GONE:
                    subscription.gone_at = datetime.now(UTC)
                else:
                    failed.append(str(exc))
    if failed:
        msg = f"{len(failed)} push(es) failed: {failed[0]}"
        raise RuntimeError(msg)  # the queue retries with backoff


@job(SMS)
async def sms_message(ctx: JobContext, payload: bytes) -> None:
    """Through identity's SMS adapter, to the resident's own verified phone."""
    from onething.identity.context import IdentityContext
    from onething.identity.models import User
    from onething.identity.sms import sms_sender
    from onething.notify.models import Message
    from onething.notify.services import preferences_of
    from onething.notify.templates import render

    ref = msgspec.json.decode(payload, type=MessageRef)
    identity = IdentityContext.from_settings(ctx.settings)
    async with ctx.sessionmaker() as session, session.begin():
        message = await session.get(Message, ref.message_id)
        if message is None:
            return
        user = await session.get(User, message.user_id)
        if user is None or user.phone_encrypted is None:
            return
        # identity seals a user's phone bound to the row (services._context).
        phone = identity.cipher.decrypt(user.phone_encrypted, context=f"users.phone:{user.id}")
        language = (await preferences_of(session, message.user_id)).language
        text = render(message.template, message.params, language)
        prefix = "【一件事】" if language != "en" else "[OneThing] "
        await sms_sender(identity).send(
            session,
            phone,
            f"{prefix}{text.title}：{text.body}"
            if language != "en"
            else f"{prefix}{text.title}: {text.body}",
        )
