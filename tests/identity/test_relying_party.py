"""The whole code + PKCE flow driven by an independent OpenID Connect RP library (pyoidc's
`oic`, not authlib), which discovers the provider, fetches the JWKS and validates the ID token
(signature, iss, aud, nonce, at_hash) on its own."""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import urlsplit

import anyio
import anyio.from_thread
import pytest
import requests
from identity_helpers import PWA, PWA_REDIRECT, Browser, query_of
from litestar import Litestar
from litestar.testing import AsyncTestClient
from oic.oic import Client
from oic.oic.message import AuthorizationResponse, OpenIDSchema, RegistrationResponse
from oic.utils import keyio
from oic.utils.authn.client import CLIENT_AUTHN_METHOD
from requests.structures import CaseInsensitiveDict

from onething.identity.context import IdentityContext

PHONE = "13700137000"


class BridgedClient(Client):  # type: ignore[misc]
    """oic's client, its HTTP calls carried into the app under test (no sockets needed)."""

    def __init__(self, test_client: AsyncTestClient[Litestar]) -> None:
        super().__init__(client_authn_method=CLIENT_AUTHN_METHOD)
        self.test_client = test_client

    def http_request(self, url: str, method: str = "GET", **kwargs: Any) -> requests.Response:
        parts = urlsplit(url)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        answer = anyio.from_thread.run(
            lambda: self.test_client.request(
                method,
                target,
                content=kwargs.get("data"),
                headers=kwargs.get("headers"),
                follow_redirects=False,
            )
        )
        response = requests.Response()
        response.status_code = answer.status_code
        response._content = answer.content
        response.headers = CaseInsensitiveDict(answer.headers)
        response.url = url
        return response


class _KeyFetcher:
    """oic fetches the JWKS with module-level `requests.get`; route that through the bridge."""

    def __init__(self, rp: BridgedClient) -> None:
        self.rp = rp

    def get(self, url: str, **kwargs: Any) -> requests.Response:
        return self.rp.http_request(url, "GET", headers=kwargs.get("headers"))


async def test_an_independent_rp_completes_code_flow_and_validates_the_id_token(
    browser: Browser, pwa: str, ctx: IdentityContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    rp = BridgedClient(browser.client)
    monkeypatch.setattr(keyio, "requests", _KeyFetcher(rp))
    await anyio.to_thread.run_sync(rp.provider_config, ctx.issuer)
    assert rp.provider_info["code_challenge_methods_supported"] == ["S256"]
    rp.store_registration_info(
        RegistrationResponse(
            client_id=PWA, redirect_uris=[PWA_REDIRECT], token_endpoint_auth_method="none"
        )
    )
    rp.redirect_uris = [PWA_REDIRECT]
    pkce, verifier = rp.add_code_challenge()
    state, nonce = secrets.token_urlsafe(12), secrets.token_urlsafe(12)
    request = rp.construct_AuthorizationRequest(
        request_args={
            "client_id": PWA,
            "response_type": "code",
            "scope": ["openid", "phone"],
            "redirect_uri": PWA_REDIRECT,
            "state": state,
            "nonce": nonce,
            **pkce,
        }
    )
    login_url = request.request(rp.authorization_endpoint)

    # The resident's browser: authorize → login page → SMS code → back → redirect with code.
    first = await browser.get(login_url.removeprefix(ctx.issuer))
    assert first.status_code == 303
    done = await browser.login(PHONE, next_url=query_of(first.headers["location"])["next"])
    redirect = await browser.get(done.headers["location"])
    assert redirect.status_code == 302
    location = redirect.headers["location"]
    assert location.startswith(PWA_REDIRECT)

    response = rp.parse_response(
        AuthorizationResponse, info=urlsplit(location).query, sformat="urlencoded"
    )
    assert isinstance(response, AuthorizationResponse)
    assert response["state"] == state
    assert response["iss"] == ctx.issuer

    def token_request() -> Any:
        return rp.do_access_token_request(
            state=state,
            request_args={
                "code": response["code"],
                "redirect_uri": PWA_REDIRECT,
                "client_id": PWA,
                "code_verifier": verifier,
            },
            authn_method="",
        )

    tokens = await anyio.to_thread.run_sync(token_request)
    id_token = tokens["id_token"]  # verified by oic against the JWKS it fetched itself
    assert id_token["iss"] == ctx.issuer
    assert id_token["aud"] == [PWA]
    assert id_token["nonce"] == nonce
    assert id_token.jws_header["alg"] == "ES256"
    assert id_token.jws_header["kid"] in {
        k["kid"] for k in rp.provider_info and (await browser.get("/oauth2/jwks")).json()["keys"]
    }

    userinfo = await anyio.to_thread.run_sync(
        lambda: rp.do_user_info_request(state=state, behavior="use_authorization_header")
    )
    assert isinstance(userinfo, OpenIDSchema), userinfo.to_dict()
    assert userinfo["sub"] == id_token["sub"]
    assert userinfo["phone_number"] == "+86" + PHONE
