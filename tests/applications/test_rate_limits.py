"""API rate limits per user and per third-party client hold across API processes: two real
`onething run` processes share one database, and requests spread over both count together.
Over the limit: 429, an RFC 9457 problem in zh-CN and en, `Retry-After`."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import httpx
import pytest
from application_helpers import People, Tokens
from litestar import Request
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from live_app import served, server_env
from onething.core.app import create_app
from onething.core.processes import free_ports
from onething.core.settings import ApiLimitSettings, Settings
from onething.identity.access import current_caller
from onething.identity.guards import current_principal
from onething.identity.models import AccessToken, OAuthClient, RateLimitHit

pytestmark = pytest.mark.slow

WINDOW = 3600  # one window for the whole test (it waits if an hour boundary is near)
PER_USER = 6
THIRD_PARTY = "hospital-mini-app"
TIER_LIMIT = 4


@pytest.fixture(scope="module")
def two_api_processes(settings: Settings) -> Iterator[list[str]]:
    limits = {
        "API_RATE_WINDOW_SECONDS": str(WINDOW),
        "API_RATE_LIMIT_PER_USER": str(PER_USER),
        "API_RATE_LIMIT_TIERS": f"standard:{TIER_LIMIT},partner:100",
        # Tokens minted by this test process carry its issuer; both servers accept them.
        "IDENTITY_ISSUER": settings.app.public_url,
    }
    first, second = free_ports(2)
    with (
        served(server_env(settings, first, f"http://127.0.0.1:{first}", **limits), first),
        served(server_env(settings, second, f"http://127.0.0.1:{second}", **limits), second),
    ):
        yield [f"http://127.0.0.1:{first}", f"http://127.0.0.1:{second}"]


def _away_from_a_window_boundary() -> None:
    left = WINDOW - time.time() % WINDOW
    if left < 30:
        time.sleep(left + 1)


async def test_the_user_limit_holds_across_two_api_processes(
    two_api_processes: list[str],
    people: People,
    tokens: Tokens,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    del sessionmaker
    _away_from_a_window_boundary()
    auth = await tokens.issue(str(people.resident.id))  # the first-party PWA: no client limit
    answers = []
    async with httpx.AsyncClient(timeout=10) as http:
        for i in range(PER_USER + 2):
            base = two_api_processes[i % 2]  # alternate between the processes
            language = "zh-CN" if i <= PER_USER else "en"
            answers.append(
                await http.get(
                    f"{base}/api/v1/applications", headers={**auth, "Accept-Language": language}
                )
            )
        other = await tokens.issue(str(people.other_resident.id))
        unaffected = await http.get(f"{two_api_processes[0]}/api/v1/applications", headers=other)
    assert [a.status_code for a in answers] == [200] * PER_USER + [429, 429]
    refused = answers[PER_USER]
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert 0 < int(refused.headers["retry-after"]) <= WINDOW
    assert refused.headers["ratelimit-limit"] == str(PER_USER)
    problem = refused.json()
    assert problem["status"] == 429
    assert f"每 {WINDOW} 秒最多 {PER_USER} 次" in problem["detail"]
    assert f"at most {PER_USER} per {WINDOW} s" in answers[-1].json()["detail"]
    assert unaffected.status_code == 200  # another user has a window of their own


async def test_a_third_party_client_is_limited_as_a_whole_by_its_tier(
    two_api_processes: list[str],
    people: People,
    tokens: Tokens,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    _away_from_a_window_boundary()
    async with sessionmaker() as session, session.begin():
        session.add(
            OAuthClient(
                client_id=THIRD_PARTY,
                name="某医院小程序",
                token_endpoint_auth_method="private_key_jwt",
                redirect_uris=["https://hospital.example/cb"],
                grant_types=["authorization_code"],
                scope="openid applications:read applications:write",
                first_party=False,
            )
        )
    # Two residents through the same mini-app: the client's tier caps them together.
    first = await tokens.issue(str(people.resident.id), client_id=THIRD_PARTY)
    second = await tokens.issue(str(people.other_resident.id), client_id=THIRD_PARTY)
    codes = []
    async with httpx.AsyncClient(timeout=10) as http:
        for i in range(TIER_LIMIT + 1):
            auth = first if i % 2 == 0 else second
            base = two_api_processes[i % 2]
            codes.append((await http.get(f"{base}/api/v1/applications", headers=auth)).status_code)
    assert codes == [200] * TIER_LIMIT + [429]


def test_limits_are_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ONETHING_ENV", "production")
    for name in ("API_RATE_LIMIT_PER_USER", "API_RATE_LIMIT_TIERS", "API_RATE_WINDOW_SECONDS"):
        monkeypatch.delenv(name, raising=False)
    production = ApiLimitSettings.from_env()
    assert (production.window_seconds, production.per_user) == (60, 300)
    assert production.client_limit("partner") == 6000
    assert production.client_limit("unknown-tier") == 1200  # falls back to standard
    monkeypatch.setenv("ONETHING_ENV", "test")
    assert ApiLimitSettings.from_env() == ApiLimitSettings(window_seconds=60, per_user=0, tiers=())
    monkeypatch.setenv("API_RATE_LIMIT_TIERS", "standard:ten")
    with pytest.raises(ValueError, match="API_RATE_LIMIT_TIERS"):
        ApiLimitSettings.from_env()


async def test_a_revoked_token_is_refused_and_counts_nothing(
    two_api_processes: list[str],
    people: People,
    tokens: Tokens,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    """The gate checks revocation and counts in one statement: only a standing token counts."""
    del people  # registers the PWA's client, which the tokens name
    _away_from_a_window_boundary()
    revoked_sub, standing_sub = str(uuid.uuid4()), str(uuid.uuid4())
    revoked, standing = await tokens.issue(revoked_sub), await tokens.issue(standing_sub)
    async with sessionmaker() as session, session.begin():
        await session.execute(
            update(AccessToken)
            .where(AccessToken.subject == revoked_sub)
            .values(revoked_at=func.now())
        )
    async with httpx.AsyncClient(timeout=10) as http:
        refused = [
            await http.get(f"{base}/api/v1/applications", headers=revoked)
            for base in two_api_processes
        ]
        admitted = await http.get(f"{two_api_processes[0]}/api/v1/applications", headers=standing)
    assert [a.status_code for a in refused] == [401, 401]
    assert "invalid_token" in refused[0].headers["www-authenticate"]
    assert admitted.status_code == 200
    async with sessionmaker() as session:
        counted = dict(
            (
                await session.execute(
                    select(RateLimitHit.bucket, RateLimitHit.hits).where(
                        RateLimitHit.bucket.in_(
                            [f"api:user:{revoked_sub}", f"api:user:{standing_sub}"]
                        )
                    )
                )
            ).all()
        )
    assert counted == {f"api:user:{standing_sub}": 1}


async def test_a_request_passes_the_gate_once_whichever_dependencies_ask(
    settings: Settings,
    people: People,
    tokens: Tokens,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    """`current_principal` and `current_caller` on one request share one gate statement: the
    request counts once; the next request counts again."""
    _away_from_a_window_boundary()
    limited = create_app(
        replace(settings, api_limits=ApiLimitSettings(window_seconds=WINDOW, per_user=100))
    )
    auth = await tokens.issue(str(people.resident.id))

    def request() -> Request[Any, Any, Any]:
        scope: Any = {
            "type": "http",
            "litestar_app": limited,
            "headers": [(b"authorization", auth["Authorization"].encode())],
            "query_string": b"",
        }
        return Request(scope)

    bucket = f"api:user:{people.resident.id}"
    seen = []
    for made in (request(), request()):
        async with sessionmaker() as session:
            principal = await current_principal(made, session)
            caller = await current_caller(made, session)
            assert caller.principal is principal
            assert caller.user_id == people.resident.id
        async with sessionmaker() as session:
            hits = await session.scalar(
                select(RateLimitHit.hits).where(RateLimitHit.bucket == bucket)
            )
        seen.append(hits)
    assert seen == [1, 2]
