"""Resident-facing delivery routes: the choice and the parcels of an application, and the
service halls to collect at."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from litestar import Controller, get, put
from litestar.params import FromPath, JSONBody

from onething.applications.controllers import DEPENDENCIES, Apps, CallerDep, problem_spec
from onething.delivery.halls import SERVICE_HALLS
from onething.delivery.schemas import DeliveryChoiceIn, DeliveryView, ServiceHallView
from onething.delivery.services import change_choice, get_delivery
from onething.identity.deps import DbSession


class DeliveryController(Controller):
    path = "/applications/{application_id:uuid}/delivery"
    tags = ["delivery"]  # noqa: RUF012
    dependencies = DEPENDENCIES

    @get(
        operation_id="getDelivery",
        summary="How the paper outputs reach me, and which are in which parcel",
        responses={404: problem_spec("No such application of yours")},
    )
    async def get_delivery(
        self,
        application_id: FromPath[uuid.UUID],
        caller: CallerDep,
        apps: Apps,
        db_session: DbSession,
    ) -> DeliveryView:
        """The choice (mail home or collect at a hall) and every parcel with its items,
        state and tracking number."""
        return await get_delivery(db_session, apps.cipher, caller, application_id)

    @put(
        operation_id="setDelivery",
        summary="Choose or change mail-home / collect-at-hall",
        responses={
            404: problem_spec("No such application of yours"),
            409: problem_spec("A parcel is with the courier"),
            422: problem_spec("Invalid recipient, phone, region, address or hall"),
        },
    )
    async def set_delivery(
        self,
        *,
        application_id: FromPath[uuid.UUID],
        data: JSONBody[DeliveryChoiceIn],
        caller: CallerDep,
        apps: Apps,
        db_session: DbSession,
    ) -> DeliveryView:
        """Allowed until a parcel is handed to the courier; after a parcel came back
        (returned), the corrected address re-sends it."""
        return await change_choice(
            db_session, apps.cipher, caller, application_id, data, now=datetime.now(UTC)
        )


class ServiceHallController(Controller):
    path = "/service-halls"
    tags = ["delivery"]  # noqa: RUF012

    @get(
        operation_id="listServiceHalls", summary="Service halls to collect at", sync_to_thread=False
    )
    def list_halls(self) -> list[ServiceHallView]:
        """Where paper outputs can be collected instead of mailed (public, no login)."""
        return [
            ServiceHallView(**{f: getattr(h, f) for f in h.__struct_fields__})
            for h in SERVICE_HALLS
        ]
