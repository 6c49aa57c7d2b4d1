"""Webhooks to department systems and to mini-apps: endpoints set by an admin (a mini-app's
URL and generated secret are on its client registration), events written in the same
transaction as the change they announce (an outbox), delivery by worker jobs with exponential
backoff, and dead letters an admin lists and replays.

Delivery is at least once (a worker killed after the POST and before recording it delivers
again); the event id is what lets a receiver act exactly once.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlsplit

import httpx
import msgspec
import structlog
from sqlalchemy import select

from onething.core.errors import NOT_FOUND, VALIDATION, FieldError, ProblemError
from onething.core.jobs import enqueue
from onething.departments import jobs
from onething.departments.models import DepartmentEndpoint, WebhookEvent
from onething.departments.schemas import DeadLetter, DeadLetterPage, EndpointSet, EndpointView
from onething.departments.signing import signed_headers
from onething.identity.client_registry import WEBHOOK_SECRET_CONTEXT
from onething.identity.models import OAuthClient

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

    from onething.catalog.model import Catalog
    from onething.core.settings import WebhookSettings
    from onething.identity.crypto import FieldCipher

log = structlog.get_logger(__name__)

SECRET_CONTEXT: Final = "department_endpoints.secret"  # noqa: S105 — an AAD label, not a secret
MIN_SECRET_LENGTH: Final = 32


# --- endpoints (admin) ---------------------------------------------------------------------


def _invalid(field: str, code: str, zh: str, en: str) -> ProblemError:
    return ProblemError(
        VALIDATION, errors=[FieldError(field=field, code=code, message_zh=zh, message_en=en)]
    )


async def set_endpoint(
    session: AsyncSession,
    cipher: FieldCipher,
    catalog: Catalog,
    department: str,
    data: EndpointSet,
    *,
    by: str,
    now: datetime,
) -> EndpointView:
    """Create or replace a department's endpoint; the secret is never shown again."""
    if department not in catalog.departments:
        raise ProblemError(NOT_FOUND)
    parts = urlsplit(data.url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise _invalid(
            "url", "url.invalid", "须为 http(s) 地址", "Must be an http(s) URL with a host"
        )
    if len(data.secret) < MIN_SECRET_LENGTH:
        raise _invalid(
            "secret",
            "secret.too_short",
            f"密钥至少 {MIN_SECRET_LENGTH} 个字符",
            f"The secret needs at least {MIN_SECRET_LENGTH} characters",
        )
    sealed = cipher.encrypt(data.secret, context=f"{SECRET_CONTEXT}:{department}")
    endpoint = await session.get(DepartmentEndpoint, department, with_for_update=True)
    if endpoint is None:
        endpoint = DepartmentEndpoint(department=department)
        session.add(endpoint)
    endpoint.url = data.url
    endpoint.secret_encrypted = sealed
    endpoint.updated_at = now
    endpoint.updated_by = by
    await session.commit()
    return _endpoint_view(endpoint)


async def get_endpoint(session: AsyncSession, department: str) -> EndpointView:
    endpoint = await session.get(DepartmentEndpoint, department)
    if endpoint is None:
        raise ProblemError(NOT_FOUND)
    return _endpoint_view(endpoint)


def _endpoint_view(endpoint: DepartmentEndpoint) -> EndpointView:
    return EndpointView(
        department=endpoint.department,
        url=endpoint.url,
        updated_at=endpoint.updated_at,
        updated_by=endpoint.updated_by,
    )


# --- events -----------------------------------------------------------------------------------


async def announce(
    session: AsyncSession, *, department: str, kind: str, data: dict[str, Any], now: datetime
) -> uuid.UUID | None:
    """Write an event for the department's system, and its delivery job, in the caller's
    transaction. None when the department has no endpoint (it works from the inbox)."""
    has_endpoint = await session.scalar(
        select(DepartmentEndpoint.department).where(DepartmentEndpoint.department == department)
    )
    if has_endpoint is None:
        return None
    return await _outbox(
        session, department=department, client_id=None, kind=kind, data=data, now=now
    )


async def announce_to_client(
    session: AsyncSession, *, client_id: str, kind: str, data: dict[str, Any], now: datetime
) -> uuid.UUID:
    """The same for a mini-app (the caller decided it should hear of this)."""
    return await _outbox(
        session, department=None, client_id=client_id, kind=kind, data=data, now=now
    )


async def _outbox(
    session: AsyncSession,
    *,
    department: str | None,
    client_id: str | None,
    kind: str,
    data: dict[str, Any],
    now: datetime,
) -> uuid.UUID:
    event = WebhookEvent(
        id=uuid.uuid4(),
        department=department,
        client_id=client_id,
        kind=kind,
        data=data,
        created_at=now,
        attempts=0,
    )
    session.add(event)
    await session.flush()
    await enqueue(session, jobs.DELIVER, jobs.EventRef(event_id=event.id))
    return event.id


def event_body(event: WebhookEvent) -> bytes:
    """The JSON a receiver gets: the same bytes on every attempt."""
    recipient = (
        {"department": event.department}
        if event.department is not None
        else {"client_id": event.client_id}
    )
    return msgspec.json.encode(
        {
            "id": str(event.id),
            "type": event.kind,
            "created_at": event.created_at.isoformat(),
            **recipient,
            "data": event.data,
        }
    )


def backoff(settings: WebhookSettings, attempts: int) -> timedelta:
    """Delay before the next attempt after `attempts` failed ones: x2 each time, capped."""
    seconds = settings.initial_backoff_seconds * (2 ** max(attempts - 1, 0))
    return timedelta(seconds=min(seconds, settings.max_backoff_seconds))


@dataclass(frozen=True, slots=True)
class _Outcome:
    ok: bool
    error: str | None = None


async def deliver(
    sessionmaker: async_sessionmaker[AsyncSession],
    cipher: FieldCipher,
    settings: WebhookSettings,
    event_id: uuid.UUID,
    *,
    now: datetime,
) -> None:
    """One delivery attempt. The HTTP call runs outside any transaction; its outcome is then
    recorded together with the next attempt's job (or the dead letter)."""
    async with sessionmaker() as session:
        event = await session.get(WebhookEvent, event_id)
        if event is None or event.delivered_at is not None or event.dead_at is not None:
            return
        body = event_body(event)
        target = await _target(session, cipher, event)
    if target is None:
        outcome = _Outcome(ok=False, error="no endpoint configured")
    else:
        outcome = await _post(target[0], target[1], str(event_id), body, settings)
    await _record(sessionmaker, settings, event_id, outcome, now=now)


async def _target(
    session: AsyncSession, cipher: FieldCipher, event: WebhookEvent
) -> tuple[str, bytes] | None:
    """Where the event goes now and the key to sign it with: the department's endpoint, or
    the mini-app's registered webhook (none once it is disabled or its webhook removed)."""
    if event.department is not None:
        endpoint = await session.get(DepartmentEndpoint, event.department)
        if endpoint is None:
            return None
        secret = cipher.decrypt(
            endpoint.secret_encrypted, context=f"{SECRET_CONTEXT}:{endpoint.department}"
        )
        return endpoint.url, secret.encode()
    client = await session.get(OAuthClient, event.client_id)
    if (
        client is None
        or client.disabled_at is not None
        or client.webhook_url is None
        or client.webhook_secret_encrypted is None
    ):
        return None
    secret = cipher.decrypt(
        client.webhook_secret_encrypted, context=f"{WEBHOOK_SECRET_CONTEXT}:{client.client_id}"
    )
    return client.webhook_url, secret.encode()


async def _post(
    url: str, secret: bytes, event_id: str, body: bytes, settings: WebhookSettings
) -> _Outcome:
    headers = signed_headers(secret, event_id, int(time.time()), body)
    try:
        async with httpx.AsyncClient(timeout=settings.timeout_seconds) as client:
            response = await client.post(url, content=body, headers=headers)
    except httpx.HTTPError as exc:
        return _Outcome(ok=False, error=f"{type(exc).__name__}: {exc}"[:500])
    if 200 <= response.status_code < 300:
        return _Outcome(ok=True)
    return _Outcome(ok=False, error=f"HTTP {response.status_code}: {response.text[:200]}")


async def _record(
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: WebhookSettings,
    event_id: uuid.UUID,
    outcome: _Outcome,
    *,
    now: datetime,
) -> None:
    async with sessionmaker() as session, session.begin():
        event = await session.get(WebhookEvent, event_id, with_for_update=True)
        if event is None or event.delivered_at is not None:
            return
        event.attempts += 1
        event.last_attempt_at = now
        if outcome.ok:
            event.delivered_at = now
            event.last_error = None
            return
        event.last_error = outcome.error
        if event.attempts >= settings.max_attempts:
            event.dead_at = now
            log.warning(
                "webhook_dead",
                event_id=str(event_id),
                department=event.department,
                client_id=event.client_id,
            )
            return
        delay = backoff(settings, event.attempts)
        await enqueue(session, jobs.DELIVER, jobs.EventRef(event_id=event.id), delay=delay)


# --- dead letters (admin) --------------------------------------------------------------------


async def dead_letters(
    session: AsyncSession,
    *,
    department: str | None,
    client_id: str | None = None,
    after: uuid.UUID | None,
    limit: int,
) -> DeadLetterPage:
    """Events whose last attempt failed, oldest first."""
    query = (
        select(WebhookEvent)
        .where(WebhookEvent.dead_at.is_not(None))
        .order_by(WebhookEvent.created_at, WebhookEvent.id)
        .limit(limit + 1)
    )
    if department is not None:
        query = query.where(WebhookEvent.department == department)
    if client_id is not None:
        query = query.where(WebhookEvent.client_id == client_id)
    if after is not None:
        cursor = await session.get(WebhookEvent, after)
        if cursor is not None:
            query = query.where(
                (WebhookEvent.created_at > cursor.created_at)
                | ((WebhookEvent.created_at == cursor.created_at) & (WebhookEvent.id > after))
            )
    rows = list((await session.execute(query)).scalars().all())
    page = rows[:limit]
    return DeadLetterPage(
        items=[
            DeadLetter(
                event_id=e.id,
                department=e.department,
                client_id=e.client_id,
                type=e.kind,
                created_at=e.created_at,
                attempts=e.attempts,
                last_attempt_at=e.last_attempt_at,
                last_error=e.last_error,
                dead_at=e.dead_at or e.created_at,
            )
            for e in page
        ],
        next_after=page[-1].id if len(rows) > limit else None,
    )


async def replay(session: AsyncSession, event_id: uuid.UUID) -> DeadLetter:
    """Give a dead event a fresh attempt budget and deliver it again, now."""
    event = await session.get(WebhookEvent, event_id, with_for_update=True)
    if event is None or event.dead_at is None:
        raise ProblemError(NOT_FOUND)
    view = DeadLetter(
        event_id=event.id,
        department=event.department,
        client_id=event.client_id,
        type=event.kind,
        created_at=event.created_at,
        attempts=event.attempts,
        last_attempt_at=event.last_attempt_at,
        last_error=event.last_error,
        dead_at=event.dead_at,
    )
    event.dead_at = None
    event.attempts = 0
    await enqueue(session, jobs.DELIVER, jobs.EventRef(event_id=event.id))
    await session.commit()
    return view
