"""Webhooks to mini-apps: the client that launched an application hears of its submission and
of every task state change — signed like the departments' webhooks, unique event ids, ids and
states only — while the resident's consent stands and for the events it subscribed to; a
failing receiver gets retries with backoff, then a dead letter an admin replays."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterator
from typing import Any

import pytest
from application_helpers import People, Tokens, new_key, newborn_answers, submittable
from launch_helpers import HOSPITAL, consent_to_hospital, launched_application, register_hospital
from litestar import Litestar
from litestar.testing import AsyncTestClient
from miniapp_receiver import MiniAppReceiver
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from conftest import fast_webhooks
from onething.core.jobs import run_worker
from onething.core.settings import Settings
from onething.departments.models import WebhookEvent

Client = AsyncTestClient[Litestar]
HEALTH = "health-commission"


@pytest.fixture
def receiver() -> Iterator[MiniAppReceiver]:
    mini_app = MiniAppReceiver(secret=secrets.token_urlsafe(32))
    mini_app.start()
    yield mini_app
    mini_app.stop()


async def _hospital_with_webhook(
    app: Litestar,
    sessionmaker: async_sessionmaker[AsyncSession],
    receiver: MiniAppReceiver,
    events: list[str] | None = None,
) -> None:
    await register_hospital(
        sessionmaker,
        webhook=(receiver.url, receiver.secret, app.state.identity.cipher),
        webhook_events=events,
    )


async def _approve(api: Client, tokens: Tokens, people: People, task_id: str) -> None:
    clerk = await tokens.issue(str(people.clerks[HEALTH].id))
    for step in ("accept", "start-review", "approve"):
        answer = await api.post(
            f"/api/v1/department/tasks/{task_id}/{step}", json={}, headers=clerk
        )
        assert answer.status_code == 200, answer.text


def _personal_values() -> set[str]:
    """Every answer a webhook body must never carry (names, ID numbers, phones, addresses)."""
    values = set()
    for section in newborn_answers().values():
        for value in section.values():
            if (isinstance(value, str) and len(value) >= 2 and not value.isascii()) or (
                isinstance(value, str) and len(value) >= 11 and value[:3].isdigit()
            ):
                values.add(value)
    return values


async def test_the_launching_mini_app_hears_of_its_application_signed_and_without_personal_data(
    api: Client,
    app: Litestar,
    people: People,
    tokens: Tokens,
    drain: Any,
    receiver: MiniAppReceiver,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await _hospital_with_webhook(app, sessionmaker, receiver)
    await consent_to_hospital(sessionmaker, people.resident)
    application = await launched_application(api, tokens, people, people.resident)
    await drain()
    health = next(t for t in application["tasks"] if t["department"] == HEALTH)
    await _approve(api, tokens, people, health["id"])
    await drain()

    # Deliveries run concurrently: order by when each change happened.
    events = sorted(receiver.events(), key=lambda e: e["created_at"])
    assert all(d.verified for d in receiver.deliveries)
    assert len({e["id"] for e in events}) == len(events)
    assert events[0]["type"] == "application.submitted"
    assert events[0]["data"]["application_id"] == application["id"]
    assert {t["task_id"] for t in events[0]["data"]["tasks"]} == {
        t["id"] for t in application["tasks"]
    }
    assert all(e["client_id"] == HOSPITAL and "department" not in e for e in events)
    changes = [e["data"] for e in events if e["type"] == "task.status_changed"]
    assert [c["state"] for c in changes if c["task_id"] == health["id"]][-4:] == [
        "accepted",
        "in_review",
        "approved",
        "issued",
    ]
    keys = {"application_id", "task_id", "service", "state", "application_status"}
    assert all(set(c) == keys for c in changes)
    resident = await tokens.issue(str(people.resident.id))
    current = (await api.get(f"/api/v1/applications/{application['id']}", headers=resident)).json()
    assert changes[-1]["application_status"] == current["status"]
    bodies = b"".join(d.body for d in receiver.deliveries).decode()
    assert not {v for v in _personal_values() if v in bodies}


async def test_nothing_is_sent_without_consent_or_for_an_application_it_did_not_launch(
    api: Client,
    app: Litestar,
    people: People,
    tokens: Tokens,
    drain: Any,
    receiver: MiniAppReceiver,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await _hospital_with_webhook(app, sessionmaker, receiver)
    await consent_to_hospital(sessionmaker, people.resident)
    # The resident's own application, made in the PWA alone: not the mini-app's business.
    own = await tokens.issue(str(people.resident.id))
    made = await api.post(
        "/api/v1/applications",
        json=await submittable(api, tokens, people, own),
        headers={**own, **new_key()},
    )
    assert made.status_code == 201, made.text
    await drain()
    assert receiver.deliveries == []
    application = await launched_application(api, tokens, people, people.resident)
    await drain()
    before = len(receiver.events())
    assert before >= 1
    # The resident withdraws consent: the department's next decisions are not told.
    assert (await api.delete(f"/api/v1/me/consents/{HOSPITAL}", headers=own)).status_code == 204
    health = next(t for t in application["tasks"] if t["department"] == HEALTH)
    await _approve(api, tokens, people, health["id"])
    await drain()
    assert len(receiver.events()) == before


async def test_a_failing_mini_app_gets_retries_then_a_dead_letter_that_an_admin_replays(
    api: Client,
    app: Litestar,
    people: People,
    tokens: Tokens,
    admin: dict[str, str],
    settings: Settings,
    receiver: MiniAppReceiver,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await _hospital_with_webhook(app, sessionmaker, receiver, events=["application.submitted"])
    await consent_to_hospital(sessionmaker, people.resident)
    receiver.fail_next = 1000
    await launched_application(api, tokens, people, people.resident)
    worker = fast_webhooks(settings, max_attempts=3)  # backoff 0.2 s, then 0.4 s
    await run_worker(worker, drain=True)
    async with sessionmaker() as session:
        (event,) = (
            await session.execute(select(WebhookEvent).where(WebhookEvent.client_id == HOSPITAL))
        ).scalars()
    assert event.attempts == 3
    assert event.dead_at is not None
    assert event.last_attempt_at is not None
    assert (event.last_attempt_at - event.created_at) >= dt.timedelta(seconds=0.6)
    assert [d.event_id for d in receiver.deliveries] == [str(event.id)] * 3

    listed = await api.get(
        "/api/v1/admin/webhooks/dead-letters", params={"client_id": HOSPITAL}, headers=admin
    )
    items = listed.json()["items"]
    assert [(i["event_id"], i["client_id"], i["department"]) for i in items] == [
        (str(event.id), HOSPITAL, None)
    ]
    receiver.fail_next = 0
    replayed = await api.post(
        f"/api/v1/admin/webhooks/dead-letters/{event.id}/replay", headers=admin
    )
    assert replayed.status_code == 202, replayed.text
    await run_worker(worker, drain=True)
    assert [e["id"] for e in receiver.events()] == [str(event.id)]
    assert len(receiver.deliveries) == 4  # three refused, then accepted: the same event id


async def test_the_mini_app_chooses_its_event_types_itself(
    api: Client,
    app: Litestar,
    people: People,
    tokens: Tokens,
    drain: Any,
    receiver: MiniAppReceiver,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await _hospital_with_webhook(app, sessionmaker, receiver)
    await consent_to_hospital(sessionmaker, people.resident)
    itself = await tokens.issue(HOSPITAL, client_id=HOSPITAL, scope="bundles:read")
    url = "/api/v1/client/webhook-subscription"
    shown = await api.get(url, headers=itself)
    assert shown.status_code == 200, shown.text
    assert shown.json() == {
        "events": ["application.submitted", "task.status_changed"],
        "webhook_url": receiver.url,
    }
    chosen = await api.put(url, json={"events": ["application.submitted"]}, headers=itself)
    assert chosen.status_code == 200, chosen.text
    bad = await api.put(url, json={"events": ["task.exploded"]}, headers=itself)
    assert bad.status_code in {400, 422}
    # On a resident's behalf, the subscription is not the mini-app's to read.
    for_resident = await tokens.issue(str(people.resident.id), client_id=HOSPITAL)
    assert (await api.get(url, headers=for_resident)).status_code == 404

    application = await launched_application(api, tokens, people, people.resident)
    await drain()
    health = next(t for t in application["tasks"] if t["department"] == HEALTH)
    await _approve(api, tokens, people, health["id"])
    await drain()
    assert [e["type"] for e in receiver.events()] == ["application.submitted"]
