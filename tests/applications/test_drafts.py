"""Drafts: autosave with optimistic concurrency (ETag / If-Match; a stale write gets 412 and
overwrites nothing), resume on another device, answers sealed at rest, submit from a draft."""

from __future__ import annotations

from application_helpers import People, Tokens, new_key, newborn_answers, submittable
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

Client = AsyncTestClient[Litestar]
NEW = {"bundle": "newborn-birth", "optional_services": ["childcare-subsidy"]}


async def test_a_stale_autosave_is_refused_and_overwrites_nothing(
    api: Client, people: People, tokens: Tokens
) -> None:
    phone = await tokens.issue(str(people.resident.id))
    created = await api.post("/api/v1/drafts", json=NEW, headers=phone)
    assert created.status_code == 201, created.text
    assert created.headers["etag"] == '"1"'
    url = f"/api/v1/drafts/{created.json()['id']}"
    answers = newborn_answers()
    first = {"answers": {"child": answers["child"]}, "optional_services": ["childcare-subsidy"]}
    saved = await api.put(url, json=first, headers={**phone, "If-Match": '"1"'})
    assert saved.status_code == 200, saved.text
    assert saved.headers["etag"] == '"2"'

    # A tablet that loaded version 1 saves later: refused, and told the current version.
    tablet = await tokens.issue(str(people.resident.id))
    stale = {"answers": {"mother": answers["mother"]}}
    refused = await api.put(url, json=stale, headers={**tablet, "If-Match": '"1"'})
    assert refused.status_code == 412
    assert refused.headers["etag"] == '"2"'
    resumed = await api.get(url, headers=tablet)
    assert resumed.headers["etag"] == '"2"'
    assert resumed.json()["answers"] == {"child": answers["child"]}
    assert resumed.json()["optional_services"] == ["childcare-subsidy"]


async def test_saving_without_if_match_is_refused(
    api: Client, people: People, tokens: Tokens
) -> None:
    auth = await tokens.issue(str(people.resident.id))
    created = await api.post("/api/v1/drafts", json=NEW, headers=auth)
    url = f"/api/v1/drafts/{created.json()['id']}"
    answer = await api.put(url, json={"answers": {}}, headers=auth)
    assert answer.status_code == 428


async def test_draft_answers_are_sealed_at_rest(
    api: Client, people: People, tokens: Tokens, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    auth = await tokens.issue(str(people.resident.id))
    created = await api.post("/api/v1/drafts", json=NEW, headers=auth)
    url = f"/api/v1/drafts/{created.json()['id']}"
    answers = newborn_answers()
    await api.put(url, json={"answers": answers}, headers={**auth, "If-Match": '"1"'})
    async with sessionmaker() as session:
        row = (
            await session.execute(text("SELECT row_to_json(d)::text FROM application_drafts d"))
        ).scalar_one()
    assert answers["mother"]["id_number"] not in row
    assert "王芳" not in row


async def test_drafts_are_private_and_listed_for_their_owner(
    api: Client, people: People, tokens: Tokens
) -> None:
    mine = await tokens.issue(str(people.resident.id))
    created = await api.post("/api/v1/drafts", json=NEW, headers=mine)
    theirs = await tokens.issue(str(people.other_resident.id))
    url = f"/api/v1/drafts/{created.json()['id']}"
    assert (await api.get(url, headers=theirs)).status_code == 404
    refused = await api.put(url, json={"answers": {}}, headers={**theirs, "If-Match": '"1"'})
    assert refused.status_code == 404
    assert (await api.get("/api/v1/drafts", headers=theirs)).json() == []
    assert [d["id"] for d in (await api.get("/api/v1/drafts", headers=mine)).json()] == [
        created.json()["id"]
    ]


async def test_a_draft_for_an_unknown_bundle_or_situation_is_refused(
    api: Client, people: People, tokens: Tokens
) -> None:
    auth = await tokens.issue(str(people.resident.id))
    unknown = await api.post("/api/v1/drafts", json={"bundle": "no-such-bundle"}, headers=auth)
    assert unknown.status_code == 422
    bad = {"bundle": "newborn-birth", "situation_answers": {"born_in_province": "maybe"}}
    assert (await api.post("/api/v1/drafts", json=bad, headers=auth)).status_code == 422


async def test_submitting_from_a_draft_removes_it(
    api: Client, people: People, tokens: Tokens
) -> None:
    auth = await tokens.issue(str(people.resident.id))
    body = await submittable(api, tokens, people, auth, {**NEW, "answers": newborn_answers()})
    assert (await api.get(f"/api/v1/drafts/{body['draft_id']}", headers=auth)).status_code == 200
    submitted = await api.post("/api/v1/applications", json=body, headers={**auth, **new_key()})
    assert submitted.status_code == 201, submitted.text
    assert (await api.get(f"/api/v1/drafts/{body['draft_id']}", headers=auth)).status_code == 404
