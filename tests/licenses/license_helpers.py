"""Drives the newborn journey far enough for its licenses to be issued: the hospital approves
the birth medical certificate, public security registers the child with a new ID number."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from application_helpers import People, Tokens, new_key, submittable
from litestar import Litestar
from litestar.testing import AsyncTestClient

from onething.catalog.codes import make_id_number

Client = AsyncTestClient[Litestar]


@dataclass
class Newborn:
    application_id: str
    child_name: str
    child_id: str
    mother: dict[str, str]  # auth headers
    father: dict[str, str]


async def _inbox(api: Client, auth: dict[str, str]) -> dict[str, dict[str, Any]]:
    answer = await api.get("/api/v1/department/tasks", headers=auth)
    assert answer.status_code == 200, answer.text
    return {item["service"]: item for item in answer.json()["items"]}


async def approve(
    api: Client, auth: dict[str, str], task_id: str, output: dict[str, str] | None = None
) -> None:
    base = f"/api/v1/department/tasks/{task_id}"
    for step in ("accept", "start-review"):
        answer = await api.post(f"{base}/{step}", json={}, headers=auth)
        assert answer.status_code == 200, answer.text
    approved = await api.post(f"{base}/approve", json={"output": output or {}}, headers=auth)
    assert approved.status_code == 200, approved.text


async def newborn_with_licenses(api: Client, people: People, tokens: Tokens, drain: Any) -> Newborn:
    mother = await tokens.issue(
        str(people.resident.id), scope="openid applications:read applications:write licenses:read"
    )
    father = await tokens.issue(
        str(people.other_resident.id),
        scope="openid applications:read applications:write licenses:read",
    )
    health = await tokens.issue(str(people.clerks["health-commission"].id))
    police = await tokens.issue(str(people.clerks["public-security"].id))
    body = await submittable(api, tokens, people, mother)
    submitted = await api.post("/api/v1/applications", json=body, headers={**mother, **new_key()})
    assert submitted.status_code == 201, submitted.text
    await drain()
    certificate = (await _inbox(api, health))["birth-medical-certificate"]["task_id"]
    await approve(api, health, certificate)
    await drain()
    hukou = (await _inbox(api, police))["hukou-birth-registration"]["task_id"]
    born = dt.date.fromisoformat(body["answers"]["child"]["birth_time"][:10])
    child_id = make_id_number("500112", born, 135)
    await approve(api, police, hukou, {"child.id_number": child_id})
    await drain()
    return Newborn(
        application_id=submitted.json()["id"],
        child_name=body["answers"]["child"]["name"],
        child_id=child_id,
        mother=mother,
        father=father,
    )
