"""Deleting what can no longer be used: expired codes, tokens, sessions, assertion ids and
rate-limit windows. Rows are kept a margin past expiry where they still serve a purpose (a
replayed code revokes what it issued; a revoked token must stay revoked until it expires)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Final

from sqlalchemy import delete, or_
from sqlalchemy.engine import CursorResult

from onething.identity.models import (
    AccessToken,
    AuthorizationCode,
    ClientAssertionJti,
    FederationLogin,
    LoginCode,
    PasskeyChallenge,
    RateLimitHit,
    RefreshToken,
    SsoSession,
)

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession
    from sqlalchemy.sql.dml import Delete

    from onething.core.settings import IdentitySettings

# A replayed code still revokes the tokens it issued for this long after it expired.
CODE_MARGIN: Final = timedelta(days=1)
# Past every verifier's clock leeway.
TOKEN_MARGIN: Final = timedelta(minutes=5)
# Rate-limit windows are at most an hour long.
WINDOW_MARGIN: Final = timedelta(hours=2)


@dataclass(frozen=True, slots=True)
class Purged:
    authorization_codes: int
    access_tokens: int
    refresh_tokens: int
    sso_sessions: int
    login_codes: int
    client_assertion_jtis: int
    rate_limit_hits: int
    passkey_challenges: int
    federation_logins: int

    @property
    def total(self) -> int:
        return sum(
            (
                self.authorization_codes,
                self.access_tokens,
                self.refresh_tokens,
                self.sso_sessions,
                self.login_codes,
                self.client_assertion_jtis,
                self.rate_limit_hits,
                self.passkey_challenges,
                self.federation_logins,
            )
        )


async def _count(session: AsyncSession, statement: Delete) -> int:
    result = await session.execute(statement)
    return result.rowcount if isinstance(result, CursorResult) else 0


async def purge_expired(
    session: AsyncSession, settings: IdentitySettings, *, now: datetime
) -> Purged:
    """One pass over every table, in the caller's transaction; idempotent."""
    idle = timedelta(seconds=settings.session_idle_seconds)
    return Purged(
        authorization_codes=await _count(
            session,
            delete(AuthorizationCode).where(AuthorizationCode.expires_at < now - CODE_MARGIN),
        ),
        access_tokens=await _count(
            session, delete(AccessToken).where(AccessToken.expires_at < now - TOKEN_MARGIN)
        ),
        refresh_tokens=await _count(
            session, delete(RefreshToken).where(RefreshToken.expires_at < now - TOKEN_MARGIN)
        ),
        sso_sessions=await _count(
            session,
            delete(SsoSession).where(
                or_(
                    SsoSession.ended_at.is_not(None),
                    SsoSession.expires_at < now,
                    SsoSession.last_seen_at < now - idle,
                )
            ),
        ),
        login_codes=await _count(session, delete(LoginCode).where(LoginCode.expires_at < now)),
        client_assertion_jtis=await _count(
            session,
            delete(ClientAssertionJti).where(ClientAssertionJti.expires_at < now - TOKEN_MARGIN),
        ),
        rate_limit_hits=await _count(
            session, delete(RateLimitHit).where(RateLimitHit.window_start < now - WINDOW_MARGIN)
        ),
        passkey_challenges=await _count(
            session, delete(PasskeyChallenge).where(PasskeyChallenge.expires_at < now)
        ),
        federation_logins=await _count(
            session, delete(FederationLogin).where(FederationLogin.expires_at < now)
        ),
    )
