"""Auto-decision (自动办理) for services the catalog marks `mode: auto`: once dispatched, the
platform checks the rules below and, when all hold, accepts, reviews and approves the task
itself, its reasoning on the timeline. When a rule fails, the task stays in the department's
inbox for a clerk, with the reason on the timeline.

Materials count only as e-licenses — attached from upstream, or standing in for the material
and valid now: the platform can check a signed license and its status, but not what a photo
shows, so an uploaded scan always leaves the decision to a clerk."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

import msgspec
from sqlalchemy import select

from onething.applications import jobs
from onething.applications.announcements import announce_task
from onething.applications.catalogs import catalog_for
from onething.applications.client_events import task_changed
from onething.applications.decisions import upstream_outputs
from onething.applications.models import Application, Task
from onething.applications.services import merged_form
from onething.applications.states import Actor, TaskEvent, TaskState, transition
from onething.applications.timeline import record
from onething.core.jobs import enqueue
from onething.licenses.models import License, LicenseStatus, LicenseUse

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from onething.applications.context import ApplicationsContext
    from onething.catalog.form import MergedForm
    from onething.catalog.model import Catalog


class Check(msgspec.Struct, frozen=True):
    """One rule and what it found (names of facts and materials, never their values)."""

    rule: str
    passed: bool
    detail: dict[str, Any]


def evaluate(
    catalog: Catalog,
    form: MergedForm,
    task: Task,
    *,
    attached_elements: set[str],
    attached_licenses: set[str],
    licensed: set[str],
) -> list[Check]:
    """The rules of auto-decision for one task (pure)."""
    service = catalog.services[task.service]
    attached_services = {a["service"] for a in task.attachments}
    missing_upstream = sorted(set(task.waits_for) - attached_services)
    # Facts this form needs that only an upstream service produces (e.g. child.id_number).
    needed_facts = {f.element for f in service.form if f.required and f.element in form.produced}
    missing_facts = sorted(needed_facts - attached_elements)
    missing_materials = []
    for ref in service.materials:
        if not ref.required or ref.material in licensed:
            continue
        if not set(catalog.materials[ref.material].replaced_by) & attached_licenses:
            missing_materials.append(ref.material)
    return [
        Check(
            rule="upstream_outputs_attached",
            passed=not missing_upstream,
            detail={"waits_for": list(task.waits_for), "missing": missing_upstream},
        ),
        Check(
            rule="produced_facts_present",
            passed=not missing_facts,
            detail={"needed": sorted(needed_facts), "missing": missing_facts},
        ),
        Check(
            rule="required_materials_present",
            passed=not missing_materials,
            detail={"missing": missing_materials},
        ),
        Check(
            # The platform never invents what a department produces (a number, a decision).
            rule="produces_no_data",
            passed=not service.produces.elements,
            detail={"produces": list(service.produces.elements)},
        ),
    ]


async def _licensed_materials(session: AsyncSession, application_id: uuid.UUID) -> set[str]:
    """The application's materials stood in for by an e-license that is valid now."""
    rows = await session.execute(
        select(LicenseUse.material)
        .join(License, License.id == LicenseUse.license_id)
        .where(
            LicenseUse.application_id == application_id,
            License.status == LicenseStatus.VALID.value,
        )
    )
    return set(rows.scalars())


async def auto_decide(
    session: AsyncSession, ctx: ApplicationsContext, task: Task, *, now: datetime
) -> bool:
    """Decide a just-dispatched task of an `auto` service; True when it was approved."""
    application = await session.get(Application, task.application_id)
    if application is None or task.state != TaskState.SUBMITTED:
        return False
    catalog = await catalog_for(session, application.catalog_version, ctx.catalog)
    if catalog.services[task.service].mode != "auto":
        return False
    form = merged_form(
        catalog,
        application.bundle,
        application.situation_answers,
        list(application.optional_services),
    )
    upstream = await upstream_outputs(session, ctx, task)
    checks = evaluate(
        catalog,
        form,
        task,
        attached_elements={e for u in upstream for e in u.elements},
        attached_licenses={u.license_type for u in upstream if u.license_type},
        licensed=await _licensed_materials(session, application.id),
    )
    reasoning = [msgspec.to_builtins(c) for c in checks]
    if not all(c.passed for c in checks):
        record(
            session,
            application_id=task.application_id,
            task_id=task.id,
            kind="task.auto_declined",
            actor_kind=Actor.SYSTEM,
            now=now,
            detail={"checks": reasoning, "next": "a clerk of the department decides"},
        )
        return False
    for event in (TaskEvent.ACCEPT, TaskEvent.START_REVIEW, TaskEvent.APPROVE):
        before = task.state
        task.state = transition(TaskState(before), event, Actor.SYSTEM).value
        detail: dict[str, Any] = {"auto": True}
        if event == TaskEvent.APPROVE:
            detail |= {"produced": [], "checks": reasoning}
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
    task.decided_at = now
    task.updated_at = now
    await announce_task(session, task, "task.auto_approved", now=now)
    await enqueue(session, jobs.RELEASE, jobs.ApplicationRef(application_id=task.application_id))
    return True
