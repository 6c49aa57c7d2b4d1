"""Prefilled launch: a mini-app starts a draft for a resident with the facts it is registered
as authoritative for, each marked with it as the source; anything else is refused field by
field; the resident's changes take the source away; the application records the launch."""

from __future__ import annotations

from application_helpers import People, Tokens, new_key, submission, submittable
from launch_helpers import (
    BIRTH_FACTS,
    HOSPITAL,
    HOSPITAL_SCOPE,
    birth_facts,
    launch,
    register_hospital,
)
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onething.applications.models import Draft

Client = AsyncTestClient[Litestar]


async def test_a_mini_app_launches_a_draft_prefilled_with_its_facts_marked_as_its_own(
    api: Client, people: People, tokens: Tokens, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await register_hospital(sessionmaker)
    hospital = await tokens.issue(str(people.resident.id), client_id=HOSPITAL, scope=HOSPITAL_SCOPE)
    created = await api.post("/api/v1/drafts", json=launch(birth_facts()), headers=hospital)
    assert created.status_code == 201, created.text
    draft = created.json()
    assert draft["launched_by"] == {
        "client_id": HOSPITAL,
        "name": {"zh": "市妇幼保健院", "en": "City Maternity Hospital"},
    }
    assert draft["answers"] == {"child": {k.partition(".")[2]: v for k, v in birth_facts().items()}}
    assert draft["prefill"] == {
        element: {"value": value, "source": "client", "client_id": HOSPITAL, "license_id": None,
                  "license_type": None, "field": None}
        for element, value in birth_facts().items()
    }  # fmt: skip
    # The resident sees the same sources from the PWA.
    mine = await api.get(
        f"/api/v1/drafts/{draft['id']}", headers=await tokens.issue(str(people.resident.id))
    )
    assert mine.json()["prefill"] == draft["prefill"]


async def test_facts_outside_its_authority_are_refused_field_by_field_and_nothing_is_written(
    api: Client, people: People, tokens: Tokens, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await register_hospital(sessionmaker, asserts=["child.birth_time", "child.sex", "mother.*"])
    hospital = await tokens.issue(str(people.resident.id), client_id=HOSPITAL, scope=HOSPITAL_SCOPE)
    facts = {
        "child.birth_time": birth_facts()["child.birth_time"],  # fine
        "child.sex": "unicorn",  # within its authority, but not a value of the code list
        "child.name": "李沐阳",  # the parents name the child, not the hospital
        "father.name": "李强",  # not its to assert
        "mother.name": "王芳",  # `mother.*` covers it
    }
    refused = await api.post(
        "/api/v1/drafts", json=launch(facts), headers={**hospital, "Accept-Language": "en"}
    )
    assert refused.status_code == 422, refused.text
    errors = {e["field"]: e for e in refused.json()["errors"]}
    assert set(errors) == {"prefill.child.sex", "prefill.child.name", "prefill.father.name"}
    assert errors["prefill.child.name"]["code"] == "prefill.not_authoritative"
    assert "市妇幼保健院" in errors["prefill.child.name"]["message_zh"]
    assert "City Maternity Hospital" in errors["prefill.father.name"]["message_en"]
    assert errors["prefill.child.sex"]["code"] != "prefill.not_authoritative"
    async with sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(Draft)) == 0


async def test_the_platforms_own_app_is_no_source_of_any_fact(
    api: Client, people: People, tokens: Tokens
) -> None:
    pwa = await tokens.issue(str(people.resident.id))
    refused = await api.post("/api/v1/drafts", json=launch(birth_facts()), headers=pwa)
    assert refused.status_code == 422
    assert {e["code"] for e in refused.json()["errors"]} == {"prefill.not_authoritative"}


async def test_a_changed_value_loses_its_source_and_the_application_records_the_launch(
    api: Client, people: People, tokens: Tokens, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await register_hospital(sessionmaker)
    hospital = await tokens.issue(str(people.resident.id), client_id=HOSPITAL, scope=HOSPITAL_SCOPE)
    created = await api.post("/api/v1/drafts", json=launch(birth_facts()), headers=hospital)
    draft_id = created.json()["id"]

    resident = await tokens.issue(str(people.resident.id))
    body = submission()
    body["answers"]["child"]["birth_weight"] = 3400  # the parent corrects the hospital
    ready = await submittable(
        api, tokens, people, resident, body, draft=(draft_id, created.headers["etag"])
    )
    after_save = (await api.get(f"/api/v1/drafts/{draft_id}", headers=resident)).json()
    assert set(after_save["prefill"]) == set(BIRTH_FACTS) - {"child.birth_weight"}
    assert after_save["launched_by"]["client_id"] == HOSPITAL

    submitted = await api.post(
        "/api/v1/applications", json=ready, headers={**resident, **new_key()}
    )
    assert submitted.status_code == 201, submitted.text
    application = submitted.json()
    assert application["launched_by"] == HOSPITAL
    assert application["prefilled_by_client"] == sorted(set(BIRTH_FACTS) - {"child.birth_weight"})
    timeline = await api.get(f"/api/v1/applications/{application['id']}/timeline", headers=resident)
    (event,) = (e for e in timeline.json()["events"] if e["kind"] == "application.submitted")
    assert event["detail"]["launched_by"] == HOSPITAL


async def test_an_application_not_launched_by_a_mini_app_records_none(
    api: Client, people: People, tokens: Tokens
) -> None:
    resident = await tokens.issue(str(people.resident.id))
    ready = await submittable(api, tokens, people, resident)
    submitted = await api.post(
        "/api/v1/applications", json=ready, headers={**resident, **new_key()}
    )
    assert submitted.json()["launched_by"] is None
    assert submitted.json()["prefilled_by_client"] == []
