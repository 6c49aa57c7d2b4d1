"""Resident-facing routes: drafts, submission, applications and their timeline."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Final

from litestar import Controller, Response, get, post, put
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, FromQuery, HeaderParameter, JSONBody, QueryParameter

from onething.applications import drafts
from onething.applications.context import ApplicationsContext, context_from_state
from onething.applications.corrections import submit_correction, supply_material
from onething.applications.idempotency import check_key
from onething.applications.schemas import (
    ApplicationSubmit,
    ApplicationView,
    CorrectionSubmit,
    DraftCreate,
    DraftSummary,
    DraftUpdate,
    DraftView,
    MaterialSupply,
    TimelinePage,
    Withdrawal,
)
from onething.applications.services import (
    get_application,
    list_applications,
    submit_application,
    timeline,
)
from onething.applications.withdrawals import cancel_application, withdraw_application

# re-exported (`as`): controllers of other domains import it from here too
from onething.core.openapi_problems import problem_spec as problem_spec  # noqa: PLC0414
from onething.identity.access import Caller, current_caller
from onething.identity.deps import DbSession

Apps = NamedDependency[ApplicationsContext]
CallerDep = NamedDependency[Caller]
IdempotencyKey = Annotated[
    str | None,
    HeaderParameter(
        name="Idempotency-Key",
        description="Unique per intended submission (a UUID); kept 24 h per client and user",
    ),
]
IfMatch = Annotated[
    str | None,
    HeaderParameter(name="If-Match", description="The draft's ETag from the last read"),
]
Limit = Annotated[int, QueryParameter(ge=1, le=100)]


DEPENDENCIES: Final = {
    "caller": Provide(current_caller),
    "apps": Provide(context_from_state, sync_to_thread=False),
}


def _with_etag(draft: DraftView, status: int = 200) -> Response[DraftView]:
    return Response(draft, status_code=status, headers={"ETag": drafts.etag(draft.version)})


class DraftController(Controller):
    path = "/drafts"
    tags = ["applications"]  # noqa: RUF012
    dependencies = DEPENDENCIES

    @post(
        operation_id="createDraft",
        summary="Start a draft application for a bundle",
        responses={
            403: problem_spec("Not the resident or their agent"),
            422: problem_spec(
                "Invalid, or prefilled values refused field by field (`prefill.<element>`)"
            ),
        },
    )
    async def create(
        self, data: JSONBody[DraftCreate], caller: CallerDep, apps: Apps, db_session: DbSession
    ) -> Response[DraftView]:
        """An empty draft for the bundle, its gating situations answered; `ETag` is its
        version, to send back as `If-Match` when saving. A mini-app's **prefilled launch**
        (the resident's token for it, `applications:write`) sends `prefill`: values by data
        element id, each within the facts its registration asserts; the answer names the
        mini-app (`launched_by`) and every value still as it gave it (`prefill`, with its
        source). The resident reviews and submits in the PWA."""
        draft = await drafts.create_draft(db_session, apps, caller, data, now=datetime.now(UTC))
        return _with_etag(draft, 201)

    @get(operation_id="listDrafts", summary="My drafts")
    async def list_drafts(self, caller: CallerDep, db_session: DbSession) -> list[DraftSummary]:
        """The caller's drafts, most recently saved first, to resume on any device."""
        return await drafts.list_drafts(db_session, caller)

    @get(
        "/{draft_id:uuid}",
        operation_id="getDraft",
        summary="Resume a draft",
        responses={404: problem_spec("No such draft of yours")},
    )
    async def get_draft(
        self, draft_id: FromPath[uuid.UUID], caller: CallerDep, apps: Apps, db_session: DbSession
    ) -> Response[DraftView]:
        """The draft's answers and its `ETag`."""
        return _with_etag(await drafts.get_draft(db_session, apps, caller, draft_id))

    @put(
        "/{draft_id:uuid}",
        operation_id="saveDraft",
        summary="Autosave a draft (If-Match required)",
        responses={
            404: problem_spec("No such draft of yours"),
            412: problem_spec("Saved elsewhere since the ETag sent; reload"),
            428: problem_spec("If-Match missing", problem=drafts.PRECONDITION_REQUIRED),
        },
    )
    async def save(
        self,
        *,
        draft_id: FromPath[uuid.UUID],
        data: JSONBody[DraftUpdate],
        caller: CallerDep,
        apps: Apps,
        db_session: DbSession,
        if_match: IfMatch = None,
    ) -> Response[DraftView]:
        """Replace the draft's content when `If-Match` names its current version; otherwise
        412 and nothing is overwritten. Answers are checked only at submission."""
        draft = await drafts.save_draft(
            db_session,
            apps,
            caller,
            draft_id,
            data,
            expected_version=drafts.parse_if_match(if_match),
            now=datetime.now(UTC),
        )
        return _with_etag(draft)


class ApplicationController(Controller):
    path = "/applications"
    tags = ["applications"]  # noqa: RUF012
    dependencies = DEPENDENCIES

    @post(
        operation_id="submitApplication",
        summary="Submit an application (Idempotency-Key required)",
        responses={
            403: problem_spec("Not the resident or their agent"),
            409: problem_spec("A request with this Idempotency-Key is still running"),
            422: problem_spec("Invalid answers, or the key was used with another body"),
        },
    )
    async def submit(
        self,
        *,
        data: JSONBody[ApplicationSubmit],
        caller: CallerDep,
        apps: Apps,
        db_session: DbSession,
        idempotency_key: IdempotencyKey = None,
    ) -> Response[ApplicationView]:
        """Validates the answers against the merged form, then writes the application, one
        task per service, the timeline and the dispatch jobs in one transaction. The same
        `Idempotency-Key` and body return the same application (`Idempotent-Replayed: true`)."""
        view, replayed = await submit_application(
            db_session,
            apps,
            caller,
            data,
            idempotency_key=check_key(idempotency_key),
            now=datetime.now(UTC),
        )
        headers = {"Location": f"/api/v1/applications/{view.id}"}
        if replayed:
            headers["Idempotent-Replayed"] = "true"
        return Response(view, status_code=201, headers=headers)

    @get(operation_id="listApplications", summary="My applications")
    async def list_applications(
        self, caller: CallerDep, apps: Apps, db_session: DbSession, limit: Limit = 20
    ) -> list[ApplicationView]:
        """The caller's applications, newest first, each with its tasks and derived status."""
        return await list_applications(db_session, apps, caller, limit=limit)

    @get(
        "/{application_id:uuid}",
        operation_id="getApplication",
        summary="An application with per-department progress",
        responses={404: problem_spec("No such application of yours")},
    )
    async def get_application(
        self,
        application_id: FromPath[uuid.UUID],
        caller: CallerDep,
        apps: Apps,
        db_session: DbSession,
    ) -> ApplicationView:
        """Status (derived from the tasks), promised date, and each task's state and due date
        (planned until the task is dispatched)."""
        return await get_application(db_session, apps, caller, application_id)

    @get(
        "/{application_id:uuid}/timeline",
        operation_id="getApplicationTimeline",
        summary="The application's timeline, paginated",
        responses={404: problem_spec("No such application of yours")},
    )
    async def get_timeline(
        self,
        *,
        application_id: FromPath[uuid.UUID],
        caller: CallerDep,
        apps: Apps,
        db_session: DbSession,
        after: FromQuery[int | None] = None,
        limit: Limit = 50,
    ) -> TimelinePage:
        """Every event, oldest first: who acted (and the agent, if one acted for the
        resident, with the agent's name when the resident or the agent reads it in the
        platform's own app), the state change, and the reason or request where there is one."""
        return await timeline(
            db_session, apps.cipher, caller, application_id, after=after, limit=limit
        )

    @post(
        "/{application_id:uuid}/tasks/{task_id:uuid}/correction",
        operation_id="submitCorrection",
        summary="Answer a department's correction request (补正)",
        status_code=200,
        responses={
            404: problem_spec("No such application or task of yours"),
            409: problem_spec("The task is not waiting for a correction"),
            422: problem_spec("A field not asked for, or invalid answers"),
        },
    )
    async def correct(
        self,
        *,
        application_id: FromPath[uuid.UUID],
        task_id: FromPath[uuid.UUID],
        data: JSONBody[CorrectionSubmit],
        caller: CallerDep,
        apps: Apps,
        db_session: DbSession,
    ) -> ApplicationView:
        """New values for exactly the fields the department named (the whole application
        is validated again) and uploads of the materials it named; the task returns to
        review."""
        return await submit_correction(
            db_session, apps, caller, application_id, task_id, data=data, now=datetime.now(UTC)
        )

    @post(
        "/{application_id:uuid}/tasks/{task_id:uuid}/material",
        operation_id="supplyPendingMaterial",
        summary="Bring the material promised at intake (容缺)",
        status_code=200,
        responses={
            404: problem_spec("No such application or task of yours"),
            409: problem_spec("The task is not waiting for a material"),
            422: problem_spec("Not a verified upload of the promised material"),
        },
    )
    async def supply(
        self,
        *,
        application_id: FromPath[uuid.UUID],
        task_id: FromPath[uuid.UUID],
        data: JSONBody[MaterialSupply],
        caller: CallerDep,
        apps: Apps,
        db_session: DbSession,
    ) -> ApplicationView:
        """A verified upload of the material the department accepted the task without."""
        return await supply_material(
            db_session, apps, caller, application_id, task_id, data=data, now=datetime.now(UTC)
        )

    @post(
        "/{application_id:uuid}/withdraw",
        operation_id="withdrawApplication",
        summary="Withdraw the whole application (撤回) before any part is taken on",
        status_code=200,
        responses={
            404: problem_spec("No such application of yours"),
            409: problem_spec("A department has already taken on part of it: cancel instead"),
        },
    )
    async def withdraw(
        self,
        *,
        application_id: FromPath[uuid.UUID],
        data: JSONBody[Withdrawal],
        caller: CallerDep,
        apps: Apps,
        db_session: DbSession,
    ) -> ApplicationView:
        """Every task is withdrawn, as long as no department has accepted its part."""
        return await withdraw_application(
            db_session, apps, caller, application_id, data, now=datetime.now(UTC)
        )

    @post(
        "/{application_id:uuid}/cancel",
        operation_id="cancelApplication",
        summary="Cancel the parts not yet decided (撤销)",
        status_code=200,
        responses={
            404: problem_spec("No such application of yours"),
            409: problem_spec("Every part is decided already"),
        },
    )
    async def cancel(
        self,
        *,
        application_id: FromPath[uuid.UUID],
        data: JSONBody[Withdrawal],
        caller: CallerDep,
        apps: Apps,
        db_session: DbSession,
    ) -> ApplicationView:
        """Tasks not yet taken on are withdrawn, those in progress cancelled; decided ones
        (approved, issued, done, refused) stand. Their departments are told by webhook."""
        return await cancel_application(
            db_session, apps, caller, application_id, data, now=datetime.now(UTC)
        )
