"""Acceptance on the real stack: newborn-birth mailed home. The birth certificate and the
household register page travel in one parcel, the social security card, ready later, on its
own; the local courier service (its own process) assigns tracking numbers and posts signed
events to the API (its own process); delivered closes the tasks."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from application_helpers import People, Tokens, new_key, submission, submittable
from delivery_helpers import MAIL_HOME, approve, inbox
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from conftest import LocalCourierProcess
from onething.catalog.codes import make_id_number
from onething.delivery.jobs import close_due_parcels
from onething.delivery.parcels import ship_due_at

Client = AsyncTestClient[Litestar]
Jobs = Callable[[], Awaitable[None]]
PAPER = {"birth-medical-certificate", "hukou-birth-registration", "social-security-card"}


async def _delivery(api: Client, auth: dict[str, str], application_id: str) -> dict[str, Any]:
    answer = await api.get(f"/api/v1/applications/{application_id}/delivery", headers=auth)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


async def _states(api: Client, auth: dict[str, str], application_id: str) -> dict[str, str]:
    view = (await api.get(f"/api/v1/applications/{application_id}", headers=auth)).json()
    return {t["service"]: t["state"] for t in view["tasks"]}


async def test_newborn_birth_mailed_home_in_two_parcels(
    api: Client,
    people: People,
    tokens: Tokens,
    run_jobs: Jobs,
    courier: LocalCourierProcess,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    resident = await tokens.issue(str(people.resident.id))
    clerk = {d: await tokens.issue(str(u.id)) for d, u in people.clerks.items()}
    body = await submittable(api, tokens, people, resident, submission(delivery=MAIL_HOME))
    submitted = await api.post("/api/v1/applications", json=body, headers={**resident, **new_key()})
    assert submitted.status_code == 201, submitted.text
    application_id = submitted.json()["id"]
    await run_jobs()

    # Day 0: the hospital and the police decide; both paper outputs wait in parcel 1.
    health = await inbox(api, clerk["health-commission"])
    await approve(api, clerk["health-commission"], health["birth-medical-certificate"]["task_id"])
    await run_jobs()
    police = await inbox(api, clerk["public-security"])
    born = dt.date.fromisoformat(body["answers"]["child"]["birth_time"][:10])
    child_id = make_id_number("500112", born, 135)
    await approve(
        api,
        clerk["public-security"],
        police["hukou-birth-registration"]["task_id"],
        {"child.id_number": child_id},
    )
    await run_jobs()
    delivery = await _delivery(api, resident, application_id)
    [first] = delivery["parcels"]
    assert first["state"] == "collecting"
    assert {i["service"] for i in first["items"]} == {
        "birth-medical-certificate",
        "hukou-birth-registration",
    }
    assert first["tracking_number"] is None

    # The window ends (2 working days): parcel 1 leaves without the card, which is not ready.
    async with sessionmaker() as session, session.begin():
        ship_on = dt.date.fromisoformat(first["ship_on"])
        closed = await close_due_parcels(session, now=ship_due_at(ship_on))
    assert closed == [uuid.UUID(first["id"])]
    await run_jobs()
    [first] = (await _delivery(api, resident, application_id))["parcels"]
    assert first["state"] == "ordered"
    assert first["tracking_number"].startswith("LC")
    assert (await _delivery(api, resident, application_id))["changeable"] is False

    # Later: the social security card is approved; nothing else is expected, so it ships alone.
    hrss = await inbox(api, clerk["hrss"])
    await approve(api, clerk["hrss"], hrss["social-security-card"]["task_id"])
    await run_jobs()
    parcels = (await _delivery(api, resident, application_id))["parcels"]
    assert [p["number"] for p in parcels] == [1, 2]
    second = parcels[1]
    assert [i["service"] for i in second["items"]] == ["social-security-card"]
    assert second["state"] == "ordered"
    assert second["tracking_number"] != first["tracking_number"]

    # Tracking events, signed by the courier process, move parcel 1 through its states.
    for status in ("picked_up", "in_transit", "out_for_delivery"):
        assert await courier.event(first["tracking_number"], status) == 200
        [now_first, _] = (await _delivery(api, resident, application_id))["parcels"]
        assert now_first["state"] == status
    assert (await _states(api, resident, application_id))["birth-medical-certificate"] == "issued"
    assert await courier.event(first["tracking_number"], "delivered") == 200
    states = await _states(api, resident, application_id)
    assert states["birth-medical-certificate"] == "done"
    assert states["hukou-birth-registration"] == "done"
    assert states["social-security-card"] == "issued"  # its parcel is still on the way

    assert await courier.event(second["tracking_number"], "delivered") == 200
    states = await _states(api, resident, application_id)
    assert {s for service, s in states.items() if service in PAPER} == {"done"}

    events = (
        await api.get(f"/api/v1/applications/{application_id}/timeline?limit=100", headers=resident)
    ).json()["events"]
    kinds = [e["kind"] for e in events]
    for kind in ("parcel.opened", "parcel.closed", "parcel.ordered", "parcel.picked_up"):
        assert kind in kinds, kind
    assert kinds.count("parcel.delivered") == 2
    completed = [e for e in events if e["kind"] == "task.complete"]
    assert {e["service"] for e in completed} == PAPER
    assert MAIL_HOME["address"] not in str(events)


async def test_a_returned_parcel_asks_for_a_new_address_and_is_sent_again(
    api: Client,
    people: People,
    tokens: Tokens,
    run_jobs: Jobs,
    courier: LocalCourierProcess,
) -> None:
    resident = await tokens.issue(str(people.resident.id))
    health = await tokens.issue(str(people.clerks["health-commission"].id))
    # Only the birth certificate is mailed when hukou registration is not part of it: use
    # the card-less path by refusing hukou later; here the certificate alone is enough.
    submitted = await api.post(
        "/api/v1/applications",
        json=await submittable(api, tokens, people, resident, submission(delivery=MAIL_HOME)),
        headers={**resident, **new_key()},
    )
    application_id = submitted.json()["id"]
    await run_jobs()
    await approve(api, health, (await inbox(api, health))["birth-medical-certificate"]["task_id"])
    await run_jobs()
    police = await tokens.issue(str(people.clerks["public-security"].id))
    hukou = (await inbox(api, police))["hukou-birth-registration"]["task_id"]
    refused = await api.post(
        f"/api/v1/department/tasks/{hukou}/refuse", json={"reason": "户籍地址不符"}, headers=police
    )
    assert refused.status_code == 200
    await run_jobs()  # nothing else will come: the parcel leaves now
    [parcel] = (await _delivery(api, resident, application_id))["parcels"]
    assert parcel["state"] == "ordered"
    first_number = parcel["tracking_number"]
    assert await courier.event(first_number, "picked_up") == 200
    assert await courier.event(first_number, "returned") == 200
    view = await _delivery(api, resident, application_id)
    assert view["parcels"][0]["state"] == "returned"
    assert view["changeable"] is True
    events = (
        await api.get(f"/api/v1/applications/{application_id}/timeline?limit=100", headers=resident)
    ).json()["events"]
    assert "delivery.address_correction_requested" in [e["kind"] for e in events]

    corrected = {**MAIL_HOME, "address": "双龙湖街道金港大道 88 号 3 栋 1202"}
    changed = await api.put(
        f"/api/v1/applications/{application_id}/delivery", json=corrected, headers=resident
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["parcels"][0]["state"] == "ordering"
    await run_jobs()
    [parcel] = (await _delivery(api, resident, application_id))["parcels"]
    assert parcel["state"] == "ordered"
    assert parcel["tracking_number"] not in (None, first_number)
    assert await courier.event(parcel["tracking_number"], "delivered") == 200
    assert (await _states(api, resident, application_id))["birth-medical-certificate"] == "done"
