"""Webhook signatures: HMAC-SHA256 over `<timestamp>.<body>`, and the receiver's checks
(signature, freshness). Pure: no I/O; the receiver remembers event ids itself.

Headers on every delivery:
- `OneThing-Event-Id`: the event's id (also in the body), unique per event, the same on retries;
- `OneThing-Timestamp`: Unix seconds of this attempt;
- `OneThing-Signature`: `v1=<hex>` (several `v1=` values, comma-separated, while a secret is
  being rotated).
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Final

EVENT_ID_HEADER: Final = "OneThing-Event-Id"
TIMESTAMP_HEADER: Final = "OneThing-Timestamp"
SIGNATURE_HEADER: Final = "OneThing-Signature"
VERSION: Final = "v1"


class SignatureRejectedError(Exception):
    """Why a receiver must not act on a delivery."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # "malformed", "stale", "signature"


def signature(secret: bytes, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret, f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"{VERSION}={mac.hexdigest()}"


def signed_headers(secret: bytes, event_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {
        EVENT_ID_HEADER: event_id,
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: signature(secret, timestamp, body),
        "Content-Type": "application/json",
    }


def verify(
    secrets: list[bytes],
    *,
    timestamp_header: str | None,
    signature_header: str | None,
    body: bytes,
    now: int,
    tolerance_seconds: int,
) -> int:
    """The signed timestamp when one of `secrets` signed this body recently enough; otherwise
    SignatureRejectedError. Old timestamps are refused even with a valid signature, so a
    captured delivery cannot be replayed later; within the window the event id deduplicates."""
    if not timestamp_header or not signature_header or not timestamp_header.isdigit():
        raise SignatureRejectedError("malformed")
    timestamp = int(timestamp_header)
    if abs(now - timestamp) > tolerance_seconds:
        raise SignatureRejectedError("stale")
    offered = [part.strip() for part in signature_header.split(",")]
    for secret in secrets:
        expected = signature(secret, timestamp, body)
        if any(hmac.compare_digest(expected, candidate) for candidate in offered):
            return timestamp
    raise SignatureRejectedError("signature")
