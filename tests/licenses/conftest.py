"""Licenses fixtures: the newborn family (mother applies, father has an account too), a clerk
per department, signed access tokens, and a worker that drains the queue. The people carry
real names and ID numbers, so licenses find their holders and guardians."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

# The applications helpers (people, tokens, the newborn submission) drive the approvals.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "applications"))

from application_helpers import DEPARTMENT_SYSTEM, DEPARTMENTS, PWA, People, Tokens

from newborn_samples import FATHER_ID, MOTHER_ID
from onething.core.jobs import run_worker
from onething.core.settings import Settings, WorkerSettings
from onething.core.storage import ObjectStorage
from onething.identity.context import IdentityContext
from onething.identity.keys import forget_cached_keys
from onething.identity.models import OAuthClient
from onething.identity.services import new_user
from onething.licenses.context import LicensesContext
from onething.licenses.context import context_from_settings as licenses_context

MINI_APP = "relatives-mini-app"


@pytest.fixture
async def people(
    app: Litestar, sessionmaker: async_sessionmaker[AsyncSession], clean_db: None
) -> People:
    del clean_db
    ctx: IdentityContext = app.state.identity
    forget_cached_keys(ctx)  # tables are truncated between tests
    mother = new_user(ctx, phone="13812345678", name="王芳", id_number=MOTHER_ID)
    father = new_user(ctx, phone="13912345678", name="李强", id_number=FATHER_ID)
    agent = new_user(ctx, role="agent", phone="13100131001")
    clerks = {d: new_user(ctx, role="clerk", department_code=d) for d in DEPARTMENTS}
    async with sessionmaker() as session, session.begin():
        for client_id, grants in (
            (PWA, ["authorization_code"]),
            (DEPARTMENT_SYSTEM, []),
            (MINI_APP, []),
        ):
            session.add(
                OAuthClient(
                    client_id=client_id,
                    name=client_id,
                    token_endpoint_auth_method="none",
                    redirect_uris=[],
                    grant_types=grants or ["client_credentials"],
                    scope=(
                        "openid applications:read applications:write licenses:read "
                        "department:public-security"
                    ),
                    first_party=client_id != MINI_APP,
                )
            )
        session.add_all([mother, father, agent, *clerks.values()])
    return People(mother, father, agent, clerks)


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


@pytest.fixture
def licenses_ctx(settings: Settings) -> LicensesContext:
    return licenses_context(settings)


@pytest.fixture
def raw_storage(settings: Settings) -> ObjectStorage:
    return ObjectStorage(settings.s3)
