"""The delivery choice through the API: at submission (optional), read, changed while nothing
is with the courier; errors per field in zh-CN and en, and nothing written on error."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from application_helpers import People, Tokens, new_key, submission, submittable
from delivery_helpers import MAIL_HOME
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onething.applications.models import Application
from onething.delivery.models import DeliveryChoice, Parcel

Client = AsyncTestClient[Litestar]


async def _submit(
    api: Client, tokens: Tokens, people: People, auth: dict[str, str], **changes: Any
) -> dict[str, Any]:
    body = await submittable(api, tokens, people, auth, submission(**changes))
    answer = await api.post("/api/v1/applications", json=body, headers={**auth, **new_key()})
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


async def test_mail_home_chosen_at_submission_is_shown_to_the_resident(
    api: Client, people: People, tokens: Tokens
) -> None:
    resident = await tokens.issue(str(people.resident.id))
    application = await _submit(api, tokens, people, resident, delivery=MAIL_HOME)
    url = f"/api/v1/applications/{application['id']}/delivery"
    view = (await api.get(url, headers=resident)).json()
    choice = view["choice"]
    assert {k: choice[k] for k in MAIL_HOME if k != "method"} == {
        k: v for k, v in MAIL_HOME.items() if k != "method"
    }
    assert choice["method"] == "mail"
    assert choice["region_name"] == "重庆市渝北区"
    assert view["changeable"] is True
    assert view["parcels"] == []
    events = (
        await api.get(f"/api/v1/applications/{application['id']}/timeline", headers=resident)
    ).json()["events"]
    chosen = [e for e in events if e["kind"] == "delivery.chosen"]
    assert chosen[0]["detail"] == {"method": "mail"}
    # The address is personal data: never on the timeline.
    assert MAIL_HOME["address"] not in str(events)
    assert MAIL_HOME["phone"] not in str(events)


async def test_the_address_is_stored_sealed(
    api: Client, people: People, tokens: Tokens, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    resident = await tokens.issue(str(people.resident.id))
    application = await _submit(api, tokens, people, resident, delivery=MAIL_HOME)
    async with sessionmaker() as session:
        row = await session.get(DeliveryChoice, uuid.UUID(application["id"]))
    assert row is not None
    assert row.address_encrypted
    assert MAIL_HOME["address"] not in row.address_encrypted
    assert MAIL_HOME["phone"] not in row.address_encrypted


async def test_submission_without_a_choice_still_works(
    api: Client, people: People, tokens: Tokens
) -> None:
    resident = await tokens.issue(str(people.resident.id))
    application = await _submit(api, tokens, people, resident)
    view = (
        await api.get(f"/api/v1/applications/{application['id']}/delivery", headers=resident)
    ).json()
    assert view["choice"] is None


async def test_a_bad_address_fails_the_submission_per_field_in_both_languages(
    api: Client, people: People, tokens: Tokens, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    resident = await tokens.issue(str(people.resident.id))
    bad = {**MAIL_HOME, "region": "500100", "phone": "12345"}
    body = await submittable(api, tokens, people, resident, submission(delivery=bad))
    for language, title in (("zh-CN", "填写的信息有误"), ("en", "Some fields are not valid")):
        answer = await api.post(
            "/api/v1/applications",
            json=body,
            headers={**resident, **new_key(), "Accept-Language": language},
        )
        assert answer.status_code == 422, answer.text
        problem = answer.json()
        assert problem["title"] == title
        by_field = {e["field"]: e for e in problem["errors"]}
        assert set(by_field) == {"delivery.region", "delivery.phone"}
        region = by_field["delivery.region"]
        assert "区县" in region["message_zh"]
        assert "county" in region["message_en"]
        assert region["message"] == (
            region["message_zh"] if language == "zh-CN" else region["message_en"]
        )
    async with sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(Application)) == 0


async def test_the_resident_changes_to_collecting_at_a_hall(
    api: Client, people: People, tokens: Tokens
) -> None:
    resident = await tokens.issue(str(people.resident.id))
    application = await _submit(api, tokens, people, resident, delivery=MAIL_HOME)
    url = f"/api/v1/applications/{application['id']}/delivery"
    unknown = await api.put(url, json={"method": "collect", "hall": "moon"}, headers=resident)
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "delivery.hall"
    changed = await api.put(url, json={"method": "collect", "hall": "cq-yubei"}, headers=resident)
    assert changed.status_code == 200, changed.text
    choice = changed.json()["choice"]
    assert choice["method"] == "collect"
    assert choice["hall"] == "cq-yubei"
    assert choice["address"] is None
    assert choice["version"] == 2
    halls = (await api.get("/api/v1/service-halls")).json()
    assert "cq-yubei" in {h["id"] for h in halls}


async def test_someone_else_cannot_read_or_change_the_choice(
    api: Client, people: People, tokens: Tokens
) -> None:
    resident = await tokens.issue(str(people.resident.id))
    other = await tokens.issue(str(people.other_resident.id))
    application = await _submit(api, tokens, people, resident, delivery=MAIL_HOME)
    url = f"/api/v1/applications/{application['id']}/delivery"
    assert (await api.get(url, headers=other)).status_code == 404
    put = await api.put(url, json={"method": "collect", "hall": "cq-yubei"}, headers=other)
    assert put.status_code == 404
    assert (await api.get(url, headers=resident)).json()["choice"]["method"] == "mail"


async def test_no_change_while_a_parcel_is_with_the_courier(
    api: Client, people: People, tokens: Tokens, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    resident = await tokens.issue(str(people.resident.id))
    application = await _submit(api, tokens, people, resident, delivery=MAIL_HOME)
    now = dt.datetime.now(dt.UTC)
    async with sessionmaker() as session, session.begin():
        session.add(
            Parcel(
                id=uuid.uuid4(),
                application_id=uuid.UUID(application["id"]),
                number=1,
                state="in_transit",
                ship_on=now.date(),
                courier="local",
                tracking_number="LC0000000001",
                orders=[],
                order_attempts=1,
                created_at=now,
                updated_at=now,
            )
        )
    url = f"/api/v1/applications/{application['id']}/delivery"
    answer = await api.put(
        url, json={**MAIL_HOME, "address": "另一个地址 1 号楼"}, headers=resident
    )
    assert answer.status_code == 409
    view = (await api.get(url, headers=resident)).json()
    assert view["changeable"] is False
    assert view["choice"]["address"] == MAIL_HOME["address"]
