"""A mini-app reads only what is within the resident's consent and was launched through it:
not another resident's application, not one the resident made without it, nothing after the
consent is withdrawn, nothing with a token lacking `applications:read`; and it never submits,
changes a submitted application or edits the draft it launched."""

from __future__ import annotations

from application_helpers import People, Tokens, new_key, submission, submittable
from launch_helpers import (
    HOSPITAL,
    HOSPITAL_SCOPE,
    birth_facts,
    consent_to_hospital,
    launch,
    launched_application,
    register_hospital,
)
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

Client = AsyncTestClient[Litestar]


async def test_a_mini_app_follows_the_application_it_launched_and_nothing_else(
    api: Client, people: People, tokens: Tokens, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await register_hospital(sessionmaker)
    await consent_to_hospital(sessionmaker, people.resident)
    hospital = await tokens.issue(str(people.resident.id), client_id=HOSPITAL, scope=HOSPITAL_SCOPE)
    launched = await launched_application(api, tokens, people, people.resident)
    # The same resident's application made in the PWA alone.
    own = await tokens.issue(str(people.resident.id))
    body = submission()
    body["answers"]["child"]["name"] = "李沐晨"
    other = await api.post(
        "/api/v1/applications",
        json=await submittable(api, tokens, people, own, body),
        headers={**own, **new_key()},
    )
    assert other.status_code == 201, other.text

    seen = await api.get(f"/api/v1/applications/{launched['id']}", headers=hospital)
    assert seen.status_code == 200
    assert seen.json()["launched_by"] == HOSPITAL
    timeline = await api.get(f"/api/v1/applications/{launched['id']}/timeline", headers=hospital)
    assert timeline.status_code == 200
    assert (
        await api.get(f"/api/v1/applications/{other.json()['id']}", headers=hospital)
    ).status_code == 404
    listed = (await api.get("/api/v1/applications", headers=hospital)).json()
    assert [a["id"] for a in listed] == [launched["id"]]
    # Both are the resident's own, in the PWA.
    assert len((await api.get("/api/v1/applications", headers=own)).json()) == 2
    # What the resident keeps to themself: delivery address, withdrawal, drafts of their own.
    for method, path, json in (
        ("GET", f"/api/v1/applications/{launched['id']}/delivery", None),
        ("POST", f"/api/v1/applications/{launched['id']}/withdraw", {"reason": "x"}),
        ("POST", f"/api/v1/applications/{launched['id']}/cancel", {"reason": "x"}),
    ):
        answer = await api.request(method, path, json=json, headers=hospital)
        assert answer.status_code == 404, (method, path, answer.text)


async def test_another_residents_application_stays_closed_to_a_mini_app_that_launched_it(
    api: Client, people: People, tokens: Tokens, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await register_hospital(sessionmaker)
    for_other = await tokens.issue(
        str(people.other_resident.id), client_id=HOSPITAL, scope=HOSPITAL_SCOPE
    )
    theirs = await launched_application(api, tokens, people, people.resident)
    answer = await api.get(f"/api/v1/applications/{theirs['id']}", headers=for_other)
    assert answer.status_code == 404
    assert (await api.get("/api/v1/applications", headers=for_other)).json() == []


async def test_the_launched_draft_is_read_but_not_edited_or_submitted_by_the_mini_app(
    api: Client, people: People, tokens: Tokens, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await register_hospital(sessionmaker)
    hospital = await tokens.issue(str(people.resident.id), client_id=HOSPITAL, scope=HOSPITAL_SCOPE)
    created = await api.post("/api/v1/drafts", json=launch(birth_facts()), headers=hospital)
    url = f"/api/v1/drafts/{created.json()['id']}"
    assert (await api.get(url, headers=hospital)).status_code == 200
    assert [d["id"] for d in (await api.get("/api/v1/drafts", headers=hospital)).json()] == [
        created.json()["id"]
    ]
    # Writing answers outside the launch would bypass its authority check.
    edited = await api.put(
        url,
        json={"answers": {"mother": {"name": "王芳"}}},
        headers={**hospital, "If-Match": created.headers["etag"]},
    )
    assert edited.status_code == 404
    submitted = await api.post(
        "/api/v1/applications",
        json={**submission(), "draft_id": created.json()["id"]},
        headers={**hospital, **new_key()},
    )
    assert submitted.status_code == 403
    upload = await api.post(
        "/api/v1/materials",
        json={
            "bundle": "newborn-birth",
            "material": "mother-id-card",
            "content_type": "application/pdf",
            "sha256": "0" * 64,
        },
        headers=hospital,
    )
    assert upload.status_code == 403


async def test_withdrawn_consent_ends_the_mini_apps_access_at_once(
    api: Client, people: People, tokens: Tokens, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await register_hospital(sessionmaker)
    await consent_to_hospital(sessionmaker, people.resident)
    hospital = await tokens.issue(str(people.resident.id), client_id=HOSPITAL, scope=HOSPITAL_SCOPE)
    launched = await launched_application(api, tokens, people, people.resident)
    url = f"/api/v1/applications/{launched['id']}"
    assert (await api.get(url, headers=hospital)).status_code == 200
    own = await tokens.issue(str(people.resident.id))
    withdrawn = await api.delete(f"/api/v1/me/consents/{HOSPITAL}", headers=own)
    assert withdrawn.status_code == 204, withdrawn.text
    assert (await api.get(url, headers=hospital)).status_code == 401


async def test_a_token_without_the_read_scope_reads_nothing(
    api: Client, people: People, tokens: Tokens, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await register_hospital(sessionmaker)
    hospital = await tokens.issue(str(people.resident.id), client_id=HOSPITAL, scope=HOSPITAL_SCOPE)
    launched = await launched_application(api, tokens, people, people.resident)
    pending = await api.post("/api/v1/drafts", json=launch(birth_facts()), headers=hospital)
    draft_id = pending.json()["id"]
    assert (await api.get(f"/api/v1/drafts/{draft_id}", headers=hospital)).status_code == 200
    write_only = await tokens.issue(
        str(people.resident.id), client_id=HOSPITAL, scope="openid applications:write"
    )
    for path in (f"/api/v1/applications/{launched['id']}", f"/api/v1/drafts/{draft_id}"):
        assert (await api.get(path, headers=write_only)).status_code == 404
    assert (await api.get("/api/v1/applications", headers=write_only)).json() == []
