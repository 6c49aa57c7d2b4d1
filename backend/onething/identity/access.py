"""Object authorisation decided in one place: every service asks `can_access` before it reads
or changes a resident's object (ARCHITECTURE decision 6: checked per object, not by route)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, Final

from litestar import Request
from sqlalchemy import select

from onething.core.errors import FORBIDDEN, NOT_FOUND, ProblemError
from onething.identity.delegations import split_scope
from onething.identity.deps import DbSession
from onething.identity.guards import admit
from onething.identity.models import OAuthClient, User
from onething.identity.tokens import Principal


@dataclass(frozen=True, slots=True)
class Caller:
    """The principal with what the account table adds: role and department. `user_id` is
    the subject's account (the resident, for a delegated token); None for a client acting as
    itself (client_credentials)."""

    principal: Principal
    user_id: uuid.UUID | None
    role: str | None
    department_code: str | None
    # The token's client is a registered third party (a mini-app), not the platform's own.
    third_party: bool = False


@dataclass(frozen=True, slots=True)
class Resource:
    """What the rules need to know about an object: whose it is, which bundle it belongs to,
    and which department it is assigned to (for a task)."""

    owner_id: uuid.UUID
    bundle: str | None = None
    department_code: str | None = None
    # The mini-app the object was launched through; None where no mini-app may touch it.
    launched_by: str | None = None


def can_access(caller: Caller, resource: Resource, *, scope: str) -> bool:
    """The rule, for reads and writes alike:

    - the token must carry `scope`;
    - a mini-app's token (third party, the resident's consent): only the resident's objects
      launched through that mini-app (consent withdrawal revokes its tokens at once);
    - a resident's own token: only their own objects;
    - a delegated token (`act`): the resident's objects in a bundle the token names — the
      delegation itself was re-checked when the token was accepted;
    - a clerk: objects assigned to their department;
    - anyone else (admins, clients acting as themselves): nothing, until a rule says so.
    """
    principal = caller.principal
    if scope not in principal.scopes or caller.user_id is None:
        return False
    if caller.third_party:
        return (
            principal.act is None
            and caller.role == "resident"
            and caller.user_id == resource.owner_id
            and resource.launched_by == principal.client_id
        )
    if principal.act is not None:
        bundles, _ = split_scope(" ".join(principal.scopes))
        return (
            caller.user_id == resource.owner_id
            and resource.bundle is not None
            and resource.bundle in bundles
        )
    if caller.role == "resident":
        return caller.user_id == resource.owner_id
    if caller.role == "clerk":
        return (
            caller.department_code is not None
            and resource.department_code == caller.department_code
        )
    return False


def require_access(caller: Caller, resource: Resource, *, scope: str) -> None:
    """Refuse with 404, not 403: a caller must not learn that someone else's object exists."""
    if not can_access(caller, resource, scope=scope):
        raise ProblemError(NOT_FOUND)


async def caller_of(db: DbSession, principal: Principal) -> Caller:
    try:
        user_id: uuid.UUID | None = uuid.UUID(principal.sub)
    except ValueError:
        user_id = None
    if user_id is None:
        return Caller(principal, None, None, None)
    # One statement: the account, and whether the token's client is one of ours.
    first_party = (
        select(OAuthClient.first_party)
        .where(OAuthClient.client_id == principal.client_id)
        .scalar_subquery()
    )
    row = (await db.execute(select(User, first_party).where(User.id == user_id))).one_or_none()
    if row is None or row[0].disabled_at is not None:
        return Caller(principal, None, None, None)
    user = row[0]
    return Caller(
        principal, user.id, user.role, user.department_code, third_party=row[1] is not True
    )


async def current_caller(request: Request[Any, Any, Any], db_session: DbSession) -> Caller:
    """Litestar dependency: `dependencies={"caller": Provide(current_caller)}`. The account
    comes from the request gate's statement (`admit`), not from a look-up of its own."""
    admitted = await admit(request, db_session)
    account = admitted.account
    if account is None:
        return Caller(admitted.principal, None, None, None)
    return Caller(
        admitted.principal,
        account.id,
        account.role,
        account.department_code,
        third_party=not account.first_party_client,
    )


ADMIN_SCOPE: Final = "admin"


def require_admin(caller: Caller) -> str:
    """An administrator's own token with the `admin` scope; returns who, for the record."""
    principal = caller.principal
    if caller.role != "admin" or ADMIN_SCOPE not in principal.scopes or principal.act:
        raise ProblemError(
            FORBIDDEN,
            detail_zh="只有平台管理员可以进行此操作。",
            detail_en="Only a platform administrator may do this.",
        )
    return principal.sub
