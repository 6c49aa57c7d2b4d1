"""Applications fixtures: residents, an agent and one clerk per department with signed access
tokens, a valid newborn-birth answer set dated for today, and a worker that drains the queue."""

from __future__ import annotations

import datetime as dt
import secrets
import time
import uuid
from dataclasses import dataclass, replace
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from newborn_samples import newborn_answers as sample_answers
from onething.catalog.codes import china_today
from onething.core.jobs import run_worker
from onething.core.settings import Settings, WorkerSettings
from onething.identity.context import IdentityContext
from onething.identity.keys import forget_cached_keys, load_keyring
from onething.identity.models import AccessToken, OAuthClient, User
from onething.identity.services import new_user
from onething.identity.tokens import sign_access_token

PWA = "onething-pwa"
DEPARTMENT_SYSTEM = "public-security-system"
DEPARTMENTS = ("health-commission", "cdc", "public-security", "healthcare-security", "hrss", "tax")


@dataclass
class People:
    resident: User
    other_resident: User
    agent: User
    clerks: dict[str, User]


class Tokens:
    """Signs access tokens exactly as the provider would, and records them (not revoked)."""

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], ctx: IdentityContext):
        self.sessionmaker = sessionmaker
        self.ctx = ctx

    async def issue(
        self,
        sub: str,
        *,
        scope: str = "openid applications",
        client_id: str = PWA,
        act: dict[str, str] | None = None,
    ) -> dict[str, str]:
        now = int(time.time())
        jti = secrets.token_urlsafe(12)
        claims: dict[str, Any] = {
            "iss": self.ctx.issuer,
            "sub": sub,
            "aud": self.ctx.api_audience,
            "client_id": client_id,
            "scope": scope,
            "iat": now,
            "exp": now + 600,
            "jti": jti,
        }
        if act is not None:
            claims["act"] = act
        async with self.sessionmaker() as session:
            # The first call creates and commits a signing key itself.
            ring = await load_keyring(session, self.ctx, now=dt.datetime.now(dt.UTC))
            session.add(
                AccessToken(
                    jti=jti,
                    client_id=client_id,
                    subject=sub,
                    act_sub=act["sub"] if act else None,
                    scope=scope,
                    created_at=dt.datetime.now(dt.UTC),
                    expires_at=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=10),
                )
            )
            await session.commit()
        return {"Authorization": f"Bearer {sign_access_token(ring, claims)}"}


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


def newborn_answers() -> dict[str, dict[str, Any]]:
    """A valid answer set for newborn-birth (with childcare-subsidy), the baby born 5 days ago."""
    answers = sample_answers()
    born = china_today() - dt.timedelta(days=5)
    answers["child"]["birth_time"] = f"{born.isoformat()}T08:30:00+08:00"
    answers["insurance"]["premium_year"] = born.year
    return answers


def submission(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "bundle": "newborn-birth",
        "optional_services": ["childcare-subsidy"],
        "answers": newborn_answers(),
    }
    body.update(changes)
    return body


def new_key() -> dict[str, str]:
    return {"Idempotency-Key": str(uuid.uuid4())}
