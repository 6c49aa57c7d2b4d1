"""Passkey endpoints' refusals (the happy path runs in Chromium: test_passkeys_browser.py)."""

from __future__ import annotations

from typing import Any

from identity_helpers import Browser, csrf_of
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onething.identity.models import SecurityEvent

BOGUS: dict[str, Any] = {
    "id": "AAAA",
    "rawId": "AAAA",
    "type": "public-key",
    "response": {
        "clientDataJSON": "e30",
        "authenticatorData": "AAAA",
        "signature": "AAAA",
        "userHandle": None,
    },
    "clientExtensionResults": {},
}


async def _csrf(browser: Browser) -> str:
    return csrf_of((await browser.get("/oauth2/login")).text)


async def test_the_login_page_offers_a_passkey_button_served_with_its_script(
    browser: Browser,
) -> None:
    page = (await browser.get("/oauth2/login")).text
    assert 'id="passkey-login"' in page
    script = await browser.get("/oauth2/static/passkey.js")
    assert script.status_code == 200
    assert script.headers["content-type"].startswith("text/javascript")
    assert "navigator.credentials.get" in script.text


async def test_a_ceremony_needs_the_csrf_cookie(browser: Browser) -> None:
    csrf = await _csrf(browser)
    browser.client.cookies.delete("ot_login_csrf", path="/oauth2")
    refused = await browser.post("/oauth2/passkeys/login/options", json={"csrf": csrf})
    assert refused.status_code == 403


async def test_registration_needs_a_signed_in_session(browser: Browser) -> None:
    csrf = await _csrf(browser)
    refused = await browser.post("/oauth2/passkeys/register/options", json={"csrf": csrf})
    assert refused.status_code == 401
    page = await browser.get("/oauth2/passkeys")
    assert page.status_code == 303
    assert page.headers["location"] == "/oauth2/login?next=%2Foauth2%2Fpasskeys"


async def test_a_forged_assertion_is_refused_recorded_and_spends_the_ceremony(
    browser: Browser, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    csrf = await _csrf(browser)
    started = (await browser.post("/oauth2/passkeys/login/options", json={"csrf": csrf})).json()
    assert started["options"]["rpId"] == "127.0.0.1"
    assert started["options"]["allowCredentials"] == []  # names no account
    answer = {"csrf": csrf, "ceremony": started["ceremony"], "credential": BOGUS}
    first = await browser.post("/oauth2/passkeys/login", json=answer)
    assert first.status_code == 422, first.text
    assert "ot_sso" not in first.headers.get("set-cookie", "")
    again = await browser.post("/oauth2/passkeys/login", json=answer)
    assert again.status_code == 422
    async with sessionmaker() as session:
        failures = (
            (
                await session.execute(
                    select(SecurityEvent.detail).where(SecurityEvent.event_type == "login_failed")
                )
            )
            .scalars()
            .all()
        )
    assert [f["method"] for f in failures] == ["passkey", "passkey"]
    assert "unknown credential" in failures[0]["reason"]
    assert "ceremony" in failures[1]["reason"]
