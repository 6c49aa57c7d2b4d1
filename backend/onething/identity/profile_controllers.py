"""`/api/v1/me/profile`: the facts the resident asked to have remembered for next time."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, delete, get, put
from litestar.di import NamedDependency, Provide
from litestar.params import JSONBody

from onething.applications.controllers import problem_spec
from onething.identity.consent_controllers import _resident as first_party_resident
from onething.identity.context import identity_context
from onething.identity.deps import Ctx, DbSession
from onething.identity.guards import current_principal
from onething.identity.profiles import facts_of, forget_profile, read_profile, save_profile
from onething.identity.tokens import Principal

_Value = Annotated[str, msgspec.Meta(max_length=1000)]


class ProfileIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    # By data element id ("mother.phone"): only facts the catalog marks `personal`, outside
    # the life event's own sections; empty values are dropped.
    facts: dict[Annotated[str, msgspec.Meta(max_length=64)], _Value]


class ProfileView(msgspec.Struct, kw_only=True):
    facts: dict[str, str]  # empty, with no dates, when nothing is kept
    consented_at: datetime | None
    updated_at: datetime | None


_NOT_IN_THE_APP = problem_spec("Not the resident's own token from the OneThing app")


class ProfileController(Controller):
    path = "/me/profile"
    tags = ["identity"]  # noqa: RUF012
    dependencies = {  # noqa: RUF012
        "principal": Provide(current_principal),
        "ctx": Provide(identity_context, sync_to_thread=False),
    }

    @get(
        operation_id="getProfile",
        summary="Facts remembered for my next application",
        responses={403: _NOT_IN_THE_APP},
    )
    async def get_profile(
        self, principal: NamedDependency[Principal], db_session: DbSession, ctx: Ctx
    ) -> ProfileView:
        """What the resident asked to be remembered (contact details, addresses), to fill
        the next form with (empty when nothing is kept). The resident's own app only."""
        user = await first_party_resident(db_session, principal)
        row = await read_profile(db_session, user.id)
        if row is None:
            return ProfileView(facts={}, consented_at=None, updated_at=None)
        return ProfileView(
            facts=facts_of(ctx.cipher, row),
            consented_at=row.consented_at,
            updated_at=row.updated_at,
        )

    @put(
        operation_id="saveProfile",
        summary="Remember these facts for next time",
        responses={403: _NOT_IN_THE_APP, 422: problem_spec("A fact that may not be kept")},
    )
    async def save(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[ProfileIn],
        principal: NamedDependency[Principal],
        db_session: DbSession,
        ctx: Ctx,
    ) -> ProfileView:
        """Replaces what is kept (the resident ticked "remember" when submitting). A fact
        that may not be kept (the event's own, or a sensitive number) is refused field by
        field (422, zh-CN and en) and nothing is written."""
        user = await first_party_resident(db_session, principal)
        row = await save_profile(
            db_session,
            ctx.cipher,
            request.app.state.catalog,
            user.id,
            dict(data.facts),
            now=datetime.now(UTC),
        )
        facts = facts_of(ctx.cipher, row)
        await db_session.commit()
        return ProfileView(facts=facts, consented_at=row.consented_at, updated_at=row.updated_at)

    @delete(
        operation_id="forgetProfile",
        summary="Forget the remembered facts",
        responses={403: _NOT_IN_THE_APP},
        status_code=204,
    )
    async def forget(self, principal: NamedDependency[Principal], db_session: DbSession) -> None:
        """Deletes everything kept (done too when nothing was)."""
        user = await first_party_resident(db_session, principal)
        await forget_profile(db_session, user.id)
        await db_session.commit()
