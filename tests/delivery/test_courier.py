"""The courier adapter's failure paths against real processes: a callback with a bad
signature is refused with 401 and changes nothing; with the courier's API down the order is
retried with growing backoff until the courier is back."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import time
import uuid
from collections.abc import Awaitable, Callable

import httpx
from application_helpers import People, Tokens, new_key, submission, submittable
from delivery_helpers import MAIL_HOME, approve, inbox
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from conftest import LocalCourierProcess
from onething.core.settings import Settings
from onething.delivery.models import CourierEvent, Parcel
from onething.delivery.signing import SIGNATURE_HEADER, sign

Client = AsyncTestClient[Litestar]
Jobs = Callable[[], Awaitable[None]]


async def _ship_certificate_alone(
    api: Client, people: People, tokens: Tokens, run_jobs: Jobs
) -> tuple[dict[str, str], str]:
    """Submit with mail home; approve the certificate, refuse hukou: the certificate's parcel
    closes at once (nothing else will come). Returns (resident auth, application id)."""
    resident = await tokens.issue(str(people.resident.id))
    submitted = await api.post(
        "/api/v1/applications",
        json=await submittable(api, tokens, people, resident, submission(delivery=MAIL_HOME)),
        headers={**resident, **new_key()},
    )
    application_id = submitted.json()["id"]
    await run_jobs()
    health = await tokens.issue(str(people.clerks["health-commission"].id))
    await approve(api, health, (await inbox(api, health))["birth-medical-certificate"]["task_id"])
    await run_jobs()
    police = await tokens.issue(str(people.clerks["public-security"].id))
    hukou = (await inbox(api, police))["hukou-birth-registration"]["task_id"]
    await api.post(
        f"/api/v1/department/tasks/{hukou}/refuse", json={"reason": "不符"}, headers=police
    )
    return resident, application_id


def _event(number: str, status: str = "delivered") -> bytes:
    return json.dumps(
        {
            "courier": "local",
            "event_id": str(uuid.uuid4()),
            "tracking_number": number,
            "status": status,
            "occurred_at": dt.datetime.now(dt.UTC).isoformat(),
        }
    ).encode()


async def _parcel(sessionmaker: async_sessionmaker[AsyncSession]) -> Parcel:
    async with sessionmaker() as session:
        return (await session.execute(select(Parcel))).scalar_one()


async def test_a_callback_with_a_bad_signature_is_refused_and_changes_nothing(
    api: Client,
    people: People,
    tokens: Tokens,
    run_jobs: Jobs,
    live_api: str,
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await _ship_certificate_alone(api, people, tokens, run_jobs)
    await run_jobs()
    parcel = await _parcel(sessionmaker)
    assert parcel.state == "ordered"
    assert parcel.tracking_number
    body = _event(parcel.tracking_number)
    secret = settings.delivery.courier_secret
    url = f"{live_api}/api/v1/delivery/courier-events"
    stale = int(time.time()) - 3600
    attempts: list[dict[str, str]] = [
        {},  # unsigned
        {SIGNATURE_HEADER: sign("not-the-secret", body)},
        {SIGNATURE_HEADER: sign(secret, body + b" ")},  # signed another body
        {SIGNATURE_HEADER: sign(secret, body, timestamp=stale)},  # replayed later
        {SIGNATURE_HEADER: "t=abc,v1=00"},
    ]
    async with httpx.AsyncClient(timeout=10) as client:
        for headers in attempts:
            answer = await client.post(url, content=body, headers=headers)
            assert answer.status_code == 401, (headers, answer.text)
            assert answer.json()["type"].endswith("/unauthorized")
        assert (await _parcel(sessionmaker)).state == "ordered"
        async with sessionmaker() as session:
            assert await session.scalar(select(func.count()).select_from(CourierEvent)) == 0
        # The same body correctly signed is applied; sent again, it changes nothing more.
        good = {SIGNATURE_HEADER: sign(secret, body)}
        first = await client.post(url, content=body, headers=good)
        assert first.json() == {"outcome": "applied"}
        again = await client.post(url, content=body, headers=good)
        assert again.json() == {"outcome": "duplicate"}
    assert (await _parcel(sessionmaker)).state == "delivered"


async def _queued_order_delay(sessionmaker: async_sessionmaker[AsyncSession]) -> float:
    """Seconds until the queued courier-order job may run."""
    async with sessionmaker() as session:
        row = await session.execute(
            text(
                "SELECT EXTRACT(EPOCH FROM execute_after - now()) FROM pgqueuer "
                "WHERE entrypoint = 'delivery.order' AND status = 'queued'"
            )
        )
        return float(row.scalar_one())


async def test_courier_down_the_order_is_retried_with_backoff_until_it_is_back(
    api: Client,
    people: People,
    tokens: Tokens,
    run_jobs: Jobs,
    courier: LocalCourierProcess,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    courier.stop()  # the courier's API is down
    resident, application_id = await _ship_certificate_alone(api, people, tokens, run_jobs)
    worker = asyncio.create_task(run_jobs())  # drains only once the order succeeds

    deadline = time.monotonic() + 20
    parcel = await _parcel(sessionmaker)
    while parcel.order_attempts < 2:
        assert time.monotonic() < deadline, "the order was not retried"
        assert not worker.done(), "the worker gave up while the courier was down"
        await asyncio.sleep(0.2)
        parcel = await _parcel(sessionmaker)
    assert parcel.state == "ordering"
    assert parcel.tracking_number is None
    assert parcel.last_error is not None
    assert "Connect" in parcel.last_error
    # The next try waits longer than the first did (1 s, then 2 s, …).
    assert 0 < await _queued_order_delay(sessionmaker) <= 2.0

    courier.start()
    await asyncio.wait_for(worker, timeout=30)
    parcel = await _parcel(sessionmaker)
    assert parcel.state == "ordered"
    assert parcel.tracking_number
    assert parcel.order_attempts >= 3
    assert parcel.last_error is None
    events = (
        await api.get(f"/api/v1/applications/{application_id}/timeline?limit=100", headers=resident)
    ).json()["events"]
    ordered = [e for e in events if e["kind"] == "parcel.ordered"]
    assert len(ordered) == 1
    assert ordered[0]["detail"]["attempts"] == parcel.order_attempts
