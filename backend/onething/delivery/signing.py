"""Signed courier callbacks: `X-Courier-Signature: t=<unix seconds>,v1=<hex>` where v1 is
HMAC-SHA256(secret, "<t>." + body). Shared by our webhook and the local courier service."""

from __future__ import annotations

import hashlib
import hmac
import time
from typing import Final

SIGNATURE_HEADER: Final = "X-Courier-Signature"
TOLERANCE_SECONDS: Final = 300  # a replayed callback older than this is refused


class BadSignatureError(ValueError):
    """Missing, malformed, wrong or stale signature."""


def _mac(secret: str, timestamp: int, body: bytes) -> str:
    message = f"{timestamp}.".encode() + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def sign(secret: str, body: bytes, *, timestamp: int | None = None) -> str:
    """The header value for `body`."""
    at = int(time.time()) if timestamp is None else timestamp
    return f"t={at},v1={_mac(secret, at, body)}"


def verify(secret: str, header: str | None, body: bytes, *, now: float | None = None) -> None:
    """Raise BadSignatureError unless `header` signs `body` with `secret`, recently."""
    if not secret:
        raise BadSignatureError("no courier secret is configured")
    if not header:
        raise BadSignatureError("no signature")
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        timestamp = int(parts["t"])
        given = parts["v1"]
    except (KeyError, ValueError) as exc:
        raise BadSignatureError("malformed signature") from exc
    current = time.time() if now is None else now
    if abs(current - timestamp) > TOLERANCE_SECONDS:
        raise BadSignatureError("stale signature")
    if not hmac.compare_digest(given, _mac(secret, timestamp, body)):
        raise BadSignatureError("wrong signature")
