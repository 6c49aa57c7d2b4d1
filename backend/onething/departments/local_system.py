"""A LOCAL STAND-IN for a department's own system (for tests and `make run`), not part of the
platform: a small real HTTP app that takes OneThing webhooks the way a department system must
— it checks the signature and the timestamp, and acts at most once per event id.

Its records live in PostgreSQL under the schema `local_department_system` (its own tables,
created by itself, outside the platform's migrations):
- `deliveries`: every accepted POST, duplicates included (what "received at least once" counts);
- `seen_events`: event ids already acted on;
- `effects`: what it did, one row per event it acted on (what "exactly once" counts).

Configuration (environment):
- `LOCAL_DEPARTMENT_DATABASE_URL`: postgresql://… where to keep its records;
- `LOCAL_DEPARTMENT_SECRETS`: `department=secret[,department=secret…]`;
- `LOCAL_DEPARTMENT_DELAY_MS`: optional pause before answering (a slow system);
- `WEBHOOK_TOLERANCE`: seconds a signed timestamp stays fresh (300).

Run: `onething local-department-system --port 8090`, then point a department's endpoint at
`http://127.0.0.1:8090/departments/<department>/webhook`.
"""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from dataclasses import dataclass
from typing import Any, Final

import asyncpg
import msgspec
from litestar import Litestar, Request, Response, get, post
from litestar.datastructures import State

from onething.core.settings import DatabaseSettings
from onething.departments.signing import (
    EVENT_ID_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    SignatureRejectedError,
    verify,
)

SCHEMA: Final = "local_department_system"
_DDL: Final = f"""
CREATE SCHEMA IF NOT EXISTS {SCHEMA};
CREATE TABLE IF NOT EXISTS {SCHEMA}.deliveries (
    id bigserial PRIMARY KEY, event_id uuid NOT NULL, department text NOT NULL,
    duplicate boolean NOT NULL, received_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE IF NOT EXISTS {SCHEMA}.seen_events (
    event_id uuid PRIMARY KEY, first_seen timestamptz NOT NULL DEFAULT now());
CREATE TABLE IF NOT EXISTS {SCHEMA}.effects (
    id bigserial PRIMARY KEY, event_id uuid NOT NULL, department text NOT NULL,
    type text NOT NULL, task_id uuid, recorded_at timestamptz NOT NULL DEFAULT now());
"""


class Event(msgspec.Struct):
    id: uuid.UUID
    type: str
    department: str
    data: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Config:
    database_url: str
    secrets: dict[str, bytes]
    delay_seconds: float
    tolerance_seconds: int

    @classmethod
    def from_env(cls) -> Config:
        pairs = [p for p in os.environ.get("LOCAL_DEPARTMENT_SECRETS", "").split(",") if p]
        secrets = {}
        for pair in pairs:
            department, _, secret = pair.partition("=")
            secrets[department.strip()] = secret.strip().encode()
        return cls(
            database_url=os.environ["LOCAL_DEPARTMENT_DATABASE_URL"],
            secrets=secrets,
            delay_seconds=int(os.environ.get("LOCAL_DEPARTMENT_DELAY_MS", "0") or 0) / 1000,
            tolerance_seconds=int(os.environ.get("WEBHOOK_TOLERANCE", "300") or 300),
        )


def _answer(status: int, **body: object) -> Response[dict[str, object]]:
    return Response(body, status_code=status)


@post("/departments/{department:str}/webhook", status_code=200)
async def take_webhook(
    department: str, request: Request[Any, Any, State], state: State
) -> Response[dict[str, object]]:
    config: Config = state.config
    secret = config.secrets.get(department)
    if secret is None:
        return _answer(404, error="unknown department")
    body = await request.body()
    try:
        verify(
            [secret],
            timestamp_header=request.headers.get(TIMESTAMP_HEADER),
            signature_header=request.headers.get(SIGNATURE_HEADER),
            body=body,
            now=int(time.time()),
            tolerance_seconds=config.tolerance_seconds,
        )
        event = msgspec.json.decode(body, type=Event)
    except SignatureRejectedError as exc:
        return _answer(401 if exc.reason == "signature" else 400, error=exc.reason)
    except msgspec.DecodeError:
        return _answer(400, error="body")
    if request.headers.get(EVENT_ID_HEADER) != str(event.id) or event.department != department:
        return _answer(400, error="event id or department does not match")
    if config.delay_seconds:
        await asyncio.sleep(config.delay_seconds)
    pool: asyncpg.Pool = state.pool
    async with pool.acquire() as connection, connection.transaction():
        first = await connection.fetchval(
            f"INSERT INTO {SCHEMA}.seen_events (event_id) VALUES ($1) "  # noqa: S608
            "ON CONFLICT DO NOTHING RETURNING event_id",
            event.id,
        )
        await connection.execute(
            f"INSERT INTO {SCHEMA}.deliveries (event_id, department, duplicate) "  # noqa: S608
            "VALUES ($1, $2, $3)",
            event.id,
            department,
            first is None,
        )
        if first is not None:
            task_id = event.data.get("task_id")
            await connection.execute(
                f"INSERT INTO {SCHEMA}.effects (event_id, department, type, task_id) "  # noqa: S608
                "VALUES ($1, $2, $3, $4)",
                event.id,
                department,
                event.type,
                uuid.UUID(task_id) if isinstance(task_id, str) else None,
            )
    return _answer(200, event_id=str(event.id), duplicate=first is None)


@get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


def create_app() -> Litestar:
    config = Config.from_env()

    async def open_pool(app: Litestar) -> None:
        dsn = DatabaseSettings(url=config.database_url).asyncpg_dsn
        pool = await asyncpg.create_pool(dsn, min_size=1, max_size=10)
        async with pool.acquire() as connection:
            # Several receivers may start at once on one database.
            await connection.execute("SELECT pg_advisory_lock(hashtext('local_department'))")
            try:
                await connection.execute(_DDL)
            finally:
                await connection.execute("SELECT pg_advisory_unlock(hashtext('local_department'))")
        app.state.pool = pool

    async def close_pool(app: Litestar) -> None:
        await app.state.pool.close()

    return Litestar(
        route_handlers=[take_webhook, healthz],
        state=State({"config": config}),
        on_startup=[open_pool],
        on_shutdown=[close_pool],
        openapi_config=None,
    )
