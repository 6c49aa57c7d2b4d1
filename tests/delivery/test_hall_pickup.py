"""Hall pick-up (到厅领取): a resident who chose to collect gets each consolidated parcel at
their service hall under a pickup code; the hall's staff find it by that code or by the
applicant's ID number and hand it over; the services inside are then done. Only the hall's
own staff see its parcels."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import subprocess
import sys
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from application_helpers import People, Tokens, new_key, submission, submittable
from delivery_helpers import approve, inbox
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onething.catalog.codes import make_id_number
from onething.core.settings import Settings
from onething.delivery.hall_staff import HallStaffError, add_staff, remove_staff
from onething.delivery.jobs import close_due_parcels
from onething.delivery.models import Parcel
from onething.delivery.parcels import ship_due_at
from onething.identity.models import SecurityEvent, User
from onething.identity.services import set_real_name

Client = AsyncTestClient[Litestar]
Jobs = Callable[[], Awaitable[None]]
HALL = "cq-yubei"
COLLECT = {"method": "collect", "hall": HALL}
STAFF_PHONE = "13600136001"
APPLICANT_ID = make_id_number("500112", dt.date(1994, 3, 8), 128)  # even sequence: a woman


@pytest.fixture
async def staff(
    app: Litestar, sessionmaker: async_sessionmaker[AsyncSession], people: People
) -> uuid.UUID:
    """A collection-window clerk of the Yubei hall (an agent account made by `add_staff`)."""
    del people  # the tables are set up for this test first
    async with sessionmaker() as session, session.begin():
        user_id, added = await add_staff(
            session, app.state.identity, phone=STAFF_PHONE, hall=HALL, now=dt.datetime.now(dt.UTC)
        )
    assert added
    return user_id


@pytest.fixture
async def named_resident(
    app: Litestar, sessionmaker: async_sessionmaker[AsyncSession], people: People
) -> People:
    """The applicant with a real name and ID number (what the hall sees on the ID card)."""
    async with sessionmaker() as session, session.begin():
        user = await session.get(User, people.resident.id)
        assert user is not None
        set_real_name(app.state.identity, user, name="李丽华", id_number=APPLICANT_ID)
    return people


async def _delivery(api: Client, auth: dict[str, str], application_id: str) -> dict[str, Any]:
    answer = await api.get(f"/api/v1/applications/{application_id}/delivery", headers=auth)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


async def _states(api: Client, auth: dict[str, str], application_id: str) -> dict[str, str]:
    view = (await api.get(f"/api/v1/applications/{application_id}", headers=auth)).json()
    return {t["service"]: t["state"] for t in view["tasks"]}


async def _submit(
    api: Client, tokens: Tokens, people: People, resident: dict[str, str], choice: dict[str, str]
) -> str:
    body = await submittable(api, tokens, people, resident, submission(delivery=choice))
    submitted = await api.post("/api/v1/applications", json=body, headers={**resident, **new_key()})
    assert submitted.status_code == 201, submitted.text
    return str(submitted.json()["id"])


async def _certificate_alone_at_the_hall(
    api: Client, tokens: Tokens, people: People, drain: Jobs, choice: dict[str, str] = COLLECT
) -> tuple[dict[str, str], str]:
    """Submit, approve the birth certificate and refuse hukou registration: nothing else will
    come, so its parcel closes at once and goes to the hall."""
    resident = await tokens.issue(str(people.resident.id))
    application_id = await _submit(api, tokens, people, resident, choice)
    await drain()
    health = await tokens.issue(str(people.clerks["health-commission"].id))
    await approve(api, health, (await inbox(api, health))["birth-medical-certificate"]["task_id"])
    await drain()
    police = await tokens.issue(str(people.clerks["public-security"].id))
    hukou = (await inbox(api, police))["hukou-birth-registration"]["task_id"]
    refused = await api.post(
        f"/api/v1/department/tasks/{hukou}/refuse", json={"reason": "户籍地址不符"}, headers=police
    )
    assert refused.status_code == 200, refused.text
    await drain()
    return resident, application_id


def _pickups(hall: str = HALL) -> str:
    return f"/api/v1/service-halls/{hall}/pickups"


async def test_newborn_birth_collected_at_the_hall(
    api: Client,
    named_resident: People,
    tokens: Tokens,
    drain: Jobs,
    staff: uuid.UUID,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    people = named_resident
    resident = await tokens.issue(str(people.resident.id))
    window = await tokens.issue(str(staff))
    clerk = {d: await tokens.issue(str(u.id)) for d, u in people.clerks.items()}
    application_id = await _submit(api, tokens, people, resident, COLLECT)
    await drain()

    health = await inbox(api, clerk["health-commission"])
    await approve(api, clerk["health-commission"], health["birth-medical-certificate"]["task_id"])
    await drain()  # issued: hukou registration gets the certificate and is dispatched
    police = await inbox(api, clerk["public-security"])
    child_id = make_id_number("500112", dt.datetime.now(dt.UTC).date(), 135)
    await approve(
        api,
        clerk["public-security"],
        police["hukou-birth-registration"]["task_id"],
        {"child.id_number": child_id},
    )
    await drain()
    [first] = (await _delivery(api, resident, application_id))["parcels"]
    assert first["state"] == "collecting"  # the card is still expected: they wait together
    assert (await api.get(_pickups(), headers=window)).json() == []

    # The window ends: the parcel goes to the hall (no courier) with a pickup code.
    async with sessionmaker() as session, session.begin():
        await close_due_parcels(session, now=ship_due_at(dt.date.fromisoformat(first["ship_on"])))
    await drain()
    [first] = (await _delivery(api, resident, application_id))["parcels"]
    assert first["state"] == "at_hall"
    assert first["hall"] == HALL
    assert first["tracking_number"] is None
    code = first["pickup_code"]
    assert len(code) == 6
    assert code.isdigit()
    messages = (await api.get("/api/v1/notifications/messages", headers=resident)).json()
    told = [m for m in messages["messages"] if m["template"] == "parcel.at_hall"]
    assert len(told) == 1
    assert "渝北区政务服务中心" in told[0]["body"]
    assert code not in str(messages)  # the code is shown in the application only

    # The hall sees it waiting, the name masked, no numbers.
    [waiting] = (await api.get(_pickups(), headers=window)).json()
    assert waiting["parcel_id"] == first["id"]
    assert waiting["resident"] == "李**"
    assert {i["service"] for i in waiting["items"]} == {
        "birth-medical-certificate",
        "hukou-birth-registration",
    }
    assert APPLICANT_ID not in str(waiting)

    wrong = "000000" if code != "000000" else "111111"
    missed = await api.post(f"{_pickups()}/lookup", json={"pickup_code": wrong}, headers=window)
    assert missed.status_code == 200
    assert missed.json() == []
    found = await api.post(f"{_pickups()}/lookup", json={"pickup_code": code}, headers=window)
    assert [p["parcel_id"] for p in found.json()] == [first["id"]]
    async with sessionmaker() as session:
        misses = (
            (
                await session.execute(
                    select(SecurityEvent).where(
                        SecurityEvent.event_type == "delivery.pickup_lookup_missed"
                    )
                )
            )
            .scalars()
            .all()
        )
    assert [(e.user_id, e.detail["hall"]) for e in misses] == [(staff, HALL)]

    hand_over = f"{_pickups()}/{first['id']}/hand-over"
    refused = await api.post(hand_over, json={"pickup_code": wrong}, headers=window)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["code"] == "pickup.mismatch"
    assert (await _delivery(api, resident, application_id))["parcels"][0]["state"] == "at_hall"

    collected = await api.post(hand_over, json={"pickup_code": code}, headers=window)
    assert collected.status_code == 200, collected.text
    assert collected.json()["state"] == "collected"
    states = await _states(api, resident, application_id)
    assert states["birth-medical-certificate"] == "done"
    assert states["hukou-birth-registration"] == "done"
    assert states["social-security-card"] != "done"
    again = await api.post(hand_over, json={"pickup_code": code}, headers=window)
    assert again.status_code == 409
    [first] = (await _delivery(api, resident, application_id))["parcels"]
    assert first["pickup_code"] is None  # void once collected

    # The card, ready later, goes to the hall alone; the applicant shows her ID card.
    hrss = await inbox(api, clerk["hrss"])
    await approve(api, clerk["hrss"], hrss["social-security-card"]["task_id"])
    await drain()
    parcels = (await _delivery(api, resident, application_id))["parcels"]
    assert [(p["number"], p["state"]) for p in parcels] == [(1, "collected"), (2, "at_hall")]
    by_card = await api.post(
        f"{_pickups()}/lookup", json={"id_number": APPLICANT_ID}, headers=window
    )
    [second] = by_card.json()
    assert [i["service"] for i in second["items"]] == ["social-security-card"]
    handed = await api.post(
        f"{_pickups()}/{second['parcel_id']}/hand-over",
        json={"id_number": APPLICANT_ID},
        headers=window,
    )
    assert handed.status_code == 200, handed.text
    assert (await _states(api, resident, application_id))["social-security-card"] == "done"

    events = (
        await api.get(f"/api/v1/applications/{application_id}/timeline?limit=100", headers=resident)
    ).json()["events"]
    at_hall = [e for e in events if e["kind"] == "parcel.at_hall"]
    assert len(at_hall) == 2
    hand_overs = [e for e in events if e["kind"] == "parcel.collected"]
    assert [e["actor_kind"] for e in hand_overs] == ["service_hall", "service_hall"]
    assert [e["detail"]["proof"] for e in hand_overs] == ["pickup_code", "id_number"]
    kinds = [
        m["template"]
        for m in (await api.get("/api/v1/notifications/messages", headers=resident)).json()[
            "messages"
        ]
    ]
    assert kinds.count("parcel.collected") == 2


async def test_only_the_halls_own_staff_see_and_hand_over(
    api: Client,
    app: Litestar,
    people: People,
    tokens: Tokens,
    drain: Jobs,
    staff: uuid.UUID,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    resident, application_id = await _certificate_alone_at_the_hall(api, tokens, people, drain)
    [parcel] = (await _delivery(api, resident, application_id))["parcels"]
    assert parcel["state"] == "at_hall"
    async with sessionmaker() as session, session.begin():
        elsewhere, _ = await add_staff(
            session,
            app.state.identity,
            phone="13600136002",
            hall="fz-gulou",
            now=dt.datetime.now(dt.UTC),
        )
    other_hall = await tokens.issue(str(elsewhere))
    delegated = await tokens.issue(
        str(people.resident.id),
        scope="openid applications:read applications:write bundle:newborn-birth",
        act={"sub": str(staff)},
    )
    proof = {"pickup_code": parcel["pickup_code"]}
    hand_over = f"{_pickups()}/{parcel['id']}/hand-over"
    for who in (resident, other_hall, await tokens.issue(str(people.agent.id)), delegated):
        assert (await api.get(_pickups(), headers=who)).status_code == 403
        assert (await api.post(f"{_pickups()}/lookup", json=proof, headers=who)).status_code == 403
        assert (await api.post(hand_over, json=proof, headers=who)).status_code == 403
    window = await tokens.issue(str(staff))
    assert (await api.get(_pickups("moon"), headers=window)).status_code == 404
    # Yubei's staff cannot reach the parcel through another hall's routes either.
    assert (
        await api.post(
            f"{_pickups('fz-gulou')}/{parcel['id']}/hand-over", json=proof, headers=window
        )
    ).status_code == 403
    assert (
        await api.post(f"{_pickups()}/{uuid.uuid4()}/hand-over", json=proof, headers=window)
    ).status_code == 404
    assert (await _delivery(api, resident, application_id))["parcels"][0]["state"] == "at_hall"

    # Removed from the hall: no longer staff.
    async with sessionmaker() as session, session.begin():
        assert await remove_staff(session, app.state.identity, phone=STAFF_PHONE, hall=HALL)
    assert (await api.get(_pickups(), headers=window)).status_code == 403


async def test_a_lookup_needs_exactly_one_well_formed_proof(
    api: Client, people: People, tokens: Tokens, staff: uuid.UUID
) -> None:
    del people
    window = await tokens.issue(str(staff))
    cases = [
        ({}, "pickup_code", "pickup.proof_required"),
        (
            {"pickup_code": "123456", "id_number": APPLICANT_ID},
            "pickup_code",
            "pickup.proof_required",
        ),
        ({"pickup_code": "12ab56"}, "pickup_code", "pickup.code_format"),
        ({"id_number": "500112199403081234"}, "id_number", "id_number.invalid"),
    ]
    for body, field, code in cases:
        answer = await api.post(f"{_pickups()}/lookup", json=body, headers=window)
        assert answer.status_code == 422, body
        [error] = answer.json()["errors"]
        assert (error["field"], error["code"]) == (field, code)
        assert error["message_zh"]
        assert error["message_en"]


async def test_a_waiting_parcel_follows_a_changed_choice(
    api: Client,
    app: Litestar,
    people: People,
    tokens: Tokens,
    drain: Jobs,
    staff: uuid.UUID,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    resident, application_id = await _certificate_alone_at_the_hall(api, tokens, people, drain)
    [parcel] = (await _delivery(api, resident, application_id))["parcels"]
    old_code = parcel["pickup_code"]
    changed = await api.put(
        f"/api/v1/applications/{application_id}/delivery",
        json={"method": "collect", "hall": "cq-yuzhong"},
        headers=resident,
    )
    assert changed.status_code == 200, changed.text
    await drain()
    [parcel] = (await _delivery(api, resident, application_id))["parcels"]
    assert (parcel["state"], parcel["hall"]) == ("at_hall", "cq-yuzhong")
    window = await tokens.issue(str(staff))
    stale = await api.post(f"{_pickups()}/lookup", json={"pickup_code": old_code}, headers=window)
    assert stale.json() == []
    async with sessionmaker() as session, session.begin():
        yuzhong, _ = await add_staff(
            session,
            app.state.identity,
            phone="13600136003",
            hall="cq-yuzhong",
            now=dt.datetime.now(dt.UTC),
        )
    there = await tokens.issue(str(yuzhong))
    found = await api.post(
        f"{_pickups('cq-yuzhong')}/lookup",
        json={"pickup_code": parcel["pickup_code"]},
        headers=there,
    )
    assert [p["parcel_id"] for p in found.json()] == [parcel["id"]]
    events = (
        await api.get(f"/api/v1/applications/{application_id}/timeline?limit=100", headers=resident)
    ).json()["events"]
    assert "parcel.rerouted" in [e["kind"] for e in events]
    async with sessionmaker() as session:
        row = await session.get(Parcel, uuid.UUID(parcel["id"]))
        assert row is not None
        assert old_code not in (row.pickup_code_encrypted or "")  # sealed, never in clear


async def test_hall_staff_are_agents_or_clerks_added_by_an_operator(
    app: Litestar,
    people: People,
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as session, session.begin():
        with pytest.raises(HallStaffError, match="resident"):
            await add_staff(
                session,
                app.state.identity,
                phone="13812345678",
                hall=HALL,
                now=dt.datetime.now(dt.UTC),
            )
        with pytest.raises(HallStaffError, match="no service hall"):
            await add_staff(
                session,
                app.state.identity,
                phone=STAFF_PHONE,
                hall="moon",
                now=dt.datetime.now(dt.UTC),
            )
    del people
    env = {
        **os.environ,
        "ONETHING_ENV": settings.app.environment,
        "DATABASE_URL": settings.database.url,
        "IDENTITY_DATA_KEYS": settings.identity.data_keys,
        "IDENTITY_BLIND_INDEX_KEY": settings.identity.blind_index_key,
    }

    async def halls(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "onething", "halls", *args]
        return await asyncio.to_thread(
            subprocess.run,
            command,
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )

    first = await halls("staff-add", "--hall", HALL, "--phone", STAFF_PHONE)
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip().endswith("added")
    second = await halls("staff-add", "--hall", HALL, "--phone", STAFF_PHONE)
    assert second.stdout.strip().endswith("already staff")
    user_id = first.stdout.split("\t")[1]
    assert (await halls("staff-list", "--hall", HALL)).stdout.split() == [user_id]
    resident = await halls("staff-add", "--hall", HALL, "--phone", "13812345678")
    assert resident.returncode == 1
    assert "only agents and clerks" in resident.stderr
    async with sessionmaker() as session:
        user = await session.get(User, uuid.UUID(user_id))
        assert user is not None
        assert user.role == "agent"
