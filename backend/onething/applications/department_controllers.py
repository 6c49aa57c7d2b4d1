"""Department routes: the inbox and decisions, for a department's clerks or its system. Each
sees only its own service's projection of an application."""

from __future__ import annotations

import datetime as dt
import uuid
from datetime import UTC, datetime
from typing import Annotated

from litestar import Controller, get, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from onething.applications.access import READ, WRITE, department_of
from onething.applications.calendar import china_date
from onething.applications.controllers import DEPENDENCIES, Apps, CallerDep, Limit
from onething.applications.decisions import Decision, decide, inbox, task_for_department
from onething.applications.schemas import (
    Approval,
    CorrectionRequest,
    DecisionNote,
    DepartmentTaskView,
    InboxPage,
    PendingMaterial,
    Refusal,
)
from onething.applications.states import TaskEvent, TaskState
from onething.core.openapi_problems import problem_spec
from onething.identity.deps import DbSession

_TASK_ERRORS = {
    403: problem_spec("Not a clerk or system of a department"),
    404: problem_spec("No such task in this department's inbox"),
    409: problem_spec("Not possible in the task's state"),
    422: problem_spec("Invalid decision"),
}


async def _decide(
    db: DbSession,
    apps: Apps,
    caller: CallerDep,
    task_id: uuid.UUID,
    *,
    event: TaskEvent,
    decision: Decision,
) -> DepartmentTaskView:
    who = department_of(caller, apps.catalog, scope=WRITE)
    return await decide(
        db, apps, who, task_id, event=event, decision=decision, now=datetime.now(UTC)
    )


class DepartmentTaskController(Controller):
    path = "/department/tasks"
    tags = ["departments"]  # noqa: RUF012
    dependencies = DEPENDENCIES

    @get(
        operation_id="listDepartmentTasks",
        summary="The department's inbox",
        responses={403: _TASK_ERRORS[403]},
    )
    async def list_tasks(
        self,
        *,
        caller: CallerDep,
        apps: Apps,
        db_session: DbSession,
        task_state: Annotated[TaskState | None, QueryParameter(name="state")] = None,
        due_before: FromQuery[dt.date | None] = None,
        after: FromQuery[uuid.UUID | None] = None,
        limit: Limit = 50,
    ) -> InboxPage:
        """Dispatched tasks of the caller's department not yet decided (or in `state`),
        earliest due first; `after` is the last task id of the previous page."""
        who = department_of(caller, apps.catalog, scope=READ)
        return await inbox(
            db_session,
            who,
            state=task_state,
            due_before=due_before,
            after=after,
            limit=limit,
            today=china_date(datetime.now(UTC)),
        )

    @get(
        "/{task_id:uuid}",
        operation_id="getDepartmentTask",
        summary="One task, as its department may see it",
        responses={403: _TASK_ERRORS[403], 404: _TASK_ERRORS[404]},
    )
    async def get_task(
        self, task_id: FromPath[uuid.UUID], caller: CallerDep, apps: Apps, db_session: DbSession
    ) -> DepartmentTaskView:
        """The answers this service's form asks for (nothing else), outputs attached from
        upstream services, the materials it needs, and what the department may do now."""
        who = department_of(caller, apps.catalog, scope=READ)
        return await task_for_department(db_session, apps, who, task_id)

    @post(
        "/{task_id:uuid}/accept",
        operation_id="acceptTask",
        summary="Accept intake (受理)",
        status_code=200,
        responses=_TASK_ERRORS,
    )
    async def accept(
        self,
        *,
        task_id: FromPath[uuid.UUID],
        data: JSONBody[DecisionNote],
        caller: CallerDep,
        apps: Apps,
        db_session: DbSession,
    ) -> DepartmentTaskView:
        """Take the task on; its review can start."""
        return await _decide(
            db_session, apps, caller, task_id, event=TaskEvent.ACCEPT, decision=data
        )

    @post(
        "/{task_id:uuid}/accept-pending-material",
        operation_id="acceptTaskPendingMaterial",
        summary="Accept with a material to follow (容缺受理)",
        status_code=200,
        responses=_TASK_ERRORS,
    )
    async def accept_pending_material(
        self,
        *,
        task_id: FromPath[uuid.UUID],
        data: JSONBody[PendingMaterial],
        caller: CallerDep,
        apps: Apps,
        db_session: DbSession,
    ) -> DepartmentTaskView:
        """Accept although a secondary material is missing; the resident promises it by a
        deadline within the time limit."""
        return await _decide(
            db_session,
            apps,
            caller,
            task_id,
            event=TaskEvent.ACCEPT_PENDING_MATERIAL,
            decision=data,
        )

    @post(
        "/{task_id:uuid}/refuse",
        operation_id="refuseTask",
        summary="Refuse (不予受理 / 不予许可) with a reason",
        status_code=200,
        responses=_TASK_ERRORS,
    )
    async def refuse(
        self,
        *,
        task_id: FromPath[uuid.UUID],
        data: JSONBody[Refusal],
        caller: CallerDep,
        apps: Apps,
        db_session: DbSession,
    ) -> DepartmentTaskView:
        """Refuse at intake or after review; tasks waiting for this one are cancelled."""
        return await _decide(
            db_session, apps, caller, task_id, event=TaskEvent.REFUSE, decision=data
        )

    @post(
        "/{task_id:uuid}/start-review",
        operation_id="startTaskReview",
        summary="Start the review of an accepted task",
        status_code=200,
        responses=_TASK_ERRORS,
    )
    async def start_review(
        self,
        *,
        task_id: FromPath[uuid.UUID],
        data: JSONBody[DecisionNote],
        caller: CallerDep,
        apps: Apps,
        db_session: DbSession,
    ) -> DepartmentTaskView:
        """Move an accepted task into review."""
        return await _decide(
            db_session, apps, caller, task_id, event=TaskEvent.START_REVIEW, decision=data
        )

    @post(
        "/{task_id:uuid}/request-correction",
        operation_id="requestTaskCorrection",
        summary="Ask the resident for a correction (补正)",
        status_code=200,
        responses=_TASK_ERRORS,
    )
    async def request_correction(
        self,
        *,
        task_id: FromPath[uuid.UUID],
        data: JSONBody[CorrectionRequest],
        caller: CallerDep,
        apps: Apps,
        db_session: DbSession,
    ) -> DepartmentTaskView:
        """Name the fields and materials of this service to fix, with a message."""
        return await _decide(
            db_session, apps, caller, task_id, event=TaskEvent.REQUEST_CORRECTION, decision=data
        )

    @post(
        "/{task_id:uuid}/approve",
        operation_id="approveTask",
        summary="Approve, with the data the service produces",
        status_code=200,
        responses=_TASK_ERRORS,
    )
    async def approve(
        self,
        *,
        task_id: FromPath[uuid.UUID],
        data: JSONBody[Approval],
        caller: CallerDep,
        apps: Apps,
        db_session: DbSession,
    ) -> DepartmentTaskView:
        """Decide in favour; `output` holds exactly the facts the service produces (e.g. the
        child's citizen ID number). Tasks waiting for them are dispatched automatically."""
        return await _decide(
            db_session, apps, caller, task_id, event=TaskEvent.APPROVE, decision=data
        )

    @post(
        "/{task_id:uuid}/resume",
        operation_id="resumeTask",
        summary="Resume a suspended task",
        status_code=200,
        responses=_TASK_ERRORS,
    )
    async def resume(
        self,
        *,
        task_id: FromPath[uuid.UUID],
        data: JSONBody[DecisionNote],
        caller: CallerDep,
        apps: Apps,
        db_session: DbSession,
    ) -> DepartmentTaskView:
        """Take a task suspended for a missed deadline back into review."""
        return await _decide(
            db_session, apps, caller, task_id, event=TaskEvent.RESUME, decision=data
        )
