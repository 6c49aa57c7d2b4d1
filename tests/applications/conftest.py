"""Applications fixtures: residents, an agent and one clerk per department with signed access
tokens, a valid newborn-birth answer set dated for today, and a worker that drains the queue."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from application_helpers import (
    AGENT_NAME,
    DEPARTMENT_SYSTEM,
    DEPARTMENTS,
    OTHER_PHONE,
    PWA,
    RESIDENT_PHONE,
    People,
    Tokens,
    fast_webhooks,
)
from department_system import DepartmentSystem
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onething.core.jobs import run_worker
from onething.core.settings import REPO_ROOT, Settings
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
    resident = new_user(ctx, role="resident", phone=RESIDENT_PHONE)
    other = new_user(ctx, role="resident", phone=OTHER_PHONE)
    agent = new_user(ctx, role="agent", phone="13100131001", name=AGENT_NAME)
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
                    scope="openid applications:read applications:write department:public-security",
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
    fast = fast_webhooks(settings)

    async def run() -> None:
        await run_worker(fast, drain=True)

    return run


@pytest.fixture(scope="session")
def department_system(settings: Settings) -> Iterator[DepartmentSystem]:
    """One local department system (a real HTTP process) for the session, all departments."""
    system = DepartmentSystem(
        settings.database.url, list(DEPARTMENTS), REPO_ROOT / "var" / "test" / "department-system"
    )
    system.start()
    yield system
    system.stop()


@pytest.fixture
async def admin(
    app: Litestar, sessionmaker: async_sessionmaker[AsyncSession], people: People, tokens: Tokens
) -> dict[str, str]:
    """A platform administrator's token (role admin, scope admin)."""
    del people  # created after the tables are set up for this test
    user = new_user(app.state.identity, role="admin", phone="13700137000")
    async with sessionmaker() as session, session.begin():
        session.add(user)
    return await tokens.issue(str(user.id), scope="openid admin")
