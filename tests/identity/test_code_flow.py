"""The authorization code flow with PKCE, end to end through the provider's own pages."""

from __future__ import annotations

from dataclasses import replace

from identity_helpers import (
    PWA,
    Browser,
    authorization_params,
    pkce_pair,
    query_of,
    redeem,
    signed_in_code,
)
from litestar.testing import AsyncTestClient

from onething.core.app import create_app
from onething.core.settings import Settings


async def test_code_flow_issues_tokens_that_the_api_accepts(browser: Browser, pwa: str) -> None:
    code, verifier, query = await signed_in_code(browser, "13800138000")
    assert query["iss"] == "http://127.0.0.1:8000"
    tokens = await redeem(browser, code, verifier)
    assert tokens.status_code == 200, tokens.text
    body = tokens.json()
    assert {"access_token", "refresh_token", "id_token"} <= body.keys()
    assert body["expires_in"] <= 600
    me = await browser.get(
        "/api/v1/me", headers={"Authorization": f"Bearer {body['access_token']}"}
    )
    assert me.status_code == 200, me.text
    assert me.json()["client_id"] == PWA
    assert "openid" in me.json()["scopes"]
    # A first login creates a resident account; the PWA picks its screens by this role.
    assert me.json()["role"] == "resident"
    assert "department" not in me.json()


async def test_prompt_none_without_a_session_answers_login_required_to_the_client(
    browser: Browser, pwa: str
) -> None:
    params = authorization_params(pkce_pair()[1], prompt="none")
    answer = await browser.authorize(**params)
    assert answer.status_code == 302
    query = query_of(answer.headers["location"])
    assert query["error"] == "login_required"
    assert query["state"] == params["state"]
    assert query["iss"] == "http://127.0.0.1:8000"


async def test_the_dev_sms_outbox_does_not_exist_in_production(settings: Settings) -> None:
    production = replace(settings, app=replace(settings.app, environment="production"))
    async with AsyncTestClient(app=create_app(production)) as client:
        assert (await client.get("/oauth2/dev/sms-outbox")).status_code == 404
        assert (await client.get("/oauth2/jwks")).status_code == 200
