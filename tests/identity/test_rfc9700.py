"""One test per RFC 9700 (OAuth 2.0 Security BCP) negative: each attack is refused."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from identity_helpers import (
    PWA,
    PWA_REDIRECT,
    Browser,
    authorization_params,
    pkce_pair,
    query_of,
    redeem,
    signed_in_code,
)
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onething.identity.context import IdentityContext
from onething.identity.keys import load_keyring
from onething.identity.tokens import sign_access_token

PHONE = "13800138000"
ISSUER = "http://127.0.0.1:8000"


async def _signed_in(browser: Browser) -> None:
    await browser.login(PHONE)


async def _authorization_error(browser: Browser, **params: str) -> dict[str, str]:
    answer = await browser.authorize(**params)
    assert answer.status_code == 302, answer.text
    assert answer.headers["location"].startswith(PWA_REDIRECT + "?")
    query = query_of(answer.headers["location"])
    assert "code" not in query
    assert query["iss"] == ISSUER  # RFC 9207, on error responses too
    return query


def _me(browser: Browser, access_token: str, **kwargs: str):  # type: ignore[no-untyped-def]
    return browser.get("/api/v1/me", headers={"Authorization": f"Bearer {access_token}"}, **kwargs)


async def test_mismatched_redirect_uri_is_refused_without_redirecting(
    browser: Browser, pwa: str
) -> None:
    await _signed_in(browser)
    _, challenge = pkce_pair()
    for uri in (PWA_REDIRECT + "/../evil", PWA_REDIRECT + "?x=1", "https://evil.example/cb"):
        answer = await browser.authorize(**authorization_params(challenge, redirect_uri=uri))
        assert answer.status_code == 400
        assert "location" not in answer.headers
        assert "invalid_request" in answer.text


async def test_redirect_uri_at_the_token_endpoint_must_equal_the_authorized_one(
    browser: Browser, pwa: str
) -> None:
    code, verifier, _ = await signed_in_code(browser, PHONE)
    answer = await redeem(browser, code, verifier, redirect_uri=PWA_REDIRECT + "/other")
    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_grant"


async def test_reused_code_is_refused_and_revokes_what_it_issued(
    browser: Browser, pwa: str
) -> None:
    code, verifier, _ = await signed_in_code(browser, PHONE)
    first = await redeem(browser, code, verifier)
    assert first.status_code == 200
    again = await redeem(browser, code, verifier)
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"
    assert (await _me(browser, first.json()["access_token"])).status_code == 401
    refresh = await browser.post(
        "/oauth2/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": first.json()["refresh_token"],
            "client_id": PWA,
        },
    )
    assert refresh.json()["error"] == "invalid_grant"


async def test_expired_code_is_refused(
    browser: Browser, pwa: str, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    code, verifier, _ = await signed_in_code(browser, PHONE)
    async with sessionmaker() as session, session.begin():
        lifetime = (
            await session.execute(
                text(
                    "SELECT max(extract(epoch FROM expires_at - created_at))"
                    " FROM authorization_codes"
                )
            )
        ).scalar_one()
        assert lifetime <= 60
        await session.execute(
            text("UPDATE authorization_codes SET expires_at = now() - interval '1 second'")
        )
    answer = await redeem(browser, code, verifier)
    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_grant"


async def test_plain_pkce_is_refused(browser: Browser, pwa: str) -> None:
    await _signed_in(browser)
    verifier, _ = pkce_pair()
    params = authorization_params(verifier, code_challenge_method="plain")
    assert (await _authorization_error(browser, **params))["error"] == "invalid_request"
    params = authorization_params(verifier)
    del params["code_challenge_method"]  # RFC 7636 defaults a missing method to plain
    assert (await _authorization_error(browser, **params))["error"] == "invalid_request"


async def test_verifier_without_challenge_is_refused(browser: Browser, pwa: str) -> None:
    await _signed_in(browser)
    params = authorization_params("unused")
    del params["code_challenge"], params["code_challenge_method"]
    assert (await _authorization_error(browser, **params))["error"] == "invalid_request"
    # and a code obtained with a challenge is useless without the verifier
    code, _, _ = await signed_in_code(browser, PHONE)
    answer = await redeem(browser, code, None)
    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_request"


async def test_wrong_verifier_is_refused(browser: Browser, pwa: str) -> None:
    code, _, _ = await signed_in_code(browser, PHONE)
    other_verifier, _ = pkce_pair()
    answer = await redeem(browser, code, other_verifier)
    assert answer.json()["error"] == "invalid_grant"


async def test_implicit_response_type_token_is_refused(browser: Browser, pwa: str) -> None:
    await _signed_in(browser)
    _, challenge = pkce_pair()
    for response_type in ("token", "id_token token", "code token"):
        params = authorization_params(challenge, response_type=response_type)
        answer = await browser.authorize(**params)
        assert "access_token" not in answer.headers.get("location", "")
        assert (await _authorization_error(browser, **params))["error"] in {
            "unsupported_response_type",
            "unauthorized_client",
        }


async def test_password_grant_is_refused(browser: Browser, pwa: str) -> None:
    answer = await browser.post(
        "/oauth2/token",
        data={"grant_type": "password", "username": PHONE, "password": "x", "client_id": PWA},
    )
    assert answer.status_code == 400
    assert answer.json()["error"] == "unsupported_grant_type"


async def test_refresh_token_reuse_revokes_the_whole_family(browser: Browser, pwa: str) -> None:
    code, verifier, _ = await signed_in_code(browser, PHONE)
    first = (await redeem(browser, code, verifier)).json()

    async def refresh(token: str):  # type: ignore[no-untyped-def]
        return await browser.post(
            "/oauth2/token",
            data={"grant_type": "refresh_token", "refresh_token": token, "client_id": PWA},
        )

    second = await refresh(first["refresh_token"])
    assert second.status_code == 200, second.text
    rotated = second.json()
    assert rotated["refresh_token"] != first["refresh_token"]
    assert (await _me(browser, rotated["access_token"])).status_code == 200

    replay = await refresh(first["refresh_token"])  # the spent token comes back: theft
    assert replay.status_code == 400
    assert replay.json()["error"] == "invalid_grant"
    assert (await refresh(rotated["refresh_token"])).json()["error"] == "invalid_grant"
    assert (await _me(browser, rotated["access_token"])).status_code == 401


async def test_token_in_query_string_is_refused(browser: Browser, pwa: str) -> None:
    code, verifier, _ = await signed_in_code(browser, PHONE)
    access = (await redeem(browser, code, verifier)).json()["access_token"]
    in_query = await browser.get("/api/v1/me", params={"access_token": access})
    assert in_query.status_code == 401
    both = await _me(browser, access, params={"access_token": access})  # type: ignore[arg-type]
    assert both.status_code == 401
    assert 'error="invalid_request"' in both.headers["www-authenticate"]


async def test_token_for_another_audience_is_refused(
    browser: Browser, pwa: str, ctx: IdentityContext, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    async with sessionmaker() as session:
        ring = await load_keyring(session, ctx, now=datetime.now(UTC))
    now = int(time.time())
    claims = {
        "iss": ctx.issuer,
        "sub": "someone",
        "client_id": PWA,
        "scope": "openid",
        "iat": now,
        "exp": now + 300,
        "jti": "other-audience",
    }
    elsewhere = sign_access_token(ring, {**claims, "aud": "https://mini-app.example/api"})
    answer = await _me(browser, elsewhere)
    assert answer.status_code == 401
    assert answer.json()["type"] == "/problems/invalid-token"
