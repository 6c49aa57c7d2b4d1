"""How tasks move without anyone pressing a button: dispatch to the department, and release of
waiting tasks once their upstream output exists — the produced facts, and the issued e-license
when the task receives one — with that output attached, or their cancellation when it never
will. Called by worker jobs; each step is idempotent."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from onething.applications.announcements import announce_task
from onething.applications.calendar import china_date
from onething.applications.catalogs import catalog_for
from onething.applications.client_events import task_changed
from onething.applications.models import Application, Task
from onething.applications.states import (
    OUTPUT_EXISTS,
    OUTPUT_NEVER,
    UNDECIDED,
    Actor,
    TaskEvent,
    TaskState,
    transition,
)
from onething.applications.timeline import record
from onething.licenses.models import License

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from onething.applications.context import ApplicationsContext
    from onething.catalog.model import Catalog

# Issued e-licenses of an application by the task that produced them: (id, identifier).
Issued = dict[uuid.UUID, tuple[uuid.UUID, str]]


async def dispatch(
    session: AsyncSession, ctx: ApplicationsContext, task_id: uuid.UUID, *, now: datetime
) -> Task | None:
    """Put a submitted task in its department's inbox and start its clock; None when there
    is nothing to do (already dispatched, withdrawn meanwhile, or unknown)."""
    task = (
        await session.execute(select(Task).where(Task.id == task_id).with_for_update())
    ).scalar_one_or_none()
    if task is None or task.dispatched_at is not None or task.state != TaskState.SUBMITTED:
        return None
    deadline = ctx.calendar.add_working_days(china_date(now), task.time_limit_days)
    task.dispatched_at = now
    task.due_on = deadline.date
    task.updated_at = now
    record(
        session,
        application_id=task.application_id,
        task_id=task.id,
        kind="task.dispatched",
        actor_kind=Actor.SYSTEM,
        now=now,
        detail={"department": task.department, "due_on": str(deadline.date)},
    )
    await announce_task(session, task, "task.dispatched", now=now)
    return task


async def release_waiting(
    session: AsyncSession, ctx: ApplicationsContext, application_id: uuid.UUID, *, now: datetime
) -> list[uuid.UUID]:
    """Move waiting tasks on: ready ones become submitted with upstream outputs attached,
    those whose upstream failed are cancelled (and so on down the chain). Returns the ids of
    the tasks now to dispatch."""
    application = await session.get(Application, application_id)
    if application is None:
        return []
    tasks = list(
        (
            await session.execute(
                select(Task)
                .where(Task.application_id == application_id)
                .order_by(Task.service)
                .with_for_update()
            )
        )
        .scalars()
        .all()
    )
    catalog = await catalog_for(session, application.catalog_version, ctx.catalog)
    by_service = {t.service: t for t in tasks}
    issued: Issued = {
        task_id: (license_id, identifier)
        for task_id, license_id, identifier in (
            await session.execute(
                select(License.task_id, License.id, License.identifier).where(
                    License.application_id == application_id, License.task_id.is_not(None)
                )
            )
        ).all()
        if task_id is not None
    }
    released: list[uuid.UUID] = []
    changed = True
    while changed:  # a cancellation can cancel the tasks after it in turn
        changed = False
        for task in tasks:
            if task.state != TaskState.WAITING_UPSTREAM:
                continue
            upstream = [by_service[s] for s in task.waits_for if s in by_service]
            if any(TaskState(u.state) in OUTPUT_NEVER for u in upstream):
                failed = [u.service for u in upstream if TaskState(u.state) in OUTPUT_NEVER]
                await _move(session, task, TaskEvent.UPSTREAM_FAILED, now, {"upstream": failed})
                changed = True
            elif all(_output_ready(catalog, u, task.service, issued) for u in upstream):
                task.attachments = _attachments(catalog, by_service, upstream, task.service, issued)
                await _move(
                    session, task, TaskEvent.UPSTREAM_READY, now, {"attached": task.waits_for}
                )
                released.append(task.id)
                changed = True
    return released


async def _move(
    session: AsyncSession, task: Task, event: TaskEvent, now: datetime, detail: dict[str, Any]
) -> None:
    before = task.state
    task.state = transition(TaskState(before), event, Actor.SYSTEM)
    task.updated_at = now
    record(
        session,
        application_id=task.application_id,
        task_id=task.id,
        kind=f"task.{event.value}",
        from_state=before,
        to_state=task.state,
        actor_kind=Actor.SYSTEM,
        now=now,
        detail=detail,
    )
    await task_changed(session, task, now=now)


def _output_ready(catalog: Catalog, upstream: Task, service_id: str, issued: Issued) -> bool:
    """The upstream decided with an output, and its e-license exists if this service gets
    one (the license is issued by a job after the approval: the downstream waits for it)."""
    if TaskState(upstream.state) not in OUTPUT_EXISTS:
        return False
    wants_license = _attachment(catalog, upstream, service_id, issued)["license_type"]
    return wants_license is None or upstream.id in issued


def _attachments(
    catalog: Catalog,
    by_service: dict[str, Task],
    upstream: list[Task],
    service_id: str,
    issued: Issued,
) -> list[dict[str, Any]]:
    """The direct upstreams' outputs, then those of services further up the chain that this
    service uses (the premium needs the ID number hukou registration gave the enrolment)."""
    attached = [_attachment(catalog, u, service_id, issued) for u in upstream]
    seen = {u.service for u in upstream}
    frontier = [s for u in upstream for s in u.waits_for]
    while frontier:
        name = frontier.pop(0)
        ancestor = by_service.get(name)
        if ancestor is None or name in seen:
            continue
        seen.add(name)
        frontier.extend(ancestor.waits_for)
        inherited = _attachment(catalog, ancestor, service_id, issued)
        if inherited["elements"] or inherited["license_type"]:
            attached.append(inherited)
    return attached


def _attachment(
    catalog: Catalog, upstream: Task, service_id: str, issued: Issued
) -> dict[str, Any]:
    """What of the upstream's output this service receives: the produced facts its own form
    asks for, and the upstream's e-license when one of its materials can be replaced by it
    (named by id and GB/T 36904 identifier once issued)."""
    producer = catalog.services[upstream.service]
    consumer = catalog.services[service_id]
    asked = {f.element for f in consumer.form}
    license_type = producer.produces.license
    replaced = {lt for m in consumer.materials for lt in catalog.materials[m.material].replaced_by}
    attached = license_type if license_type in replaced else None
    license_id, identifier = issued.get(upstream.id, (None, None)) if attached else (None, None)
    return {
        "service": upstream.service,
        "task_id": str(upstream.id),
        "elements": [e for e in producer.produces.elements if e in asked],
        "license_type": attached,
        "license_id": str(license_id) if license_id else None,
        "license_identifier": identifier,
    }


async def suspend_overdue(session: AsyncSession, *, today: date, now: datetime) -> list[uuid.UUID]:
    """容缺: a task whose promised material is past its deadline is suspended (the platform
    acts, the department decides what next). Returns the suspended tasks' ids."""
    waiting = (
        (
            await session.execute(
                select(Task)
                .where(Task.state == TaskState.ACCEPTED_PENDING_MATERIAL)
                .with_for_update(skip_locked=True)
            )
        )
        .scalars()
        .all()
    )
    suspended = []
    for task in waiting:
        deadline = (task.pending or {}).get("deadline")
        if deadline is not None and date.fromisoformat(deadline) < today:
            await _move(session, task, TaskEvent.DEADLINE_MISSED, now, {"deadline": deadline})
            await announce_task(session, task, "task.suspended", now=now)
            suspended.append(task.id)
    return suspended


async def flag_overdue(session: AsyncSession, *, today: date, now: datetime) -> list[uuid.UUID]:
    """Tasks past their due date and still undecided are flagged once: a timeline event (the
    resident sees promised vs actual) and a webhook to the department. Returns their ids."""
    late = (
        (
            await session.execute(
                select(Task)
                .where(
                    Task.state.in_(UNDECIDED),
                    Task.due_on < today,
                    Task.overdue_since.is_(None),
                )
                .order_by(Task.due_on, Task.id)
                .with_for_update(skip_locked=True)
            )
        )
        .scalars()
        .all()
    )
    for task in late:
        task.overdue_since = today
        record(
            session,
            application_id=task.application_id,
            task_id=task.id,
            kind="task.overdue",
            actor_kind=Actor.SYSTEM,
            now=now,
            detail={"due_on": str(task.due_on), "flagged_on": str(today), "state": task.state},
        )
        await announce_task(session, task, "task.overdue", now=now)
    return [task.id for task in late]
