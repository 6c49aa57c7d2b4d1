"""Resident-facing delivery routes: the choice and the parcels of an application, and the
service halls to collect at."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import msgspec
from litestar import Controller, Request, get, post, put
from litestar.params import FromPath, JSONBody

from onething.applications.controllers import DEPENDENCIES, Apps, CallerDep
from onething.core.errors import MALFORMED_REQUEST, UNAUTHORIZED, ProblemError
from onething.core.openapi_problems import problem_spec
from onething.core.settings import Settings
from onething.delivery.courier import courier_for
from onething.delivery.halls import SERVICE_HALLS
from onething.delivery.parcels import apply_tracking
from onething.delivery.schemas import (
    DeliveryChoiceIn,
    DeliveryView,
    ServiceHallView,
    TrackingAck,
)
from onething.delivery.services import change_choice, get_delivery
from onething.delivery.signing import SIGNATURE_HEADER, BadSignatureError
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


class CourierWebhookController(Controller):
    path = "/delivery/courier-events"
    tags = ["delivery"]  # noqa: RUF012

    @post(
        operation_id="receiveCourierEvent",
        summary="Tracking callback from the courier (signed)",
        status_code=200,
        responses={
            400: problem_spec("Not a tracking event"),
            401: problem_spec("Missing, wrong or stale X-Courier-Signature; nothing changed"),
        },
    )
    async def receive(self, request: Request[Any, Any, Any], db_session: DbSession) -> TrackingAck:
        """`X-Courier-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>." + body)>`. A
        verified event moves the parcel (picked up → in transit → out for delivery →
        delivered, or returned) and goes on the application's timeline; a repeated event id
        changes nothing."""
        settings: Settings = request.app.state.settings
        body = await request.body()
        courier = courier_for(settings.delivery)
        try:
            update = courier.read_callback(request.headers.get(SIGNATURE_HEADER), body)
        except BadSignatureError as exc:
            raise ProblemError(
                UNAUTHORIZED,
                detail_zh="快递回调签名无效",
                detail_en=f"Courier callback refused: {exc}",
            ) from exc
        except (msgspec.DecodeError, msgspec.ValidationError) as exc:
            raise ProblemError(
                MALFORMED_REQUEST, detail_zh="不是有效的物流事件", detail_en=str(exc)
            ) from exc
        outcome = await apply_tracking(db_session, update, now=datetime.now(UTC))
        await db_session.commit()
        return TrackingAck(outcome=outcome)
