"""The example mini-app's webhook receiver (examples/hospital-miniapp) against the platform's
own signer: it accepts what OneThing signs, refuses a wrong secret, a changed body and a stale
timestamp, and acts once per event id however often an event is delivered."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator
from types import ModuleType

import pytest

from onething.core.settings import REPO_ROOT
from onething.departments.signing import signed_headers

SECRET = b"whsec_test_3qT9bV1xK7mP2rN8cY5fH0jL4sD6aE"


@pytest.fixture(scope="module")
def webhooks() -> Iterator[ModuleType]:
    sys.path.insert(0, str(REPO_ROOT / "examples" / "hospital-miniapp"))
    try:
        from hospital_miniapp import webhooks as module

        yield module
    finally:
        sys.path.remove(str(REPO_ROOT / "examples" / "hospital-miniapp"))


def _delivery(event_id: str = "e1", at: int | None = None) -> tuple[dict[str, str], bytes]:
    body = json.dumps(
        {"id": event_id, "type": "task.status_changed", "data": {"application_id": "a1"}}
    ).encode()
    headers = signed_headers(SECRET, event_id, at or int(time.time()), body)
    return {name.lower(): value for name, value in headers.items()}, body


def test_an_event_signed_by_onething_is_accepted_once(webhooks: ModuleType) -> None:
    inbox = webhooks.Inbox()
    headers, body = _delivery()
    assert inbox.receive(SECRET, headers, body, 300) == 204
    assert inbox.receive(SECRET, headers, body, 300) == 204  # a retry: same id
    assert [e["id"] for e in inbox.events] == ["e1"]
    assert inbox.deliveries == 2


def test_a_wrong_secret_a_changed_body_or_a_stale_timestamp_is_refused(
    webhooks: ModuleType,
) -> None:
    inbox = webhooks.Inbox()
    headers, body = _delivery()
    assert inbox.receive(b"another secret", headers, body, 300) == 401
    assert inbox.receive(SECRET, headers, body.replace(b"a1", b"a2"), 300) == 401
    stale_headers, stale_body = _delivery(at=int(time.time()) - 301)
    assert inbox.receive(SECRET, stale_headers, stale_body, 300) == 401
    assert inbox.receive(SECRET, {}, body, 300) == 401
    assert inbox.events == []
    assert inbox.refused == 4
