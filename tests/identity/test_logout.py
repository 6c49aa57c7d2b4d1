"""RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0) and the SSO session's idle and
absolute timeouts."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

import pytest
from identity_helpers import (
    PWA,
    Browser,
    add_client,
    authorization_params,
    csrf_of,
    pkce_pair,
    query_of,
    redeem,
    signed_in_code,
)
from joserfc import jwt
from joserfc.jwk import ECKey
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onething.identity.context import IdentityContext
from onething.identity.models import RefreshToken, SsoSession
from onething.identity.sessions import active_session

PHONE = "13800138000"
AFTER_LOGOUT = "https://pwa.onething.test/signed-out"


@pytest.fixture
async def rp(sessionmaker: async_sessionmaker[AsyncSession], browser: Browser) -> str:
    del browser
    await add_client(sessionmaker, post_logout_redirect_uris=[AFTER_LOGOUT])
    return PWA


async def signed_in_tokens(browser: Browser) -> dict[str, str]:
    code, verifier, _ = await signed_in_code(browser, PHONE)
    tokens: dict[str, str] = (await redeem(browser, code, verifier)).json()
    return tokens


async def still_signed_in(browser: Browser) -> bool:
    answer = await browser.authorize(**authorization_params(pkce_pair()[1]))
    return answer.status_code == 302 and "code" in query_of(answer.headers["location"])


async def test_discovery_names_the_end_session_endpoint(browser: Browser) -> None:
    metadata = (await browser.get("/.well-known/openid-configuration")).json()
    assert metadata["end_session_endpoint"] == "http://127.0.0.1:8000/oauth2/logout"


async def test_rp_initiated_logout_ends_the_session_revokes_refresh_tokens_and_returns_with_state(
    browser: Browser, rp: str, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    tokens = await signed_in_tokens(browser)
    query = urlencode(
        {
            "id_token_hint": tokens["id_token"],
            "post_logout_redirect_uri": AFTER_LOGOUT,
            "state": "s-42",
        }
    )
    page = await browser.get(f"/oauth2/logout?{query}")
    assert page.status_code == 200, page.text
    assert await still_signed_in(browser)  # showing the page changes nothing
    out = await browser.post(
        "/oauth2/logout",
        data={
            "csrf": csrf_of(page.text),
            "client_id": PWA,
            "post_logout_redirect_uri": AFTER_LOGOUT,
            "state": "s-42",
        },
    )
    assert out.status_code == 303, out.text
    assert out.headers["location"] == f"{AFTER_LOGOUT}?state=s-42"
    assert not await still_signed_in(browser)
    async with sessionmaker() as session:
        refresh = (await session.execute(select(RefreshToken))).scalars().all()
        assert refresh
        assert all(r.revoked_at is not None for r in refresh)
        ended = (await session.execute(select(SsoSession))).scalars().all()
        assert all(s.ended_at is not None for s in ended)


async def test_an_unregistered_post_logout_redirect_uri_is_refused_without_logging_out(
    browser: Browser, rp: str
) -> None:
    tokens = await signed_in_tokens(browser)
    for uri in ("https://evil.example/", AFTER_LOGOUT + "/x", AFTER_LOGOUT.upper()):
        query = urlencode({"id_token_hint": tokens["id_token"], "post_logout_redirect_uri": uri})
        refused = await browser.get(f"/oauth2/logout?{query}")
        assert refused.status_code == 400
        assert "evil" not in refused.headers.get("location", "")
    page = await browser.get("/oauth2/logout")
    tampered = await browser.post(
        "/oauth2/logout",
        data={
            "csrf": csrf_of(page.text),
            "client_id": PWA,
            "post_logout_redirect_uri": "https://evil.example/",
        },
    )
    assert tampered.status_code == 400
    assert await still_signed_in(browser)


async def test_a_return_address_without_a_client_or_with_a_forged_hint_is_refused(
    browser: Browser, rp: str
) -> None:
    tokens = await signed_in_tokens(browser)
    alone = await browser.get(
        f"/oauth2/logout?{urlencode({'post_logout_redirect_uri': AFTER_LOGOUT})}"
    )
    assert alone.status_code == 400
    forger = ECKey.generate_key("P-256")
    forged = jwt.encode(
        {"alg": "ES256", "kid": "forged"},
        {"iss": "http://127.0.0.1:8000", "sub": "x", "aud": PWA},
        forger,
    )
    for hint, client_id in ((forged, PWA), (tokens["id_token"], "another-client")):
        query = urlencode(
            {
                "id_token_hint": hint,
                "client_id": client_id,
                "post_logout_redirect_uri": AFTER_LOGOUT,
            }
        )
        assert (await browser.get(f"/oauth2/logout?{query}")).status_code == 400
    # An access token is not an ID token.
    query = urlencode(
        {"id_token_hint": tokens["access_token"], "post_logout_redirect_uri": AFTER_LOGOUT}
    )
    assert (await browser.get(f"/oauth2/logout?{query}")).status_code == 400
    assert await still_signed_in(browser)


async def test_logout_with_client_id_alone_returns_to_its_registered_address(
    browser: Browser, rp: str
) -> None:
    await signed_in_tokens(browser)
    query = urlencode({"client_id": PWA, "post_logout_redirect_uri": AFTER_LOGOUT})
    page = await browser.get(f"/oauth2/logout?{query}")
    assert page.status_code == 200
    out = await browser.post(
        "/oauth2/logout",
        data={
            "csrf": csrf_of(page.text),
            "client_id": PWA,
            "post_logout_redirect_uri": AFTER_LOGOUT,
        },
    )
    assert out.headers["location"] == AFTER_LOGOUT
    assert not await still_signed_in(browser)


def _session_cookie(browser: Browser) -> str:
    token = browser.client.cookies.get("ot_sso")
    assert token
    return token


async def test_the_session_ends_after_30_idle_minutes_and_not_before(
    browser: Browser, rp: str, ctx: IdentityContext, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await browser.login(PHONE)
    token = _session_cookie(browser)
    async with sessionmaker() as session:
        started = (await session.execute(select(SsoSession))).scalar_one().last_seen_at
        # (A live answer touches the session, so the refused case is asked first.)
        idle = await active_session(session, ctx, token, now=started + timedelta(minutes=30))
        assert idle is None
        assert await active_session(session, ctx, token, now=started + timedelta(minutes=29))
        # ... and idleness counts from that touch, not from the login.
        assert await active_session(session, ctx, token, now=started + timedelta(minutes=58))


async def test_the_session_ends_after_12_hours_however_active(
    browser: Browser, rp: str, ctx: IdentityContext, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await browser.login(PHONE)
    token = _session_cookie(browser)
    async with sessionmaker() as session:
        created = (await session.execute(select(SsoSession))).scalar_one().created_at
        now = created
        # Active every 20 minutes for almost 12 hours: never idle, always alive.
        while now < created + timedelta(hours=12) - timedelta(minutes=20):
            now += timedelta(minutes=20)
            assert await active_session(session, ctx, token, now=now), now - created
        last = created + timedelta(hours=11, minutes=59)
        assert await active_session(session, ctx, token, now=last)
        assert await active_session(session, ctx, token, now=created + timedelta(hours=12)) is None
