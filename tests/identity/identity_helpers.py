"""Test helpers: register clients, drive the provider's login pages like a browser, PKCE."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from httpx import Response
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onething.identity.models import OAuthClient

PWA = "onething-pwa"
PWA_REDIRECT = "https://pwa.onething.test/callback"
DEFAULT_SCOPE = "openid profile phone applications:read applications:write offline_access"


async def add_client(
    sessionmaker: async_sessionmaker[AsyncSession],
    client_id: str = PWA,
    *,
    auth: str = "none",
    redirect_uris: list[str] | None = None,
    grant_types: list[str] | None = None,
    scope: str = DEFAULT_SCOPE,
    jwks: dict[str, Any] | None = None,
    first_party: bool = True,
    post_logout_redirect_uris: list[str] | None = None,
    department: str | None = None,
) -> None:
    async with sessionmaker() as session, session.begin():
        session.add(
            OAuthClient(
                client_id=client_id,
                name=client_id,
                token_endpoint_auth_method=auth,
                redirect_uris=redirect_uris if redirect_uris is not None else [PWA_REDIRECT],
                grant_types=grant_types or ["authorization_code", "refresh_token"],
                scope=scope,
                jwks=jwks,
                first_party=first_party,
                post_logout_redirect_uris=post_logout_redirect_uris or [],
                department=department,
            )
        )


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def query_of(location: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def csrf_of(page: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', page)
    assert match, page
    return match.group(1)


class Browser:
    """A resident's browser: cookies kept between requests, redirects followed by hand."""

    def __init__(self, client: AsyncTestClient[Litestar]) -> None:
        self.client = client

    async def get(self, url: str, **kwargs: Any) -> Response:
        return await self.client.get(url, follow_redirects=False, **kwargs)

    async def post(self, url: str, **kwargs: Any) -> Response:
        return await self.client.post(url, follow_redirects=False, **kwargs)

    async def delete(self, url: str, **kwargs: Any) -> Response:
        return await self.client.delete(url, follow_redirects=False, **kwargs)

    async def latest_code(self, phone: str) -> str:
        outbox = (await self.get("/oauth2/dev/sms-outbox")).json()
        for message in outbox:
            if message["phone"] == phone:
                match = re.search(r"\b(\d{6})\b", message["text"])
                assert match
                return match.group(1)
        msg = f"no SMS for {phone}"
        raise AssertionError(msg)

    async def login(self, phone: str, next_url: str = "") -> Response:
        """Phone page → code page → code from the dev outbox → signed in (303)."""
        page = await self.get("/oauth2/login", params={"next": next_url} if next_url else None)
        assert page.status_code == 200, page.text
        sent = await self.post(
            "/oauth2/login/code",
            data={"csrf": csrf_of(page.text), "next": next_url, "phone": phone},
        )
        assert sent.status_code == 200, sent.text
        code = await self.latest_code(phone)
        done = await self.post(
            "/oauth2/login",
            data={"csrf": csrf_of(sent.text), "next": next_url, "phone": phone, "code": code},
        )
        assert done.status_code == 303, done.text
        return done

    async def authorize(self, **params: str) -> Response:
        return await self.get(f"/oauth2/authorize?{urlencode(params)}")


def authorization_params(
    challenge: str, *, client_id: str = PWA, redirect_uri: str = PWA_REDIRECT, **extra: str
) -> dict[str, str]:
    return {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "scope": "openid profile phone offline_access",
        "state": secrets.token_urlsafe(8),
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        **extra,
    }


async def signed_in_code(
    browser: Browser, phone: str, **extra: str
) -> tuple[str, str, dict[str, str]]:
    """Log in and run an authorization request: (code, verifier, the redirect's query)."""
    verifier, challenge = pkce_pair()
    params = authorization_params(challenge, **extra)
    first = await browser.authorize(**params)
    if first.status_code == 303:  # no session yet: the login page, then back
        resumed = await browser.login(phone, next_url=query_of(first.headers["location"])["next"])
        first = await browser.get(resumed.headers["location"])
    assert first.status_code == 302, first.text
    query = query_of(first.headers["location"])
    assert query["state"] == params["state"]
    return query["code"], verifier, query


async def redeem(browser: Browser, code: str, verifier: str | None, **overrides: str) -> Response:
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": PWA_REDIRECT,
        "client_id": PWA,
    }
    if verifier is not None:
        data["code_verifier"] = verifier
    data.update(overrides)
    return await browser.post("/oauth2/token", data=data)


async def forget_rate_limits(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    """Between two logins of one phone in one test (the limit is one code a minute)."""
    from sqlalchemy import text

    async with sessionmaker() as session, session.begin():
        await session.execute(text("DELETE FROM rate_limit_hits"))
        # One code a minute is measured from the last code sent: make those a minute old.
        await session.execute(
            text("UPDATE login_codes SET created_at = created_at - interval '61 seconds'")
        )
