"""Sharing grants: a holder (or a child's guardian) lets another person, or a mini-app client,
use one license for one bundle during a period; grants are listed and revocable. The one rule
for reuse is here: `usable_by` — the holder, a guardian, or an active grant for the purpose."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING, Final

from sqlalchemy import ColumnElement, Uuid, and_, cast, exists, or_, select
from sqlalchemy.dialects.postgresql import array

from onething.core.errors import NOT_FOUND, VALIDATION, FieldError, ProblemError
from onething.identity.crypto import normalise_id_number
from onething.identity.models import OAuthClient, User
from onething.identity.services import ID_NUMBER_PURPOSE
from onething.licenses.models import License, LicenseEvent, LicenseGrant, LicenseStatus
from onething.licenses.schemas import GrantCreate, GrantView

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from onething.identity.access import Caller
    from onething.licenses.context import LicensesContext

MAX_GRANT: Final = dt.timedelta(days=366)


def _invalid(field: str, code: str, zh: str, en: str) -> ProblemError:
    return ProblemError(
        VALIDATION, errors=[FieldError(field=field, code=code, message_zh=zh, message_en=en)]
    )


async def active_grant_for(
    session: AsyncSession,
    license_id: uuid.UUID,
    *,
    user_id: uuid.UUID | None = None,
    client_id: str | None = None,
    purpose: str | None,
    now: dt.datetime,
) -> LicenseGrant | None:
    """An unrevoked grant of this license to the user (or client) in force now, for the
    purpose (any purpose when None)."""
    if user_id is None and client_id is None:
        return None
    query = select(LicenseGrant).where(
        LicenseGrant.license_id == license_id,
        LicenseGrant.revoked_at.is_(None),
        LicenseGrant.valid_from <= now,
        LicenseGrant.valid_until > now,
        LicenseGrant.grantee_user_id == user_id
        if user_id is not None
        else LicenseGrant.grantee_client_id == client_id,
    )
    if purpose is not None:
        query = query.where(LicenseGrant.purpose == purpose)
    return (await session.execute(query.limit(1))).scalar_one_or_none()


async def usable_by(
    session: AsyncSession,
    row: License,
    *,
    user_id: uuid.UUID | None,
    client_id: str | None = None,
    purpose: str,
    now: dt.datetime,
) -> bool:
    """May this person (or client) use the license as a material or for prefill in an
    application of `purpose`? Only a valid license, only its holder, a guardian, or under an
    active grant for that bundle."""
    if row.status != LicenseStatus.VALID:
        return False
    if user_id is not None and (row.holder_user_id == user_id or user_id in row.guardian_ids):
        return True
    grant = await active_grant_for(
        session, row.id, user_id=user_id, client_id=client_id, purpose=purpose, now=now
    )
    return grant is not None


def usable_condition(
    user_id: uuid.UUID | ColumnElement[uuid.UUID],
    *,
    purpose: str | ColumnElement[str],
    now: dt.datetime | ColumnElement[dt.datetime],
) -> ColumnElement[bool]:
    """`usable_by` as one SQL condition on `License`, for lists and checks of many licenses
    in one statement (a submission re-checks every license standing in for a material). The
    values may be bound parameters (`bindparam`), for a statement compiled once."""
    granted = exists().where(
        LicenseGrant.license_id == License.id,
        LicenseGrant.grantee_user_id == user_id,
        LicenseGrant.purpose == purpose,
        LicenseGrant.revoked_at.is_(None),
        LicenseGrant.valid_from <= now,
        LicenseGrant.valid_until > now,
    )
    return and_(
        License.status == LicenseStatus.VALID.value,
        or_(
            License.holder_user_id == user_id,
            License.guardian_ids.contains(array([cast(user_id, Uuid)])),
            granted,
        ),
    )


def _view(grant: LicenseGrant, now: dt.datetime) -> GrantView:
    return GrantView(
        id=grant.id,
        license_id=grant.license_id,
        purpose=grant.purpose,
        grantee_user_id=grant.grantee_user_id,
        grantee_client_id=grant.grantee_client_id,
        grantee_name=None,
        valid_from=grant.valid_from,
        valid_until=grant.valid_until,
        revoked_at=grant.revoked_at,
        active=grant.revoked_at is None and grant.valid_from <= now < grant.valid_until,
    )


async def _own_license(session: AsyncSession, user_id: uuid.UUID, license_id: uuid.UUID) -> License:
    row = await session.get(License, license_id)
    if row is None or not (row.holder_user_id == user_id or user_id in row.guardian_ids):
        raise ProblemError(NOT_FOUND)
    return row


async def create_grant(
    session: AsyncSession,
    ctx: LicensesContext,
    *,
    grantor: uuid.UUID,
    caller: Caller,
    license_id: uuid.UUID,
    data: GrantCreate,
    now: dt.datetime,
) -> GrantView:
    row = await _own_license(session, grantor, license_id)
    if data.purpose not in ctx.catalog.bundles:
        raise _invalid(
            "purpose", "unknown_bundle", "用途应为一件事的编号", "The purpose is a bundle id"
        )
    until = data.valid_until
    if until.tzinfo is None or not now < until <= now + MAX_GRANT:
        raise _invalid(
            "valid_until",
            "out_of_range",
            "授权截止时间须带时区，晚于现在且不超过一年",
            "valid_until needs a time zone, must be in the future and within a year",
        )
    if (data.grantee_id_number is None) == (data.grantee_client_id is None):
        raise _invalid(
            "grantee_id_number",
            "one_grantee",
            "请指定一位被授权人（身份证号）或一个小程序",
            "Name exactly one grantee: a person's ID number or a client id",
        )
    grantee_user: uuid.UUID | None = None
    if data.grantee_id_number is not None:
        index = ctx.indexer.index(ID_NUMBER_PURPOSE, normalise_id_number(data.grantee_id_number))
        grantee_user = (
            await session.execute(select(User.id).where(User.id_number_index == index))
        ).scalar_one_or_none()
        if grantee_user is None or grantee_user == grantor:
            raise _invalid(
                "grantee_id_number",
                "no_account",
                "未找到该身份证号的实名用户",
                "No other verified account has this ID number",
            )
    elif await session.get(OAuthClient, data.grantee_client_id) is None:
        raise _invalid("grantee_client_id", "unknown_client", "未找到该小程序", "No such client")
    grant = LicenseGrant(
        id=uuid.uuid4(),
        license_id=row.id,
        grantor_id=grantor,
        grantee_user_id=grantee_user,
        grantee_client_id=data.grantee_client_id,
        purpose=data.purpose,
        valid_from=now,
        valid_until=until,
        created_at=now,
    )
    session.add(grant)
    session.add(
        LicenseEvent(
            license_id=row.id,
            at=now,
            kind="grant",
            actor_sub=caller.principal.sub,
            client_id=caller.principal.client_id,
            detail={"grant": str(grant.id), "purpose": data.purpose},
        )
    )
    await session.commit()
    return _view(grant, now)


async def list_grants(
    session: AsyncSession, user_id: uuid.UUID, *, now: dt.datetime
) -> list[GrantView]:
    """Grants I made, and grants made to me."""
    rows = (
        await session.execute(
            select(LicenseGrant)
            .where(or_(LicenseGrant.grantor_id == user_id, LicenseGrant.grantee_user_id == user_id))
            .order_by(LicenseGrant.created_at.desc(), LicenseGrant.id)
        )
    ).scalars()
    return [_view(grant, now) for grant in rows]


async def revoke_grant(
    session: AsyncSession,
    caller: Caller,
    user_id: uuid.UUID,
    grant_id: uuid.UUID,
    *,
    now: dt.datetime,
) -> GrantView:
    """The grantor ends a grant at once (idempotent: revoking twice keeps the first time)."""
    grant = await session.get(LicenseGrant, grant_id, with_for_update=True)
    if grant is None or grant.grantor_id != user_id:
        raise ProblemError(NOT_FOUND)
    if grant.revoked_at is None:
        grant.revoked_at = now
        session.add(
            LicenseEvent(
                license_id=grant.license_id,
                at=now,
                kind="grant_revoked",
                actor_sub=caller.principal.sub,
                client_id=caller.principal.client_id,
                detail={"grant": str(grant.id)},
            )
        )
        await session.commit()
    return _view(grant, now)
