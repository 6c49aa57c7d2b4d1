"""Who works at a service hall's collection window: registered by an operator (`onething
halls …`), checked on every hall route."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Final

from sqlalchemy import delete, select

from onething.applications.access import READ
from onething.core.errors import FORBIDDEN, NOT_FOUND, ProblemError
from onething.delivery.halls import HALLS_BY_ID
from onething.delivery.models import HallStaff
from onething.identity.services import find_by_phone, new_user

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from onething.identity.access import Caller
    from onething.identity.context import IdentityContext

STAFF_ROLES: Final = frozenset({"agent", "clerk"})


class HallStaffError(ValueError):
    """An operator's request that cannot be done (unknown hall, a resident's account)."""


async def require_hall_staff(
    session: AsyncSession, caller: Caller, hall: str, *, scope: str = READ
) -> None:
    """404 for an unknown hall; 403 unless the caller works there, with their own token (an
    agent's token delegated by a resident is not the hall's) carrying `scope`."""
    if hall not in HALLS_BY_ID:
        raise ProblemError(NOT_FOUND)
    principal = caller.principal
    allowed = (
        caller.user_id is not None
        and principal.act is None
        and caller.role in STAFF_ROLES
        and scope in principal.scopes
        and await session.get(HallStaff, (caller.user_id, hall)) is not None
    )
    if not allowed:
        raise ProblemError(
            FORBIDDEN,
            detail_zh="只有该服务大厅出证窗口的工作人员可以办理领取。",
            detail_en="Only the staff of this service hall's collection window may do this.",
        )


async def add_staff(
    session: AsyncSession, identity: IdentityContext, *, phone: str, hall: str, now: datetime
) -> tuple[uuid.UUID, bool]:
    """Register the account with this mobile number at the hall (an `agent` account is made
    when none exists). (user id, newly added?)"""
    if hall not in HALLS_BY_ID:
        msg = f"no service hall {hall!r}"
        raise HallStaffError(msg)
    user = await find_by_phone(session, identity, phone)
    if user is None:
        user = new_user(identity, role="agent", phone=phone)
        session.add(user)
        await session.flush()
    elif user.role not in STAFF_ROLES:
        msg = f"the account of {phone} is a {user.role}'s: only agents and clerks staff a hall"
        raise HallStaffError(msg)
    if await session.get(HallStaff, (user.id, hall)) is not None:
        return user.id, False
    session.add(HallStaff(user_id=user.id, hall=hall, created_at=now))
    return user.id, True


async def remove_staff(
    session: AsyncSession, identity: IdentityContext, *, phone: str, hall: str
) -> bool:
    user = await find_by_phone(session, identity, phone)
    if user is None:
        return False
    removed = await session.execute(
        delete(HallStaff).where(HallStaff.user_id == user.id, HallStaff.hall == hall)
    )
    return bool(getattr(removed, "rowcount", 0))


async def staff_of(session: AsyncSession, hall: str) -> list[uuid.UUID]:
    rows = await session.execute(
        select(HallStaff.user_id).where(HallStaff.hall == hall).order_by(HallStaff.created_at)
    )
    return list(rows.scalars())
