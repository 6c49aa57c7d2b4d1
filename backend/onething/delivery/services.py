"""The delivery choice: recorded with the submission, read and changed by the resident while
nothing is with the courier. (Consolidation and tracking live in parcels.py.)"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Final

from sqlalchemy import select

from onething.applications.access import READ, WRITE, Who, require_owner
from onething.applications.models import Application
from onething.applications.sealing import seal, unseal
from onething.applications.states import Actor
from onething.applications.timeline import record
from onething.catalog.codes import region_name
from onething.core.errors import CONFLICT, NOT_FOUND, VALIDATION, ProblemError
from onething.core.jobs import enqueue_many
from onething.delivery.choices import CheckedChoice, check_choice
from onething.delivery.models import DeliveryChoice, Parcel, ParcelItem
from onething.delivery.pickups import pickup_code
from onething.delivery.schemas import (
    DeliveryChoiceIn,
    DeliveryChoiceView,
    DeliveryView,
    ParcelItemView,
    ParcelView,
)
from onething.delivery.states import ON_ITS_WAY, ParcelState

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from onething.applications.timeline import Adds
    from onething.identity.access import Caller
    from onething.identity.crypto import FieldCipher

ADDRESS_TABLE: Final = "delivery_choices.address"


def record_choice(
    session: Adds,
    cipher: FieldCipher,
    application_id: uuid.UUID,
    checked: CheckedChoice,
    *,
    who: Who,
    now: datetime,
    previous: DeliveryChoice | None = None,
) -> DeliveryChoice:
    """Write (or overwrite) the choice and its timeline event, in the caller's transaction."""
    row = previous or DeliveryChoice(application_id=application_id, version=0)
    row.method = checked.method
    row.region_code = checked.region_code
    row.hall = checked.hall
    row.address_encrypted = (
        seal(cipher, checked.address, table=ADDRESS_TABLE, row_id=application_id)
        if checked.address is not None
        else None
    )
    row.version += 1
    row.updated_at = now
    if previous is None:
        session.add(row)
    detail: dict[str, object] = {"method": checked.method}
    if checked.hall:
        detail["hall"] = checked.hall
    record(
        session,
        application_id=application_id,
        kind="delivery.chosen" if previous is None else "delivery.changed",
        actor_kind=Actor.RESIDENT,
        who=who,
        now=now,
        detail=detail,
    )
    return row


async def _owned(
    session: AsyncSession, caller: Caller, application_id: uuid.UUID, *, scope: str
) -> Application:
    application = await session.get(Application, application_id)
    if application is None:
        raise ProblemError(NOT_FOUND)
    require_owner(caller, application.owner_id, application.bundle, scope=scope)
    return application


async def parcels_of(
    session: AsyncSession, application_id: uuid.UUID
) -> list[tuple[Parcel, list[ParcelItem]]]:
    parcels = (
        (
            await session.execute(
                select(Parcel)
                .where(Parcel.application_id == application_id)
                .order_by(Parcel.number)
            )
        )
        .scalars()
        .all()
    )
    if not parcels:
        return []
    items = (
        (
            await session.execute(
                select(ParcelItem)
                .where(ParcelItem.parcel_id.in_([p.id for p in parcels]))
                .order_by(ParcelItem.ready_at, ParcelItem.service)
            )
        )
        .scalars()
        .all()
    )
    return [(p, [i for i in items if i.parcel_id == p.id]) for p in parcels]


def _choice_view(cipher: FieldCipher, row: DeliveryChoice) -> DeliveryChoiceView:
    address = (
        unseal(cipher, row.address_encrypted, table=ADDRESS_TABLE, row_id=row.application_id)
        if row.address_encrypted
        else {}
    )
    region = region_name(row.region_code) if row.region_code else None
    return DeliveryChoiceView(
        method=row.method,
        recipient=address.get("recipient"),
        phone=address.get("phone"),
        region=row.region_code,
        region_name=region.full_name if region else None,
        address=address.get("address"),
        hall=row.hall,
        version=row.version,
        updated_at=row.updated_at,
    )


async def delivery_view(
    session: AsyncSession, cipher: FieldCipher, application_id: uuid.UUID
) -> DeliveryView:
    choice = await session.get(DeliveryChoice, application_id)
    parcels = await parcels_of(session, application_id)
    return DeliveryView(
        application_id=application_id,
        choice=_choice_view(cipher, choice) if choice else None,
        changeable=not any(ParcelState(p.state) in ON_ITS_WAY for p, _ in parcels),
        parcels=[
            ParcelView(
                id=p.id,
                number=p.number,
                state=p.state,
                ship_on=p.ship_on,
                courier=p.courier,
                tracking_number=p.tracking_number,
                items=[
                    ParcelItemView(task_id=i.task_id, service=i.service, ready_at=i.ready_at)
                    for i in items
                ],
                hall=p.hall,
                pickup_code=pickup_code(cipher, p),
            )
            for p, items in parcels
        ],
    )


async def get_delivery(
    session: AsyncSession, cipher: FieldCipher, caller: Caller, application_id: uuid.UUID
) -> DeliveryView:
    application = await _owned(session, caller, application_id, scope=READ)
    return await delivery_view(session, cipher, application.id)


async def change_choice(
    session: AsyncSession,
    cipher: FieldCipher,
    caller: Caller,
    application_id: uuid.UUID,
    data: DeliveryChoiceIn,
    *,
    now: datetime,
) -> DeliveryView:
    """Set or change the choice; 409 while a parcel is with the courier. A returned parcel is
    re-sent to the corrected address."""
    application = await _owned(session, caller, application_id, scope=WRITE)
    checked, errors = check_choice(data, prefix="delivery")
    if checked is None:
        raise ProblemError(VALIDATION, errors=errors)
    # Lock the choice row (if any): two changes at once serialise here.
    previous = (
        await session.execute(
            select(DeliveryChoice)
            .where(DeliveryChoice.application_id == application.id)
            .with_for_update()
        )
    ).scalar_one_or_none()
    parcels = await parcels_of(session, application.id)
    if any(ParcelState(p.state) in ON_ITS_WAY for p, _ in parcels):
        raise ProblemError(
            CONFLICT,
            detail_zh="已有邮件在寄送途中，暂时不能修改收件方式或地址",
            detail_en="A parcel is on its way; the delivery choice cannot change now",
        )
    record_choice(
        session, cipher, application.id, checked, who=Who.of(caller), now=now, previous=previous
    )
    from onething.delivery.jobs import ORDER, ParcelRef
    from onething.delivery.parcels import reroute

    moved = await reroute(session, application.id, now=now)
    await enqueue_many(session, ORDER, [ParcelRef(parcel_id=p) for p in moved])
    await session.commit()
    return await delivery_view(session, cipher, application.id)
