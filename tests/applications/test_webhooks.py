"""Webhooks to department systems: admin-set endpoints, signed deliveries on dispatch, a
receiver that refuses forgeries and stale timestamps and acts once per event id, exponential
backoff, dead letters listed and replayed by an admin."""

from __future__ import annotations

import time
import uuid
from typing import Any

import httpx
from application_helpers import People, Tokens, new_key, submittable
from department_system import DepartmentSystem
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from conftest import fast_webhooks
from onething.applications.models import Task
from onething.core.jobs import run_worker
from onething.core.processes import free_port
from onething.core.settings import Settings
from onething.departments.models import WebhookEvent
from onething.departments.signing import signed_headers

Client = AsyncTestClient[Litestar]
HEALTH = "health-commission"


async def _connect(
    api: Client, admin: dict[str, str], department: str, url: str, secret: str
) -> None:
    answer = await api.put(
        f"/api/v1/admin/departments/{department}/webhook",
        json={"url": url, "secret": secret},
        headers=admin,
    )
    assert answer.status_code == 200, answer.text


async def _submit(api: Client, tokens: Tokens, people: People) -> str:
    resident = await tokens.issue(str(people.resident.id))
    answer = await api.post(
        "/api/v1/applications",
        json=await submittable(api, tokens, people, resident),
        headers={**resident, **new_key()},
    )
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


async def _events(sessionmaker: async_sessionmaker[AsyncSession]) -> list[WebhookEvent]:
    async with sessionmaker() as session:
        return list((await session.execute(select(WebhookEvent))).scalars().all())


async def test_only_an_admin_sets_an_endpoint_and_its_secret_is_never_shown(
    api: Client, people: People, tokens: Tokens, admin: dict[str, str]
) -> None:
    clerk = await tokens.issue(str(people.clerks[HEALTH].id), scope="openid admin")
    body = {"url": "https://health.example/hooks", "secret": "s" * 40}
    refused = await api.put(f"/api/v1/admin/departments/{HEALTH}/webhook", json=body, headers=clerk)
    assert refused.status_code == 403
    short = await api.put(
        f"/api/v1/admin/departments/{HEALTH}/webhook",
        json={**body, "secret": "short"},
        headers=admin,
    )
    assert short.status_code == 422
    assert short.json()["errors"][0]["field"] == "secret"
    bad_url = await api.put(
        f"/api/v1/admin/departments/{HEALTH}/webhook",
        json={**body, "url": "ftp://health.example"},
        headers=admin,
    )
    assert bad_url.status_code == 422
    unknown = await api.put("/api/v1/admin/departments/nobody/webhook", json=body, headers=admin)
    assert unknown.status_code == 404
    await _connect(api, admin, HEALTH, body["url"], body["secret"])
    shown = await api.get(f"/api/v1/admin/departments/{HEALTH}/webhook", headers=admin)
    assert shown.status_code == 200
    assert shown.json()["url"] == body["url"]
    assert body["secret"] not in shown.text


async def test_dispatch_sends_a_signed_event_the_department_system_acts_on_once(
    api: Client,
    people: People,
    tokens: Tokens,
    admin: dict[str, str],
    department_system: DepartmentSystem,
    drain: Any,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await _connect(
        api, admin, HEALTH, department_system.url(HEALTH), department_system.secrets[HEALTH]
    )
    application_id = await _submit(api, tokens, people)
    await drain()
    events = await _events(sessionmaker)
    async with sessionmaker() as session:
        dispatched = (
            (
                await session.execute(
                    select(Task).where(Task.department == HEALTH, Task.dispatched_at.is_not(None))
                )
            )
            .scalars()
            .all()
        )
    # One event per dispatched task of the connected department, none for the others.
    assert {e.data["task_id"] for e in events} == {str(t.id) for t in dispatched}
    assert len(events) == len(dispatched) == 2
    assert all(e.kind == "task.dispatched" and e.department == HEALTH for e in events)
    assert all(e.data["application_id"] == application_id for e in events)
    assert all(e.delivered_at is not None and e.attempts == 1 for e in events)
    ids = [e.id for e in events]
    assert await department_system.effects(ids) == dict.fromkeys(ids, 1)

    # The same delivery again (a retry after a lost answer): accepted, no second effect.
    event = events[0]
    from onething.departments.webhooks import event_body

    body = event_body(event)
    headers = signed_headers(
        department_system.secrets[HEALTH].encode(), str(event.id), int(time.time()), body
    )
    async with httpx.AsyncClient() as client:
        again = await client.post(department_system.url(HEALTH), content=body, headers=headers)
    assert again.status_code == 200
    assert again.json()["duplicate"] is True
    assert (await department_system.deliveries([event.id]))[event.id] == 2
    assert (await department_system.effects([event.id]))[event.id] == 1


async def test_the_department_system_refuses_forged_and_stale_deliveries(
    department_system: DepartmentSystem,
) -> None:
    event_id = uuid.uuid4()
    body = (
        b'{"id":"%s","type":"task.dispatched","created_at":"2026-01-01T00:00:00+00:00",'
        b'"department":"cdc","data":{}}' % str(event_id).encode()
    )
    secret = department_system.secrets["cdc"].encode()
    url = department_system.url("cdc")
    async with httpx.AsyncClient() as client:
        forged = await client.post(
            url,
            content=body,
            headers=signed_headers(b"x" * 40, str(event_id), int(time.time()), body),
        )
        stale = await client.post(
            url,
            content=body,
            headers=signed_headers(secret, str(event_id), int(time.time()) - 3600, body),
        )
        tampered = await client.post(
            url,
            content=body.replace(b"cdc", b"cdc", 1) + b" ",
            headers=signed_headers(secret, str(event_id), int(time.time()), body),
        )
        unsigned = await client.post(url, content=body)
    assert (forged.status_code, stale.status_code, tampered.status_code) == (401, 400, 401)
    assert unsigned.status_code == 400
    assert await department_system.deliveries([event_id]) == {}
    async with httpx.AsyncClient() as client:
        fresh = await client.post(
            url, content=body, headers=signed_headers(secret, str(event_id), int(time.time()), body)
        )
    assert fresh.status_code == 200
    assert await department_system.effects([event_id]) == {event_id: 1}


async def test_endpoint_down_retries_with_backoff_then_dead_letter_then_replay_delivers(
    api: Client,
    people: People,
    tokens: Tokens,
    admin: dict[str, str],
    department_system: DepartmentSystem,
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    down = f"http://127.0.0.1:{free_port()}/departments/{HEALTH}/webhook"  # nobody listens
    await _connect(api, admin, HEALTH, down, department_system.secrets[HEALTH])
    await _submit(api, tokens, people)
    worker = fast_webhooks(settings, max_attempts=3)  # backoff 0.2 s, then 0.4 s
    await run_worker(worker, drain=True)

    events = await _events(sessionmaker)
    assert len(events) == 2
    for event in events:
        assert event.delivered_at is None
        assert event.attempts == 3
        assert event.dead_at is not None
        assert event.last_error is not None
        assert "Connect" in event.last_error
        # Three attempts separated by at least the two backoff delays.
        assert event.last_attempt_at is not None
        assert (event.last_attempt_at - event.created_at).total_seconds() >= 0.2 + 0.4

    listed = await api.get("/api/v1/admin/webhooks/dead-letters", headers=admin)
    assert listed.status_code == 200, listed.text
    items = listed.json()["items"]
    assert {i["event_id"] for i in items} == {str(e.id) for e in events}
    assert all(i["attempts"] == 3 and i["type"] == "task.dispatched" for i in items)
    resident = await tokens.issue(str(people.resident.id), scope="openid admin")
    assert (
        await api.get("/api/v1/admin/webhooks/dead-letters", headers=resident)
    ).status_code == 403

    # The department's system is back (at its real address); the admin replays.
    await _connect(
        api, admin, HEALTH, department_system.url(HEALTH), department_system.secrets[HEALTH]
    )
    for item in items:
        replayed = await api.post(
            f"/api/v1/admin/webhooks/dead-letters/{item['event_id']}/replay", headers=admin
        )
        assert replayed.status_code == 202, replayed.text
    again = await api.post(
        f"/api/v1/admin/webhooks/dead-letters/{items[0]['event_id']}/replay", headers=admin
    )
    assert again.status_code == 404  # no longer dead
    await run_worker(worker, drain=True)
    events = await _events(sessionmaker)
    assert all(e.delivered_at is not None and e.dead_at is None for e in events)
    ids = [e.id for e in events]
    assert await department_system.effects(ids) == dict.fromkeys(ids, 1)
    assert (await api.get("/api/v1/admin/webhooks/dead-letters", headers=admin)).json()[
        "items"
    ] == []
