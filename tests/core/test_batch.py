"""`WriteBatch`: rows of several tables and changes in one statement, in the session's
transaction — values typed by the table (bytea, timestamptz, jsonb), server defaults for
what a row leaves unset, rolled back with everything else."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onething.applications.models import IdempotencyKey
from onething.core.batch import WriteBatch
from onething.identity.models import RateLimitHit

pytestmark = pytest.mark.usefixtures("clean_db")

NOW = datetime(2026, 12, 4, 8, 30, tzinfo=UTC)


def _key(key: str, body: bytes) -> IdempotencyKey:
    return IdempotencyKey(
        client_id="onething-pwa",
        subject="resident-1",
        key=key,
        operation="submitApplication",
        request_hash="ab" * 32,
        response_status=201,
        response_body=body,
        created_at=NOW,
        expires_at=NOW + timedelta(hours=24),
    )


async def test_rows_of_two_tables_and_a_change_go_in_one_statement(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as session:
        session.add(RateLimitHit(bucket="api:user:x", window_start=NOW, hits=1))
        await session.commit()
    body = '{"id": "申请"}'.encode() + bytes([0, 255])
    async with sessionmaker() as session, session.begin():
        batch = WriteBatch()
        batch.add(_key("key-0001", body))
        batch.add(_key("key-0002", b""))
        batch.insert(RateLimitHit, {"bucket": "api:user:y", "window_start": NOW, "hits": 3})
        batch.also(
            "UPDATE rate_limit_hits SET hits = hits + {0} WHERE bucket = {1}", 5, "api:user:x"
        )
        sql, _ = batch.statement()
        assert sql.count("INSERT INTO") == 2
        assert "UPDATE rate_limit_hits" in sql
        await batch.write(session)
    async with sessionmaker() as session:
        keys = (
            await session.execute(select(IdempotencyKey).order_by(IdempotencyKey.key))
        ).scalars()
        assert [(k.key, k.response_body, k.expires_at) for k in keys] == [
            ("key-0001", body, NOW + timedelta(hours=24)),
            ("key-0002", b"", NOW + timedelta(hours=24)),
        ]
        hits = dict((await session.execute(select(RateLimitHit.bucket, RateLimitHit.hits))).all())
        assert hits == {"api:user:x": 6, "api:user:y": 3}


async def test_the_batch_rolls_back_with_the_session(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as session:
        batch = WriteBatch()
        batch.add(_key("key-0003", b"x"))
        await batch.write(session)
        await session.rollback()
    async with sessionmaker() as session:
        assert (await session.execute(select(IdempotencyKey.key))).all() == []


def test_rows_of_one_table_must_set_the_same_attributes() -> None:
    batch = WriteBatch()
    batch.insert(RateLimitHit, {"bucket": "a", "window_start": NOW, "hits": 1})
    batch.insert(RateLimitHit, {"bucket": "b", "window_start": NOW})
    with pytest.raises(ValueError, match="same mapped attributes"):
        batch.statement()
