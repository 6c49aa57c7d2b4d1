"""The authorization code flow with PKCE, end to end through the provider's own pages."""

from __future__ import annotations

from identity_helpers import PWA, Browser, redeem, signed_in_code


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
