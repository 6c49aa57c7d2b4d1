"""The pool hands out live connections without a round trip per checkout (`core/db.py`): one
the server closed is replaced before use, one idle past the window is pinged, one used within
it is not — on the real PostgreSQL, with real terminated backends."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from onething.core.db import create_engine
from onething.core.settings import Settings


@pytest.fixture
async def make_engine(settings: Settings) -> AsyncIterator[list[AsyncEngine]]:
    engines: list[AsyncEngine] = []
    yield engines
    for engine in engines:
        await engine.dispose()


def _engine(settings: Settings, engines: list[AsyncEngine], ping_after_idle: float) -> AsyncEngine:
    database = dataclasses.replace(settings.database, pool_size=2, ping_after_idle=ping_after_idle)
    engine = create_engine(database)
    engines.append(engine)
    return engine


async def _backend_pid(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return int((await connection.execute(text("SELECT pg_backend_pid()"))).scalar_one())


async def _terminate(settings: Settings, pid: int) -> None:
    """Ends the backend `pid` as a restart or an idle timeout would, and waits until it has
    gone."""
    admin = await asyncpg.connect(settings.database.asyncpg_dsn)
    try:
        assert await admin.fetchval("SELECT pg_terminate_backend($1)", pid)
        for _ in range(100):
            if not await admin.fetchval(
                "SELECT count(*) FROM pg_stat_activity WHERE pid = $1", pid
            ):
                break
            await asyncio.sleep(0.05)
        else:
            pytest.fail(f"backend {pid} still there after 5 s")
    finally:
        await admin.close()
    await asyncio.sleep(0.1)  # the pooled connection's event loop reads the close


async def test_a_connection_the_server_closed_is_replaced_at_checkout(
    settings: Settings, make_engine: list[AsyncEngine]
) -> None:
    # No ping would run (an hour's window): the replacement is the closed socket's alone.
    engine = _engine(settings, make_engine, ping_after_idle=3600)
    first = await _backend_pid(engine)
    await _terminate(settings, first)
    second = await _backend_pid(engine)  # would raise "connection is closed" if handed out
    assert second != first


async def test_only_a_connection_idle_past_the_window_is_pinged(
    settings: Settings, make_engine: list[AsyncEngine]
) -> None:
    engine = _engine(settings, make_engine, ping_after_idle=0.3)
    sent: list[str] = []
    async with engine.connect() as connection:
        raw = (await connection.get_raw_connection()).driver_connection
        assert isinstance(raw, asyncpg.Connection)
        raw.add_query_logger(lambda record: sent.append(record.query))
    async with engine.connect() as connection:  # used a moment ago: no ping
        await connection.execute(text("SELECT 3"))
    assert "SELECT 1" not in sent
    await asyncio.sleep(0.4)
    async with engine.connect() as connection:  # idle past the window: pinged first
        await connection.execute(text("SELECT 2"))
    assert sent.count("SELECT 1") == 1
    # the ping, then the checkout's own transaction (asyncpg logs its prepared statements not)
    assert sent[-3:] == ["SELECT 1", "BEGIN;", "ROLLBACK;"]
