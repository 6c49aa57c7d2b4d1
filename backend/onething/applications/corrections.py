"""The resident's side of 补正 and 容缺: fix exactly the named fields (the one fact changes for
every department, as it is one fact), or bring the promised material."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

from sqlalchemy import select, update

from onething.applications.access import WRITE, Who, require_owner
from onething.applications.announcements import announce_task
from onething.applications.calendar import china_date
from onething.applications.catalogs import catalog_for
from onething.applications.client_events import task_changed
from onething.applications.models import Application, Material, Task
from onething.applications.schemas import ApplicationView, CorrectionSubmit, MaterialSupply
from onething.applications.sealing import seal, unseal
from onething.applications.services import ANSWERS_TABLE, merged_form, tasks_of
from onething.applications.states import (
    Actor,
    TaskEvent,
    TaskState,
    TransitionRefusedError,
    transition,
)
from onething.applications.timeline import record
from onething.applications.views import application_view
from onething.catalog.validate import validate_answers
from onething.core.errors import CONFLICT, NOT_FOUND, VALIDATION, FieldError, ProblemError

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from onething.applications.context import ApplicationsContext
    from onething.identity.access import Caller

_UNUSABLE: Final = FieldError(
    field="materials",
    code="material.unusable",
    message_zh="该材料不存在、未通过校验、已被使用或不是所要求的材料",
    message_en="This upload is unknown, not verified, already used, or not the one asked for",
)


async def _owned_task(
    session: AsyncSession, caller: Caller, application_id: uuid.UUID, task_id: uuid.UUID
) -> tuple[Application, Task]:
    application = await session.get(Application, application_id)
    if application is None:
        raise ProblemError(NOT_FOUND)
    # Both callers answer the department: a write.
    require_owner(caller, application.owner_id, application.bundle, scope=WRITE)
    task = (
        await session.execute(
            select(Task)
            .where(Task.id == task_id, Task.application_id == application.id)
            .with_for_update()
        )
    ).scalar_one_or_none()
    if task is None:
        raise ProblemError(NOT_FOUND)
    return application, task


def _move(task: Task, event: TaskEvent) -> str:
    before = task.state
    try:
        task.state = transition(TaskState(before), event, Actor.RESIDENT).value
    except TransitionRefusedError as exc:
        raise ProblemError(
            CONFLICT,
            detail_zh="该事项当前不等待您补正或补交材料。",
            detail_en="This task is not waiting for a correction or a material from you.",
        ) from exc
    return before


async def _take_materials(
    session: AsyncSession, application: Application, ids: list[uuid.UUID], allowed: set[str]
) -> None:
    if not ids:
        return
    rows = (
        (
            await session.execute(
                select(Material)
                .where(Material.id.in_(ids), Material.owner_id == application.owner_id)
                .with_for_update()
            )
        )
        .scalars()
        .all()
    )
    usable = [
        m
        for m in rows
        if m.status == "verified"
        and m.application_id is None
        and m.bundle == application.bundle
        and m.material in allowed
    ]
    if len(usable) != len(set(ids)):
        raise ProblemError(VALIDATION, errors=[_UNUSABLE])
    await session.execute(
        update(Material).where(Material.id.in_(ids)).values(application_id=application.id)
    )


def _named_fields(patch: dict[str, dict[str, Any]]) -> set[str]:
    return {f"{section}.{name}" for section, values in patch.items() for name in values}


async def submit_correction(
    session: AsyncSession,
    ctx: ApplicationsContext,
    caller: Caller,
    application_id: uuid.UUID,
    task_id: uuid.UUID,
    *,
    data: CorrectionSubmit,
    now: datetime,
) -> ApplicationView:
    application, task = await _owned_task(session, caller, application_id, task_id)
    pending = task.pending or {}
    before = _move(task, TaskEvent.RESUBMIT)
    asked = set(pending.get("fields", []))
    extra = _named_fields(data.answers) - asked
    if extra:
        raise ProblemError(
            VALIDATION,
            errors=[
                FieldError(
                    field=name,
                    code="not_requested",
                    message_zh="部门未要求补正此项",
                    message_en="The department did not ask to correct this field",
                )
                for name in sorted(extra)
            ],
        )
    answers = unseal(
        ctx.cipher, application.answers_encrypted, table=ANSWERS_TABLE, row_id=application.id
    )
    for section, values in data.answers.items():
        answers.setdefault(section, {}).update(values)
    catalog = await catalog_for(session, application.catalog_version, ctx.catalog)
    form = merged_form(
        catalog,
        application.bundle,
        application.situation_answers,
        list(application.optional_services),
    )
    errors = validate_answers(form, answers, today=china_date(now))
    if errors:
        raise ProblemError(VALIDATION, errors=errors)
    await _take_materials(session, application, data.materials, set(pending.get("materials", [])))
    application.answers_encrypted = seal(
        ctx.cipher, answers, table=ANSWERS_TABLE, row_id=application.id
    )
    task.pending = None
    task.updated_at = now
    record(
        session,
        application_id=application.id,
        task_id=task.id,
        kind="task.resubmit",
        from_state=before,
        to_state=task.state,
        actor_kind=Actor.RESIDENT,
        who=Who.of(caller),
        now=now,
        detail={"fields": sorted(_named_fields(data.answers)), "materials": len(data.materials)},
    )
    await task_changed(session, task, now=now)
    await announce_task(session, task, "task.resubmitted", now=now)
    await session.commit()
    return application_view(application, await tasks_of(session, application.id), ctx.calendar)


async def supply_material(
    session: AsyncSession,
    ctx: ApplicationsContext,
    caller: Caller,
    application_id: uuid.UUID,
    task_id: uuid.UUID,
    *,
    data: MaterialSupply,
    now: datetime,
) -> ApplicationView:
    application, task = await _owned_task(session, caller, application_id, task_id)
    pending = task.pending or {}
    before = _move(task, TaskEvent.SUPPLY_MATERIAL)
    await _take_materials(session, application, [data.material], {pending.get("material", "")})
    task.pending = None
    task.updated_at = now
    record(
        session,
        application_id=application.id,
        task_id=task.id,
        kind="task.supply_material",
        from_state=before,
        to_state=task.state,
        actor_kind=Actor.RESIDENT,
        who=Who.of(caller),
        now=now,
        detail={"material": pending.get("material")},
    )
    await task_changed(session, task, now=now)
    await announce_task(session, task, "task.material_supplied", now=now)
    await session.commit()
    return application_view(application, await tasks_of(session, application.id), ctx.calendar)
