"""Confidential clients (private_key_jwt, client_credentials), revocation, introspection,
discovery and signing-key rotation."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from identity_helpers import PWA, Browser, add_client, redeem, signed_in_code
from joserfc import jwt
from joserfc.jwk import ECKey
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onething.identity.context import IdentityContext
from onething.identity.keys import forget_cached_keys, rotate_signing_key

DEPT = "dept-public-security"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


async def _department(
    sessionmaker: async_sessionmaker[AsyncSession], scope: str, department: str | None = None
) -> ECKey:
    key = ECKey.generate_key("P-256", private=True)
    public = {**key.as_dict(private=False), "kid": "dept-1"}
    await add_client(
        sessionmaker,
        DEPT,
        auth="private_key_jwt",
        redirect_uris=[],
        grant_types=["client_credentials"],
        scope=scope,
        jwks={"keys": [public]},
        first_party=True,
        department=department,
    )
    return key


def _assertion(key: ECKey, ctx: IdentityContext, *, jti: str | None = None) -> str:
    now = int(time.time())
    claims = {
        "iss": DEPT,
        "sub": DEPT,
        "aud": ctx.endpoint("/oauth2/token"),
        "iat": now,
        "exp": now + 60,
        "jti": jti or uuid.uuid4().hex,
    }
    return jwt.encode({"alg": "ES256", "kid": "dept-1"}, claims, key)


def _client_auth(key: ECKey, ctx: IdentityContext, **kwargs: Any) -> dict[str, str]:
    return {
        "client_assertion_type": ASSERTION_TYPE,
        "client_assertion": _assertion(key, ctx, **kwargs),
    }


async def _service_token(browser: Browser, key: ECKey, ctx: IdentityContext, scope: str) -> Any:
    return await browser.post(
        "/oauth2/token",
        data={"grant_type": "client_credentials", "scope": scope, **_client_auth(key, ctx)},
    )


async def test_client_credentials_with_private_key_jwt_gives_a_token_for_the_client(
    browser: Browser, sessionmaker: async_sessionmaker[AsyncSession], ctx: IdentityContext
) -> None:
    key = await _department(sessionmaker, "applications:read applications:write introspect")
    answer = await _service_token(browser, key, ctx, "applications:read applications:write")
    assert answer.status_code == 200, answer.text
    assert "refresh_token" not in answer.json()
    me = await browser.get(
        "/api/v1/me", headers={"Authorization": f"Bearer {answer.json()['access_token']}"}
    )
    assert me.json()["sub"] == DEPT
    assert me.json()["scopes"] == ["applications:read", "applications:write"]


async def test_a_replayed_or_foreign_client_assertion_is_refused(
    browser: Browser, sessionmaker: async_sessionmaker[AsyncSession], ctx: IdentityContext
) -> None:
    key = await _department(sessionmaker, "applications:read applications:write")
    auth = _client_auth(key, ctx, jti="only-once")
    data = {
        "grant_type": "client_credentials",
        "scope": "applications:read applications:write",
        **auth,
    }
    assert (await browser.post("/oauth2/token", data=data)).status_code == 200
    replay = await browser.post("/oauth2/token", data=data)
    assert replay.json()["error"] == "invalid_client"
    stranger = ECKey.generate_key("P-256", private=True)
    forged = await _service_token(browser, stranger, ctx, "applications:read applications:write")
    assert forged.json()["error"] == "invalid_client"


async def test_client_credentials_cannot_widen_the_clients_scope(
    browser: Browser, sessionmaker: async_sessionmaker[AsyncSession], ctx: IdentityContext
) -> None:
    key = await _department(sessionmaker, "applications:read applications:write")
    answer = await _service_token(
        browser, key, ctx, "applications:read applications:write licenses:read"
    )
    assert answer.json()["error"] == "invalid_scope"


async def test_a_public_client_cannot_use_client_credentials(browser: Browser, pwa: str) -> None:
    answer = await browser.post(
        "/oauth2/token", data={"grant_type": "client_credentials", "client_id": PWA}
    )
    assert answer.json()["error"] in {"invalid_client", "unauthorized_client"}


async def test_introspection_reports_active_then_inactive_after_revocation(
    browser: Browser,
    pwa: str,
    sessionmaker: async_sessionmaker[AsyncSession],
    ctx: IdentityContext,
) -> None:
    key = await _department(sessionmaker, "introspect")
    code, verifier, _ = await signed_in_code(browser, "13300133000")
    tokens = (await redeem(browser, code, verifier)).json()

    async def introspect(token: str) -> dict[str, Any]:
        answer = await browser.post(
            "/oauth2/introspect", data={"token": token, **_client_auth(key, ctx)}
        )
        assert answer.status_code == 200, answer.text
        result: dict[str, Any] = answer.json()
        return result

    active = await introspect(tokens["access_token"])
    assert active["active"] is True
    assert active["client_id"] == PWA
    assert active["aud"] == ctx.api_audience
    revoked = await browser.post(
        "/oauth2/revoke",
        data={
            "token": tokens["refresh_token"],
            "token_type_hint": "refresh_token",
            "client_id": PWA,
        },
    )
    assert revoked.status_code == 200
    assert (await introspect(tokens["access_token"]))["active"] is False
    assert (await introspect(tokens["refresh_token"]))["active"] is False
    anonymous = await browser.post("/oauth2/introspect", data={"token": tokens["access_token"]})
    assert anonymous.status_code in {400, 401}


async def test_discovery_advertises_only_what_is_supported(
    browser: Browser, ctx: IdentityContext
) -> None:
    meta = (await browser.get("/.well-known/openid-configuration")).json()
    assert meta["issuer"] == ctx.issuer
    assert meta["response_types_supported"] == ["code"]
    assert meta["code_challenge_methods_supported"] == ["S256"]
    assert "password" not in meta["grant_types_supported"]
    assert "implicit" not in meta["grant_types_supported"]
    assert meta["authorization_response_iss_parameter_supported"] is True
    assert set(meta["token_endpoint_auth_methods_supported"]) == {"none", "private_key_jwt"}


async def test_a_rotated_key_still_verifies_until_its_overlap_ends(
    browser: Browser,
    pwa: str,
    sessionmaker: async_sessionmaker[AsyncSession],
    ctx: IdentityContext,
) -> None:
    code, verifier, _ = await signed_in_code(browser, "13300133000")
    old_token = (await redeem(browser, code, verifier)).json()["access_token"]
    old_keys = {k["kid"] for k in (await browser.get("/oauth2/jwks")).json()["keys"]}
    async with sessionmaker() as session, session.begin():
        new_kid = await rotate_signing_key(session, ctx, now=datetime.now(UTC))
    jwks = (await browser.get("/oauth2/jwks")).json()["keys"]
    assert {k["kid"] for k in jwks} == old_keys | {new_kid}
    assert all(k["kty"] == "EC" and "d" not in k for k in jwks)  # public, asymmetric only
    me = await browser.get("/api/v1/me", headers={"Authorization": f"Bearer {old_token}"})
    assert me.status_code == 200
    async with sessionmaker() as session, session.begin():
        await session.execute(
            text("UPDATE signing_keys SET expires_at = :t WHERE kid <> :k"),
            {"t": datetime.now(UTC) - timedelta(seconds=1), "k": new_kid},
        )
    forget_cached_keys(ctx)  # as every replica does within a minute
    assert {k["kid"] for k in (await browser.get("/oauth2/jwks")).json()["keys"]} == {new_kid}
    me = await browser.get("/api/v1/me", headers={"Authorization": f"Bearer {old_token}"})
    assert me.status_code == 401


async def test_a_bound_department_system_gets_its_own_department_scope_and_no_other(
    browser: Browser, sessionmaker: async_sessionmaker[AsyncSession], ctx: IdentityContext
) -> None:
    key = await _department(
        sessionmaker, "applications:read applications:write", department="public-security"
    )
    for asked in (
        "applications:read applications:write",
        "applications:read applications:write department:public-security",
        "",
    ):
        answer = await _service_token(browser, key, ctx, asked)
        assert answer.status_code == 200, answer.text
        assert (
            answer.json()["scope"]
            == "applications:read applications:write department:public-security"
        )
    other = await _service_token(
        browser, key, ctx, "applications:read applications:write department:health-commission"
    )
    assert other.status_code == 400
    assert other.json()["error"] == "invalid_scope"


async def test_an_unbound_client_never_gets_a_department_scope_even_if_registered(
    browser: Browser, sessionmaker: async_sessionmaker[AsyncSession], ctx: IdentityContext
) -> None:
    key = await _department(
        sessionmaker, "applications:read applications:write department:public-security"
    )
    refused = await _service_token(
        browser, key, ctx, "applications:read applications:write department:public-security"
    )
    assert refused.status_code == 400
    assert refused.json()["error"] == "invalid_scope"
    plain = await _service_token(browser, key, ctx, "applications:read applications:write")
    assert plain.json()["scope"] == "applications:read applications:write"
