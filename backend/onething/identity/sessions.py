"""SSO sessions at the provider: created at login (always a new id), idle and absolute
timeouts, ended at logout together with the refresh tokens issued under them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Final

from sqlalchemy import select, update

from onething.identity import events
from onething.identity.crypto import new_token, token_hash
from onething.identity.events import record_event
from onething.identity.models import AccessToken, RefreshToken, SsoSession, User

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from onething.identity.context import IdentityContext

# `last_seen_at` is written at most this often: a page view need not cost a write.
TOUCH_INTERVAL: Final = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class ActiveSession:
    session: SsoSession
    user: User


async def start_session(
    db: AsyncSession,
    ctx: IdentityContext,
    user: User,
    *,
    amr: list[str],
    now: datetime,
    ip: str | None,
    previous_token: str | None = None,
) -> str:
    """Create a session and return the cookie value. A session the browser already had is
    ended first, so an id planted before login is never the one that becomes authenticated."""
    if previous_token:
        await end_session(db, ctx, previous_token, now=now, ip=ip, reason="replaced")
    token = new_token(32)
    db.add(
        SsoSession(
            id=uuid.uuid4(),
            token_hash=token_hash(token),
            user_id=user.id,
            amr=amr,
            created_at=now,
            last_seen_at=now,
            expires_at=now + timedelta(seconds=ctx.settings.session_absolute_seconds),
        )
    )
    record_event(db, events.LOGIN_SUCCEEDED, user_id=user.id, ip=ip, detail={"amr": amr})
    return token


async def active_session(
    db: AsyncSession, ctx: IdentityContext, token: str | None, *, now: datetime
) -> ActiveSession | None:
    """The live session behind a cookie value, touched; None when absent, ended, idle for
    longer than the idle timeout, or past its absolute lifetime."""
    if not token:
        return None
    row = (
        await db.execute(
            select(SsoSession, User)
            .join(User, User.id == SsoSession.user_id)
            .where(SsoSession.token_hash == token_hash(token), SsoSession.ended_at.is_(None))
        )
    ).one_or_none()
    if row is None:
        return None
    sso, user = row
    idle_limit = timedelta(seconds=ctx.settings.session_idle_seconds)
    if now >= sso.expires_at or now - sso.last_seen_at >= idle_limit or user.disabled_at:
        return None
    if now - sso.last_seen_at >= TOUCH_INTERVAL:
        sso.last_seen_at = now
    return ActiveSession(sso, user)


async def end_session(
    db: AsyncSession,
    ctx: IdentityContext,
    token: str,
    *,
    now: datetime,
    ip: str | None,
    reason: str = "logout",
) -> uuid.UUID | None:
    """End the session and revoke every refresh and access token issued under it."""
    del ctx
    sso = (
        await db.execute(
            select(SsoSession).where(
                SsoSession.token_hash == token_hash(token), SsoSession.ended_at.is_(None)
            )
        )
    ).scalar_one_or_none()
    if sso is None:
        return None
    sso.ended_at = now
    await db.execute(
        update(RefreshToken)
        .where(RefreshToken.sso_session_id == sso.id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    await db.execute(
        update(AccessToken)
        .where(AccessToken.sso_session_id == sso.id, AccessToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    record_event(db, events.LOGOUT, user_id=sso.user_id, ip=ip, detail={"reason": reason})
    return sso.id
