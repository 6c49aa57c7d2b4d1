"""Admin routes of the departments domain: webhook endpoints, dead letters and their replay."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated

from litestar import Controller, get, post, put
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from onething.core.openapi_problems import problem_spec
from onething.departments import webhooks
from onething.departments.schemas import DeadLetter, DeadLetterPage, EndpointSet, EndpointView
from onething.identity.access import Caller, current_caller, require_admin
from onething.identity.deps import DbSession

CallerDep = NamedDependency[Caller]
Limit = Annotated[int, QueryParameter(ge=1, le=100)]


_FORBIDDEN = {403: problem_spec("Not an administrator")}


class WebhookAdminController(Controller):
    path = "/admin"
    tags = ["admin"]  # noqa: RUF012
    dependencies = {"caller": Provide(current_caller)}  # noqa: RUF012

    @put(
        "/departments/{department:str}/webhook",
        operation_id="setDepartmentWebhook",
        summary="Set where a department's system takes webhooks",
        responses={
            **_FORBIDDEN,
            404: problem_spec("No such department in the catalog"),
            422: problem_spec("Invalid URL or secret"),
        },
    )
    async def set_webhook(
        self,
        *,
        department: FromPath[str],
        data: JSONBody[EndpointSet],
        caller: CallerDep,
        db_session: DbSession,
        state: State,
    ) -> EndpointView:
        """Create or replace the endpoint. Deliveries are signed with the secret
        (HMAC-SHA256 over `<timestamp>.<body>`); it is stored encrypted and never returned."""
        by = require_admin(caller)
        return await webhooks.set_endpoint(
            db_session,
            state.identity.cipher,
            state.catalog,
            department,
            data,
            by=by,
            now=datetime.now(UTC),
        )

    @get(
        "/departments/{department:str}/webhook",
        operation_id="getDepartmentWebhook",
        summary="A department's webhook endpoint (without its secret)",
        responses={**_FORBIDDEN, 404: problem_spec("No endpoint set")},
    )
    async def get_webhook(
        self, department: FromPath[str], caller: CallerDep, db_session: DbSession
    ) -> EndpointView:
        """The URL and when it was last set, by whom."""
        require_admin(caller)
        return await webhooks.get_endpoint(db_session, department)

    @get(
        "/webhooks/dead-letters",
        operation_id="listWebhookDeadLetters",
        summary="Webhook events whose last delivery attempt failed",
        responses=_FORBIDDEN,
    )
    async def list_dead_letters(
        self,
        *,
        caller: CallerDep,
        db_session: DbSession,
        department: FromQuery[str | None] = None,
        client_id: FromQuery[str | None] = None,
        after: FromQuery[uuid.UUID | None] = None,
        limit: Limit = 50,
    ) -> DeadLetterPage:
        """Oldest first, with the attempts made and the last error, of departments' systems
        and mini-apps (`department` or `client_id` narrows to one); `after` is the last event
        id of the previous page."""
        require_admin(caller)
        return await webhooks.dead_letters(
            db_session, department=department, client_id=client_id, after=after, limit=limit
        )

    @post(
        "/webhooks/dead-letters/{event_id:uuid}/replay",
        operation_id="replayWebhookDeadLetter",
        summary="Deliver a dead webhook event again",
        status_code=202,
        responses={**_FORBIDDEN, 404: problem_spec("No such dead letter")},
    )
    async def replay(
        self, event_id: FromPath[uuid.UUID], caller: CallerDep, db_session: DbSession
    ) -> DeadLetter:
        """The event gets a fresh attempt budget and its delivery job is queued now (same
        event id: a receiver that already acted on it acts no more)."""
        require_admin(caller)
        return await webhooks.replay(db_session, event_id)
