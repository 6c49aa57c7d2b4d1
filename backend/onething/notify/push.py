"""Web Push with VAPID (RFC 8292) and aes128gcm message encryption (RFC 8291, RFC 8188),
through pywebpush. The payload is only a short title and the message's id."""

from __future__ import annotations

import asyncio
import base64
from typing import TYPE_CHECKING, Final

import msgspec
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

if TYPE_CHECKING:
    from onething.core.settings import NotifySettings

GONE: Final = frozenset({404, 410})  # the browser dropped the subscription


class PushPayload(msgspec.Struct, frozen=True, kw_only=True):
    title: str  # short, no personal data: it passes through the browser vendor's service
    message_id: str  # the PWA fetches the message itself from /notifications/messages


class PushFailedError(Exception):
    def __init__(self, status: int | None, reason: str) -> None:
        super().__init__(f"push failed ({status}): {reason}")
        self.status = status


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def new_vapid_private_key() -> str:
    """A fresh P-256 key as pywebpush takes it (base64url of the raw 32-byte scalar)."""
    key = ec.generate_private_key(ec.SECP256R1())
    return _b64(key.private_numbers().private_value.to_bytes(32, "big"))


def vapid_public_key(private_key: str) -> str:
    """The applicationServerKey the PWA subscribes with (uncompressed point, base64url)."""
    raw = base64.urlsafe_b64decode(private_key + "=" * (-len(private_key) % 4))
    key = ec.derive_private_key(int.from_bytes(raw, "big"), ec.SECP256R1())
    point = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return _b64(point)


def _send(settings: NotifySettings, endpoint: str, p256dh: str, auth: str, data: bytes) -> int:
    from pywebpush import WebPushException, webpush

    try:
        response = webpush(
            subscription_info={"endpoint": endpoint, "keys": {"p256dh": p256dh, "auth": auth}},
            data=data,
            vapid_private_key=settings.vapid_private_key,
            vapid_claims={"sub": settings.vapid_subject},
            content_encoding="aes128gcm",
            ttl=settings.push_ttl_seconds,
            timeout=10,
        )
    except WebPushException as exc:
        status = exc.response.status_code if exc.response is not None else None
        raise PushFailedError(status, str(exc)[:200]) from exc
    except OSError as exc:  # connection refused, DNS, timeout
        raise PushFailedError(None, f"{type(exc).__name__}: {exc}"[:200]) from exc
    return int(response.status_code)


async def send_push(
    settings: NotifySettings, *, endpoint: str, p256dh: str, auth: str, payload: PushPayload
) -> int:
    """Encrypt and POST one push (off the event loop: pywebpush is synchronous)."""
    data = msgspec.json.encode(payload)
    return await asyncio.to_thread(_send, settings, endpoint, p256dh, auth, data)
