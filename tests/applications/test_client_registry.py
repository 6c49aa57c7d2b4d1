"""Registering third-party clients (issue 9): an administrator registers a mini-app with its
public keys (inline or at a JWKS URL), exact redirect URIs, scopes, webhook and rate tier; the
client then authenticates with private_key_jwt; bad registrations are refused field by field
in zh-CN and en with nothing written; disabling revokes what the client holds; the CLI too."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from application_helpers import People, Tokens
from joserfc import jwt
from joserfc.jwk import ECKey
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onething.core.settings import REPO_ROOT, Settings
from onething.identity.context import IdentityContext
from onething.identity.models import OAuthClient
from onething.identity.services import new_user

Client = AsyncTestClient[Litestar]
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
HOSPITAL = "hospital-mini-app"


def _public_jwks(key: ECKey, kid: str) -> dict[str, Any]:
    return {"keys": [{**key.as_dict(private=False), "kid": kid, "use": "sig", "alg": "ES256"}]}


def _registration(key: ECKey, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "client_id": HOSPITAL,
        "name": {"zh": "市妇幼保健院", "en": "City Maternity Hospital"},
        "redirect_uris": ["https://hospital.example/onething/callback"],
        "scopes": ["openid", "profile", "applications:read", "applications:write"],
        "jwks": _public_jwks(key, "hospital-1"),
        "webhook_url": "https://hospital.example/onething/events",
    }
    body.update(overrides)
    return body


def _assertion(key: ECKey, kid: str, ctx: IdentityContext) -> dict[str, str]:
    now = int(time.time())
    claims = {
        "iss": HOSPITAL,
        "sub": HOSPITAL,
        "aud": ctx.endpoint("/oauth2/token"),
        "iat": now,
        "exp": now + 60,
        "jti": uuid.uuid4().hex,
    }
    return {
        "client_id": HOSPITAL,
        "client_assertion_type": ASSERTION_TYPE,
        "client_assertion": jwt.encode({"alg": "ES256", "kid": kid}, claims, key),
    }


async def _introspect(api: Client, key: ECKey, kid: str, ctx: IdentityContext) -> str:
    """Client authentication with private_key_jwt, on the introspection endpoint: "ok", or
    the OAuth error."""
    answer = await api.post(
        "/oauth2/introspect", data={"token": "not-a-token", **_assertion(key, kid, ctx)}
    )
    if answer.status_code == 200:
        assert answer.json() == {"active": False}
        return "ok"
    return str(answer.json()["error"])


@pytest.fixture
async def admin(app: Litestar, people: People, tokens: Tokens, sessionmaker: Any) -> dict[str, str]:
    del people  # (clean tables, the PWA registered)
    user = new_user(app.state.identity, role="admin", phone="13100131009")
    async with sessionmaker() as session, session.begin():
        session.add(user)
    return await tokens.issue(str(user.id), scope="openid admin")


async def _clients(sessionmaker: async_sessionmaker[AsyncSession]) -> int:
    async with sessionmaker() as session:
        count = await session.scalar(
            select(func.count()).select_from(OAuthClient).where(OAuthClient.client_id == HOSPITAL)
        )
        return int(count or 0)


async def test_an_admin_registers_a_mini_app_which_then_authenticates_with_its_key(
    api: Client, admin: dict[str, str], app: Litestar, tokens: Tokens, people: People
) -> None:
    ctx: IdentityContext = app.state.identity
    key = ECKey.generate_key("P-256", private=True)
    made = await api.post("/api/v1/admin/clients", json=_registration(key), headers=admin)
    assert made.status_code == 201, made.text
    client = made.json()
    assert client["token_endpoint_auth_method"] == "private_key_jwt"
    assert client["key_ids"] == ["hospital-1"]
    assert client["name"] == {"zh": "市妇幼保健院", "en": "City Maternity Hospital"}
    assert len(client["webhook_secret"]) >= 40  # shown this once
    shown = (await api.get(f"/api/v1/admin/clients/{HOSPITAL}", headers=admin)).json()
    assert shown["webhook_secret"] is None
    listed = (await api.get("/api/v1/admin/clients", headers=admin)).json()
    assert [c["client_id"] for c in listed] == [HOSPITAL]  # the PWA is not a registered client

    assert await _introspect(api, key, "hospital-1", ctx) == "ok"
    stranger = ECKey.generate_key("P-256", private=True)
    assert await _introspect(api, stranger, "hospital-1", ctx) == "invalid_client"

    again = await api.post("/api/v1/admin/clients", json=_registration(key), headers=admin)
    assert again.status_code == 409

    # Disabling: its tokens die at once and it can no longer authenticate.
    held = await tokens.issue(str(people.resident.id), client_id=HOSPITAL, scope="openid")
    assert (await api.get("/api/v1/me", headers=held)).status_code == 200
    disabled = await api.post(f"/api/v1/admin/clients/{HOSPITAL}/disable", headers=admin)
    assert disabled.status_code == 200
    assert disabled.json()["disabled_at"] is not None
    assert (await api.get("/api/v1/me", headers=held)).status_code == 401
    assert await _introspect(api, key, "hospital-1", ctx) == "invalid_client"


async def test_a_bad_registration_is_refused_field_by_field_and_writes_nothing(
    api: Client, admin: dict[str, str], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    key = ECKey.generate_key("P-256", private=True)
    bad = _registration(
        key,
        redirect_uris=["http://hospital.example/cb", "https://hospital.example/*"],
        scopes=["profile", "everything"],
        jwks_uri="https://hospital.example/jwks.json",
        rate_limit_tier="platinum",
    )
    answer = await api.post(
        "/api/v1/admin/clients", json=bad, headers={**admin, "Accept-Language": "en"}
    )
    assert answer.status_code == 422
    errors = {e["field"]: e for e in answer.json()["errors"]}
    assert set(errors) == {
        "redirect_uris[0]",
        "redirect_uris[1]",
        "scopes",
        "jwks",
        "rate_limit_tier",
    }
    assert "https" in errors["redirect_uris[0]"]["message"]
    assert errors["redirect_uris[0]"]["message_zh"].startswith("须为 https 地址")
    private = _registration(key, jwks={"keys": [{**key.as_dict(private=True), "kid": "k"}]})
    leaked = await api.post("/api/v1/admin/clients", json=private, headers=admin)
    assert leaked.status_code == 422
    assert leaked.json()["errors"][0]["code"] == "jwks.private"
    assert await _clients(sessionmaker) == 0


async def test_only_an_administrator_registers(
    api: Client, people: People, tokens: Tokens, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    key = ECKey.generate_key("P-256", private=True)
    resident = await tokens.issue(
        str(people.resident.id), scope="openid applications:read applications:write admin"
    )
    answer = await api.post("/api/v1/admin/clients", json=_registration(key), headers=resident)
    assert answer.status_code == 403
    assert await _clients(sessionmaker) == 0


@pytest.fixture
def jwks_server() -> Iterator[tuple[str, dict[str, Any]]]:
    """The mini-app's own https-less loopback JWKS URL (RFC 8252 allows http on loopback)."""
    published: dict[str, Any] = {"keys": []}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            del format, args

        def do_GET(self) -> None:
            body = json.dumps(published).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/jwks.json", published
    finally:
        server.shutdown()


async def test_keys_at_a_jwks_url_are_fetched_and_refreshed_after_a_rotation(
    api: Client, admin: dict[str, str], app: Litestar, jwks_server: tuple[str, dict[str, Any]]
) -> None:
    ctx: IdentityContext = app.state.identity
    url, published = jwks_server
    old = ECKey.generate_key("P-256", private=True)
    published.update(_public_jwks(old, "2026-a"))
    body = _registration(old, jwks=None, jwks_uri=url, webhook_url=None)
    made = await api.post("/api/v1/admin/clients", json=body, headers=admin)
    assert made.status_code == 201, made.text
    assert made.json()["key_ids"] == ["2026-a"]
    assert made.json()["webhook_secret"] is None
    assert await _introspect(api, old, "2026-a", ctx) == "ok"

    new = ECKey.generate_key("P-256", private=True)
    published.update(_public_jwks(new, "2026-b"))
    assert await _introspect(api, new, "2026-b", ctx) == "invalid_client"  # not fetched yet
    refreshed = await api.post(f"/api/v1/admin/clients/{HOSPITAL}/refresh-keys", headers=admin)
    assert refreshed.json()["key_ids"] == ["2026-b"]
    assert await _introspect(api, new, "2026-b", ctx) == "ok"
    assert await _introspect(api, old, "2026-a", ctx) == "invalid_client"


@pytest.mark.slow
def test_the_cli_registers_from_a_json_file(
    people: People, settings: Settings, tmp_path: Path
) -> None:
    del people
    key = ECKey.generate_key("P-256", private=True)
    file = tmp_path / "hospital.json"
    file.write_text(json.dumps(_registration(key)), encoding="utf-8")
    env = {
        **os.environ,
        "DATABASE_URL": settings.database.url,
        "IDENTITY_DATA_KEYS": settings.identity.data_keys,
        "IDENTITY_BLIND_INDEX_KEY": settings.identity.blind_index_key,
        "LOG_LEVEL": "WARNING",
    }

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "onething", "clients", *args],
            env=env,
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    done = cli("register", str(file))
    assert done.returncode == 0, done.stderr
    registered = json.loads(done.stdout)
    assert registered["client_id"] == HOSPITAL
    assert registered["webhook_secret"]
    again = cli("register", str(file))
    assert again.returncode == 1
    assert "409" in again.stderr
    listed = json.loads(cli("list").stdout)
    assert [c["client_id"] for c in listed] == [HOSPITAL]
    assert json.loads(cli("disable", HOSPITAL).stdout)["disabled_at"] is not None


async def test_what_a_client_asserts_is_named_from_the_catalog(
    api: Client, admin: dict[str, str], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    key = ECKey.generate_key("P-256", private=True)
    wrong = _registration(key, asserts=["child.birth_time", "child.shoe_size", "nowhere.*"])
    refused = await api.post("/api/v1/admin/clients", json=wrong, headers=admin)
    assert refused.status_code == 422, refused.text
    errors = {e["field"]: e for e in refused.json()["errors"]}
    assert set(errors) == {"asserts[1]", "asserts[2]"}
    assert "child.shoe_size" in errors["asserts[1]"]["message_zh"]
    assert await _clients(sessionmaker) == 0
    made = await api.post(
        "/api/v1/admin/clients",
        json=_registration(key, asserts=["child.birth_time", "mother.*"]),
        headers=admin,
    )
    assert made.status_code == 201, made.text
    assert made.json()["asserts"] == ["child.birth_time", "mother.*"]


async def test_a_mini_app_gets_a_token_of_its_own_for_client_scopes_only(
    api: Client, admin: dict[str, str], app: Litestar
) -> None:
    ctx: IdentityContext = app.state.identity
    key = ECKey.generate_key("P-256", private=True)
    scopes = ["openid", "applications:read", "applications:write", "bundles:read"]
    made = await api.post(
        "/api/v1/admin/clients", json=_registration(key, scopes=scopes), headers=admin
    )
    assert made.status_code == 201, made.text
    data = {"grant_type": "client_credentials", **_assertion(key, "hospital-1", ctx)}
    own = await api.post("/oauth2/token", data=data)
    assert own.status_code == 200, own.text
    # Without a resident nothing but its own scopes, even when none is named.
    assert own.json()["scope"] == "bundles:read"
    bearer = {"Authorization": f"Bearer {own.json()['access_token']}"}
    subscription = await api.get("/api/v1/client/webhook-subscription", headers=bearer)
    assert subscription.status_code == 200, subscription.text
    asked = {"scope": "applications:read", **_assertion(key, "hospital-1", ctx)}
    widened = await api.post("/oauth2/token", data={"grant_type": "client_credentials", **asked})
    assert widened.json()["error"] == "invalid_scope"
