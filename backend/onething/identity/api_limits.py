"""API rate limits per user and per third-party client, in fixed windows counted in PostgreSQL
(`rate_limit_hits`, the table the login-code limits use), so every API process shares them: a
client spreading its calls over several replicas gets no more than from one.

One statement per authenticated request counts both buckets and returns their totals — the
same statement that checks the token's revocation and reads the caller's account
(`guards.admit`); it commits at once, so a request that fails afterwards still counts. Over a
limit: 429 with `Retry-After` (seconds to the window's end) and the `RateLimit-*` fields of
the IETF draft.
Windows older than two hours are deleted by `identity.purge_expired`."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Final

from sqlalchemy import select

from onething.core.errors import TOO_MANY_REQUESTS, ProblemError
from onething.identity.models import OAuthClient
from onething.identity.ratelimit import window_start

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from onething.core.settings import ApiLimitSettings
    from onething.identity.tokens import Principal

_CLIENT_CACHE_SECONDS: Final = 60.0


@dataclass(frozen=True)
class _ClientLimits:
    first_party: bool
    tier: str
    loaded: float


_clients: dict[str, _ClientLimits] = {}


async def _client(db: AsyncSession, client_id: str) -> _ClientLimits:
    """The client's tier, cached a minute per process (a changed tier applies within it)."""
    cached = _clients.get(client_id)
    if cached is not None and time.monotonic() - cached.loaded < _CLIENT_CACHE_SECONDS:
        return cached
    row = (
        await db.execute(
            select(OAuthClient.first_party, OAuthClient.rate_limit_tier).where(
                OAuthClient.client_id == client_id
            )
        )
    ).one_or_none()
    found = _ClientLimits(
        first_party=bool(row and row[0]),
        tier=row[1] if row else "standard",
        loaded=time.monotonic(),
    )
    _clients[client_id] = found
    return found


async def limits_for(
    db: AsyncSession, settings: ApiLimitSettings, principal: Principal
) -> dict[str, int]:
    """The buckets this request counts in, each with its limit (none: nothing to count)."""
    limits: dict[str, int] = {}
    if settings.per_user > 0 and principal.sub != principal.client_id:
        # The person pressing the button: the agent when one acts for a resident.
        limits[f"api:user:{principal.actor}"] = settings.per_user
    if settings.tiers:
        client = await _client(db, principal.client_id)
        client_limit = settings.client_limit(client.tier)
        if not client.first_party and client_limit > 0:
            limits[f"api:client:{principal.client_id}"] = client_limit
    return limits


# The counting statement's SQL: it runs as part of the request gate (`guards.admit`), in the
# same statement as the token's revocation check. $1 the buckets, $2 the window's start; a
# request whose token is unknown or revoked ($3 false) counts nothing.
COUNT_HITS: Final = """
    INSERT INTO rate_limit_hits AS h (bucket, window_start, hits)
    SELECT bucket, {start}, 1 FROM unnest({buckets}::text[]) AS bucket WHERE {admitted}
    ON CONFLICT (bucket, window_start) DO UPDATE SET hits = h.hits + 1
    RETURNING bucket, hits"""


def check_counted(
    settings: ApiLimitSettings, limits: dict[str, int], counted: dict[str, int], *, now: datetime
) -> None:
    """Raise 429 when this request took the user's or the client's window past its limit."""
    over = [(bucket, limit) for bucket, limit in limits.items() if counted.get(bucket, 0) > limit]
    if not over:
        return
    window = timedelta(seconds=settings.window_seconds)
    start = window_start(now, window)
    bucket, limit = over[0]
    reset = max(1, int((start + window - now).total_seconds() + 0.999))
    who_en, who_zh = (
        ("this user", "当前用户") if bucket.startswith("api:user:") else ("this client", "该应用")
    )
    raise ProblemError(
        TOO_MANY_REQUESTS,
        detail_en=f"Too many requests from {who_en}: at most {limit} per "
        f"{settings.window_seconds} s. Try again in {reset} s.",
        detail_zh=f"{who_zh}请求过于频繁：每 {settings.window_seconds} 秒最多 {limit} 次，"
        f"请 {reset} 秒后再试。",
        headers={
            "Retry-After": str(reset),
            "RateLimit-Limit": str(limit),
            "RateLimit-Remaining": "0",
            "RateLimit-Reset": str(reset),
        },
    )
