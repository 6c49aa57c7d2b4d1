"""Federation between two OneThing instances over real HTTP: the upstream (acting as the
national identity platform, its own database) and the local one, each served by granian in
its own process. The local instance is configured only through FEDERATION_* variables."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from dataclasses import dataclass
from html import unescape
from urllib.parse import urlsplit

import asyncpg
import httpx
import pytest
from identity_helpers import authorization_params, csrf_of, pkce_pair, query_of
from litestar import Litestar
from live_helpers import served, server_env
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onething.core.db import create_engine, create_sessionmaker
from onething.core.migrate import upgrade
from onething.core.processes import free_port
from onething.core.settings import DatabaseSettings, Settings
from onething.identity.context import IdentityContext
from onething.identity.models import FederatedIdentity, OAuthClient, SecurityEvent, User
from onething.identity.services import id_number_index, new_user

ID_NUMBER = "11010519491231002X"
UPSTREAM_PHONE = "13600136000"
NO_ID_PHONE = "13600136001"
SECOND_PHONE = "13600136002"  # one login code a minute per phone: another upstream resident
LOCAL_CLIENT = "onething-local"
RP = "local-rp"
RP_REDIRECT = "https://rp.example.test/cb"


@dataclass(frozen=True)
class Instances:
    upstream: str
    local: str


def _database(url: str, name: str) -> str:
    return DatabaseSettings(url=url).with_database(name)


async def _admin(url: str, statement: str) -> None:
    connection = await asyncpg.connect(DatabaseSettings(url=url).asyncpg_dsn)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


async def _seed_upstream(url: str, ctx: IdentityContext, local: str) -> None:
    engine = create_engine(DatabaseSettings(url=url, pool_size=1))
    try:
        async with create_sessionmaker(engine)() as session, session.begin():
            session.add(
                OAuthClient(
                    client_id=LOCAL_CLIENT,
                    name="地方一件事平台",
                    token_endpoint_auth_method="none",
                    redirect_uris=[f"{local}/oauth2/federation/callback"],
                    grant_types=["authorization_code"],
                    scope="openid profile id_number",
                    first_party=True,
                )
            )
            session.add(new_user(ctx, phone=UPSTREAM_PHONE, name="张三", id_number=ID_NUMBER))
            session.add(new_user(ctx, phone=NO_ID_PHONE))
            session.add(new_user(ctx, phone=SECOND_PHONE, id_number="110105198001010016"))
    finally:
        await engine.dispose()


@pytest.fixture(scope="module")
def instances(settings: Settings, app: Litestar) -> Iterator[Instances]:
    upstream_name = urlsplit(settings.database.url).path.lstrip("/") + "_upstream"
    upstream_db = _database(settings.database.url, upstream_name)
    asyncio.run(_admin(settings.database.url, f'CREATE DATABASE "{upstream_name}"'))
    try:
        upgrade(upstream_db)
        up_port, local_port = free_port(), free_port()
        upstream = f"http://127.0.0.1:{up_port}"
        local = f"http://127.0.0.1:{local_port}"
        asyncio.run(_seed_upstream(upstream_db, app.state.identity, local))
        up_env = server_env(settings, up_port, upstream, DATABASE_URL=upstream_db)
        local_env = server_env(
            settings,
            local_port,
            local,
            FEDERATION_ISSUER=upstream,
            FEDERATION_CLIENT_ID=LOCAL_CLIENT,
        )
        with served(up_env, up_port), served(local_env, local_port):
            yield Instances(upstream=upstream, local=local)
    finally:
        asyncio.run(
            _admin(settings.database.url, f'DROP DATABASE IF EXISTS "{upstream_name}" WITH (FORCE)')
        )


@pytest.fixture
async def local_rp(sessionmaker: async_sessionmaker[AsyncSession], clean_db: None) -> str:
    del clean_db
    async with sessionmaker() as session, session.begin():
        session.add(
            OAuthClient(
                client_id=RP,
                name=RP,
                token_endpoint_auth_method="none",
                redirect_uris=[RP_REDIRECT],
                grant_types=["authorization_code"],
                scope="openid profile",
                first_party=True,
            )
        )
    return RP


async def _upstream_sms_login(upstream: httpx.AsyncClient, login_url: str, phone: str) -> str:
    """Sign in at the upstream's own pages; returns where it sends the browser next."""
    page = await upstream.get(login_url)
    next_url = re.search(r'name="next" value="([^"]*)"', page.text)
    assert next_url
    nxt = unescape(next_url.group(1))
    sent = await upstream.post(
        "/oauth2/login/code", data={"csrf": csrf_of(page.text), "next": nxt, "phone": phone}
    )
    assert sent.status_code == 200, sent.text
    outbox = (await upstream.get("/oauth2/dev/sms-outbox")).json()
    code = re.search(r"\b(\d{6})\b", next(m["text"] for m in outbox if m["phone"] == phone))
    assert code
    done = await upstream.post(
        "/oauth2/login",
        data={"csrf": csrf_of(sent.text), "next": nxt, "phone": phone, "code": code.group(1)},
    )
    assert done.status_code == 303, done.text
    return done.headers["location"]


async def _to_local_callback(
    local: httpx.AsyncClient, upstream: httpx.AsyncClient, phone: str
) -> tuple[str, str]:
    """From a local authorization request through the upstream's login back to our callback:
    (the callback URL the upstream sent the browser to, the local `next`)."""
    params = authorization_params(pkce_pair()[1], client_id=RP, redirect_uri=RP_REDIRECT)
    first = await local.get("/oauth2/authorize", params=params)
    assert first.status_code == 303
    login = await local.get(first.headers["location"])
    assert "/oauth2/federation/start" in login.text  # the login page offers the platform
    nxt = query_of(first.headers["location"])["next"]
    out = await local.get("/oauth2/federation/start", params={"next": nxt})
    assert out.status_code == 303, out.text
    upstream_authorize = out.headers["location"]
    assert upstream_authorize.startswith(str(upstream.base_url))
    answer = await upstream.get(upstream_authorize)
    if answer.status_code == 303:  # no upstream session yet
        resumed = await _upstream_sms_login(upstream, answer.headers["location"], phone)
        answer = await upstream.get(resumed)
    assert answer.status_code == 302, answer.text
    return answer.headers["location"], nxt


async def test_a_resident_signs_in_through_the_upstream_platform_and_is_linked_by_id_number(
    instances: Instances,
    local_rp: str,
    sessionmaker: async_sessionmaker[AsyncSession],
    ctx: IdentityContext,
) -> None:
    existing = new_user(ctx, phone="13500135000", id_number=ID_NUMBER)
    async with sessionmaker() as session, session.begin():
        session.add(existing)
    async with (
        httpx.AsyncClient(base_url=instances.local) as local,
        httpx.AsyncClient(base_url=instances.upstream) as upstream,
    ):
        callback, nxt = await _to_local_callback(local, upstream, UPSTREAM_PHONE)
        assert callback.startswith(f"{instances.local}/oauth2/federation/callback?")
        back = await local.get(callback)
        assert back.status_code == 303, back.text
        assert back.headers["location"] == nxt
        done = await local.get(nxt)
        assert done.status_code == 302
        assert done.headers["location"].startswith(RP_REDIRECT)
        assert "code" in query_of(done.headers["location"])
        # The authorization response is single use: replaying it signs nobody in.
        local.cookies.clear()
        assert (await local.get(callback)).status_code == 400

        # Second time: the link is reused (the upstream session is still alive).
        again, _ = await _to_local_callback(local, upstream, UPSTREAM_PHONE)
        assert (await local.get(again)).status_code == 303

    async with sessionmaker() as session:
        [link] = (await session.execute(select(FederatedIdentity))).scalars().all()
        assert link.issuer == instances.upstream
        assert link.user_id == existing.id  # the resident's own account, found by ID number
        users = (await session.execute(select(User))).scalars().all()
        assert [u.id for u in users if u.id_number_index == id_number_index(ctx, ID_NUMBER)] == [
            existing.id
        ]
        events = (await session.execute(select(SecurityEvent.event_type))).scalars().all()
        assert events.count("federation_linked") == 1


async def test_a_forged_issuer_or_an_upstream_account_without_id_number_signs_nobody_in(
    instances: Instances, local_rp: str, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    async with (
        httpx.AsyncClient(base_url=instances.local) as local,
        httpx.AsyncClient(base_url=instances.upstream) as upstream,
    ):
        callback, _ = await _to_local_callback(local, upstream, SECOND_PHONE)
        forged = callback.replace("iss=http", "iss=https")
        assert forged != callback
        assert (await local.get(forged)).status_code == 400
        assert "ot_sso" not in local.cookies
    async with (
        httpx.AsyncClient(base_url=instances.local) as local,
        httpx.AsyncClient(base_url=instances.upstream) as upstream,
    ):
        callback, _ = await _to_local_callback(local, upstream, NO_ID_PHONE)
        refused = await local.get(callback)
        assert refused.status_code == 400
        assert "ot_sso" not in local.cookies
    async with sessionmaker() as session:
        assert (await session.execute(select(FederatedIdentity))).first() is None
        reasons = (
            (
                await session.execute(
                    select(SecurityEvent.detail).where(SecurityEvent.event_type == "login_failed")
                )
            )
            .scalars()
            .all()
        )
    assert any("another issuer" in r["reason"] for r in reasons)
    assert any("no valid ID number" in r["reason"] for r in reasons)


async def test_without_configuration_the_federation_endpoints_do_not_exist(
    client: httpx.AsyncClient,
) -> None:
    assert (await client.get("/oauth2/federation/start")).status_code == 404
    login = await client.get("/oauth2/login")
    assert "/oauth2/federation/start" not in login.text
