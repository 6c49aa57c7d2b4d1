"""Telling the resident: one in-app message per event, and push and SMS jobs by their
preferences, written in the caller's transaction (nothing is sent for a rolled-back change)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlsplit

from sqlalchemy import func, select, update

from onething.core.errors import NOT_FOUND, VALIDATION, FieldError, ProblemError
from onething.core.jobs import enqueue
from onething.notify.models import Message, Preferences, PushSubscription
from onething.notify.schemas import (
    MessagePage,
    MessageView,
    PreferencesIn,
    PreferencesView,
    PushKeys,
    PushSubscriptionIn,
    PushSubscriptionView,
)
from onething.notify.templates import TEMPLATES, render

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

DEFAULTS: Final = PreferencesView(push=True, sms=True, language="zh-CN")
_LOOPBACK: Final = frozenset({"127.0.0.1", "localhost", "::1"})


async def preferences_of(session: AsyncSession, user_id: uuid.UUID) -> PreferencesView:
    row = await session.get(Preferences, user_id)
    if row is None:
        return DEFAULTS
    return PreferencesView(push=row.push, sms=row.sms, language=row.language)


async def notify(
    session: AsyncSession,
    user_id: uuid.UUID,
    template: str,
    params: dict[str, Any],
    *,
    application_id: uuid.UUID | None,
    now: datetime,
) -> Message:
    """Record the message and queue the push and SMS the resident wants."""
    from onething.notify.jobs import PUSH, SMS, MessageRef

    if template not in TEMPLATES:
        msg = f"unknown template {template!r}"
        raise LookupError(msg)
    message = Message(
        id=uuid.uuid4(),
        user_id=user_id,
        template=template,
        params=params,
        application_id=application_id,
        created_at=now,
    )
    session.add(message)
    await session.flush()
    wants = await preferences_of(session, user_id)
    if wants.push:
        await enqueue(session, PUSH, MessageRef(message_id=message.id))
    if wants.sms:
        await enqueue(session, SMS, MessageRef(message_id=message.id))
    return message


# The task states a resident is told about, and with which template.
TASK_TEMPLATES: Final = {
    "correction_requested": "task.correction_requested",
    "refused": "task.refused",
    "approved": "task.approved",
}


async def notify_task_decision(
    session: AsyncSession,
    owner_id: uuid.UUID,
    application_id: uuid.UUID,
    *,
    state: str,
    service_name: tuple[str, str],
    produces_license: bool,
    now: datetime,
) -> None:
    """A department's decision the resident must know of. An approval that issues a license
    is told when the license is issued (`task.issued`), not twice."""
    template = TASK_TEMPLATES.get(state)
    if template is None or (state == "approved" and produces_license):
        return
    params = {"service_zh": service_name[0], "service_en": service_name[1]}
    await notify(session, owner_id, template, params, application_id=application_id, now=now)


async def set_preferences(
    session: AsyncSession, user_id: uuid.UUID, data: PreferencesIn, *, now: datetime
) -> PreferencesView:
    row = await session.get(Preferences, user_id, with_for_update=True)
    if row is None:
        row = Preferences(user_id=user_id)
        session.add(row)
    row.push, row.sms, row.language, row.updated_at = data.push, data.sms, data.language, now
    await session.commit()
    return PreferencesView(push=data.push, sms=data.sms, language=data.language)


def _check_endpoint(endpoint: str, *, allow_loopback_http: bool) -> None:
    parts = urlsplit(endpoint)
    secure = parts.scheme == "https" and bool(parts.hostname)
    local = allow_loopback_http and parts.scheme == "http" and parts.hostname in _LOOPBACK
    if not (secure or local):
        raise ProblemError(
            VALIDATION,
            errors=[
                FieldError(
                    field="endpoint",
                    code="endpoint.https",
                    message_zh="推送地址必须是 https 地址",
                    message_en="The push endpoint must be an https URL",
                )
            ],
        )


def _key_errors(keys: PushKeys) -> list[FieldError]:
    """RFC 8291: `p256dh` is an uncompressed P-256 point, `auth` a 16-byte secret."""
    import base64
    import binascii

    from cryptography.hazmat.primitives.asymmetric import ec

    def raw(text: str) -> bytes | None:
        try:
            return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        except (binascii.Error, ValueError):
            return None

    errors = []
    point = raw(keys.p256dh)
    try:
        valid = point is not None and len(point) == 65
        if valid:
            ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point or b"")
    except ValueError:
        valid = False
    if not valid:
        errors.append(
            FieldError(
                field="keys.p256dh",
                code="key.invalid",
                message_zh="浏览器公钥无效（应为 P-256 公钥）",
                message_en="Not a P-256 public key (uncompressed point, base64url)",
            )
        )
    secret = raw(keys.auth)
    if secret is None or len(secret) != 16:
        errors.append(
            FieldError(
                field="keys.auth",
                code="key.invalid",
                message_zh="推送验证密钥无效（应为 16 字节）",
                message_en="The auth secret must be 16 bytes (base64url)",
            )
        )
    return errors


async def subscribe(
    session: AsyncSession,
    user_id: uuid.UUID,
    data: PushSubscriptionIn,
    *,
    allow_loopback_http: bool,
    now: datetime,
) -> PushSubscriptionView:
    """Register (or re-register) a browser; an endpoint belongs to one resident at a time."""
    _check_endpoint(data.endpoint, allow_loopback_http=allow_loopback_http)
    if errors := _key_errors(data.keys):
        raise ProblemError(VALIDATION, errors=errors)
    row = (
        await session.execute(
            select(PushSubscription)
            .where(PushSubscription.endpoint == data.endpoint)
            .with_for_update()
        )
    ).scalar_one_or_none()
    if row is None:
        row = PushSubscription(id=uuid.uuid4(), endpoint=data.endpoint, created_at=now)
        session.add(row)
    row.user_id = user_id
    row.p256dh = data.keys.p256dh
    row.auth = data.keys.auth
    row.gone_at = None
    row.last_error = None
    await session.commit()
    return PushSubscriptionView(id=row.id, endpoint=row.endpoint, created_at=row.created_at)


async def unsubscribe(
    session: AsyncSession, user_id: uuid.UUID, subscription_id: uuid.UUID
) -> None:
    row = await session.get(PushSubscription, subscription_id)
    if row is None or row.user_id != user_id:
        raise ProblemError(NOT_FOUND)
    await session.delete(row)
    await session.commit()


async def messages_of(
    session: AsyncSession, user_id: uuid.UUID, *, limit: int, language: str | None = None
) -> MessagePage:
    language = language or (await preferences_of(session, user_id)).language
    rows = (
        (
            await session.execute(
                select(Message)
                .where(Message.user_id == user_id)
                .order_by(Message.created_at.desc(), Message.id)
                .limit(limit)
            )
        )
        .scalars()
        .all()
    )
    unread = await session.scalar(
        select(func.count())
        .select_from(Message)
        .where(Message.user_id == user_id, Message.read_at.is_(None))
    )
    views = []
    for m in rows:
        text = render(m.template, m.params, language)
        views.append(
            MessageView(
                id=m.id,
                template=m.template,
                title=text.title,
                body=text.body,
                application_id=m.application_id,
                created_at=m.created_at,
                read_at=m.read_at,
            )
        )
    return MessagePage(messages=views, unread=int(unread or 0))


async def mark_read(
    session: AsyncSession, user_id: uuid.UUID, message_id: uuid.UUID, *, now: datetime
) -> None:
    result = await session.execute(
        update(Message)
        .where(Message.id == message_id, Message.user_id == user_id)
        .values(read_at=func.coalesce(Message.read_at, now))
        .returning(Message.id)
    )
    if result.scalar_one_or_none() is None:
        raise ProblemError(NOT_FOUND)
    await session.commit()
