"""`Idempotency-Key` for POSTs that create something: same key and body replay the stored
response; the same key with another body is refused (422); while the first request is still
running a second one gets 409. Keys are scoped to client and user and kept 24 hours.

The key's row is read (`submission_reads`) after its lock is taken (`lock`) and written in the
same transaction as the business write, so a key never exists without its effect nor the
effect without its key. The lock, an advisory one for the transaction, tells a concurrent
duplicate that the first is still running, instead of making it wait.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Final

import msgspec
from sqlalchemy import text

from onething.applications.models import IdempotencyKey
from onething.core.db import driver_connection
from onething.core.errors import CONFLICT, VALIDATION, FieldError, ProblemError

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from onething.applications.submission_reads import StoredKey
    from onething.applications.timeline import Adds

KEEP_FOR: Final = timedelta(hours=24)
_LOCK: Final = text("SELECT pg_try_advisory_xact_lock(:key)")
_FORGET: Final = "DELETE FROM idempotency_keys WHERE client_id = $1 AND subject = $2 AND key = $3"
_KEY_SHAPE: Final = re.compile(r"^[\x21-\x7e]{8,255}$")  # visible ASCII, e.g. a UUID


@dataclass(frozen=True, slots=True)
class IdempotencyScope:
    client_id: str
    subject: str
    key: str
    operation: str  # the same key sent to another operation is another body

    def lock_id(self) -> int:
        digest = hashlib.sha256(f"{self.client_id}\0{self.subject}\0{self.key}".encode()).digest()
        return int.from_bytes(digest[:8], "big", signed=True)


def check_key(key: str | None) -> str:
    if key is None or not _KEY_SHAPE.match(key):
        raise ProblemError(
            VALIDATION,
            errors=[
                FieldError(
                    field="Idempotency-Key",
                    code="required",
                    message_zh="请求头 Idempotency-Key 必填（8–255 个可见 ASCII 字符，建议 UUID）",
                    message_en="The Idempotency-Key header is required (8–255 visible ASCII "
                    "characters; a UUID is a good choice)",
                )
            ],
        )
    return key


def request_hash(operation: str, body: object) -> str:
    """SHA-256 of the operation and the canonical JSON of the decoded body (key order and
    whitespace do not make a different body)."""
    canonical = msgspec.json.encode(msgspec.to_builtins(body), order="sorted")
    return hashlib.sha256(operation.encode() + b"\0" + canonical).hexdigest()


async def lock(session: AsyncSession, scope: IdempotencyScope) -> None:
    """First in the caller's transaction (through the session, which opens it): the key's
    lock, held until the transaction ends; 409 while another request holds it."""
    locked = (await session.execute(_LOCK, {"key": scope.lock_id()})).scalar_one()
    if not locked:
        raise ProblemError(
            CONFLICT,
            detail_zh="相同 Idempotency-Key 的请求正在处理中，请稍后重试。",
            detail_en="A request with this Idempotency-Key is still being processed; retry.",
            headers={"Retry-After": "1"},
        )


async def replay_of(
    session: AsyncSession,
    scope: IdempotencyScope,
    stored: StoredKey | None,
    body_hash: str,
    *,
    now: datetime,
) -> bytes | None:
    """After `lock`, given the key's row as read then (`stored`): the response to replay, or
    None to go ahead (the caller then calls `remember` before committing)."""
    if stored is not None and stored.expires_at <= now:
        # Past its 24 hours the key is free again (a clean-up job may also have removed it).
        connection = await driver_connection(session)
        await connection.execute(_FORGET, scope.client_id, scope.subject, scope.key)
        stored = None
    if stored is None:
        return None
    if stored.operation != scope.operation or stored.request_hash != body_hash:
        raise ProblemError(
            VALIDATION,
            detail_zh="该 Idempotency-Key 已用于另一内容不同的请求。",
            detail_en="This Idempotency-Key was already used with a different request body.",
            errors=[
                FieldError(
                    field="Idempotency-Key",
                    code="reused",
                    message_zh="该 Idempotency-Key 已用于另一请求",
                    message_en="This Idempotency-Key was used for another request",
                )
            ],
        )
    return stored.response_body


def remember(
    session: Adds,
    scope: IdempotencyScope,
    body_hash: str,
    *,
    status: int,
    response: bytes,
    now: datetime,
) -> None:
    """The response to replay, written with the request's effect (a session or the
    submission's `WriteBatch`)."""
    session.add(
        IdempotencyKey(
            client_id=scope.client_id,
            subject=scope.subject,
            key=scope.key,
            operation=scope.operation,
            request_hash=body_hash,
            response_status=status,
            response_body=response,
            created_at=now,
            expires_at=now + KEEP_FOR,
        )
    )
