"""Delegations (帮办代办): an agent acts for a resident only within a recorded authorisation
naming bundles and a validity of at most 30 days, confirmed by the resident (an SMS code to
their phone) or in person (the signed form in S3 and the agent's ID check)."""

from __future__ import annotations

import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Final

from sqlalchemy import or_, select

from onething.identity import events
from onething.identity.events import record_event
from onething.identity.models import Delegation, User
from onething.identity.services import real_name

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession
    from sqlalchemy.orm import Session

    from onething.identity.context import IdentityContext
    from onething.identity.sms import SmsSender

MAX_VALIDITY: Final = timedelta(days=30)
BUNDLE_SCOPE_PREFIX: Final = "bundle:"
# What a delegated token may do besides naming bundles: work on applications, nothing else
# (no wallet, no profile, no further delegation).
DELEGABLE_SCOPES: Final = frozenset({"applications:read", "applications:write"})
CONFIRMATION_SECONDS: Final = 600
CONFIRMATION_ATTEMPTS: Final = 5


class DelegationError(ValueError):
    """A delegation request that cannot be honoured; `code` is stable for clients."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True, slots=True)
class Terms:
    """The parts of a delegation that decide whether it covers a request (no I/O)."""

    agent_id: uuid.UUID
    resident_id: uuid.UUID
    bundles: frozenset[str]
    valid_from: datetime
    valid_until: datetime
    confirmed: bool
    revoked: bool

    @classmethod
    def of(cls, row: Delegation) -> Terms:
        return cls(
            agent_id=row.agent_id,
            resident_id=row.resident_id,
            bundles=frozenset(row.bundles),
            valid_from=row.valid_from,
            valid_until=row.valid_until,
            confirmed=row.confirmed_at is not None,
            revoked=row.revoked_at is not None,
        )


def covers(
    terms: Terms,
    *,
    agent_id: uuid.UUID,
    resident_id: uuid.UUID,
    bundles: frozenset[str],
    now: datetime,
) -> bool:
    """The rule: this agent, this resident, confirmed, not revoked, now within the validity,
    and every requested bundle named (at least one must be requested)."""
    return (
        terms.confirmed
        and not terms.revoked
        and terms.agent_id == agent_id
        and terms.resident_id == resident_id
        and terms.valid_from <= now < terms.valid_until
        and bool(bundles)
        and bundles <= terms.bundles
    )


def split_scope(scope: str) -> tuple[frozenset[str], frozenset[str]]:
    """(`bundle:<id>` bundle ids, the other scopes) of a requested scope string."""
    items = set(scope.split())
    bundles = {
        s.removeprefix(BUNDLE_SCOPE_PREFIX) for s in items if s.startswith(BUNDLE_SCOPE_PREFIX)
    }
    others = {s for s in items if not s.startswith(BUNDLE_SCOPE_PREFIX)}
    return frozenset(bundles), frozenset(others)


def _code_hash(ctx: IdentityContext, delegation_id: uuid.UUID, code: str) -> str:
    return ctx.indexer.index("delegation_code", f"{delegation_id}:{code}")


async def propose_delegation(
    db: AsyncSession,
    ctx: IdentityContext,
    sms: SmsSender,
    *,
    agent: User,
    resident: User,
    bundles: list[str],
    valid_for: timedelta,
    now: datetime,
) -> Delegation:
    """An unconfirmed delegation; the resident gets a code by SMS that confirms it."""
    row = _new(agent, resident, bundles, valid_for, now)
    phone = real_name(ctx, resident).phone
    if phone is None:
        raise DelegationError("no_phone", "the resident has no phone to confirm with")
    code = f"{secrets.randbelow(10**6):06d}"
    row.evidence_kind = "sms_confirmation"
    row.confirmation_code_hash = _code_hash(ctx, row.id, code)
    row.confirmation_expires_at = now + timedelta(seconds=CONFIRMATION_SECONDS)
    db.add(row)
    until = f"{row.valid_until:%Y-%m-%d}"
    await sms.send(
        db,
        phone,
        f"【一件事】工作人员申请代您办理（{'、'.join(sorted(bundles))}），有效期至 {until}。"
        f"同意请告知验证码 {code}，10 分钟内有效；如不同意请勿告知。",
    )
    record_event(
        db,
        events.DELEGATION_PROPOSED,
        user_id=resident.id,
        act_sub=str(agent.id),
        detail={"delegation_id": str(row.id), "bundles": sorted(bundles)},
    )
    return row


async def record_in_person(
    db: AsyncSession,
    *,
    agent: User,
    resident: User,
    bundles: list[str],
    valid_for: timedelta,
    form_object_key: str,
    form_sha256: str,
    now: datetime,
) -> Delegation:
    """A delegation signed on paper at the service hall: the scanned form (already in S3) and
    the agent's statement that they checked the resident's ID card. Confirmed at once."""
    row = _new(agent, resident, bundles, valid_for, now)
    row.evidence_kind = "in_person"
    row.evidence = {
        "form_object_key": form_object_key,
        "form_sha256": form_sha256,
        "id_checked_by": str(agent.id),
    }
    row.confirmed_at = now
    db.add(row)
    record_event(
        db,
        events.DELEGATION_CREATED,
        user_id=resident.id,
        act_sub=str(agent.id),
        detail={"delegation_id": str(row.id), "evidence": "in_person"},
    )
    return row


def _new(
    agent: User, resident: User, bundles: list[str], valid_for: timedelta, now: datetime
) -> Delegation:
    if agent.role != "agent":
        raise DelegationError("not_an_agent", "only agents act for residents")
    if resident.role != "resident" or resident.id == agent.id:
        raise DelegationError("not_a_resident", "delegations are granted by residents")
    if not bundles:
        raise DelegationError("no_bundles", "name at least one bundle")
    if not timedelta(0) < valid_for <= MAX_VALIDITY:
        raise DelegationError("validity", "a delegation lasts at most 30 days")
    return Delegation(
        id=uuid.uuid4(),
        agent_id=agent.id,
        resident_id=resident.id,
        bundles=sorted(set(bundles)),
        valid_from=now,
        valid_until=now + valid_for,
        created_at=now,
        evidence={},
        confirmation_attempts=0,
    )


async def confirm_delegation(
    db: AsyncSession,
    ctx: IdentityContext,
    *,
    delegation_id: uuid.UUID,
    agent: User,
    code: str,
    now: datetime,
) -> bool:
    """The agent enters the code the resident read out; five attempts, ten minutes."""
    row = (
        await db.execute(
            select(Delegation)
            .where(Delegation.id == delegation_id, Delegation.agent_id == agent.id)
            .with_for_update()
        )
    ).scalar_one_or_none()
    if (
        row is None
        or row.confirmed_at is not None
        or row.revoked_at is not None
        or row.confirmation_code_hash is None
        or row.confirmation_expires_at is None
        or row.confirmation_expires_at <= now
        or row.confirmation_attempts >= CONFIRMATION_ATTEMPTS
    ):
        return False
    row.confirmation_attempts += 1
    if not hmac.compare_digest(_code_hash(ctx, row.id, code.strip()), row.confirmation_code_hash):
        return False
    row.confirmed_at = now
    row.confirmation_code_hash = None
    row.evidence = {"confirmed_by_sms_at": now.isoformat()}
    record_event(
        db,
        events.DELEGATION_CREATED,
        user_id=row.resident_id,
        act_sub=str(agent.id),
        detail={"delegation_id": str(row.id), "evidence": "sms_confirmation"},
    )
    return True


async def revoke_delegation(
    db: AsyncSession, *, delegation_id: uuid.UUID, by: User, now: datetime
) -> bool:
    """The resident (or the agent) ends it; tokens made from it stop working at their next
    request, since every request with a delegated token re-checks the delegation."""
    row = (
        await db.execute(
            select(Delegation).where(
                Delegation.id == delegation_id,
                or_(Delegation.resident_id == by.id, Delegation.agent_id == by.id),
            )
        )
    ).scalar_one_or_none()
    if row is None or row.revoked_at is not None:
        return False
    row.revoked_at, row.revoked_by = now, by.id
    record_event(
        db,
        events.DELEGATION_REVOKED,
        user_id=row.resident_id,
        act_sub=str(row.agent_id),
        detail={"delegation_id": str(row.id), "by": str(by.id)},
    )
    return True


async def delegations_of(db: AsyncSession, user: User) -> list[Delegation]:
    """Delegations the user granted (resident) or holds (agent), newest first."""
    rows = await db.execute(
        select(Delegation)
        .where(or_(Delegation.resident_id == user.id, Delegation.agent_id == user.id))
        .order_by(Delegation.created_at.desc())
    )
    return list(rows.scalars())


async def delegation_active(db: AsyncSession, delegation_id: str, *, now: datetime) -> bool:
    """For each request made with a delegated token: still confirmed, unrevoked, in time."""
    try:
        key = uuid.UUID(delegation_id)
    except ValueError:
        return False
    row = await db.get(Delegation, key)
    if row is None:
        return False
    terms = Terms.of(row)
    return covers(
        terms,
        agent_id=row.agent_id,
        resident_id=row.resident_id,
        bundles=terms.bundles,
        now=now,
    )


def covering_delegation(
    db: Session,
    *,
    agent_id: uuid.UUID,
    resident_id: uuid.UUID,
    bundles: frozenset[str],
    now: datetime,
) -> Delegation | None:
    """For the token-exchange grant (synchronous session): the newest delegation covering
    the request, if any."""
    rows = db.execute(
        select(Delegation)
        .where(
            Delegation.agent_id == agent_id,
            Delegation.resident_id == resident_id,
            Delegation.revoked_at.is_(None),
            Delegation.confirmed_at.is_not(None),
        )
        .order_by(Delegation.valid_until.desc())
    ).scalars()
    for row in rows:
        if covers(
            Terms.of(row), agent_id=agent_id, resident_id=resident_id, bundles=bundles, now=now
        ):
            return row
    return None
