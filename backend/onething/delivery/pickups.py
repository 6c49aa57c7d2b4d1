"""Hall pick-up (到厅领取): a closed parcel of a resident who chose to collect waits at their
service hall under a pickup code; the hall's staff find it by that code or by the resident's
ID number (read off the ID card they show), hand it over, and the tasks inside are done.

Only staff registered for the hall (`delivery_hall_staff`) see its parcels, each with the
resident's name masked; every look-up that finds nothing and every hand-over is recorded."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from typing import TYPE_CHECKING, Final

from sqlalchemy import select

from onething.applications.access import WRITE, Who
from onething.applications.catalogs import catalog_for
from onething.applications.models import Application
from onething.applications.sealing import seal, unseal
from onething.applications.states import Actor
from onething.applications.timeline import record
from onething.catalog.codes import is_valid_id_number
from onething.core.errors import (
    CONFLICT,
    NOT_FOUND,
    VALIDATION,
    FieldError,
    ProblemError,
)
from onething.delivery.hall_staff import require_hall_staff
from onething.delivery.halls import HALLS_BY_ID
from onething.delivery.models import Parcel, ParcelItem
from onething.delivery.schemas import HandOver, PickupItemView, PickupLookup, PickupView
from onething.delivery.states import ParcelState
from onething.identity.events import record_event
from onething.identity.models import User
from onething.identity.services import id_number_index, real_name

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from onething.applications.context import ApplicationsContext
    from onething.identity.access import Caller
    from onething.identity.context import IdentityContext
    from onething.identity.crypto import FieldCipher

CODE_TABLE: Final = "delivery_parcels.pickup_code"
CODE_PURPOSE: Final = "delivery.pickup_code"
CODE_DIGITS: Final = 6


def new_pickup_code() -> str:
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def _code_index(ctx: ApplicationsContext, hall: str, code: str) -> str:
    return ctx.indexer.index(CODE_PURPOSE, f"{hall}:{code}")


def pickup_code(cipher: FieldCipher, parcel: Parcel) -> str | None:
    """The code to show the resident (their own view only) while the parcel waits."""
    if parcel.pickup_code_encrypted is None or parcel.state != ParcelState.AT_HALL.value:
        return None
    sealed = unseal(cipher, parcel.pickup_code_encrypted, table=CODE_TABLE, row_id=parcel.id)
    return str(sealed["code"])


async def place_at_hall(
    session: AsyncSession,
    ctx: ApplicationsContext,
    parcel: Parcel,
    hall: str,
    *,
    now: dt.datetime,
) -> None:
    """The closed parcel arrives at the hall: a fresh pickup code (unique among the hall's
    waiting parcels), the timeline, and the resident is told where (never the code itself:
    messages are kept in clear, the code only sealed)."""
    while True:
        code = new_pickup_code()
        index = _code_index(ctx, hall, code)
        taken = await session.scalar(select(Parcel.id).where(Parcel.pickup_code_index == index))
        if taken is None:
            break
    parcel.state = ParcelState.AT_HALL.value
    parcel.hall = hall
    parcel.pickup_code_encrypted = seal(
        ctx.cipher, {"code": code}, table=CODE_TABLE, row_id=parcel.id
    )
    parcel.pickup_code_index = index
    parcel.updated_at = now
    record(
        session,
        application_id=parcel.application_id,
        kind="parcel.at_hall",
        actor_kind=Actor.SYSTEM,
        now=now,
        detail={"parcel": parcel.number, "hall": hall},
    )
    application = await session.get(Application, parcel.application_id)
    if application is None:
        return
    from onething.notify.services import notify

    where = HALLS_BY_ID[hall]
    await notify(
        session,
        application.owner_id,
        "parcel.at_hall",
        {"parcel": parcel.number, "hall_zh": where.name_zh, "hall_en": where.name_en},
        application_id=application.id,
        now=now,
    )


# --- the hall's side -----------------------------------------------------------------------


def _invalid(field: str, code: str, zh: str, en: str) -> ProblemError:
    return ProblemError(
        VALIDATION, errors=[FieldError(field=field, code=code, message_zh=zh, message_en=en)]
    )


def _masked(name: str | None) -> str:
    return f"{name[0]}{'*' * (len(name) - 1)}" if name else "*"


async def _views(
    session: AsyncSession,
    ctx: ApplicationsContext,
    identity: IdentityContext,
    parcels: list[Parcel],
) -> list[PickupView]:
    if not parcels:
        return []
    items = (
        (
            await session.execute(
                select(ParcelItem)
                .where(ParcelItem.parcel_id.in_([p.id for p in parcels]))
                .order_by(ParcelItem.service)
            )
        )
        .scalars()
        .all()
    )
    views = []
    for parcel in parcels:
        application = await session.get(Application, parcel.application_id)
        assert application is not None  # a parcel belongs to an application (FK)
        owner = await session.get(User, application.owner_id)
        catalog = await catalog_for(session, application.catalog_version, ctx.catalog)
        views.append(
            PickupView(
                parcel_id=parcel.id,
                application_id=parcel.application_id,
                number=parcel.number,
                state=parcel.state,
                hall=parcel.hall or "",
                resident=_masked(real_name(identity, owner).name if owner else None),
                waiting_since=parcel.updated_at,
                items=[
                    PickupItemView(
                        service=i.service,
                        name_zh=catalog.services[i.service].name.zh,
                        name_en=catalog.services[i.service].name.en,
                    )
                    for i in items
                    if i.parcel_id == parcel.id
                ],
            )
        )
    return views


async def waiting_at_hall(
    session: AsyncSession,
    *,
    ctx: ApplicationsContext,
    identity: IdentityContext,
    caller: Caller,
    hall: str,
    limit: int,
) -> list[PickupView]:
    """The hall's waiting parcels, longest waiting first."""
    await require_hall_staff(session, caller, hall)
    parcels = (
        (
            await session.execute(
                select(Parcel)
                .where(Parcel.hall == hall, Parcel.state == ParcelState.AT_HALL.value)
                .order_by(Parcel.updated_at, Parcel.id)
                .limit(limit)
            )
        )
        .scalars()
        .all()
    )
    return await _views(session, ctx, identity, list(parcels))


def _proof_errors(data: PickupLookup | HandOver) -> list[FieldError]:
    if (data.pickup_code is None) == (data.id_number is None):
        return [
            FieldError(
                field="pickup_code",
                code="pickup.proof_required",
                message_zh="请填写取件码或领取人（申请人）的身份证号码，二选一",
                message_en="Give either the pickup code or the applicant's ID number",
            )
        ]
    if data.pickup_code is not None and not (
        len(data.pickup_code) == CODE_DIGITS and data.pickup_code.isdigit()
    ):
        return [
            FieldError(
                field="pickup_code",
                code="pickup.code_format",
                message_zh=f"取件码是 {CODE_DIGITS} 位数字",
                message_en=f"A pickup code has {CODE_DIGITS} digits",
            )
        ]
    if data.id_number is not None and not is_valid_id_number(data.id_number):
        return [
            FieldError(
                field="id_number",
                code="id_number.invalid",
                message_zh="身份证号码不正确",
                message_en="Not a valid ID number",
            )
        ]
    return []


async def _matching(
    session: AsyncSession,
    ctx: ApplicationsContext,
    identity: IdentityContext,
    hall: str,
    data: PickupLookup | HandOver,
) -> list[Parcel]:
    """The hall's waiting parcels that the code or the ID number opens."""
    query = select(Parcel).where(Parcel.hall == hall, Parcel.state == ParcelState.AT_HALL.value)
    if data.pickup_code is not None:
        query = query.where(Parcel.pickup_code_index == _code_index(ctx, hall, data.pickup_code))
    else:
        assert data.id_number is not None
        query = (
            query.join(Application, Application.id == Parcel.application_id)
            .join(User, User.id == Application.owner_id)
            .where(User.id_number_index == id_number_index(identity, data.id_number))
        )
    rows = (await session.execute(query.order_by(Parcel.updated_at))).scalars().all()
    return list(rows)


async def look_up(
    session: AsyncSession,
    *,
    ctx: ApplicationsContext,
    identity: IdentityContext,
    caller: Caller,
    hall: str,
    data: PickupLookup,
) -> list[PickupView]:
    """What the code or the ID number opens at this hall (empty: nothing waiting — and the
    miss is recorded, so guessing codes leaves a trace)."""
    await require_hall_staff(session, caller, hall)
    errors = _proof_errors(data)
    if errors:
        raise ProblemError(VALIDATION, errors=errors)
    found = await _matching(session, ctx, identity, hall, data)
    if not found:
        record_event(
            session,
            "delivery.pickup_lookup_missed",
            user_id=caller.user_id,
            client_id=caller.principal.client_id,
            detail={"hall": hall, "by": "pickup_code" if data.pickup_code else "id_number"},
        )
        await session.commit()
    return await _views(session, ctx, identity, found)


async def hand_over(
    session: AsyncSession,
    *,
    ctx: ApplicationsContext,
    identity: IdentityContext,
    caller: Caller,
    hall: str,
    parcel_id: uuid.UUID,
    data: HandOver,
    now: dt.datetime,
) -> PickupView:
    """Hand the parcel over: the code or the applicant's ID number must open it. The tasks
    inside are done; the resident is told."""
    from onething.delivery.parcels import complete_parcel_tasks

    await require_hall_staff(session, caller, hall, scope=WRITE)
    parcel = (
        await session.execute(
            select(Parcel).where(Parcel.id == parcel_id, Parcel.hall == hall).with_for_update()
        )
    ).scalar_one_or_none()
    if parcel is None:
        raise ProblemError(NOT_FOUND)
    if parcel.state != ParcelState.AT_HALL.value:
        raise ProblemError(
            CONFLICT,
            detail_zh="该邮件不在待领取状态（可能已领取或已改为邮寄）",
            detail_en="This parcel is not waiting for collection (collected, or re-routed)",
        )
    errors = _proof_errors(data)
    if errors:
        raise ProblemError(VALIDATION, errors=errors)
    if parcel.id not in {p.id for p in await _matching(session, ctx, identity, hall, data)}:
        field = "pickup_code" if data.pickup_code is not None else "id_number"
        raise _invalid(
            field,
            "pickup.mismatch",
            "取件码或身份证号码与该邮件不符",
            "The pickup code or ID number does not match this parcel",
        )
    parcel.state = ParcelState.COLLECTED.value
    parcel.pickup_code_index = None  # the code may be given out again
    parcel.updated_at = now
    record(
        session,
        application_id=parcel.application_id,
        kind="parcel.collected",
        actor_kind=Actor.SERVICE_HALL,
        who=Who.of(caller),
        now=now,
        detail={
            "parcel": parcel.number,
            "hall": hall,
            "proof": "pickup_code" if data.pickup_code is not None else "id_number",
            "collector": data.collector,
        },
    )
    await complete_parcel_tasks(
        session, parcel, now, detail={"collected_from_parcel": parcel.number}
    )
    application = await session.get(Application, parcel.application_id)
    if application is not None:
        from onething.notify.services import notify

        where = HALLS_BY_ID[hall]
        await notify(
            session,
            application.owner_id,
            "parcel.collected",
            {"parcel": parcel.number, "hall_zh": where.name_zh, "hall_en": where.name_en},
            application_id=application.id,
            now=now,
        )
    [view] = await _views(session, ctx, identity, [parcel])
    await session.commit()
    return view
