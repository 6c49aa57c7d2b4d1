"""Withdrawal (撤回) while no department has taken any part on; cancellation (撤销) of the
parts not yet decided later; decided parts stand; departments hear of it by webhook."""

from __future__ import annotations

from typing import Any

from application_helpers import People, Tokens, new_key, submittable
from department_system import DepartmentSystem
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onething.departments.models import WebhookEvent

Client = AsyncTestClient[Litestar]
HEALTH = "health-commission"


async def _submitted(
    api: Client, people: People, tokens: Tokens, drain: Any
) -> tuple[dict[str, str], str, dict[str, str]]:
    resident = await tokens.issue(str(people.resident.id))
    created = await api.post(
        "/api/v1/applications",
        json=await submittable(api, tokens, people, resident),
        headers={**resident, **new_key()},
    )
    assert created.status_code == 201
    await drain()
    return resident, created.json()["id"], {t["service"]: t["id"] for t in created.json()["tasks"]}


async def test_a_resident_withdraws_before_any_department_takes_a_part_on(
    api: Client,
    people: People,
    tokens: Tokens,
    admin: dict[str, str],
    department_system: DepartmentSystem,
    drain: Any,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    connected = await api.put(
        f"/api/v1/admin/departments/{HEALTH}/webhook",
        json={"url": department_system.url(HEALTH), "secret": department_system.secrets[HEALTH]},
        headers=admin,
    )
    assert connected.status_code == 200
    resident, application_id, _ = await _submitted(api, people, tokens, drain)
    other = await tokens.issue(str(people.other_resident.id))
    url = f"/api/v1/applications/{application_id}/withdraw"
    assert (await api.post(url, json={}, headers=other)).status_code == 404

    withdrawn = await api.post(url, json={"reason": "信息填错，重新申请"}, headers=resident)
    assert withdrawn.status_code == 200, withdrawn.text
    assert withdrawn.json()["status"] == "withdrawn"
    assert {t["state"] for t in withdrawn.json()["tasks"]} == {"withdrawn"}
    hospital = await tokens.issue(str(people.clerks[HEALTH].id))
    inbox = (await api.get("/api/v1/department/tasks", headers=hospital)).json()["items"]
    assert inbox == []
    assert (await api.post(url, json={}, headers=resident)).status_code == 409

    events = (
        await api.get(f"/api/v1/applications/{application_id}/timeline?limit=100", headers=resident)
    ).json()["events"]
    assert any(
        e["kind"] == "application.withdrawn" and e["detail"] == {"reason": "信息填错，重新申请"}
        for e in events
    )
    # The hospital's system heard of both of its dispatched tasks' withdrawal.
    await drain()
    async with sessionmaker() as session:
        told = (
            (
                await session.execute(
                    select(WebhookEvent).where(WebhookEvent.kind == "task.withdrawn")
                )
            )
            .scalars()
            .all()
        )
    assert len(told) == 2
    assert all(e.delivered_at is not None for e in told)
    ids = [e.id for e in told]
    assert await department_system.effects(ids) == dict.fromkeys(ids, 1)


async def test_once_a_part_is_taken_on_withdrawal_is_refused_and_cancel_closes_the_rest(
    api: Client, people: People, tokens: Tokens, drain: Any
) -> None:
    resident, application_id, tasks = await _submitted(api, people, tokens, drain)
    hospital = await tokens.issue(str(people.clerks[HEALTH].id))
    vaccination_clerk = await tokens.issue(str(people.clerks["cdc"].id))
    certificate = f"/api/v1/department/tasks/{tasks['birth-medical-certificate']}"
    vaccination = f"/api/v1/department/tasks/{tasks['vaccination-record']}"
    for step in ("accept", "start-review"):
        assert (
            await api.post(f"{certificate}/{step}", json={}, headers=hospital)
        ).status_code == 200
        assert (
            await api.post(f"{vaccination}/{step}", json={}, headers=vaccination_clerk)
        ).status_code == 200
    approved = await api.post(f"{certificate}/approve", json={"output": {}}, headers=hospital)
    assert approved.status_code == 200
    await drain()  # hukou registration is released and dispatched

    refused = await api.post(
        f"/api/v1/applications/{application_id}/withdraw", json={}, headers=resident
    )
    assert refused.status_code == 409
    cancelled = await api.post(
        f"/api/v1/applications/{application_id}/cancel", json={"reason": "搬家"}, headers=resident
    )
    assert cancelled.status_code == 200, cancelled.text
    states = {t["service"]: t["state"] for t in cancelled.json()["tasks"]}
    assert states["birth-medical-certificate"] == "issued"  # decided (and issued): it stands
    assert states["vaccination-record"] == "cancelled"  # in review: cancelled
    assert states["hukou-birth-registration"] == "withdrawn"  # dispatched, not taken on
    assert states["social-security-card"] == "withdrawn"  # still waiting upstream
    # The issued certificate is not yet delivered: the application is not closed yet.
    assert cancelled.json()["status"] == "in_progress"
    view = (await api.get(vaccination, headers=vaccination_clerk)).json()
    assert view["state"] == "cancelled"
    assert view["allowed_events"] == []
    again = await api.post(
        f"/api/v1/applications/{application_id}/cancel", json={}, headers=resident
    )
    assert again.status_code == 409
    events = (
        await api.get(f"/api/v1/applications/{application_id}/timeline?limit=100", headers=resident)
    ).json()["events"]
    summary = next(e for e in events if e["kind"] == "application.cancelled")
    assert "vaccination-record" in summary["detail"]["cancelled"]
    assert "hukou-birth-registration" in summary["detail"]["withdrawn"]
    assert summary["detail"]["reason"] == "搬家"
    assert "birth-medical-certificate" not in summary["detail"]["cancelled"]
