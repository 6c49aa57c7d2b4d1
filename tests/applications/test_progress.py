"""Worker steps are idempotent: a job that runs again after a crash changes nothing twice."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from application_helpers import People, Tokens, new_key, submittable
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onething.applications.context import context_from_state
from onething.applications.models import Task, TimelineEvent
from onething.applications.progress import dispatch, release_waiting
from onething.core.settings import Settings
from onething.licenses.context import context_from_settings as licenses_context
from onething.licenses.issuance import issue_for_application

Client = AsyncTestClient[Litestar]


async def _events(sessionmaker: async_sessionmaker[AsyncSession], kind: str) -> int:
    async with sessionmaker() as session:
        query = select(func.count()).where(TimelineEvent.kind == kind)
        return int((await session.execute(query)).scalar_one())


async def test_dispatching_twice_dispatches_once(
    api: Client,
    app: Litestar,
    people: People,
    tokens: Tokens,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    auth = await tokens.issue(str(people.resident.id))
    created = await api.post(
        "/api/v1/applications",
        json=await submittable(api, tokens, people, auth),
        headers={**auth, **new_key()},
    )
    task_id = uuid.UUID(
        next(t["id"] for t in created.json()["tasks"] if t["service"] == "vaccination-record")
    )
    ctx = context_from_state(app.state)
    outcomes = []
    for _ in range(2):
        async with sessionmaker() as session, session.begin():
            dispatched = await dispatch(session, ctx, task_id, now=datetime.now(UTC))
            outcomes.append(dispatched.id if dispatched else None)
    assert outcomes == [task_id, None]
    assert await _events(sessionmaker, "task.dispatched") == 1


async def test_releasing_twice_releases_once(
    api: Client,
    app: Litestar,
    settings: Settings,
    people: People,
    tokens: Tokens,
    drain: Any,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    auth = await tokens.issue(str(people.resident.id))
    created = await api.post(
        "/api/v1/applications",
        json=await submittable(api, tokens, people, auth),
        headers={**auth, **new_key()},
    )
    await drain()
    hospital = await tokens.issue(str(people.clerks["health-commission"].id))
    inbox = (await api.get("/api/v1/department/tasks", headers=hospital)).json()["items"]
    task_id = next(i["task_id"] for i in inbox if i["service"] == "birth-medical-certificate")
    for step in ("accept", "start-review"):
        await api.post(f"/api/v1/department/tasks/{task_id}/{step}", json={}, headers=hospital)
    await api.post(
        f"/api/v1/department/tasks/{task_id}/approve", json={"output": {}}, headers=hospital
    )
    ctx = context_from_state(app.state)
    application_id = uuid.UUID(created.json()["id"])
    # Hukou registration receives the birth certificate's e-license: approved is not enough,
    # it waits until the license is issued.
    async with sessionmaker() as session, session.begin():
        assert await release_waiting(session, ctx, application_id, now=datetime.now(UTC)) == []
    async with sessionmaker() as session, session.begin():
        issued = await issue_for_application(
            session, licenses_context(settings), application_id, now=datetime.now(UTC)
        )
    assert [row.license_type for row in issued] == ["birth-medical-certificate"]
    released = []
    for _ in range(2):
        async with sessionmaker() as session, session.begin():
            released.append(
                await release_waiting(session, ctx, application_id, now=datetime.now(UTC))
            )
    assert len(released[0]) == 1
    assert released[1] == []
    async with sessionmaker() as session:
        hukou = (
            await session.execute(select(Task).where(Task.service == "hukou-birth-registration"))
        ).scalar_one()
    assert hukou.state == "submitted"
    assert await _events(sessionmaker, "task.upstream_ready") == 1
