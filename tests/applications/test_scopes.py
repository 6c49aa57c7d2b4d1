"""Reading needs `applications:read`, creating or changing needs `applications:write`: a token
with one of the two cannot do what the other allows (and a department system the same)."""

from __future__ import annotations

from application_helpers import DEPARTMENT_SYSTEM, People, Tokens
from litestar import Litestar
from litestar.testing import AsyncTestClient

Client = AsyncTestClient[Litestar]
NEW = {"bundle": "newborn-birth", "optional_services": ["childcare-subsidy"]}


async def test_a_read_only_token_reads_but_cannot_create_or_change(
    api: Client, people: People, tokens: Tokens
) -> None:
    both = await tokens.issue(str(people.resident.id))
    created = await api.post("/api/v1/drafts", json=NEW, headers=both)
    assert created.status_code == 201, created.text
    url = f"/api/v1/drafts/{created.json()['id']}"
    read_only = await tokens.issue(str(people.resident.id), scope="openid applications:read")
    assert (await api.get(url, headers=read_only)).status_code == 200
    assert [d["id"] for d in (await api.get("/api/v1/drafts", headers=read_only)).json()] == [
        created.json()["id"]
    ]
    assert (await api.post("/api/v1/drafts", json=NEW, headers=read_only)).status_code == 403
    change = await api.put(url, json={"answers": {}}, headers={**read_only, "If-Match": '"1"'})
    assert change.status_code == 404
    assert (await api.get(url, headers=both)).headers["etag"] == '"1"'


async def test_a_write_only_token_cannot_read(api: Client, people: People, tokens: Tokens) -> None:
    write_only = await tokens.issue(str(people.resident.id), scope="openid applications:write")
    created = await api.post("/api/v1/drafts", json=NEW, headers=write_only)
    assert created.status_code == 201, created.text
    url = f"/api/v1/drafts/{created.json()['id']}"
    assert (await api.get(url, headers=write_only)).status_code == 404
    assert (await api.get("/api/v1/drafts", headers=write_only)).json() == []
    assert (await api.get("/api/v1/applications", headers=write_only)).json() == []


async def test_a_department_system_needs_read_for_its_inbox(
    api: Client, people: People, tokens: Tokens
) -> None:
    del people  # registers the department system's client
    reader = await tokens.issue(
        DEPARTMENT_SYSTEM,
        client_id=DEPARTMENT_SYSTEM,
        scope="applications:read department:public-security",
    )
    writer = await tokens.issue(
        DEPARTMENT_SYSTEM,
        client_id=DEPARTMENT_SYSTEM,
        scope="applications:write department:public-security",
    )
    assert (await api.get("/api/v1/department/tasks", headers=reader)).status_code == 200
    assert (await api.get("/api/v1/department/tasks", headers=writer)).status_code == 403
