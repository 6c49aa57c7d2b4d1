"""The department side: the inbox, the data-minimised view of one task, and decisions."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from onething.applications import jobs
from onething.applications.access import DepartmentCaller, Who, require_department
from onething.applications.calendar import china_date
from onething.applications.catalogs import catalog_for
from onething.applications.client_events import task_changed
from onething.applications.models import Application, Material, Task
from onething.applications.schemas import (
    Approval,
    CorrectionRequest,
    DecisionNote,
    DepartmentTaskView,
    InboxItem,
    InboxPage,
    MaterialRef,
    PendingMaterial,
    Refusal,
    UpstreamOutput,
)
from onething.applications.sealing import seal, unseal
from onething.applications.services import ANSWERS_TABLE, merged_form
from onething.applications.states import (
    UNDECIDED,
    Actor,
    TaskEvent,
    TaskState,
    TransitionRefusedError,
    events_from,
    transition,
)
from onething.applications.timeline import record
from onething.catalog import codes
from onething.catalog.project import project
from onething.core.errors import CONFLICT, NOT_FOUND, VALIDATION, FieldError, ProblemError
from onething.core.jobs import enqueue
from onething.notify.services import notify_task_decision

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from onething.applications.context import ApplicationsContext
    from onething.catalog.model import Catalog

OUTPUT_TABLE = "application_tasks.output"
Decision = Refusal | CorrectionRequest | PendingMaterial | Approval | DecisionNote | None


async def inbox(
    session: AsyncSession,
    who: DepartmentCaller,
    *,
    state: TaskState | None,
    due_before: dt.date | None,
    after: uuid.UUID | None,
    limit: int,
    today: dt.date,
) -> InboxPage:
    """Dispatched, undecided tasks of the caller's department, by due date then id."""
    query = (
        select(Task, Application.bundle)
        .join(Application, Application.id == Task.application_id)
        .where(Task.department == who.department, Task.dispatched_at.is_not(None))
        .order_by(Task.due_on, Task.id)
        .limit(limit + 1)
    )
    query = query.where(Task.state == state) if state else query.where(Task.state.in_(UNDECIDED))
    if due_before is not None:
        query = query.where(Task.due_on <= due_before)
    if after is not None:
        cursor = await session.get(Task, after)
        if cursor is not None and cursor.due_on is not None:
            query = query.where(
                (Task.due_on > cursor.due_on) | ((Task.due_on == cursor.due_on) & (Task.id > after))
            )
    rows = (await session.execute(query)).all()
    page = rows[:limit]
    return InboxPage(
        items=[
            InboxItem(
                task_id=task.id,
                application_id=task.application_id,
                bundle=bundle,
                service=task.service,
                state=task.state,
                dispatched_at=task.dispatched_at or task.updated_at,
                due_on=task.due_on,
                overdue=task.due_on is not None and task.due_on < today,
            )
            for task, bundle in page
        ],
        next_after=page[-1][0].id if len(rows) > limit else None,
    )


async def _department_task(
    session: AsyncSession, who: DepartmentCaller, task_id: uuid.UUID, *, lock: bool
) -> tuple[Task, Application]:
    query = select(Task).where(Task.id == task_id)
    task = (await session.execute(query.with_for_update() if lock else query)).scalar_one_or_none()
    # Not yet dispatched means not yet the department's: it does not exist for them.
    if task is None or task.dispatched_at is None:
        raise ProblemError(NOT_FOUND)
    application = await session.get(Application, task.application_id)
    if application is None:
        raise ProblemError(NOT_FOUND)
    require_department(who, application.owner_id, task.department)
    return task, application


async def task_for_department(
    session: AsyncSession, ctx: ApplicationsContext, who: DepartmentCaller, task_id: uuid.UUID
) -> DepartmentTaskView:
    """Exactly what this department's service needs: its projection of the answers, the
    upstream outputs attached to it, its materials — nothing else of the application."""
    task, application = await _department_task(session, who, task_id, lock=False)
    catalog = await catalog_for(session, application.catalog_version, ctx.catalog)
    form = merged_form(
        catalog,
        application.bundle,
        application.situation_answers,
        list(application.optional_services),
    )
    answers = unseal(
        ctx.cipher, application.answers_encrypted, table=ANSWERS_TABLE, row_id=application.id
    )
    # Imported here: the licenses domain imports this module.
    from onething.licenses.reuse import task_licenses

    return DepartmentTaskView(
        task_id=task.id,
        application_id=application.id,
        bundle=application.bundle,
        service=task.service,
        state=task.state,
        dispatched_at=task.dispatched_at,
        due_on=task.due_on,
        answers=project(form, answers, task.service),
        upstream=await upstream_outputs(session, ctx, task),
        materials=await materials_for(session, catalog, application, task.service),
        licenses=await task_licenses(session, ctx.cipher, catalog, application, task),
        pending=task.pending,
        allowed_events=[e.value for e in events_from(TaskState(task.state), Actor.DEPARTMENT)],
    )


async def upstream_outputs(
    session: AsyncSession, ctx: ApplicationsContext, task: Task
) -> list[UpstreamOutput]:
    outputs = []
    for attached in task.attachments:
        upstream_id = uuid.UUID(attached["task_id"])
        upstream = await session.get(Task, upstream_id)
        produced: dict[str, Any] = {}
        if upstream is not None and upstream.output_encrypted:
            produced = unseal(
                ctx.cipher, upstream.output_encrypted, table=OUTPUT_TABLE, row_id=upstream.id
            )
        outputs.append(
            UpstreamOutput(
                service=attached["service"],
                task_id=upstream_id,
                elements={e: produced[e] for e in attached["elements"] if e in produced},
                license_type=attached["license_type"],
                license_id=uuid.UUID(attached["license_id"])
                if attached.get("license_id")
                else None,
                license_identifier=attached.get("license_identifier"),
            )
        )
    return outputs


async def materials_for(
    session: AsyncSession, catalog: Catalog, application: Application, service_id: str
) -> list[MaterialRef]:
    needed = {m.material for m in catalog.services[service_id].materials}
    rows = (
        await session.execute(
            select(Material).where(
                Material.application_id == application.id, Material.material.in_(needed)
            )
        )
    ).scalars()
    return [
        MaterialRef(
            id=m.id, material=m.material, content_type=m.content_type, size=m.size, sha256=m.sha256
        )
        for m in rows
    ]


async def decide(
    session: AsyncSession,
    ctx: ApplicationsContext,
    who: DepartmentCaller,
    task_id: uuid.UUID,
    *,
    event: TaskEvent,
    decision: Decision,
    now: dt.datetime,
) -> DepartmentTaskView:
    """Apply one department event to a task, record it on the timeline, and let the tasks
    that wait for this one move on (in the worker) when it is approved or refused."""
    task, application = await _department_task(session, who, task_id, lock=True)
    before = TaskState(task.state)
    try:
        after = transition(before, event, Actor.DEPARTMENT)
    except TransitionRefusedError as exc:
        allowed = ", ".join(e.value for e in events_from(before, Actor.DEPARTMENT)) or "—"
        raise ProblemError(
            CONFLICT,
            detail_zh=f"办件当前状态为“{before.value}”，不能执行“{event.value}”（可执行：{allowed}）",
            detail_en=f"The task is {before.value}; {event.value} is not possible "
            f"(possible: {allowed})",
        ) from exc
    catalog = await catalog_for(session, application.catalog_version, ctx.catalog)
    detail = _apply(ctx, catalog, task, event=event, decision=decision, now=now)
    task.state = after.value
    task.updated_at = now
    record(
        session,
        application_id=application.id,
        task_id=task.id,
        kind=f"task.{event.value}",
        from_state=before.value,
        to_state=after.value,
        actor_kind=Actor.DEPARTMENT,
        who=Who.of(who.caller),
        now=now,
        detail=detail,
    )
    await task_changed(session, task, now=now)
    if after in {TaskState.APPROVED, TaskState.REFUSED}:
        await enqueue(session, jobs.RELEASE, jobs.ApplicationRef(application_id=application.id))
    service = catalog.services[task.service]
    await notify_task_decision(
        session,
        application.owner_id,
        application.id,
        state=after.value,
        service_name=(service.name.zh, service.name.en),
        produces_license=service.produces.license is not None,
        now=now,
    )
    await session.commit()
    return await task_for_department(session, ctx, who, task_id)


def _apply(
    ctx: ApplicationsContext,
    catalog: Catalog,
    task: Task,
    *,
    event: TaskEvent,
    decision: Decision,
    now: dt.datetime,
) -> dict[str, Any]:
    """Event-specific effects on the task; returns the timeline detail (no personal data)."""
    if isinstance(decision, Refusal):
        task.decided_at = now
        task.pending = None
        return {"reason": decision.reason}
    if isinstance(decision, CorrectionRequest):
        _check_correction(catalog, task.service, decision)
        task.pending = {
            "kind": "correction",
            "fields": decision.fields,
            "materials": decision.materials,
            "message": decision.message,
        }
        return dict(task.pending)
    if isinstance(decision, PendingMaterial):
        _check_pending_material(catalog, task, decision, now)
        task.pending = {
            "kind": "material",
            "material": decision.material,
            "deadline": decision.deadline.isoformat(),
            "message": decision.message,
        }
        return dict(task.pending)
    if isinstance(decision, Approval):
        output = _checked_output(catalog, task.service, decision.output)
        task.output_encrypted = seal(ctx.cipher, output, table=OUTPUT_TABLE, row_id=task.id)
        task.decided_at = now
        task.pending = None
        # Which facts were produced, never their values: the timeline is widely read.
        return {"produced": sorted(output)}
    if event == TaskEvent.ACCEPT:
        task.pending = None
    # A clerk's note on accept / start-review / resume goes on the timeline, never dropped.
    if isinstance(decision, DecisionNote) and decision.note:
        return {"note": decision.note}
    return {}


def _invalid(field: str, code: str, zh: str, en: str) -> ProblemError:
    return ProblemError(
        VALIDATION, errors=[FieldError(field=field, code=code, message_zh=zh, message_en=en)]
    )


def _check_correction(catalog: Catalog, service_id: str, request: CorrectionRequest) -> None:
    service = catalog.services[service_id]
    own_fields = {f.element for f in service.form}
    own_materials = {m.material for m in service.materials}
    for name in request.fields:
        if name not in own_fields:
            raise _invalid("fields", "not_in_form", f"本事项不要求“{name}”", f"{name} is not asked")
    for name in request.materials:
        if name not in own_materials:
            raise _invalid("materials", "not_needed", f"本事项不需要“{name}”", f"{name} not needed")
    if not request.fields and not request.materials:
        raise _invalid(
            "fields", "required", "请指明需补正的内容", "Name the fields or materials to fix"
        )


def _check_pending_material(
    catalog: Catalog, task: Task, request: PendingMaterial, now: dt.datetime
) -> None:
    if request.material not in {m.material for m in catalog.services[task.service].materials}:
        raise _invalid(
            "material", "not_needed", "本事项不需要该材料", "This service needs no such material"
        )
    # The promise to bring it must fall inside the time limit (DOMAIN: 容缺受理).
    if not china_date(now) < request.deadline <= (task.due_on or request.deadline):
        raise _invalid(
            "deadline",
            "out_of_range",
            "补交期限须在今天之后、办理时限之内",
            "The deadline must be after today and within the time limit",
        )


def _checked_output(catalog: Catalog, service_id: str, output: dict[str, Any]) -> dict[str, Any]:
    """Exactly the facts the service produces, each valid for its data element's type."""
    produced = set(catalog.services[service_id].produces.elements)
    if set(output) != produced:
        names = ", ".join(sorted(produced)) or "—"
        raise _invalid(
            "output",
            "produced_elements",
            f"须且只能提供本事项产生的数据：{names}",
            f"Provide exactly the facts this service produces: {names}",
        )
    for element_id, value in output.items():
        element = catalog.elements[element_id]
        valid = isinstance(value, str) and bool(value.strip())
        if valid and element.type == "id_number":
            valid = codes.is_valid_id_number(str(value).upper())
        if not valid:
            raise _invalid(
                f"output.{element_id}",
                "invalid",
                f"{element.label.zh}无效",
                f"{element.label.en} is not valid",
            )
    return {
        k: str(v).upper() if catalog.elements[k].type == "id_number" else v
        for k, v in output.items()
    }
