"""Phone-code login at the provider: codes, attempts, rate limits, the SSO session cookie."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from identity_helpers import (
    PWA,
    Browser,
    authorization_params,
    csrf_of,
    forget_rate_limits,
    pkce_pair,
    redeem,
    signed_in_code,
)
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onething.identity.context import IdentityContext
from onething.identity.login import LoginRefusal, send_login_code
from onething.identity.models import LoginCode, SecurityEvent, SsoSession
from onething.identity.sms import LocalSmsOutbox

PHONE = "13600136000"


async def _request_code(browser: Browser, phone: str = PHONE) -> tuple[int, str]:
    page = await browser.get("/oauth2/login")
    sent = await browser.post(
        "/oauth2/login/code", data={"csrf": csrf_of(page.text), "next": "", "phone": phone}
    )
    return sent.status_code, sent.text


async def _submit(browser: Browser, page: str, code: str, phone: str = PHONE) -> int:
    answer = await browser.post(
        "/oauth2/login",
        data={"csrf": csrf_of(page), "next": "", "phone": phone, "code": code},
    )
    return answer.status_code


async def test_codes_are_stored_hashed_and_live_five_minutes(
    browser: Browser, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    status, _ = await _request_code(browser)
    assert status == 200
    code = await browser.latest_code(PHONE)
    async with sessionmaker() as session:
        row = (await session.execute(select(LoginCode))).scalar_one()
    assert code not in row.code_hash
    assert (row.expires_at - row.created_at).total_seconds() == 300


async def test_a_wrong_code_counts_and_the_sixth_attempt_is_refused_even_with_the_right_code(
    browser: Browser,
) -> None:
    _, page = await _request_code(browser)
    code = await browser.latest_code(PHONE)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(5):
        assert await _submit(browser, page, wrong) == 400
    assert await _submit(browser, page, code) == 429


async def test_an_expired_code_is_refused(
    browser: Browser, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    _, page = await _request_code(browser)
    code = await browser.latest_code(PHONE)
    async with sessionmaker() as session, session.begin():
        await session.execute(text("UPDATE login_codes SET expires_at = now() - interval '1s'"))
    assert await _submit(browser, page, code) == 400


async def test_a_code_is_single_use(browser: Browser) -> None:
    _, page = await _request_code(browser)
    code = await browser.latest_code(PHONE)
    assert await _submit(browser, page, code) == 303
    browser.client.cookies.delete("ot_sso")
    assert await _submit(browser, page, code) == 400


async def test_codes_are_rate_limited_per_phone(
    browser: Browser, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    assert (await _request_code(browser))[0] == 200
    assert (await _request_code(browser))[0] == 429  # one a minute
    async with sessionmaker() as session, session.begin():
        # A minute later (the code's time moved back), but the hour's five are used up.
        await session.execute(
            text("UPDATE login_codes SET created_at = created_at - interval '61 seconds'")
        )
        await session.execute(text("UPDATE rate_limit_hits SET hits = 5"))
    assert (await _request_code(browser))[0] == 429  # five an hour
    assert (await _request_code(browser, "13500135000"))[0] == 200  # another phone is fine


async def test_one_code_a_minute_holds_across_a_minute_boundary(
    browser: Browser, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    # A fixed one-minute window would let both through: 12:00:59 and 12:01:01 fall in two.
    ctx: IdentityContext = browser.client.app.state.identity
    first = datetime(2026, 12, 2, 12, 0, 59, tzinfo=UTC)
    answers = []
    for now in (first, first + timedelta(seconds=2), first + timedelta(seconds=61)):
        async with sessionmaker() as session, session.begin():
            answers.append(
                await send_login_code(
                    session, ctx, LocalSmsOutbox(ctx), phone=PHONE, ip=None, now=now
                )
            )
    assert answers == [None, LoginRefusal.TOO_MANY_CODES, None]


async def test_codes_are_rate_limited_per_ip(
    browser: Browser, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    # The test client's peer is not an IP address; a real one is counted per address.
    ctx: IdentityContext = browser.client.app.state.identity
    now = datetime.now(UTC)
    async with sessionmaker() as session, session.begin():
        outcomes = [
            await send_login_code(
                session,
                ctx,
                LocalSmsOutbox(ctx),
                phone=f"1390000{n:04d}",
                ip="203.0.113.9",
                now=now,
            )
            for n in range(21)
        ]
    assert outcomes[:20] == [None] * 20
    assert outcomes[20] is LoginRefusal.TOO_MANY_CODES


async def test_login_without_the_csrf_cookie_is_refused(browser: Browser) -> None:
    _, page = await _request_code(browser)
    code = await browser.latest_code(PHONE)
    browser.client.cookies.delete("ot_login_csrf", path="/oauth2")
    assert await _submit(browser, page, code) == 403


async def test_session_cookie_is_httponly_lax_and_renewed_at_login(
    browser: Browser, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    planted = "attacker-chosen-session-id"
    browser.client.cookies.set("ot_sso", planted)
    done = await browser.login(PHONE)
    header = next(v for k, v in done.headers.multi_items() if k == "set-cookie" and "ot_sso=" in v)
    assert "HttpOnly" in header
    assert "SameSite=Lax" in header or "samesite=lax" in header.lower()
    assert "Path=/" in header
    issued = header.split("ot_sso=", 1)[1].split(";", 1)[0]
    assert issued != planted
    await forget_rate_limits(sessionmaker)
    second = await browser.login(PHONE)  # logging in again gives another id
    renewed = next(v for k, v in second.headers.multi_items() if "ot_sso=" in v)
    assert renewed.split("ot_sso=", 1)[1].split(";", 1)[0] != issued
    async with sessionmaker() as session:
        sessions = (await session.execute(select(SsoSession))).scalars().all()
    assert sum(s.ended_at is None for s in sessions) == 1


async def test_idle_and_absolute_timeouts_end_the_session(
    browser: Browser, pwa: str, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await signed_in_code(browser, PHONE)  # signed in, a session exists
    for expire in (
        "UPDATE sso_sessions SET last_seen_at = now() - interval '31 minutes'",
        "UPDATE sso_sessions SET expires_at = now() - interval '1 second'",
    ):
        await forget_rate_limits(sessionmaker)
        await browser.login(PHONE)
        async with sessionmaker() as session, session.begin():
            await session.execute(text(expire))
        again = await browser.authorize(**authorization_params(pkce_pair()[1]))
        assert again.status_code == 303
        assert again.headers["location"].startswith("/oauth2/login")


async def test_logout_ends_the_session_and_revokes_its_tokens(
    browser: Browser, pwa: str, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    code, verifier, _ = await signed_in_code(browser, PHONE)
    tokens = (await redeem(browser, code, verifier)).json()
    page = await browser.get("/oauth2/logout")
    out = await browser.post("/oauth2/logout", data={"csrf": csrf_of(page.text)})
    assert out.status_code == 200
    me = await browser.get(
        "/api/v1/me", headers={"Authorization": f"Bearer {tokens['access_token']}"}
    )
    assert me.status_code == 401
    refreshed = await browser.post(
        "/oauth2/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": tokens["refresh_token"],
            "client_id": PWA,
        },
    )
    assert refreshed.json()["error"] == "invalid_grant"
    async with sessionmaker() as session:
        kinds = [e.event_type for e in (await session.execute(select(SecurityEvent))).scalars()]
    assert {"login_code_sent", "login_succeeded", "token_issued", "logout"} <= set(kinds)


async def test_login_page_has_no_inline_script_and_only_resumes_our_own_authorize(
    browser: Browser,
) -> None:
    page = await browser.get("/oauth2/login", params={"next": "https://evil.example/"})
    # The one script is external (the passkey button); nothing inline.
    assert re.findall(r"<script[^>]*>", page.text) == [
        '<script src="/oauth2/static/passkey.js" defer>'
    ]
    assert "style=" not in page.text
    assert 'name="next" value="/"' in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
