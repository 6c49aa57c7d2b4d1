"""Applications fixtures: residents, an agent and one clerk per department with signed access
tokens, a valid newborn-birth answer set dated for today, and a worker that drains the queue."""

from __future__ import annotations

import copy
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

from onething.catalog.codes import china_today, make_id_number
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


MOTHER_ID = make_id_number("500105", dt.date(1993, 4, 12), 124)
FATHER_ID = make_id_number("500112", dt.date(1991, 11, 3), 131)

_NEWBORN: dict[str, dict[str, Any]] = {
    "situation": {
        "born_in_province": "yes",
        "mother_employee_insured": "yes",
        "parents_married": "yes",
        "father_listed": "yes",
    },
    "child": {
        "name": "李沐阳",
        "sex": "male",
        "gestational_weeks": 39,
        "birth_weight": 3350,
        "birth_length": 50,
        "health_status": "good",
        "birth_place": "500105",
        "birth_place_type": "maternal-child-centre",
        "birth_facility": "重庆市妇幼保健院",
        "birth_order": 1,
        "ethnicity": "01",
        "native_place": "500112",
        "relation_to_head": "20",
    },
    "mother": {
        "name": "王芳",
        "id_number": MOTHER_ID,
        "ethnicity": "01",
        "phone": "13812345678",
        "hukou_region": "500105",
        "employer": "重庆两江软件有限公司",
    },
    "father": {
        "name": "李强",
        "id_number": FATHER_ID,
        "ethnicity": "01",
        "phone": "13912345678",
        "hukou_region": "500112",
    },
    "marriage": {"registration_date": "2021-10-01", "certificate_number": "J500105-2021-004321"},
    "household": {
        "follows": "father",
        "head_name": "李强",
        "head_id_number": FATHER_ID,
        "region": "500112",
        "address": "重庆市渝北区龙溪街道金紫山路88号",
    },
    "residence": {"region": "500105", "address": "重庆市江北区观音桥街道建新北路1号3栋2单元501"},
    "maternity": {"delivery_mode": "vaginal", "fetus_count": 1},
    "insurance": {"premium_year": 2026, "sscard_bank": "cqrcb"},
    "vaccination": {"clinic": "观音桥街道社区卫生服务中心"},
    "benefit": {"bank": "icbc", "card_number": "6222021234567890128", "account_holder": "王芳"},
    "delivery": {
        "recipient": "王芳",
        "phone": "13812345678",
        "region": "500105",
        "address": "重庆市江北区观音桥街道建新北路1号3栋2单元501",
    },
}


def newborn_answers() -> dict[str, dict[str, Any]]:
    """A valid answer set for newborn-birth (with childcare-subsidy), the baby born 5 days ago."""
    answers = copy.deepcopy(_NEWBORN)
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
