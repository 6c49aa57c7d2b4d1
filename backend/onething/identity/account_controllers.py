"""`/api/v1/me`: who the presented access token speaks for (and who acts, when delegated)."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, get
from litestar.di import NamedDependency, Provide

from onething.identity.guards import current_principal
from onething.identity.tokens import Principal


class Me(msgspec.Struct, kw_only=True, omit_defaults=True):
    """The caller as the API sees it."""

    sub: str
    client_id: str
    scopes: list[str]
    act: dict[str, Any] | None = None


class MeController(Controller):
    path = "/me"
    tags = ["identity"]  # noqa: RUF012
    dependencies = {"principal": Provide(current_principal)}  # noqa: RUF012

    @get(operation_id="getMe", summary="The caller behind the access token")
    async def me(self, principal: NamedDependency[Principal]) -> Me:
        """Subject, client, scopes and `act` of the bearer access token. Refuses tokens in the
        URL, tokens for another audience, and revoked or expired tokens (401)."""
        return Me(
            sub=principal.sub,
            client_id=principal.client_id,
            scopes=sorted(principal.scopes),
            act=principal.act,
        )
