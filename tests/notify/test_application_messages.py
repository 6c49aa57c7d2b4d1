"""The resident is told what departments decide: a correction request, a refusal, an approval
— and, for a service that produces an e-license, its issuance (once, instead of the approval)
— as in-app messages in their language, written with the decision, plus push and SMS jobs."""

from __future__ import annotations

from typing import Any

from application_helpers import People, Tokens, new_key, submittable
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onething.notify.models import Message

Client = AsyncTestClient[Litestar]


async def _titles(api: Client, auth: dict[str, str], language: str = "zh-CN") -> list[str]:
    page = await api.get(
        "/api/v1/notifications/messages", headers={**auth, "Accept-Language": language}
    )
    assert page.status_code == 200, page.text
    return [m["title"] + "|" + m["body"] for m in page.json()["messages"]]


async def test_department_decisions_reach_the_resident_as_messages(
    api: Client,
    people: People,
    tokens: Tokens,
    drain: Any,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    resident = await tokens.issue(str(people.resident.id))
    created = await api.post(
        "/api/v1/applications",
        json=await submittable(api, tokens, people, resident),
        headers={**resident, **new_key()},
    )
    assert created.status_code == 201, created.text
    await drain()
    assert await _titles(api, resident) == []  # submitting tells nothing new

    hospital = await tokens.issue(str(people.clerks["health-commission"].id))
    inbox = (await api.get("/api/v1/department/tasks", headers=hospital)).json()["items"]
    task = next(i["task_id"] for i in inbox if i["service"] == "birth-medical-certificate")
    for step in ("accept", "start-review"):
        answer = await api.post(
            f"/api/v1/department/tasks/{task}/{step}", json={}, headers=hospital
        )
        assert answer.status_code == 200, answer.text
    asked = await api.post(
        f"/api/v1/department/tasks/{task}/request-correction",
        json={"fields": ["child.birth_weight"], "message": "请核对出生体重"},
        headers=hospital,
    )
    assert asked.status_code == 200, asked.text
    [correction] = await _titles(api, resident)
    assert correction.startswith("办件需要补正|“出生医学证明首次签发”需要您补正")
    assert "请核对出生体重" not in correction  # the department's words stay in the application

    fixed = await api.post(
        f"/api/v1/applications/{created.json()['id']}/tasks/{task}/correction",
        json={"answers": {"child": {"birth_weight": 3400}}},
        headers=resident,
    )
    assert fixed.status_code == 200, fixed.text
    approved = await api.post(f"/api/v1/department/tasks/{task}/approve", json={}, headers=hospital)
    assert approved.status_code == 200, approved.text
    await drain()  # the worker issues the birth medical certificate
    titles = await _titles(api, resident)
    assert titles[0].startswith("电子证照已签发|“出生医学证明”已签发")
    assert not any(t.startswith("办件已办结") for t in titles)  # told once, by the license
    english = await _titles(api, resident, "en")
    assert english[0].startswith("An e-license was issued|Your Birth medical certificate")

    # A service without a license: its approval is the news.
    insurer = await tokens.issue(str(people.clerks["healthcare-security"].id))
    inbox = (await api.get("/api/v1/department/tasks", headers=insurer)).json()["items"]
    maternity = next(i["task_id"] for i in inbox if i["service"] == "maternity-benefits")
    for step in ("accept", "start-review", "approve"):
        answer = await api.post(
            f"/api/v1/department/tasks/{maternity}/{step}", json={}, headers=insurer
        )
        assert answer.status_code == 200, answer.text
    titles = await _titles(api, resident)
    assert titles[0].startswith("办件已办结|“生育")
    async with sessionmaker() as session:
        kinds = (await session.execute(select(Message.template))).scalars().all()
    assert sorted(kinds) == ["task.approved", "task.correction_requested", "task.issued"]
