"""ASGI middleware: request ids, access logs, security headers, no-store on personal responses,
and HEAD answered as GET without a body (RFC 9110 §9.3.2) for every GET route."""

from __future__ import annotations

import re
import time
import uuid
from typing import TYPE_CHECKING, Final, cast

import structlog

if TYPE_CHECKING:
    from litestar.types import ASGIApp, Message, Receive, Scope, Send

log = structlog.get_logger("onething.access")

_REQUEST_ID: Final = re.compile(r"^[A-Za-z0-9._-]{8,128}$")
# Paths whose responses may carry personal data or live state: never stored by any cache.
_NO_STORE_PREFIXES: Final = ("/api/", "/oauth2/", "/healthz", "/readyz", "/metrics", "/verify/")


def content_security_policy(upload_origin: str | None = None) -> str:
    """The CSP of every response. `upload_origin` is the S3 origin the PWA posts presigned
    uploads to (files never pass through the API), the only other origin it may connect to."""
    connect = "connect-src 'self'" + (f" {upload_origin}" if upload_origin else "")
    return "; ".join(
        (
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data: blob:",
            "font-src 'self'",
            connect,
            "manifest-src 'self'",
            "worker-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        )
    )


CONTENT_SECURITY_POLICY: Final = content_security_policy()
_STATIC_HEADERS: Final = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(self), geolocation=(), microphone=()"),
)
_HSTS: Final = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")


def _incoming_request_id(scope: Scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == b"x-request-id":
            candidate = value.decode("latin-1")
            return candidate if _REQUEST_ID.match(candidate) else None
    return None


class RequestContextMiddleware:
    """Outermost middleware so that even error responses get the id and the headers."""

    def __init__(
        self, app: ASGIApp, *, https_only: bool = False, upload_origin: str | None = None
    ) -> None:
        self.app = app
        self.https_only = https_only
        self.csp = (b"content-security-policy", content_security_policy(upload_origin).encode())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":  # type: ignore[comparison-overlap]
            await self.app(scope, receive, send)
            return
        request_id = _incoming_request_id(scope) or uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        path: str = scope["path"]
        secure = self.https_only or scope.get("scheme") == "https"
        no_store = path.startswith(_NO_STORE_PREFIXES)
        started = time.perf_counter()
        status_holder = [500]
        method = scope.get("method")
        head = method == "HEAD"
        if head:
            # Litestar routes HEAD only to explicit HEAD handlers; uptime probes and caches send
            # HEAD to pages and probes, so route it as GET and drop the body (headers unchanged).
            scope = cast("Scope", {**scope, "method": "GET"})

        async def send_with_headers(message: Message) -> None:
            if head and message["type"] == "http.response.body":
                message = {
                    "type": "http.response.body",
                    "body": b"",
                    "more_body": message.get("more_body", False),
                }
            if message["type"] == "http.response.start":
                status_holder[0] = message["status"]
                headers = [
                    (k, v)
                    for k, v in message.get("headers", [])
                    if not (no_store and k.lower() == b"cache-control")
                ]
                headers.append((b"x-request-id", request_id.encode()))
                # A response may bring its own CSP (the provider's pages widen `form-action`
                # to the one client their form ends up redirecting to); it then replaces ours.
                if not any(k.lower() == b"content-security-policy" for k, _ in headers):
                    headers.append(self.csp)
                headers.extend(_STATIC_HEADERS)
                if secure:
                    headers.append(_HSTS)
                if no_store:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        with structlog.contextvars.bound_contextvars(request_id=request_id):
            try:
                await self.app(scope, receive, send_with_headers)
            finally:
                log.info(
                    "request",
                    method=method,
                    path=path,
                    status=status_holder[0],
                    duration_ms=round((time.perf_counter() - started) * 1000, 2),
                )
