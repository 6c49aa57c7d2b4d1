"""Co-applicant routes: the applicant asks from a draft and follows the answer; the other
parent lists, reads, confirms or declines the requests addressed to them."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Final

from litestar import Controller, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, JSONBody

from onething.applications import co_applicants
from onething.applications.controllers import DEPENDENCIES, Apps, CallerDep
from onething.applications.schemas import (
    CoApplicantAsk,
    CoApplicantDecline,
    CoApplicantInvite,
    CoApplicantStatus,
)
from onething.core.openapi_problems import problem_spec
from onething.identity.context import IdentityContext, identity_context
from onething.identity.deps import DbSession

Identity = NamedDependency[IdentityContext]
WITH_IDENTITY: Final = {
    **DEPENDENCIES,
    "identity": Provide(identity_context, sync_to_thread=False),
}


class DraftCoApplicantController(Controller):
    path = "/drafts/{draft_id:uuid}/co-applicant"
    tags = ["applications"]  # noqa: RUF012
    dependencies = WITH_IDENTITY

    @get(
        operation_id="getCoApplicantStatus",
        summary="Whether the other parent must confirm, and their answer",
        responses={404: problem_spec("No such draft of yours")},
    )
    async def status(
        self, draft_id: FromPath[uuid.UUID], caller: CallerDep, apps: Apps, db_session: DbSession
    ) -> CoApplicantStatus:
        """`required` when a service of the draft says the other parent co-signs; the latest
        request (waiting, confirmed, declined with the reason) and whether the draft's facts
        are still those it carries (`current`: false means ask again before submitting)."""
        return await co_applicants.draft_status(db_session, apps, caller, draft_id)

    @post(
        operation_id="askCoApplicant",
        summary="Ask the other parent to confirm the draft's facts",
        status_code=201,
        responses={
            404: problem_spec("No such draft of yours"),
            422: problem_spec(
                "No account with this number, your own number, a real-name account that is "
                "not a parent in the form, nothing to confirm yet, or no confirmation needed"
            ),
        },
    )
    async def ask(
        self,
        *,
        draft_id: FromPath[uuid.UUID],
        data: JSONBody[CoApplicantAsk],
        caller: CallerDep,
        apps: Apps,
        identity: Identity,
        db_session: DbSession,
    ) -> CoApplicantStatus:
        """Sends the facts of the co-signed services, as the draft holds them now, to the
        account with this mobile number; an earlier request for the draft is superseded."""
        return await co_applicants.ask(
            db_session,
            apps,
            identity,
            caller,
            draft_id=draft_id,
            data=data,
            now=datetime.now(UTC),
        )


class CoApplicantRequestController(Controller):
    path = "/co-applicant-requests"
    tags = ["applications"]  # noqa: RUF012
    dependencies = DEPENDENCIES

    @get(operation_id="listCoApplicantRequests", summary="Confirmations asked of me")
    async def list_requests(
        self, caller: CallerDep, apps: Apps, db_session: DbSession
    ) -> list[CoApplicantInvite]:
        """Requests addressed to the caller as the other parent, newest first, without the
        facts (open one to read them)."""
        return await co_applicants.invitations(db_session, apps, caller)

    @get(
        "/{request_id:uuid}",
        operation_id="getCoApplicantRequest",
        summary="A confirmation asked of me, with the facts to check",
        responses={404: problem_spec("No such request addressed to you")},
    )
    async def get_request(
        self, request_id: FromPath[uuid.UUID], caller: CallerDep, apps: Apps, db_session: DbSession
    ) -> CoApplicantInvite:
        """Only the facts of the services the caller co-signs (the child's birth facts, both
        parents' identity, the address) — nothing else of the application."""
        return await co_applicants.invitation(db_session, apps, caller, request_id)

    @post(
        "/{request_id:uuid}/confirm",
        operation_id="confirmCoApplicantRequest",
        summary="Confirm the facts as the other parent",
        status_code=200,
        responses={
            404: problem_spec("No such request addressed to you"),
            409: problem_spec("Already answered, or superseded by a newer request"),
        },
    )
    async def confirm(
        self, request_id: FromPath[uuid.UUID], caller: CallerDep, apps: Apps, db_session: DbSession
    ) -> CoApplicantInvite:
        """The applicant may then submit, as long as these facts stay as they are."""
        return await co_applicants.decide(
            db_session, apps, caller, request_id, None, now=datetime.now(UTC)
        )

    @post(
        "/{request_id:uuid}/decline",
        operation_id="declineCoApplicantRequest",
        summary="Decline, with a reason the applicant sees",
        status_code=200,
        responses={
            404: problem_spec("No such request addressed to you"),
            409: problem_spec("Already answered, or superseded by a newer request"),
            422: problem_spec("No reason given"),
        },
    )
    async def decline(
        self,
        *,
        request_id: FromPath[uuid.UUID],
        data: JSONBody[CoApplicantDecline],
        caller: CallerDep,
        apps: Apps,
        db_session: DbSession,
    ) -> CoApplicantInvite:
        """The applicant sees the reason; submission stays refused until a new request is
        confirmed."""
        return await co_applicants.decide(
            db_session, apps, caller, request_id, data, now=datetime.now(UTC)
        )
