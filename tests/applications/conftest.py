"""Applications fixtures: residents, an agent and one clerk per department with signed access
tokens, a valid newborn-birth answer set dated for today, and a worker that drains the queue."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from application_helpers import DEPARTMENT_SYSTEM, DEPARTMENTS, PWA, People, Tokens
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onething.core.jobs import run_worker
from onething.core.settings import Settings, WorkerSettings
from onething.identity.context import IdentityContext
from onething.identity.keys import forget_cached_keys
from onething.identity.models import OAuthClient
from onething.identity.services import new_user


@pytest.fixture
async def people(
    app: Litestar, sessionmaker: async_sessionmaker[AsyncSession], clean_db: None
) -> People:
    del clean_db
    ctx: IdentityContext = app.state.identity
    forget_cached_keys(ctx)  # tables are truncated between tests
    resident = new_user(ctx, role="resident", phone="13812345678")
    other = new_user(ctx, role="resident", phone="13912345678")
    agent = new_user(ctx, role="agent", phone="13100131001")
    clerks = {d: new_user(ctx, role="clerk", department_code=d) for d in DEPARTMENTS}
    async with sessionmaker() as session, session.begin():
        for client_id, grants in ((PWA, ["authorization_code"]), (DEPARTMENT_SYSTEM, [])):
            session.add(
                OAuthClient(
                    client_id=client_id,
                    name=client_id,
                    token_endpoint_auth_method="none",
                    redirect_uris=[],
                    grant_types=grants or ["client_credentials"],
                    scope="openid applications department:public-security",
                    first_party=True,
                )
            )
        session.add_all([resident, other, agent, *clerks.values()])
    return People(resident, other, agent, clerks)


@pytest.fixture
def tokens(app: Litestar, sessionmaker: async_sessionmaker[AsyncSession]) -> Tokens:
    return Tokens(sessionmaker, app.state.identity)


@pytest.fixture
def api(client: AsyncTestClient[Litestar]) -> AsyncTestClient[Litestar]:
    client.cookies.clear()
    return client


@pytest.fixture
def drain(settings: Settings) -> Any:
    """Run the worker until the queue is empty (jobs enqueued by jobs included)."""
    fast = replace(settings, worker=WorkerSettings(max_attempts=1, poll_interval_seconds=0.1))

    async def run() -> None:
        await run_worker(fast, drain=True)

    return run
