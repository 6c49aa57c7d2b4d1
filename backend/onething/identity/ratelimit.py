"""Fixed-window rate limits counted in PostgreSQL, so every API replica shares them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert

from onething.identity.models import RateLimitHit

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession


def window_start(now: datetime, window: timedelta) -> datetime:
    seconds = int(window.total_seconds())
    epoch = int(now.timestamp())
    return datetime.fromtimestamp(epoch - epoch % seconds, tz=UTC)


async def hit(
    session: AsyncSession, bucket: str, *, limit: int, window: timedelta, now: datetime
) -> bool:
    """Count one hit in `bucket`; False once the window's count passes `limit`.

    The upsert is atomic, so concurrent requests on different processes cannot both slip under
    the limit. Buckets name what is limited (`login-code:phone:<blind index>`), never a raw
    phone number."""
    statement = (
        insert(RateLimitHit)
        .values(bucket=bucket, window_start=window_start(now, window), hits=1)
        .on_conflict_do_update(
            index_elements=[RateLimitHit.bucket, RateLimitHit.window_start],
            set_={"hits": RateLimitHit.hits + 1},
        )
        .returning(RateLimitHit.hits)
    )
    hits = (await session.execute(statement)).scalar_one()
    return hits <= limit


async def forget_windows_before(session: AsyncSession, cutoff: datetime) -> int:
    """Housekeeping: drop counters of windows that ended long ago."""
    result = await session.execute(delete(RateLimitHit).where(RateLimitHit.window_start < cutoff))
    return int(getattr(result, "rowcount", 0) or 0)
