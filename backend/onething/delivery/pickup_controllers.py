"""Routes of a service hall's collection window (出证窗口): the parcels waiting there, finding
one by pickup code or ID number, and handing it over. Hall staff only."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Final

from litestar import Controller, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, FromQuery, JSONBody

from onething.applications.controllers import DEPENDENCIES, Apps, CallerDep, Limit, problem_spec
from onething.delivery import pickups
from onething.delivery.schemas import HandOver, PickupLookup, PickupView
from onething.identity.context import IdentityContext, identity_context
from onething.identity.deps import DbSession

Identity = NamedDependency[IdentityContext]
WITH_IDENTITY: Final = {
    **DEPENDENCIES,
    "identity": Provide(identity_context, sync_to_thread=False),
}
_NOT_STAFF: Final = problem_spec("Not on the staff of this hall's collection window")
_NO_HALL: Final = problem_spec("No such service hall")


class HallPickupController(Controller):
    path = "/service-halls/{hall:str}/pickups"
    tags = ["delivery"]  # noqa: RUF012
    dependencies = WITH_IDENTITY

    @get(
        operation_id="listHallPickups",
        summary="Parcels waiting at this hall for collection",
        responses={403: _NOT_STAFF, 404: _NO_HALL},
    )
    async def waiting(
        self,
        *,
        hall: FromPath[str],
        caller: CallerDep,
        apps: Apps,
        identity: Identity,
        db_session: DbSession,
        limit: FromQuery[Limit] = 50,
    ) -> list[PickupView]:
        """Longest waiting first; the resident's name masked, no ID or phone number."""
        return await pickups.waiting_at_hall(
            db_session, ctx=apps, identity=identity, caller=caller, hall=hall, limit=limit
        )

    @post(
        "/lookup",
        operation_id="lookUpHallPickup",
        summary="Find waiting parcels by pickup code or the applicant's ID number",
        status_code=200,
        responses={
            403: _NOT_STAFF,
            404: _NO_HALL,
            422: problem_spec("Neither or both of code and ID number, or either malformed"),
        },
    )
    async def look_up(
        self,
        *,
        hall: FromPath[str],
        data: JSONBody[PickupLookup],
        caller: CallerDep,
        apps: Apps,
        identity: Identity,
        db_session: DbSession,
    ) -> list[PickupView]:
        """What the 6-digit code, or the ID number on the card the applicant shows, opens at
        this hall. An empty list when nothing waits; every miss is recorded."""
        return await pickups.look_up(
            db_session, ctx=apps, identity=identity, caller=caller, hall=hall, data=data
        )

    @post(
        "/{parcel_id:uuid}/hand-over",
        operation_id="handOverParcel",
        summary="Hand a waiting parcel over to the applicant",
        status_code=200,
        responses={
            403: _NOT_STAFF,
            404: problem_spec("No such hall, or no such parcel at it"),
            409: problem_spec("The parcel is not waiting (collected already, or re-routed)"),
            422: problem_spec("The code or ID number is missing, malformed or does not match"),
        },
    )
    async def hand_over(
        self,
        *,
        hall: FromPath[str],
        parcel_id: FromPath[uuid.UUID],
        data: JSONBody[HandOver],
        caller: CallerDep,
        apps: Apps,
        identity: Identity,
        db_session: DbSession,
    ) -> PickupView:
        """The code or the applicant's ID number must open the parcel. The services inside are
        done, the hand-over (who, where, by which proof) goes on the application's timeline
        with the staff member as actor, and the resident is told."""
        return await pickups.hand_over(
            db_session,
            ctx=apps,
            identity=identity,
            caller=caller,
            hall=hall,
            parcel_id=parcel_id,
            data=data,
            now=datetime.now(UTC),
        )
