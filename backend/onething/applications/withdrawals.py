"""The resident takes an application back: withdrawal (撤回) while no department has taken
any part on, cancellation (撤销) later of the parts not yet decided. Decided parts stand."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select

from onething.applications.access import WRITE, Who
from onething.applications.announcements import announce_task
from onething.applications.client_events import task_changed
from onething.applications.models import Task
from onething.applications.services import owned_application, tasks_of
from onething.applications.states import (
    TERMINAL,
    Actor,
    TaskEvent,
    TaskState,
    allowed,
    transition,
)
from onething.applications.timeline import record
from onething.applications.views import application_view
from onething.core.errors import CONFLICT, ProblemError

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from onething.applications.context import ApplicationsContext
    from onething.applications.schemas import ApplicationView, Withdrawal
    from onething.identity.access import Caller

NOT_TAKEN_ON = frozenset({TaskState.SUBMITTED, TaskState.WAITING_UPSTREAM})


async def _locked_tasks(session: AsyncSession, application_id: uuid.UUID) -> list[Task]:
    query = (
        select(Task)
        .where(Task.application_id == application_id)
        .order_by(Task.id)
        .with_for_update()
    )
    return list((await session.execute(query)).scalars().all())


async def withdraw_application(
    session: AsyncSession,
    ctx: ApplicationsContext,
    caller: Caller,
    application_id: uuid.UUID,
    data: Withdrawal,
    *,
    now: datetime,
) -> ApplicationView:
    """Every task withdrawn, in one transaction; 409 once any department accepted its part."""
    application = await owned_application(session, caller, application_id, scope=WRITE)
    tasks = await _locked_tasks(session, application.id)
    if all(TaskState(t.state) in TERMINAL for t in tasks):
        raise ProblemError(
            CONFLICT,
            detail_zh="该申请已全部结束。",
            detail_en="Every part of this application is closed already.",
        )
    taken = sorted(t.service for t in tasks if TaskState(t.state) not in NOT_TAKEN_ON)
    if taken:
        raise ProblemError(
            CONFLICT,
            detail_zh="已有部门受理或办结部分事项，不能撤回；可撤销尚未办结的事项。",
            detail_en="A department has already taken on part of this application; it cannot be "
            "withdrawn, but the parts not yet decided can be cancelled.",
        )
    who = Who.of(caller)
    for task in tasks:
        await _close(session, task, TaskEvent.WITHDRAW, who=who, data=data, now=now)
    record(
        session,
        application_id=application.id,
        kind="application.withdrawn",
        actor_kind=Actor.RESIDENT,
        who=who,
        now=now,
        detail={"reason": data.reason} if data.reason else {},
    )
    await session.commit()
    return application_view(application, await tasks_of(session, application.id), ctx.calendar)


async def cancel_application(
    session: AsyncSession,
    ctx: ApplicationsContext,
    caller: Caller,
    application_id: uuid.UUID,
    data: Withdrawal,
    *,
    now: datetime,
) -> ApplicationView:
    """The tasks not yet decided are closed (withdrawn before intake, cancelled after); the
    decided ones stand. 409 when nothing is left to close."""
    application = await owned_application(session, caller, application_id, scope=WRITE)
    tasks = await _locked_tasks(session, application.id)
    who = Who.of(caller)
    closed: dict[str, list[str]] = {"withdrawn": [], "cancelled": []}
    for task in tasks:
        state = TaskState(task.state)
        event = TaskEvent.WITHDRAW if state in NOT_TAKEN_ON else TaskEvent.CANCEL
        if allowed(state, event, Actor.RESIDENT):
            await _close(session, task, event, who=who, data=data, now=now)
            closed["withdrawn" if event == TaskEvent.WITHDRAW else "cancelled"].append(task.service)
    if not closed["withdrawn"] and not closed["cancelled"]:
        raise ProblemError(
            CONFLICT,
            detail_zh="所有事项均已办结，没有可撤销的事项。",
            detail_en="Every part has been decided; there is nothing left to cancel.",
        )
    record(
        session,
        application_id=application.id,
        kind="application.cancelled",
        actor_kind=Actor.RESIDENT,
        who=who,
        now=now,
        detail={**closed, **({"reason": data.reason} if data.reason else {})},
    )
    await session.commit()
    return application_view(application, await tasks_of(session, application.id), ctx.calendar)


async def _close(
    session: AsyncSession,
    task: Task,
    event: TaskEvent,
    *,
    who: Who,
    data: Withdrawal,
    now: datetime,
) -> None:
    before = task.state
    task.state = transition(TaskState(before), event, Actor.RESIDENT).value
    task.pending = None
    task.updated_at = now
    record(
        session,
        application_id=task.application_id,
        task_id=task.id,
        kind=f"task.{event.value}",
        from_state=before,
        to_state=task.state,
        actor_kind=Actor.RESIDENT,
        who=who,
        now=now,
        detail={"reason": data.reason} if data.reason else {},
    )
    await task_changed(session, task, now=now)
    kind = "task.withdrawn" if event == TaskEvent.WITHDRAW else "task.cancelled"
    await announce_task(session, task, kind, now=now)
