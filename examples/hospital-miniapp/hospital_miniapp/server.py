"""The mini-app's HTTP server (standard library): the resident's pages, the OAuth redirect URI,
and the webhook receiver. Sessions live in this process's memory — a real deployment keeps
them in its own store."""

from __future__ import annotations

import json
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from hospital_miniapp import pages
from hospital_miniapp.config import Config
from hospital_miniapp.launch import (
    BUNDLE,
    DeliveryRecord,
    LaunchError,
    demo_record,
    launch_draft,
    launched_applications,
)
from hospital_miniapp.oauth import OneThingClient, Pending, SignInError, Tokens, load_key
from hospital_miniapp.webhooks import Inbox

COOKIE = "hospital_session"
MAX_WEBHOOK_BODY = 64 * 1024


@dataclass
class Session:
    pending: Pending | None = None
    tokens: Tokens | None = None
    draft: dict[str, Any] | None = None


@dataclass
class State:
    config: Config
    client: OneThingClient
    record: DeliveryRecord
    inbox: Inbox = field(default_factory=Inbox)
    sessions: dict[str, Session] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def session(self, key: str | None) -> tuple[str, Session]:
        with self.lock:
            if key and key in self.sessions:
                return key, self.sessions[key]
            key = secrets.token_urlsafe(24)
            self.sessions[key] = Session()
            return key, self.sessions[key]


def continue_url(config: Config, draft: dict[str, Any]) -> str:
    """Where the resident reviews and submits the draft in OneThing's app."""
    return f"{config.pwa_url}/bundles/{BUNDLE}?draft={draft['id']}"


class Handler(BaseHTTPRequestHandler):
    state: State  # set on the subclass `serve` makes
    server_version = "hospital-miniapp"

    # --- plumbing ---------------------------------------------------------------------------

    def log_message(self, format: str, *args: Any) -> None:
        pass  # no access log: query strings carry authorization codes

    def _session(self) -> tuple[str, Session]:
        cookie = SimpleCookie(self.headers.get("Cookie", ""))
        morsel = cookie.get(COOKIE)
        return self.state.session(morsel.value if morsel else None)

    def _send(
        self,
        status: int,
        body: bytes = b"",
        *,
        content_type: str = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
        session_key: str | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
        self.send_header("Referrer-Policy", "no-referrer")  # the callback URL carries the code
        if session_key:
            self.send_header(
                "Set-Cookie", f"{COOKIE}={session_key}; Path=/; HttpOnly; SameSite=Lax"
            )
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _redirect(self, location: str, session_key: str | None = None) -> None:
        self._send(HTTPStatus.SEE_OTHER, headers={"Location": location}, session_key=session_key)

    # --- routes -----------------------------------------------------------------------------

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        routes: dict[str, Callable[[dict[str, str]], None]] = {
            "/": self._home,
            "/start": self._start,
            "/callback": self._callback,
            "/launched": self._launched,
            "/healthz": self._healthz,
        }
        if self.state.config.dev:
            routes["/events.json"] = self._events
        route = routes.get(url.path)
        if route is None:
            self._send(404, pages.problem("未找到", "没有这个页面。"))
            return
        route(dict(parse_qsl(url.query)))

    def do_POST(self) -> None:
        if urlsplit(self.path).path != "/onething/events":
            self._send(404, b"", content_type="text/plain")
            return
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_WEBHOOK_BODY:
            self._send(413, b"", content_type="text/plain")
            return
        body = self.rfile.read(length)
        headers = {name.lower(): value for name, value in self.headers.items()}
        status = self.state.inbox.receive(
            self.state.config.webhook_secret.encode(),
            headers,
            body,
            self.state.config.webhook_tolerance,
        )
        self._send(status, b"", content_type="text/plain")

    def _healthz(self, _: dict[str, str]) -> None:
        self._send(200, b"ok", content_type="text/plain")

    def _home(self, _: dict[str, str]) -> None:
        key, _session = self._session()
        self._send(200, pages.home(self.state.record), session_key=key)

    def _start(self, _: dict[str, str]) -> None:
        key, session = self._session()
        pending, location = self.state.client.start(self.state.config.redirect_uri)
        session.pending = pending
        self._redirect(location, session_key=key)

    def _callback(self, params: dict[str, str]) -> None:
        key, session = self._session()
        pending, session.pending = session.pending, None  # one use
        if pending is None:
            self._send(400, pages.problem("请重新开始", "这次登录已失效。"), session_key=key)
            return
        if params.get("error") == "access_denied":
            self._send(200, pages.problem("您未授权", "未授权时本院无法为您预填出生信息。"))
            return
        try:
            tokens = self.state.client.finish(pending, params, self.state.config.redirect_uri)
            draft = launch_draft(
                self.state.config.platform_url, tokens.access_token, self.state.record
            )
        except SignInError as exc:
            self._send(400, pages.problem("登录未完成", str(exc)), session_key=key)
            return
        except LaunchError as exc:
            errors = "; ".join(e.get("message", "") for e in exc.problem.get("errors") or [])
            detail = errors or str(exc.problem.get("title") or exc)
            self._send(502, pages.problem("未能创建申请", detail), session_key=key)
            return
        session.tokens, session.draft = tokens, draft
        self._redirect("/launched", session_key=key)

    def _launched(self, _: dict[str, str]) -> None:
        key, session = self._session()
        if session.draft is None:
            self._redirect("/", session_key=key)
            return
        # Webhooks name applications, not drafts: the applications OneThing lets this client
        # read are the ones launched through it for this resident.
        mine = set()
        if session.tokens is not None:
            mine = launched_applications(self.state.config.platform_url, session.tokens)
        events = [e for e in self.state.inbox.snapshot()["events"] if _application(e) in mine]
        page = pages.launched(session.draft, continue_url(self.state.config, session.draft), events)
        self._send(200, page, session_key=key)

    def _events(self, _: dict[str, str]) -> None:
        body = json.dumps(self.state.inbox.snapshot(), ensure_ascii=False).encode()
        self._send(200, body, content_type="application/json")


def _application(event: dict[str, Any]) -> str | None:
    data = event.get("data")
    return str(data.get("application_id")) if isinstance(data, dict) else None


def serve(config: Config, port: int, host: str = "127.0.0.1") -> None:
    state = State(
        config=config,
        client=OneThingClient(config.platform_url, config.client_id, load_key(config.key_file)),
        record=demo_record(),
    )
    handler = type("BoundHandler", (Handler,), {"state": state})
    server = ThreadingHTTPServer((host, port), handler)
    print(f"hospital mini-app on http://{host}:{port} (redirect URI {config.redirect_uri})")  # noqa: T201
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
