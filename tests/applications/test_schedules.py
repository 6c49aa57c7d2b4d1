"""Periodic jobs: the worker's scheduler enqueues the overdue jobs on their cron schedule;
late undecided tasks are flagged once, missed 容缺 deadlines suspend the task."""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import replace
from typing import Any

from application_helpers import People, Tokens, fast_webhooks, new_key, submittable
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select, text, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onething.applications.calendar import china_date
from onething.applications.jobs import FLAG_OVERDUE, SUSPEND_OVERDUE
from onething.applications.models import Task, TimelineEvent
from onething.applications.progress import flag_overdue
from onething.core.jobs import periodic_jobs, run_worker
from onething.core.settings import Settings

Client = AsyncTestClient[Litestar]


async def _dispatched(api: Client, people: People, tokens: Tokens, drain: Any) -> dict[str, str]:
    resident = await tokens.issue(str(people.resident.id))
    created = await api.post(
        "/api/v1/applications",
        json=await submittable(api, tokens, people, resident),
        headers={**resident, **new_key()},
    )
    assert created.status_code == 201
    await drain()
    return {t["service"]: t["id"] for t in created.json()["tasks"]}


def test_the_overdue_jobs_are_scheduled_unless_the_schedule_is_empty(settings: Settings) -> None:
    assert set(periodic_jobs(settings)) >= {SUSPEND_OVERDUE, FLAG_OVERDUE}
    off = replace(settings, worker=replace(settings.worker, overdue_schedule=""))
    assert SUSPEND_OVERDUE not in periodic_jobs(off)
    assert FLAG_OVERDUE not in periodic_jobs(off)


async def test_the_worker_runs_the_overdue_jobs_on_their_schedule(
    api: Client,
    people: People,
    tokens: Tokens,
    drain: Any,
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    tasks = await _dispatched(api, people, tokens, drain)
    hospital = await tokens.issue(str(people.clerks["health-commission"].id))
    certificate = tasks["birth-medical-certificate"]
    due = (await api.get(f"/api/v1/department/tasks/{certificate}", headers=hospital)).json()[
        "due_on"
    ]
    promised = await api.post(
        f"/api/v1/department/tasks/{certificate}/accept-pending-material",
        json={"material": "mother-id-card", "deadline": due},
        headers=hospital,
    )
    assert promised.status_code == 200
    # Time passes: the promised material's deadline and the vaccination task's due date are
    # both yesterday now.
    yesterday = china_date(dt.datetime.now(dt.UTC)) - dt.timedelta(days=1)
    async with sessionmaker() as session, session.begin():
        await session.execute(
            update(Task)
            .where(Task.id == certificate)
            .values(pending=Task.pending.op("||")(text(f'\'{{"deadline": "{yesterday}"}}\'')))
        )
        await session.execute(
            update(Task).where(Task.id == tasks["vaccination-record"]).values(due_on=yesterday)
        )

    every_second = replace(
        fast_webhooks(settings), worker=replace(settings.worker, overdue_schedule="* * * * * *")
    )
    stop = asyncio.Event()
    worker = asyncio.create_task(run_worker(every_second, stop=stop))

    async def state_of(task_id: str) -> Task:
        async with sessionmaker() as session:
            task = await session.get(Task, task_id)
            assert task is not None
            return task

    async def both_done() -> bool:
        suspended = (await state_of(certificate)).state == "suspended"
        return suspended and (await state_of(tasks["vaccination-record"])).overdue_since is not None

    try:
        for _ in range(100):  # 20 s at most
            if await both_done():
                break
            await asyncio.sleep(0.2)
    finally:
        stop.set()
        await worker

    assert await both_done()
    async with sessionmaker() as session:
        schedules = (
            await session.execute(text("SELECT entrypoint FROM pgqueuer_schedules"))
        ).scalars()
        assert {SUSPEND_OVERDUE, FLAG_OVERDUE} <= set(schedules)  # (other domains add theirs)
        flagged = (
            (
                await session.execute(
                    select(TimelineEvent).where(TimelineEvent.kind == "task.overdue")
                )
            )
            .scalars()
            .all()
        )
    # The vaccination task is late; the suspended one is not decided either and is late too
    # only if its due date passed (it did not).
    assert [str(e.task_id) for e in flagged] == [tasks["vaccination-record"]]
    assert flagged[0].detail["due_on"] == str(yesterday)


async def test_a_late_task_is_flagged_once(
    api: Client,
    people: People,
    tokens: Tokens,
    drain: Any,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    tasks = await _dispatched(api, people, tokens, drain)
    async with sessionmaker() as session, session.begin():
        due = (await session.get(Task, tasks["vaccination-record"])).due_on  # type: ignore[union-attr]
    assert due is not None
    now = dt.datetime.now(dt.UTC)
    vaccination = tasks["vaccination-record"]
    for today, flagged in (
        (due, False),  # due today: not late yet
        (due + dt.timedelta(days=1), True),
        (due + dt.timedelta(days=2), False),  # flagged already
    ):
        async with sessionmaker() as session, session.begin():
            late = [str(t) for t in await flag_overdue(session, today=today, now=now)]
        assert (vaccination in late) is flagged
