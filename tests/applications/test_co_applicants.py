"""Co-applicant confirmation: the other parent confirms, from their own account, the facts of
the services they co-sign (newborn-birth: the birth certificate and the family birth
registration) before the application can be submitted; the confirmation holds only for the
facts confirmed."""

from __future__ import annotations

from typing import Any

from application_helpers import (
    OTHER_PHONE,
    RESIDENT_PHONE,
    People,
    Tokens,
    hand_in_required,
    new_key,
    submission,
    submittable,
)
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from newborn_samples import MOTHER_ID
from onething.applications.models import Application
from onething.identity.services import new_user

Client = AsyncTestClient[Litestar]
CO_SIGNED = ["birth-medical-certificate", "birth-registration"]


async def _draft(api: Client, auth: dict[str, str], body: dict[str, Any]) -> tuple[str, str]:
    """A saved draft of `body`; (id, ETag)."""
    shape = {"optional_services": body["optional_services"]}
    created = await api.post(
        "/api/v1/drafts", json={"bundle": body["bundle"], **shape}, headers=auth
    )
    assert created.status_code == 201, created.text
    draft = created.json()["id"]
    saved = await api.put(
        f"/api/v1/drafts/{draft}",
        json={"answers": body["answers"], **shape},
        headers={**auth, "If-Match": created.headers["etag"]},
    )
    assert saved.status_code == 200, saved.text
    return draft, saved.headers["etag"]


async def _ask(api: Client, auth: dict[str, str], draft: str, phone: str = OTHER_PHONE) -> Any:
    return await api.post(
        f"/api/v1/drafts/{draft}/co-applicant", json={"phone": phone}, headers=auth
    )


async def _submit(
    api: Client, auth: dict[str, str], body: dict[str, Any], language: str = "zh-CN"
) -> Any:
    headers = {**auth, **new_key(), "Accept-Language": language}
    return await api.post("/api/v1/applications", json=body, headers=headers)


async def _count(sessionmaker: async_sessionmaker[AsyncSession]) -> int:
    async with sessionmaker() as session:
        return int(
            (await session.execute(select(func.count()).select_from(Application))).scalar_one()
        )


async def test_the_other_parent_sees_only_the_co_signed_facts_and_confirms(
    api: Client, people: People, tokens: Tokens
) -> None:
    mother = await tokens.issue(str(people.resident.id))
    father = await tokens.issue(str(people.other_resident.id))
    body = submission()
    draft, _ = await _draft(api, mother, body)
    status = (await api.get(f"/api/v1/drafts/{draft}/co-applicant", headers=mother)).json()
    assert status == {"required": True, "services": CO_SIGNED, "request": None, "current": False}

    asked = await _ask(api, mother, draft)
    assert asked.status_code == 201, asked.text
    request = asked.json()["request"]
    assert (request["status"], request["co_applicant_phone"]) == ("pending", "139****5678")

    listed = (await api.get("/api/v1/co-applicant-requests", headers=father)).json()
    assert [(r["id"], r["status"], r["facts"]) for r in listed] == [
        (request["id"], "pending", None)
    ]
    assert listed[0]["applicant_phone"] == "138****5678"
    # Nobody asked the mother anything.
    assert (await api.get("/api/v1/co-applicant-requests", headers=mother)).json() == []

    seen = (await api.get(f"/api/v1/co-applicant-requests/{request['id']}", headers=father)).json()
    facts = seen["facts"]
    assert facts["child"]["name"] == body["answers"]["child"]["name"]
    assert facts["father"]["id_number"] == body["answers"]["father"]["id_number"]
    # Only what the co-signed services ask: not the mother's bank card, employer or insurance.
    assert "benefit" not in facts
    assert "insurance" not in facts
    assert "employer" not in facts["mother"]

    confirmed = await api.post(
        f"/api/v1/co-applicant-requests/{request['id']}/confirm", headers=father
    )
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["status"] == "confirmed"
    again = await api.post(f"/api/v1/co-applicant-requests/{request['id']}/confirm", headers=father)
    assert again.status_code == 409

    status = (await api.get(f"/api/v1/drafts/{draft}/co-applicant", headers=mother)).json()
    assert (status["request"]["status"], status["current"]) == ("confirmed", True)
    body = await hand_in_required(api, tokens.sessionmaker, mother, body, draft)
    submitted = await _submit(api, mother, {**body, "draft_id": draft})
    assert submitted.status_code == 201, submitted.text
    # Bound to that application now: the father sees it as done, not as something to act on.
    [done] = (await api.get("/api/v1/co-applicant-requests", headers=father)).json()
    assert done["status"] == "confirmed"


async def test_submission_is_refused_until_the_other_parent_confirms(
    api: Client, people: People, tokens: Tokens, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    mother = await tokens.issue(str(people.resident.id))
    father = await tokens.issue(str(people.other_resident.id))
    body = submission()
    # No draft, so nobody was asked.
    for language, message in (
        ("zh-CN", "另一方父母（共同申请人）需在其本人账户中确认后，才能提交"),
        ("en", "The other parent must confirm from their own account before you submit"),
    ):
        refused = await _submit(api, mother, body, language)
        assert refused.status_code == 422, refused.text
        [error] = [e for e in refused.json()["errors"] if e["field"] == "co_applicant"]
        assert (error["field"], error["code"]) == ("co_applicant", "co_applicant.missing")
        assert error["message"] == message

    draft, _ = await _draft(api, mother, body)
    body = await hand_in_required(api, tokens.sessionmaker, mother, body, draft)
    request = (await _ask(api, mother, draft)).json()["request"]["id"]
    waiting = await _submit(api, mother, {**body, "draft_id": draft})
    assert [e["code"] for e in waiting.json()["errors"]] == ["co_applicant.pending"]

    no_reason = await api.post(
        f"/api/v1/co-applicant-requests/{request}/decline", json={"reason": ""}, headers=father
    )
    assert no_reason.status_code == 422
    declined = await api.post(
        f"/api/v1/co-applicant-requests/{request}/decline",
        json={"reason": "孩子的出生体重填错了"},
        headers=father,
    )
    assert declined.status_code == 200, declined.text
    refused = await _submit(api, mother, {**body, "draft_id": draft})
    [error] = refused.json()["errors"]
    assert error["code"] == "co_applicant.declined"
    assert "孩子的出生体重填错了" in error["message"]
    status = (await api.get(f"/api/v1/drafts/{draft}/co-applicant", headers=mother)).json()
    assert (status["request"]["status"], status["request"]["reason"]) == (
        "declined",
        "孩子的出生体重填错了",
    )
    assert await _count(sessionmaker) == 0


async def test_changing_a_confirmed_fact_needs_a_new_confirmation(
    api: Client, people: People, tokens: Tokens
) -> None:
    mother = await tokens.issue(str(people.resident.id))
    body = await submittable(api, tokens, people, mother)
    draft = body["draft_id"]

    # A fact the other parent never saw (the mother's bank card) may change freely.
    elsewhere = submission(materials=body["materials"])
    elsewhere["answers"]["benefit"]["card_number"] = "6222020200112233446"
    # The baby's weight is on the birth certificate the father confirmed.
    changed = submission(materials=body["materials"])
    changed["answers"]["child"]["birth_weight"] = 3400
    etag = (await api.get(f"/api/v1/drafts/{draft}", headers=mother)).headers["etag"]
    saved = await api.put(
        f"/api/v1/drafts/{draft}",
        json={"answers": changed["answers"], "optional_services": changed["optional_services"]},
        headers={**mother, "If-Match": etag},
    )
    assert saved.status_code == 200
    status = (await api.get(f"/api/v1/drafts/{draft}/co-applicant", headers=mother)).json()
    assert (status["request"]["status"], status["current"]) == ("confirmed", False)

    stale = await _submit(api, mother, {**changed, "draft_id": draft}, "en")
    [error] = stale.json()["errors"]
    assert error["code"] == "co_applicant.stale"
    assert (
        error["message"]
        == "You changed facts the other parent confirmed; ask them to confirm again"
    )

    # Asked again, the first request is superseded and cannot be confirmed any more.
    first = status["request"]["id"]
    second = (await _ask(api, mother, draft)).json()["request"]["id"]
    father = await tokens.issue(str(people.other_resident.id))
    late = await api.post(f"/api/v1/co-applicant-requests/{first}/confirm", headers=father)
    assert late.status_code == 409
    confirmed = await api.post(f"/api/v1/co-applicant-requests/{second}/confirm", headers=father)
    assert confirmed.status_code == 200
    elsewhere["answers"]["child"]["birth_weight"] = 3400
    submitted = await _submit(api, mother, {**elsewhere, "draft_id": draft})
    assert submitted.status_code == 201, submitted.text
    application = submitted.json()["id"]
    events = (await api.get(f"/api/v1/applications/{application}/timeline", headers=mother)).json()
    history = [(e["kind"], e["actor"]) for e in events["events"][:6]]
    mine, theirs = str(people.resident.id), str(people.other_resident.id)
    assert history == [
        ("co_applicant.requested", mine),
        ("co_applicant.confirmed", theirs),
        ("co_applicant.superseded", mine),
        ("co_applicant.requested", mine),
        ("co_applicant.confirmed", theirs),
        ("application.submitted", mine),
    ]


async def test_asking_names_a_real_other_account(
    api: Client,
    app: Litestar,
    people: People,
    tokens: Tokens,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    mother = await tokens.issue(str(people.resident.id))
    draft, _ = await _draft(api, mother, submission())
    for phone, code in (
        ("12345678901", "phone.invalid"),
        ("13000130000", "co_applicant.unknown"),
        (RESIDENT_PHONE, "co_applicant.self"),
    ):
        answer = await _ask(api, mother, draft, phone)
        assert answer.status_code == 422, answer.text
        [error] = answer.json()["errors"]
        assert (error["field"], error["code"]) == ("phone", code)
    # A real-name account that is neither parent of the form (here: the mother's ID number on
    # someone else's account would be impossible, so a stranger's).
    stranger = new_user(app.state.identity, phone="13000130001", id_number="11010519491231002X")
    async with sessionmaker() as session, session.begin():
        session.add(stranger)
    answer = await _ask(api, mother, draft, "13000130001")
    assert answer.json()["errors"][0]["code"] == "co_applicant.identity"
    assert (await api.get(f"/api/v1/drafts/{draft}/co-applicant", headers=mother)).json()[
        "request"
    ] is None


async def test_nobody_confirms_when_no_father_is_named(
    api: Client, people: People, tokens: Tokens
) -> None:
    mother = await tokens.issue(str(people.resident.id))
    body = submission()
    answers = body["answers"]
    answers["situation"]["father_listed"] = "no"
    del answers["father"]
    answers["household"].update(follows="mother", head_name="王芳", head_id_number=MOTHER_ID)
    draft, _ = await _draft(api, mother, body)
    status = (await api.get(f"/api/v1/drafts/{draft}/co-applicant", headers=mother)).json()
    assert (status["required"], status["services"]) == (False, [])
    assert (await _ask(api, mother, draft)).json()["errors"][0]["code"] == "co_applicant.not_needed"
    # No father named: his ID card is not asked for either.
    body = await hand_in_required(api, tokens.sessionmaker, mother, body, draft)
    submitted = await _submit(api, mother, body)
    assert submitted.status_code == 201, submitted.text
