"""API rate limits per user and per third-party client, in fixed windows counted in PostgreSQL
(`rate_limit_hits`, the table the login-code limits use), so every API process shares them: a
client spreading its calls over several replicas gets no more than from one.

One statement per authenticated request counts both buckets and returns their totals; the hit
is committed at once, so a request that fails afterwards still counts. Over a limit: 429 with
`Retry-After` (seconds to the window's end) and the `RateLimit-*` fields of the IETF draft.
Windows older than two hours are deleted by `identity.purge_expired`."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Final

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert

from onething.core.errors import TOO_MANY_REQUESTS, ProblemError
from onething.identity.models import OAuthClient, RateLimitHit
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


async def enforce_api_limits(
    db: AsyncSession, settings: ApiLimitSettings, principal: Principal, *, now: datetime
) -> None:
    """Count this request; raise 429 when the user's or the client's window is full."""
    limits: dict[str, int] = {}
    if settings.per_user > 0 and principal.sub != principal.client_id:
        # The person pressing the button: the agent when one acts for a resident.
        limits[f"api:user:{principal.actor}"] = settings.per_user
    if settings.tiers:
        client = await _client(db, principal.client_id)
        client_limit = settings.client_limit(client.tier)
        if not client.first_party and client_limit > 0:
            limits[f"api:client:{principal.client_id}"] = client_limit
    if not limits:
        return
    window = timedelta(seconds=settings.window_seconds)
    start = window_start(now, window)
    statement = (
        insert(RateLimitHit)
        .values([{"bucket": b, "window_start": start, "hits": 1} for b in limits])
        .on_conflict_do_update(
            index_elements=[RateLimitHit.bucket, RateLimitHit.window_start],
            set_={"hits": RateLimitHit.hits + 1},
        )
        .returning(RateLimitHit.bucket, RateLimitHit.hits)
    )
    counted: dict[str, int] = {row.bucket: row.hits for row in (await db.execute(statement)).all()}
    await db.commit()  # counted even if the request fails later
    over = [(bucket, limit) for bucket, limit in limits.items() if counted[bucket] > limit]
    if not over:
        return
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
