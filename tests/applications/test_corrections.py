"""补正 and 容缺 from both sides: the department names what to fix or what may follow, and the
resident changes exactly that; the task goes back to review or to accepted."""

from __future__ import annotations

import datetime as dt
from typing import Any

from application_helpers import People, Tokens, new_key, submittable
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from upload_helpers import PDF, confirm_and_check, ticket_for, upload

from onething.applications.progress import suspend_overdue

Client = AsyncTestClient[Litestar]


async def _in_review(
    api: Client, people: People, tokens: Tokens, drain: Any, *, review: bool = True
) -> tuple[dict[str, str], dict[str, str], str, str]:
    resident = await tokens.issue(str(people.resident.id))
    created = await api.post(
        "/api/v1/applications",
        json=await submittable(api, tokens, people, resident),
        headers={**resident, **new_key()},
    )
    await drain()
    hospital = await tokens.issue(str(people.clerks["health-commission"].id))
    inbox = (await api.get("/api/v1/department/tasks", headers=hospital)).json()["items"]
    task_id = next(i["task_id"] for i in inbox if i["service"] == "birth-medical-certificate")
    if review:
        for step in ("accept", "start-review"):
            await api.post(f"/api/v1/department/tasks/{task_id}/{step}", json={}, headers=hospital)
    return resident, hospital, created.json()["id"], task_id


async def test_a_resident_corrects_exactly_the_named_field(
    api: Client, people: People, tokens: Tokens, drain: Any
) -> None:
    resident, hospital, application_id, task_id = await _in_review(api, people, tokens, drain)
    asked = await api.post(
        f"/api/v1/department/tasks/{task_id}/request-correction",
        json={"fields": ["child.birth_weight"], "message": "请核对出生体重"},
        headers=hospital,
    )
    assert asked.status_code == 200
    url = f"/api/v1/applications/{application_id}/tasks/{task_id}/correction"

    too_much = {"answers": {"child": {"birth_weight": 3400, "name": "李沐晨"}}}
    refused = await api.post(url, json=too_much, headers=resident)
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["errors"]] == ["child.name"]

    invalid = await api.post(
        url, json={"answers": {"child": {"birth_weight": -1}}}, headers=resident
    )
    assert invalid.status_code == 422

    fixed = await api.post(
        url, json={"answers": {"child": {"birth_weight": 3400}}}, headers=resident
    )
    assert fixed.status_code == 200, fixed.text
    states = {t["id"]: t["state"] for t in fixed.json()["tasks"]}
    assert states[task_id] == "in_review"
    assert fixed.json()["status"] == "in_progress"
    view = (await api.get(f"/api/v1/department/tasks/{task_id}", headers=hospital)).json()
    assert view["answers"]["child"]["birth_weight"] == 3400
    assert view["answers"]["child"]["name"] == "李沐阳"
    assert view["pending"] is None
    # Nothing is waiting for the resident any more.
    again = await api.post(
        url, json={"answers": {"child": {"birth_weight": 3400}}}, headers=resident
    )
    assert again.status_code == 409
    events = (
        await api.get(f"/api/v1/applications/{application_id}/timeline", headers=resident)
    ).json()
    resubmit = [e for e in events["events"] if e["kind"] == "task.resubmit"]
    assert resubmit[0]["detail"] == {"fields": ["child.birth_weight"], "materials": 0}


async def test_a_correction_request_cannot_be_answered_by_someone_else(
    api: Client, people: People, tokens: Tokens, drain: Any
) -> None:
    _, hospital, application_id, task_id = await _in_review(api, people, tokens, drain)
    await api.post(
        f"/api/v1/department/tasks/{task_id}/request-correction",
        json={"fields": ["child.birth_weight"], "message": "请核对"},
        headers=hospital,
    )
    other = await tokens.issue(str(people.other_resident.id))
    url = f"/api/v1/applications/{application_id}/tasks/{task_id}/correction"
    answer = await api.post(url, json={"answers": {"child": {"birth_weight": 3400}}}, headers=other)
    assert answer.status_code == 404


async def test_accepted_with_a_pending_material_then_supplied(
    api: Client, people: People, tokens: Tokens, drain: Any
) -> None:
    resident, hospital, application_id, task_id = await _in_review(
        api, people, tokens, drain, review=False
    )
    due = (await api.get(f"/api/v1/department/tasks/{task_id}", headers=hospital)).json()["due_on"]
    url = f"/api/v1/department/tasks/{task_id}/accept-pending-material"
    late = {"material": "mother-id-card", "deadline": "2099-01-01"}
    assert (await api.post(url, json=late, headers=hospital)).status_code == 422
    unneeded = {"material": "marriage-certificate", "deadline": due}
    assert (await api.post(url, json=unneeded, headers=hospital)).status_code == 422
    accepted = await api.post(
        url, json={"material": "mother-id-card", "deadline": due}, headers=hospital
    )
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["state"] == "accepted_pending_material"
    mine = (await api.get(f"/api/v1/applications/{application_id}", headers=resident)).json()
    assert mine["status"] == "action_required"

    ticket = await ticket_for(api, resident, PDF)
    await upload(ticket, PDF, "application/pdf")
    assert (await confirm_and_check(api, resident, ticket, drain))["status"] == "verified"
    supply = f"/api/v1/applications/{application_id}/tasks/{task_id}/material"
    supplied = await api.post(supply, json={"material": ticket["id"]}, headers=resident)
    assert supplied.status_code == 200, supplied.text
    view = (await api.get(f"/api/v1/department/tasks/{task_id}", headers=hospital)).json()
    assert view["state"] == "accepted"
    # The promised ID card is there next to the one handed in at submission.
    cards = [m["id"] for m in view["materials"] if m["material"] == "mother-id-card"]
    assert ticket["id"] in cards
    assert len(cards) == 2


async def test_a_missed_material_deadline_suspends_the_task_until_resumed(
    api: Client,
    people: People,
    tokens: Tokens,
    drain: Any,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    _, hospital, _, task_id = await _in_review(api, people, tokens, drain, review=False)
    due = (await api.get(f"/api/v1/department/tasks/{task_id}", headers=hospital)).json()["due_on"]
    await api.post(
        f"/api/v1/department/tasks/{task_id}/accept-pending-material",
        json={"material": "mother-id-card", "deadline": due},
        headers=hospital,
    )
    deadline = dt.date.fromisoformat(due)
    for today, expected in ((deadline, []), (deadline + dt.timedelta(days=1), [task_id])):
        async with sessionmaker() as session, session.begin():
            suspended = await suspend_overdue(session, today=today, now=dt.datetime.now(dt.UTC))
        assert [str(t) for t in suspended] == expected
    view = (await api.get(f"/api/v1/department/tasks/{task_id}", headers=hospital)).json()
    assert view["state"] == "suspended"
    assert set(view["allowed_events"]) == {"resume", "refuse"}
    resumed = await api.post(
        f"/api/v1/department/tasks/{task_id}/resume", json={}, headers=hospital
    )
    assert resumed.status_code == 200
    assert resumed.json()["state"] == "in_review"
