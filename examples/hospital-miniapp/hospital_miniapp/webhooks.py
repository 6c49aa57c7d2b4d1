"""Receiving OneThing's signed status webhooks: the signature and its freshness are checked
before anything is read, and each event id is acted on once (delivery is at least once)."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any


def verify(secret: bytes, headers: dict[str, str], body: bytes, tolerance: int) -> bool:
    """`OneThing-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>." + body)>` over the
    exact bytes received, with `OneThing-Timestamp` no older (or newer) than `tolerance`."""
    timestamp = headers.get("onething-timestamp", "")
    if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > tolerance:
        return False  # missing or stale: possibly a replayed capture
    mac = hmac.new(secret, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    offered = headers.get("onething-signature", "").split(",")
    return any(hmac.compare_digest(f"v1={mac}", part.strip()) for part in offered)


@dataclass
class Inbox:
    """The events received and verified, in arrival order, each id once."""

    events: list[dict[str, Any]] = field(default_factory=list)
    deliveries: int = 0  # verified POSTs, repeats included
    refused: int = 0
    _seen: set[str] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def receive(self, secret: bytes, headers: dict[str, str], body: bytes, tolerance: int) -> int:
        """The HTTP status to answer: 401 for a bad or stale signature (nothing read), 400 for
        a body that is not an event, 204 otherwise (a repeated event id changes nothing)."""
        if not verify(secret, headers, body, tolerance):
            with self._lock:
                self.refused += 1
            return 401
        try:
            event = json.loads(body)
            event_id = str(event["id"])
        except (ValueError, KeyError, TypeError):
            return 400
        if headers.get("onething-event-id", event_id) != event_id:
            return 400
        with self._lock:
            self.deliveries += 1
            if event_id not in self._seen:
                self._seen.add(event_id)
                self.events.append(event)
        return 204

    def for_application(self, application_id: str) -> list[dict[str, Any]]:
        with self._lock:
            return [
                e for e in self.events if e.get("data", {}).get("application_id") == application_id
            ]

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {
                "events": list(self.events),
                "deliveries": self.deliveries,
                "refused": self.refused,
            }
