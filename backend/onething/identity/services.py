"""Accounts: creation, look-up by phone or ID number (blind index), real-name fields."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from sqlalchemy import select

from onething.catalog.codes import is_mainland_mobile, is_valid_id_number
from onething.identity.crypto import normalise_id_number, normalise_phone
from onething.identity.models import ROLES, User

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from onething.identity.context import IdentityContext
    from onething.identity.crypto import FieldCipher

PHONE_PURPOSE: Final = "phone"
ID_NUMBER_PURPOSE: Final = "id_number"


class InvalidAccountDataError(ValueError):
    """A role, department or personal number that cannot be stored as given."""


@dataclass(frozen=True, slots=True)
class RealName:
    """Decrypted personal fields, for the account holder and authorised services only."""

    name: str | None
    id_number: str | None
    phone: str | None


def phone_index(ctx: IdentityContext, phone: str) -> str:
    return ctx.indexer.index(PHONE_PURPOSE, normalise_phone(phone))


def id_number_index(ctx: IdentityContext, id_number: str) -> str:
    return ctx.indexer.index(ID_NUMBER_PURPOSE, normalise_id_number(id_number))


def is_mobile_number(phone: str) -> bool:
    return is_mainland_mobile(normalise_phone(phone))


def _context(user_id: uuid.UUID, column: str) -> str:
    return f"users.{column}:{user_id}"


def new_user(
    ctx: IdentityContext,
    *,
    role: str = "resident",
    department_code: str | None = None,
    phone: str | None = None,
    name: str | None = None,
    id_number: str | None = None,
) -> User:
    """A user row with personal fields sealed to this row's id (not yet added to a session)."""
    if role not in ROLES:
        msg = f"unknown role {role!r}"
        raise InvalidAccountDataError(msg)
    if (role == "clerk") != (department_code is not None):
        msg = "a clerk needs a department, and only a clerk has one"
        raise InvalidAccountDataError(msg)
    user = User(id=uuid.uuid4(), role=role, department_code=department_code)
    if phone is not None:
        set_phone(ctx, user, phone)
    set_real_name(ctx, user, name=name, id_number=id_number)
    return user


def set_phone(ctx: IdentityContext, user: User, phone: str) -> None:
    if not is_mobile_number(phone):
        msg = "not a mainland mobile number"
        raise InvalidAccountDataError(msg)
    digits = normalise_phone(phone)
    user.phone_encrypted = ctx.cipher.encrypt(digits, context=_context(user.id, "phone"))
    user.phone_index = phone_index(ctx, digits)


def set_real_name(
    ctx: IdentityContext, user: User, *, name: str | None, id_number: str | None
) -> None:
    if name is not None:
        user.name_encrypted = ctx.cipher.encrypt(name.strip(), context=_context(user.id, "name"))
    if id_number is not None:
        canonical = normalise_id_number(id_number)
        if not is_valid_id_number(canonical):
            msg = "not a valid resident ID number (GB 11643)"
            raise InvalidAccountDataError(msg)
        user.id_number_encrypted = ctx.cipher.encrypt(
            canonical, context=_context(user.id, "id_number")
        )
        user.id_number_index = id_number_index(ctx, canonical)


def display_name(cipher: FieldCipher, user: User) -> str | None:
    """The account's recorded name only (for showing who acted), without the other fields."""
    if user.name_encrypted is None:
        return None
    return cipher.decrypt(user.name_encrypted, context=_context(user.id, "name"))


async def display_names(
    session: AsyncSession, cipher: FieldCipher, ids: set[uuid.UUID], *, role: str | None = None
) -> dict[uuid.UUID, str]:
    """Recorded names of these accounts (of `role` only, when given); nameless ones left out."""
    if not ids:
        return {}
    query = select(User).where(User.id.in_(ids))
    if role is not None:
        query = query.where(User.role == role)
    rows = (await session.execute(query)).scalars().all()
    return {row.id: name for row in rows if (name := display_name(cipher, row))}


def real_name(ctx: IdentityContext, user: User) -> RealName:
    def open_(value: str | None, column: str) -> str | None:
        if value is None:
            return None
        return ctx.cipher.decrypt(value, context=_context(user.id, column))

    return RealName(
        name=open_(user.name_encrypted, "name"),
        id_number=open_(user.id_number_encrypted, "id_number"),
        phone=open_(user.phone_encrypted, "phone"),
    )


async def find_by_phone(session: AsyncSession, ctx: IdentityContext, phone: str) -> User | None:
    result = await session.execute(select(User).where(User.phone_index == phone_index(ctx, phone)))
    return result.scalar_one_or_none()


async def find_by_id_number(
    session: AsyncSession, ctx: IdentityContext, id_number: str
) -> User | None:
    result = await session.execute(
        select(User).where(User.id_number_index == id_number_index(ctx, id_number))
    )
    return result.scalar_one_or_none()


async def resident_for_phone(session: AsyncSession, ctx: IdentityContext, phone: str) -> User:
    """The account a verified phone signs in to; a first login creates a resident account."""
    user = await find_by_phone(session, ctx, phone)
    if user is None:
        user = new_user(ctx, role="resident", phone=phone)
        session.add(user)
        await session.flush()
    return user
