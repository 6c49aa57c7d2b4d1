"""Consent for third-party clients: asked per scope on the provider's page, stored, listed and
withdrawn by the resident (withdrawal ends the client's tokens); the first-party PWA is exempt."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest
from identity_helpers import (
    Browser,
    add_client,
    authorization_params,
    csrf_of,
    forget_rate_limits,
    pkce_pair,
    query_of,
    redeem,
    signed_in_code,
)
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onething.identity.models import Consent, OAuthClient, SecurityEvent

MINI_APP = "mini-app"
MINI_APP_NAME = "社保小程序"
MINI_REDIRECT = "https://mini.example.test/cb"
PHONE = "13800138000"


@pytest.fixture
async def mini_app(sessionmaker: async_sessionmaker[AsyncSession], pwa: str) -> str:
    await add_client(
        sessionmaker,
        MINI_APP,
        redirect_uris=[MINI_REDIRECT],
        scope="openid profile phone applications:read applications:write offline_access",
        first_party=False,
    )
    async with sessionmaker() as session, session.begin():
        row = await session.get(OAuthClient, MINI_APP)
        assert row is not None
        row.name = MINI_APP_NAME
    return MINI_APP


def mini_params(challenge: str, **extra: str) -> dict[str, str]:
    return authorization_params(challenge, client_id=MINI_APP, redirect_uri=MINI_REDIRECT, **extra)


async def consent_page(browser: Browser, params: dict[str, str], **headers: str) -> Any:
    """Sign in (if needed) and return the consent page the authorization request leads to."""
    first = await browser.authorize(**params)
    if first.status_code == 303:
        resumed = await browser.login(PHONE, next_url=query_of(first.headers["location"])["next"])
        first = await browser.get(resumed.headers["location"], headers=headers)
    return first


async def answer(browser: Browser, page: str, decision: str, scopes: list[str]) -> Any:
    next_url = re.search(r'name="next" value="([^"]+)"', page)
    assert next_url
    data: dict[str, Any] = {
        "csrf": csrf_of(page),
        "next": unescape(next_url.group(1)),
        "decision": decision,
        "scope": scopes,
    }
    return await browser.post("/oauth2/consent", data=data)


async def follow_to_client(browser: Browser, response: Any) -> dict[str, str]:
    """Follow the provider's own redirects until the browser is sent to the client."""
    while response.headers["location"].startswith("/oauth2/"):
        response = await browser.get(response.headers["location"])
    assert response.status_code in {302, 303}, response.text
    location = response.headers["location"]
    assert location.startswith(MINI_REDIRECT), location
    return query_of(location)


async def redeem_mini(browser: Browser, code: str, verifier: str) -> Any:
    return await redeem(browser, code, verifier, client_id=MINI_APP, redirect_uri=MINI_REDIRECT)


async def test_a_third_party_client_gets_a_consent_page_naming_it_and_each_scope(
    browser: Browser, mini_app: str
) -> None:
    page = await consent_page(browser, mini_params(pkce_pair()[1]))
    assert page.status_code == 200, page.text
    assert MINI_APP_NAME in page.text
    for label in ("确认您的身份", "读取您的姓名", "读取您的手机号码", "在您离开后继续访问"):
        assert label in page.text
    assert "mini.example.test" in page.text  # where the resident will be sent
    english = await browser.authorize(**mini_params(pkce_pair()[1]))
    english = await browser.get(
        english.request.url.raw_path.decode(), headers={"Accept-Language": "en"}
    )
    assert "asks to use your data" in english.text
    assert "See your mobile number" in english.text


async def test_allowing_stores_the_consent_and_the_next_request_skips_the_page(
    browser: Browser, mini_app: str, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    verifier, challenge = pkce_pair()
    params = mini_params(challenge)
    page = await consent_page(browser, params)
    scopes = ["openid", "profile", "phone", "offline_access"]
    query = await follow_to_client(browser, await answer(browser, page.text, "allow", scopes))
    assert query["state"] == params["state"]
    tokens = await redeem_mini(browser, query["code"], verifier)
    assert tokens.status_code == 200, tokens.text
    assert set(tokens.json()["scope"].split()) == set(scopes)
    async with sessionmaker() as session:
        stored = (await session.execute(select(Consent))).scalar_one()
        assert stored.client_id == MINI_APP
        assert sorted(stored.scopes) == sorted(scopes)
    again = await browser.authorize(**mini_params(pkce_pair()[1]))
    assert again.status_code == 302
    assert again.headers["location"].startswith(MINI_REDIRECT)
    assert "code" in query_of(again.headers["location"])


async def test_an_unticked_scope_is_not_granted_and_is_asked_for_again(
    browser: Browser, mini_app: str
) -> None:
    verifier, challenge = pkce_pair()
    page = await consent_page(browser, mini_params(challenge))
    # openid is sent by the page itself (it cannot be unticked); phone is left out.
    query = await follow_to_client(
        browser, await answer(browser, page.text, "allow", ["openid", "profile", "offline_access"])
    )
    tokens = (await redeem_mini(browser, query["code"], verifier)).json()
    assert "phone" not in tokens["scope"].split()
    userinfo = await browser.get(
        "/oauth2/userinfo", headers={"Authorization": f"Bearer {tokens['access_token']}"}
    )
    assert "phone_number" not in userinfo.json()
    again = await browser.authorize(**mini_params(pkce_pair()[1]))
    assert again.status_code == 200
    assert "读取您的手机号码" in again.text


async def test_the_required_openid_scope_cannot_be_dropped_by_the_form(
    browser: Browser, mini_app: str
) -> None:
    verifier, challenge = pkce_pair()
    page = await consent_page(browser, mini_params(challenge, scope="openid profile"))
    query = await follow_to_client(browser, await answer(browser, page.text, "allow", []))
    tokens = (await redeem_mini(browser, query["code"], verifier)).json()
    assert tokens["scope"].split() == ["openid"]


async def test_denying_sends_access_denied_to_the_client_and_stores_nothing(
    browser: Browser, mini_app: str, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    params = mini_params(pkce_pair()[1])
    page = await consent_page(browser, params)
    query = await follow_to_client(browser, await answer(browser, page.text, "deny", ["openid"]))
    assert query["error"] == "access_denied"
    assert query["state"] == params["state"]
    assert query["iss"] == "http://127.0.0.1:8000"
    async with sessionmaker() as session:
        assert (await session.execute(select(Consent))).first() is None


async def test_prompt_none_without_consent_answers_consent_required(
    browser: Browser, mini_app: str
) -> None:
    await browser.login(PHONE)
    answer_ = await browser.authorize(**mini_params(pkce_pair()[1], prompt="none"))
    assert answer_.status_code == 302
    assert query_of(answer_.headers["location"])["error"] == "consent_required"


async def test_prompt_consent_asks_again_even_with_a_stored_consent(
    browser: Browser, mini_app: str
) -> None:
    page = await consent_page(browser, mini_params(pkce_pair()[1]))
    await follow_to_client(
        browser, await answer(browser, page.text, "allow", ["openid", "profile", "phone"])
    )
    asked = await browser.authorize(**mini_params(pkce_pair()[1], prompt="consent"))
    assert asked.status_code == 200
    assert MINI_APP_NAME in asked.text


async def test_a_consent_answer_without_the_csrf_cookie_is_refused(
    browser: Browser, mini_app: str, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    page = await consent_page(browser, mini_params(pkce_pair()[1]))
    browser.client.cookies.delete("ot_login_csrf", path="/oauth2")
    refused = await answer(browser, page.text, "allow", ["openid", "profile"])
    assert refused.status_code == 403
    async with sessionmaker() as session:
        assert (await session.execute(select(Consent))).first() is None


async def test_the_first_party_pwa_is_never_asked(browser: Browser, pwa: str) -> None:
    code, _, query = await signed_in_code(browser, PHONE)
    assert code
    assert "error" not in query


async def pwa_token(browser: Browser) -> str:
    code, verifier, _ = await signed_in_code(browser, PHONE)
    token = (await redeem(browser, code, verifier)).json()["access_token"]
    assert isinstance(token, str)
    return token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_the_resident_lists_and_withdraws_a_consent_which_ends_the_clients_tokens(
    browser: Browser, mini_app: str, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    verifier, challenge = pkce_pair()
    page = await consent_page(browser, mini_params(challenge))
    query = await follow_to_client(
        browser,
        await answer(browser, page.text, "allow", ["openid", "profile", "offline_access"]),
    )
    mini = (await redeem_mini(browser, query["code"], verifier)).json()
    assert (
        await browser.get("/api/v1/me", headers=bearer(mini["access_token"]))
    ).status_code == 200
    resident = await pwa_token(browser)

    listed = await browser.get("/api/v1/me/consents", headers=bearer(resident))
    assert listed.status_code == 200, listed.text
    [consent] = listed.json()
    assert consent["client_id"] == MINI_APP
    assert consent["client_name"] == MINI_APP_NAME
    assert [s["scope"] for s in consent["scopes"]] == ["offline_access", "openid", "profile"]
    assert consent["scopes"][2]["label_en"] == "See your name"
    assert consent["scopes"][2]["label_zh"] == "读取您的姓名"

    # The third-party app cannot read or withdraw consents itself.
    assert (
        await browser.get("/api/v1/me/consents", headers=bearer(mini["access_token"]))
    ).status_code == 403

    withdrawn = await browser.delete(f"/api/v1/me/consents/{MINI_APP}", headers=bearer(resident))
    assert withdrawn.status_code == 204, withdrawn.text
    assert (
        await browser.get("/api/v1/me", headers=bearer(mini["access_token"]))
    ).status_code == 401
    refreshed = await browser.post(
        "/oauth2/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": mini["refresh_token"],
            "client_id": MINI_APP,
        },
    )
    assert refreshed.status_code == 400
    assert refreshed.json()["error"] == "invalid_grant"
    # The PWA's own token is untouched, the list is empty, and a second withdrawal is a 404.
    assert (await browser.get("/api/v1/me/consents", headers=bearer(resident))).json() == []
    again = await browser.delete(f"/api/v1/me/consents/{MINI_APP}", headers=bearer(resident))
    assert again.status_code == 404
    # And the next authorization asks again.
    assert (await browser.authorize(**mini_params(pkce_pair()[1]))).status_code == 200
    async with sessionmaker() as session:
        kinds = (
            await session.execute(
                select(SecurityEvent.event_type).where(SecurityEvent.client_id == MINI_APP)
            )
        ).scalars()
        assert {"consent_granted", "consent_withdrawn"} <= set(kinds)


async def test_a_pwa_client_for_someone_else_cannot_withdraw_their_consent(
    browser: Browser, mini_app: str, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    page = await consent_page(browser, mini_params(pkce_pair()[1]))
    await follow_to_client(browser, await answer(browser, page.text, "allow", ["openid"]))
    browser.client.cookies.clear()
    await forget_rate_limits(sessionmaker)
    code, verifier, _ = await signed_in_code(browser, "13900139000")
    other = (await redeem(browser, code, verifier)).json()["access_token"]
    refused = await browser.delete(f"/api/v1/me/consents/{MINI_APP}", headers=bearer(other))
    assert refused.status_code == 404
    assert (await browser.get("/api/v1/me/consents", headers=bearer(other))).json() == []
    async with sessionmaker() as session:
        assert (await session.execute(select(Consent))).scalar_one().client_id == MINI_APP


async def test_a_scope_the_client_did_not_register_is_neither_asked_nor_granted(
    browser: Browser, mini_app: str
) -> None:
    verifier, challenge = pkce_pair()
    page = await consent_page(browser, mini_params(challenge, scope="openid licenses:read profile"))
    assert "电子证照" not in page.text
    query = await follow_to_client(
        browser, await answer(browser, page.text, "allow", ["profile", "licenses:read"])
    )
    tokens = (await redeem_mini(browser, query["code"], verifier)).json()
    assert sorted(tokens["scope"].split()) == ["openid", "profile"]


async def test_the_consent_page_lets_its_form_reach_only_this_clients_origin(
    browser: Browser, mini_app: str
) -> None:
    page = await consent_page(browser, mini_params(pkce_pair()[1]))
    policies = page.headers.get_list("content-security-policy")
    assert len(policies) == 1  # the page's own policy replaces the default, never adds to it
    assert "form-action 'self' https://mini.example.test;" in policies[0]
    assert "frame-ancestors 'none'" in policies[0]
