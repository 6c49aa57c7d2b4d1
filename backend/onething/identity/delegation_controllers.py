"""`/api/v1/delegations`: agents record authorisations, residents list and revoke them."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Final, Literal

import msgspec
from litestar import Controller, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, JSONBody

from onething.core.errors import (
    CONFLICT,
    FORBIDDEN,
    NOT_FOUND,
    VALIDATION,
    FieldError,
    ProblemError,
)
from onething.core.openapi_problems import problem_spec
from onething.identity.access import caller_of
from onething.identity.context import identity_context
from onething.identity.delegations import (
    MAX_VALIDITY,
    DelegationError,
    Terms,
    confirm_delegation,
    delegations_of,
    propose_delegation,
    record_in_person,
    revoke_delegation,
)
from onething.identity.deps import Ctx, DbSession
from onething.identity.guards import current_principal
from onething.identity.models import Delegation, User
from onething.identity.services import display_names, find_by_phone
from onething.identity.sms import sms_sender
from onething.identity.tokens import Principal

_SHA256: Final = re.compile(r"^[0-9a-f]{64}$")
_BUNDLE: Final = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


class DelegationCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """An agent's request to act for a resident (found by their phone number)."""

    resident_phone: str
    bundles: list[str]
    valid_days: int = 30
    evidence: Literal["sms_confirmation", "in_person"]
    form_object_key: str | None = None
    form_sha256: str | None = None


class DelegationConfirm(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The code the resident received by SMS and read out to the agent."""

    code: str


class DelegationView(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    agent_id: uuid.UUID
    resident_id: uuid.UUID
    bundles: list[str]
    valid_from: datetime
    valid_until: datetime
    evidence_kind: str | None
    status: Literal["pending", "active", "not_yet_valid", "expired", "revoked"]
    # In the list only: the agent's recorded name, so the resident knows whom they allowed.
    agent_name: str | None = None


def _view(row: Delegation, now: datetime) -> DelegationView:
    terms = Terms.of(row)
    status: Literal["pending", "active", "not_yet_valid", "expired", "revoked"]
    if terms.revoked:
        status = "revoked"
    elif not terms.confirmed:
        status = "pending"
    elif now >= terms.valid_until:
        status = "expired"
    elif now < terms.valid_from:
        status = "not_yet_valid"
    else:
        status = "active"
    return DelegationView(
        id=row.id,
        agent_id=row.agent_id,
        resident_id=row.resident_id,
        bundles=list(row.bundles),
        valid_from=row.valid_from,
        valid_until=row.valid_until,
        evidence_kind=row.evidence_kind,
        status=status,
    )


async def _caller(db: DbSession, principal: Principal) -> User:
    """The account behind a resident's or agent's own token, through the platform's own app.
    Client tokens, delegated tokens (an agent never delegates onwards) and mini-apps' tokens
    (the resident's consent to a mini-app covers no authority over delegations) cannot."""
    caller = await caller_of(db, principal)
    user = (
        await db.get(User, caller.user_id)
        if caller.user_id and principal.act is None and not caller.third_party
        else None
    )
    if user is None or user.disabled_at is not None:
        raise ProblemError(
            FORBIDDEN,
            detail_zh="只有本人账号可以管理代办授权。",
            detail_en="Only a person's own account can manage delegations.",
        )
    return user


def _invalid(field: str, zh: str, en: str) -> ProblemError:
    return ProblemError(
        VALIDATION,
        errors=[FieldError(field=field, code="invalid", message_zh=zh, message_en=en)],
    )


def _check(data: DelegationCreate) -> None:
    if not data.bundles or not all(_BUNDLE.match(b) for b in data.bundles):
        raise _invalid("bundles", "请选择要代办的事项。", "Name the bundles to act on.")
    if not 1 <= data.valid_days <= MAX_VALIDITY.days:
        raise _invalid("valid_days", "有效期为 1 至 30 天。", "Validity is 1 to 30 days.")
    if data.evidence == "in_person" and not (
        data.form_object_key and data.form_sha256 and _SHA256.match(data.form_sha256)
    ):
        raise _invalid(
            "form_object_key",
            "现场办理需上传已签署的委托书。",
            "In person, the signed authorisation form must be uploaded.",
        )


_NOT_OWN = problem_spec("Not a person's own account (a delegated or client token)")


class DelegationController(Controller):
    path = "/delegations"
    tags = ["identity"]  # noqa: RUF012
    dependencies = {  # noqa: RUF012
        "principal": Provide(current_principal),
        "ctx": Provide(identity_context, sync_to_thread=False),
    }

    @post(
        operation_id="createDelegation",
        summary="Record an authorisation (agent)",
        responses={
            403: problem_spec("Not an agent's own account, or the resident cannot delegate"),
            404: problem_spec("No resident with that mobile number"),
        },
    )
    async def create(
        self,
        data: JSONBody[DelegationCreate],
        principal: NamedDependency[Principal],
        db_session: DbSession,
        ctx: Ctx,
    ) -> DelegationView:
        """An agent records that a resident authorises them for some bundles, up to 30 days.
        In person: the signed form is already uploaded (its object key and SHA-256). By SMS:
        the resident receives a code, and the delegation is pending until confirmed."""
        agent = await _caller(db_session, principal)
        _check(data)
        resident = await find_by_phone(db_session, ctx, data.resident_phone)
        if resident is None:
            raise ProblemError(
                NOT_FOUND, detail_zh="未找到该居民账号。", detail_en="No such resident."
            )
        now = datetime.now(UTC)
        valid_for = timedelta(days=data.valid_days)
        try:
            if data.evidence == "in_person":
                row = await record_in_person(
                    db_session,
                    agent=agent,
                    resident=resident,
                    bundles=data.bundles,
                    valid_for=valid_for,
                    form_object_key=data.form_object_key or "",
                    form_sha256=data.form_sha256 or "",
                    now=now,
                )
            else:
                row = await propose_delegation(
                    db_session,
                    ctx,
                    sms_sender(ctx),
                    agent=agent,
                    resident=resident,
                    bundles=data.bundles,
                    valid_for=valid_for,
                    now=now,
                )
        except DelegationError as exc:
            raise ProblemError(FORBIDDEN, detail_zh=str(exc), detail_en=str(exc)) from exc
        await db_session.commit()
        return _view(row, now)

    @post(
        "/{delegation_id:uuid}/confirm",
        operation_id="confirmDelegation",
        summary="Confirm with the resident's SMS code (agent)",
        status_code=200,
        responses={
            403: _NOT_OWN,
            404: problem_spec("No such delegation of yours"),
            409: problem_spec("Wrong or expired code, or the delegation is no longer pending"),
        },
    )
    async def confirm(
        self,
        delegation_id: FromPath[uuid.UUID],
        data: JSONBody[DelegationConfirm],
        principal: NamedDependency[Principal],
        db_session: DbSession,
        ctx: Ctx,
    ) -> DelegationView:
        """Five attempts within ten minutes; the delegation becomes active on success."""
        agent = await _caller(db_session, principal)
        now = datetime.now(UTC)
        confirmed = await confirm_delegation(
            db_session, ctx, delegation_id=delegation_id, agent=agent, code=data.code, now=now
        )
        await db_session.commit()
        row = await db_session.get(Delegation, delegation_id)
        if row is None or row.agent_id != agent.id:
            raise ProblemError(NOT_FOUND)
        if not confirmed:
            raise ProblemError(
                CONFLICT,
                detail_zh="验证码不正确、已过期，或授权已确认或撤销。",
                detail_en="Wrong or expired code, or the delegation is no longer pending.",
            )
        return _view(row, now)

    @get(
        operation_id="listDelegations",
        summary="My delegations (resident or agent)",
        responses={403: _NOT_OWN},
    )
    async def list_mine(
        self, principal: NamedDependency[Principal], db_session: DbSession, ctx: Ctx
    ) -> list[DelegationView]:
        """Delegations the caller granted (as a resident) or holds (as an agent), each with
        the agent's name (the two people it concerns are the only ones who can list it)."""
        user = await _caller(db_session, principal)
        now = datetime.now(UTC)
        rows = await delegations_of(db_session, user)
        names = await display_names(db_session, ctx.cipher, {row.agent_id for row in rows})
        return [
            msgspec.structs.replace(_view(row, now), agent_name=names.get(row.agent_id))
            for row in rows
        ]

    @post(
        "/{delegation_id:uuid}/revoke",
        operation_id="revokeDelegation",
        summary="Revoke a delegation (resident or agent)",
        status_code=200,
        responses={403: _NOT_OWN, 404: problem_spec("No such delegation of yours")},
    )
    async def revoke(
        self,
        delegation_id: FromPath[uuid.UUID],
        principal: NamedDependency[Principal],
        db_session: DbSession,
    ) -> DelegationView:
        """Effective at once: the next request with a token made from it is refused."""
        user = await _caller(db_session, principal)
        now = datetime.now(UTC)
        await revoke_delegation(db_session, delegation_id=delegation_id, by=user, now=now)
        await db_session.commit()
        row = await db_session.get(Delegation, delegation_id)
        if row is None or user.id not in {row.agent_id, row.resident_id}:
            raise ProblemError(NOT_FOUND)
        return _view(row, now)
