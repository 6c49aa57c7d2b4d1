"""Web Push on the real encryption path: a push endpoint (a real HTTP server in the test)
receives the message and decrypts it with the subscription's own keys (RFC 8291 aes128gcm),
and checks the VAPID signature (RFC 8292). Plus SMS to the local outbox, the in-app list in
both languages, and the resident's preferences."""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import http_ece
import pytest
from application_helpers import People, Tokens
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from joserfc import jwt
from joserfc.jwk import ECKey
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onething.notify.models import PushSubscription
from onething.notify.services import notify

Client = AsyncTestClient[Litestar]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class PushService:
    """A push service's endpoint: records what it is sent, answers `status`."""

    port: int
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    status: int = 201

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@pytest.fixture
def push_service() -> Iterator[PushService]:
    service = PushService(port=0)

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            del format, args

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            service.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
            self.send_response(service.status)
            self.send_header("Content-Length", "0")
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    service.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield service
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class BrowserKeys:
    """What a browser generates for a subscription: an ECDH P-256 key pair and an auth secret."""

    private: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    auth: bytes = field(default_factory=lambda: os.urandom(16))

    @property
    def p256dh(self) -> str:
        return _b64(
            self.private.public_key().public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
            )
        )


async def _subscribe(
    api: Client, auth: dict[str, str], endpoint: str, keys: BrowserKeys
) -> dict[str, Any]:
    answer = await api.post(
        "/api/v1/notifications/push-subscriptions",
        json={"endpoint": endpoint, "keys": {"p256dh": keys.p256dh, "auth": _b64(keys.auth)}},
        headers=auth,
    )
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


async def _notify(
    sessionmaker: async_sessionmaker[AsyncSession], user_id: uuid.UUID, template: str
) -> None:
    async with sessionmaker() as session, session.begin():
        await notify(
            session,
            user_id,
            template,
            {"parcel": 1, "tracking_number": "LC2611220010000001"},
            application_id=None,
            now=dt.datetime.now(dt.UTC),
        )


async def test_a_push_arrives_encrypted_and_opens_with_the_subscription_keys(
    api: Client,
    people: People,
    tokens: Tokens,
    drain: Any,
    push_service: PushService,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    resident = await tokens.issue(str(people.resident.id))
    keys = BrowserKeys()
    server_key = (await api.get("/api/v1/notifications/vapid-public-key")).json()["public_key"]
    await _subscribe(api, resident, f"{push_service.origin}/push/abc123", keys)

    await _notify(sessionmaker, people.resident.id, "parcel.returned")
    await drain()

    [(headers, body)] = push_service.received
    assert headers["content-encoding"] == "aes128gcm"
    assert int(headers["ttl"]) > 0
    # RFC 8291: only the subscription's private key and auth secret open it.
    plain = http_ece.decrypt(
        body, private_key=keys.private, auth_secret=keys.auth, version="aes128gcm"
    )
    payload = json.loads(plain)
    assert set(payload) == {"title", "message_id"}
    assert payload["title"] == "邮件被退回，请核对地址"
    with pytest.raises(Exception):  # noqa: B017, PT011 — any failure: another browser's keys
        http_ece.decrypt(
            body, private_key=BrowserKeys().private, auth_secret=keys.auth, version="aes128gcm"
        )
    assert b"LC2611220010000001" not in body

    # RFC 8292: `vapid t=<JWT signed by the server key>, k=<that public key>`.
    scheme, _, params = headers["authorization"].partition(" ")
    assert scheme == "vapid"
    fields = dict(part.strip().split("=", 1) for part in params.split(","))
    assert fields["k"] == server_key
    point = _unb64(server_key)
    public = ECKey.import_key(
        {"kty": "EC", "crv": "P-256", "x": _b64(point[1:33]), "y": _b64(point[33:])}
    )
    token = jwt.decode(fields["t"], public, algorithms=["ES256"])
    assert token.claims["aud"] == push_service.origin
    assert token.claims["sub"].startswith("mailto:")
    assert token.claims["exp"] > dt.datetime.now(dt.UTC).timestamp()


async def test_sms_and_the_in_app_list_follow_preferences_and_language(
    api: Client,
    people: People,
    tokens: Tokens,
    drain: Any,
    push_service: PushService,
    sessionmaker: async_sessionmaker[AsyncSession],
    app: Litestar,
) -> None:
    from onething.identity.sms import LocalSmsOutbox

    resident = await tokens.issue(str(people.resident.id))
    await _subscribe(api, resident, f"{push_service.origin}/push/p1", BrowserKeys())
    assert (await api.get("/api/v1/notifications/preferences", headers=resident)).json() == {
        "push": True,
        "sms": True,
        "language": "zh-CN",
    }
    await _notify(sessionmaker, people.resident.id, "parcel.ordered")
    await drain()
    assert len(push_service.received) == 1
    async with sessionmaker() as session:
        [(phone, text)] = await LocalSmsOutbox(app.state.identity).latest(session)
    assert phone == "13812345678"
    assert text.startswith("【一件事】证件已交寄")
    assert "LC2611220010000001" in text

    changed = await api.put(
        "/api/v1/notifications/preferences",
        json={"push": False, "sms": False, "language": "en"},
        headers=resident,
    )
    assert changed.status_code == 200, changed.text
    await _notify(sessionmaker, people.resident.id, "parcel.delivered")
    await drain()
    assert len(push_service.received) == 1  # no push, no SMS any more
    async with sessionmaker() as session:
        assert len(await LocalSmsOutbox(app.state.identity).latest(session)) == 1

    page = (await api.get("/api/v1/notifications/messages", headers=resident)).json()
    assert page["unread"] == 2
    titles = [m["title"] for m in page["messages"]]
    assert titles == ["Your documents were delivered", "Your documents are being mailed"]
    newest = page["messages"][0]["id"]
    read = await api.post(f"/api/v1/notifications/messages/{newest}/read", headers=resident)
    assert read.status_code == 204
    assert (await api.get("/api/v1/notifications/messages", headers=resident)).json()["unread"] == 1
    other = await tokens.issue(str(people.other_resident.id))
    assert (await api.get("/api/v1/notifications/messages", headers=other)).json()["messages"] == []
    stolen = await api.post(f"/api/v1/notifications/messages/{newest}/read", headers=other)
    assert stolen.status_code == 404


async def test_a_subscription_the_push_service_forgot_is_dropped(
    api: Client,
    people: People,
    tokens: Tokens,
    drain: Any,
    push_service: PushService,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    resident = await tokens.issue(str(people.resident.id))
    await _subscribe(api, resident, f"{push_service.origin}/push/old", BrowserKeys())
    push_service.status = 410
    await _notify(sessionmaker, people.resident.id, "parcel.delivered")
    await drain()
    async with sessionmaker() as session:
        row = (await session.execute(select(PushSubscription))).scalar_one()
    assert row.gone_at is not None


async def test_only_https_push_endpoints_outside_loopback(
    api: Client, people: People, tokens: Tokens
) -> None:
    resident = await tokens.issue(str(people.resident.id))
    answer = await api.post(
        "/api/v1/notifications/push-subscriptions",
        json={
            "endpoint": "http://push.example.com/x",
            "keys": {"p256dh": BrowserKeys().p256dh, "auth": _b64(os.urandom(16))},
        },
        headers=resident,
    )
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "endpoint"


async def test_malformed_browser_keys_are_refused_in_both_languages(
    api: Client, people: People, tokens: Tokens, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    resident = await tokens.issue(str(people.resident.id))
    answer = await api.post(
        "/api/v1/notifications/push-subscriptions",
        json={
            "endpoint": "https://push.example/browser",
            "keys": {"p256dh": _b64(os.urandom(65)), "auth": _b64(os.urandom(8))},
        },
        headers={**resident, "Accept-Language": "en"},
    )
    assert answer.status_code == 422
    errors = {e["field"]: e for e in answer.json()["errors"]}
    assert set(errors) == {"keys.p256dh", "keys.auth"}
    assert "P-256" in errors["keys.p256dh"]["message"]
    assert errors["keys.auth"]["message_zh"].startswith("推送验证密钥无效")
    async with sessionmaker() as session:
        assert (await session.execute(select(PushSubscription))).first() is None
