"""Crash test with real processes: the worker is killed with SIGKILL while it dispatches tasks
and delivers webhooks; after a restart every job completes, each department system receives
each event at least once, and exactly one effect is recorded per event id."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from application_helpers import DEPARTMENTS, People, Tokens, new_key, submittable
from department_system import DepartmentSystem
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onething.applications.models import Task
from onething.applications.states import TaskState
from onething.core.processes import ChildProcess, spawn
from onething.core.settings import REPO_ROOT, Settings
from onething.departments.models import WebhookEvent

Client = AsyncTestClient[Litestar]
APPLICATIONS = 12

pytestmark = pytest.mark.slow


def _worker_env(settings: Settings) -> dict[str, str]:
    s3 = settings.s3
    return {
        **os.environ,
        "ONETHING_ENV": "test",
        "DATABASE_URL": settings.database.url,
        "S3_ENDPOINT_URL": s3.endpoint_url,
        "S3_ACCESS_KEY_ID": s3.access_key_id,
        "S3_SECRET_ACCESS_KEY": s3.secret_access_key,
        "S3_BUCKET_PREFIX": s3.bucket_prefix,
        "IDENTITY_DATA_KEYS": settings.identity.data_keys,
        "IDENTITY_BLIND_INDEX_KEY": settings.identity.blind_index_key,
        "WORKER_POLL_INTERVAL": "0.1",
        # A killed worker's picked jobs are taken again once their heartbeat is this old.
        "WORKER_HEARTBEAT_TIMEOUT": "2",
        "WEBHOOK_INITIAL_BACKOFF": "0.2",
        "WEBHOOK_MAX_BACKOFF": "1",
        "OVERDUE_SCHEDULE": "",
    }


def _start_worker(settings: Settings, name: str) -> ChildProcess:
    log_dir = REPO_ROOT / "var" / "test" / "crash"
    log_dir.mkdir(parents=True, exist_ok=True)
    return spawn(
        name,
        [sys.executable, "-m", "onething", "worker"],
        log_path=log_dir / f"{name}.log",
        env=_worker_env(settings),
        cwd=REPO_ROOT,
    )


async def _wait_for(check: Callable[[], Awaitable[bool]], what: str, within: float) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if await check():
            return
        await asyncio.sleep(0.05)
    msg = f"timed out waiting for {what}"
    raise TimeoutError(msg)


async def test_a_killed_worker_loses_nothing_and_no_event_acts_twice(
    api: Client,
    people: People,
    tokens: Tokens,
    admin: dict[str, str],
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    # A slow department system (150 ms per delivery): the kill lands mid-delivery.
    system = DepartmentSystem(
        settings.database.url, list(DEPARTMENTS), REPO_ROOT / "var" / "test" / "crash"
    )
    system.start(delay_ms=150)
    try:
        await _run_crash(api, people, tokens, admin, settings, sessionmaker, system)
    finally:
        system.stop()


async def _scalar(sessionmaker: async_sessionmaker[AsyncSession], query: Any) -> int:
    async with sessionmaker() as session:
        return int((await session.execute(query)).scalar_one())


async def _run_crash(
    api: Client,
    people: People,
    tokens: Tokens,
    admin: dict[str, str],
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    system: DepartmentSystem,
) -> None:
    for department in DEPARTMENTS:
        answer = await api.put(
            f"/api/v1/admin/departments/{department}/webhook",
            json={"url": system.url(department), "secret": system.secrets[department]},
            headers=admin,
        )
        assert answer.status_code == 200, answer.text
    resident = await tokens.issue(str(people.resident.id))
    for _ in range(APPLICATIONS):
        answer = await api.post(
            "/api/v1/applications",
            json=await submittable(api, tokens, people, resident),
            headers={**resident, **new_key()},
        )
        assert answer.status_code == 201, answer.text
    to_dispatch = await _scalar(
        sessionmaker, select(func.count()).where(Task.state == TaskState.SUBMITTED)
    )
    assert to_dispatch == APPLICATIONS * 4

    async def delivered_some() -> bool:
        return (
            await _scalar(
                sessionmaker,
                select(func.count()).where(WebhookEvent.delivered_at.is_not(None)),
            )
            >= 3
        )

    first = _start_worker(settings, "worker-1")
    try:
        await _wait_for(delivered_some, "the first deliveries", 60)
        in_flight = await _scalar(
            sessionmaker, text("SELECT count(*) FROM pgqueuer WHERE status = 'picked'")
        )
        os.kill(first.process.pid, signal.SIGKILL)
        assert first.process.wait(10) == -signal.SIGKILL
    finally:
        first.stop(timeout=5)
    assert in_flight > 0  # the kill interrupted jobs, it did not land between them
    left = await _scalar(sessionmaker, text("SELECT count(*) FROM pgqueuer"))
    assert left > 0

    async def everything_done() -> bool:
        queued = await _scalar(sessionmaker, text("SELECT count(*) FROM pgqueuer"))
        undelivered = await _scalar(
            sessionmaker, select(func.count()).where(WebhookEvent.delivered_at.is_(None))
        )
        undispatched = await _scalar(
            sessionmaker,
            select(func.count()).where(
                Task.state == TaskState.SUBMITTED, Task.dispatched_at.is_(None)
            ),
        )
        return queued == 0 and undelivered == 0 and undispatched == 0

    second = _start_worker(settings, "worker-2")
    try:
        await _wait_for(everything_done, "every job to complete after the restart", 90)
    finally:
        assert second.stop(timeout=20) == 0

    async with sessionmaker() as session:
        events = list((await session.execute(select(WebhookEvent))).scalars().all())
        dispatched = list(
            (await session.execute(select(Task).where(Task.dispatched_at.is_not(None))))
            .scalars()
            .all()
        )
    # The platform: one dispatch event per task, however often its job ran.
    assert len(dispatched) == to_dispatch
    assert sorted(e.data["task_id"] for e in events) == sorted(str(t.id) for t in dispatched)
    ids = [e.id for e in events]
    received = await system.deliveries(ids)
    effects = await system.effects(ids)
    # Each department system: every event at least once, acted on exactly once.
    assert set(received) == set(ids)
    assert all(count >= 1 for count in received.values())
    assert effects == dict.fromkeys(ids, 1)
    duplicates = sum(received.values()) - len(ids)
    print(f"crash: {in_flight} jobs in flight at the kill, {duplicates} duplicates absorbed")
