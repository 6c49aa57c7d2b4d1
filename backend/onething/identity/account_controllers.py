"""`/api/v1/me`: who the presented access token speaks for (and who acts, when delegated)."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, get
from litestar.di import NamedDependency, Provide

from onething.identity.access import caller_of
from onething.identity.deps import DbSession
from onething.identity.guards import current_principal
from onething.identity.tokens import Principal


class Me(msgspec.Struct, kw_only=True, omit_defaults=True):
    """The caller as the API sees it."""

    sub: str
    client_id: str
    scopes: list[str]
    act: dict[str, Any] | None = None
    # The subject's account: role (resident, agent, clerk, admin) and a clerk's department,
    # so a client can show the screens the API will let it use.
    role: str | None = None
    department: str | None = None


class MeController(Controller):
    path = "/me"
    tags = ["identity"]  # noqa: RUF012
    dependencies = {"principal": Provide(current_principal)}  # noqa: RUF012

    @get(operation_id="getMe", summary="The caller behind the access token")
    async def me(self, principal: NamedDependency[Principal], db_session: DbSession) -> Me:
        """Subject, client, scopes and `act` of the bearer access token, with the subject's
        role and department. Refuses tokens in the URL, tokens for another audience, and
        revoked or expired tokens (401)."""
        caller = await caller_of(db_session, principal)
        return Me(
            sub=principal.sub,
            client_id=principal.client_id,
            scopes=sorted(principal.scopes),
            act=principal.act,
            role=caller.role,
            department=caller.department_code,
        )
