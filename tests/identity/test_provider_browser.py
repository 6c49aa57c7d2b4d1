"""The provider's pages in real Chromium: passkey registration and sign-in with a virtual
authenticator (Chrome DevTools Protocol, WebAuthn domain), and consent and logout forms that
end at a client on another origin (CSP `form-action`)."""

from __future__ import annotations

import base64
import json
import re
import secrets
from collections.abc import AsyncIterator, Iterator
from urllib.parse import urlencode

import httpx
import pytest
from identity_helpers import add_client, pkce_pair, query_of
from live_helpers import CHROMIUM, CHROMIUM_ARGS, served, server_env
from playwright.async_api import Browser, Page, async_playwright
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onething.core.processes import free_port
from onething.core.settings import Settings
from onething.identity.models import Passkey, SecurityEvent, SsoSession

PHONE = "13800138000"
RP = "passkey-rp"


@pytest.fixture(scope="module")
def localhost_server(settings: Settings) -> Iterator[str]:
    """WebAuthn needs a domain for the RP ID (an IP address is not one): `localhost`."""
    port = free_port()
    with served(server_env(settings, port, f"http://localhost:{port}"), port) as base:
        yield base


@pytest.fixture(scope="module")
async def chromium() -> AsyncIterator[Browser]:
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} missing: `make browser` installs Debian's chromium")
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        await browser.close()


async def sign_in_by_sms(page: Page, base: str) -> None:
    await page.fill("#phone", PHONE)
    await page.click("button[type=submit]")
    async with httpx.AsyncClient() as http:
        outbox = (await http.get(f"{base}/oauth2/dev/sms-outbox")).json()
    code = re.search(r"\b(\d{6})\b", next(m["text"] for m in outbox if m["phone"] == PHONE))
    assert code
    await page.fill("#code", code.group(1))
    await page.click("button[type=submit]")


async def test_a_passkey_registered_in_chromium_signs_the_resident_in_on_the_login_page(
    localhost_server: str,
    chromium: Browser,
    sessionmaker: async_sessionmaker[AsyncSession],
    clean_db: None,
) -> None:
    del clean_db
    base = localhost_server
    callback = f"{base}/rp/callback"
    await add_client(sessionmaker, RP, redirect_uris=[callback], scope="openid profile")
    context = await chromium.new_context(locale="zh-CN")
    try:
        page = await context.new_page()
        cdp = await context.new_cdp_session(page)
        await cdp.send("WebAuthn.enable")
        authenticator = await cdp.send(
            "WebAuthn.addVirtualAuthenticator",
            {
                "options": {
                    "protocol": "ctap2",
                    "transport": "internal",
                    "hasResidentKey": True,
                    "hasUserVerification": True,
                    "isUserVerified": True,
                    "automaticPresenceSimulation": True,
                }
            },
        )

        # Registration: the passkeys page asks for a login first, then offers the button.
        await page.goto(f"{base}/oauth2/passkeys")
        assert "/oauth2/login" in page.url
        await sign_in_by_sms(page, base)
        await page.wait_for_url(f"{base}/oauth2/passkeys")
        await page.click("#passkey-register")
        status = page.locator("#passkey-status")
        await status.wait_for(state="visible")
        assert await status.text_content() == "通行密钥已添加。"
        stored = await cdp.send(
            "WebAuthn.getCredentials", {"authenticatorId": authenticator["authenticatorId"]}
        )
        assert len(stored["credentials"]) == 1
        assert stored["credentials"][0]["isResidentCredential"]
        async with sessionmaker() as session:
            assert (
                await session.execute(select(func.count()).select_from(Passkey))
            ).scalar_one() == 1

        # Sign-in: a fresh browser session, an authorization request, the passkey button.
        await context.clear_cookies()
        verifier, challenge = pkce_pair()
        state = secrets.token_urlsafe(8)
        params = {
            "response_type": "code",
            "client_id": RP,
            "redirect_uri": callback,
            "scope": "openid",
            "state": state,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
        await page.goto(f"{base}/oauth2/authorize?{urlencode(params)}")
        assert "/oauth2/login" in page.url
        await page.click("#passkey-login")
        await page.wait_for_url(re.compile(re.escape(callback) + r"\?"))
        query = query_of(page.url)
        assert query["state"] == state
        assert query["iss"] == base
    finally:
        await context.close()

    async with httpx.AsyncClient() as http:
        tokens = await http.post(
            f"{base}/oauth2/token",
            data={
                "grant_type": "authorization_code",
                "code": query["code"],
                "redirect_uri": callback,
                "client_id": RP,
                "code_verifier": verifier,
            },
        )
    assert tokens.status_code == 200, tokens.text
    payload = tokens.json()["id_token"].split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert claims["amr"] == ["hwk"]
    async with sessionmaker() as session:
        amrs = (await session.execute(select(SsoSession.amr))).scalars().all()
        assert ["hwk"] in amrs
        passkey = (await session.execute(select(Passkey))).scalar_one()
        assert passkey.last_used_at is not None
        kinds = (await session.execute(select(SecurityEvent.event_type))).scalars().all()
        assert "passkey_registered" in kinds


async def test_consent_and_logout_forms_reach_a_client_on_another_origin(
    localhost_server: str,
    chromium: Browser,
    sessionmaker: async_sessionmaker[AsyncSession],
    clean_db: None,
) -> None:
    """Chromium applies CSP `form-action` to the redirects after a form is sent: the consent
    and logout pages must allow the one client origin their form ends at."""
    del clean_db
    base = localhost_server
    other_origin = base.replace("localhost", "127.0.0.1")  # same server, another origin
    callback = f"{other_origin}/rp/callback"
    signed_out = f"{other_origin}/rp/signed-out"
    await add_client(
        sessionmaker,
        "third-party-rp",
        redirect_uris=[callback],
        post_logout_redirect_uris=[signed_out],
        scope="openid profile",
        first_party=False,
    )
    context = await chromium.new_context(locale="zh-CN")
    try:
        page = await context.new_page()
        params = {
            "response_type": "code",
            "client_id": "third-party-rp",
            "redirect_uri": callback,
            "scope": "openid profile",
            "state": "st-1",
            "code_challenge": pkce_pair()[1],
            "code_challenge_method": "S256",
        }
        await page.goto(f"{base}/oauth2/authorize?{urlencode(params)}")
        await sign_in_by_sms(page, base)
        await page.wait_for_url(re.compile(r"/oauth2/authorize\?"))
        assert "third-party-rp" in (await page.text_content("h1") or "")
        await page.click("button[value=allow]")
        await page.wait_for_url(re.compile(re.escape(callback) + r"\?"))
        assert query_of(page.url)["state"] == "st-1"
        assert "code" in query_of(page.url)

        logout = {
            "client_id": "third-party-rp",
            "post_logout_redirect_uri": signed_out,
            "state": "bye",
        }
        await page.goto(f"{base}/oauth2/logout?{urlencode(logout)}")
        await page.click("button[type=submit]")
        await page.wait_for_url(f"{signed_out}?state=bye")
    finally:
        await context.close()
