"""Submission: one transaction writes the application, a task per service, the timeline and the
dispatch jobs; `Idempotency-Key` makes retries and concurrent duplicates safe."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Any

import msgspec
from application_helpers import (
    AGENT_NAME,
    RESIDENT_PHONE,
    People,
    Tokens,
    new_key,
    submission,
    submittable,
)
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onething.applications.agents import agent_names
from onething.applications.context import context_from_state
from onething.applications.idempotency import IdempotencyScope
from onething.applications.models import Application, IdempotencyKey, Task, TimelineEvent
from onething.applications.schemas import ApplicationSubmit
from onething.applications.services import submit_application
from onething.catalog.codes import china_today
from onething.core.errors import ProblemError
from onething.identity.access import Caller
from onething.identity.models import OAuthClient
from onething.identity.tokens import Principal

Client = AsyncTestClient[Litestar]


async def _count(sessionmaker: async_sessionmaker[AsyncSession], model: Any) -> int:
    async with sessionmaker() as session:
        return int((await session.execute(select(func.count()).select_from(model))).scalar_one())


async def test_a_submission_creates_one_task_per_service_in_dependency_order(
    api: Client, people: People, tokens: Tokens, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    auth = await tokens.issue(str(people.resident.id))
    answer = await api.post(
        "/api/v1/applications",
        json=await submittable(api, tokens, people, auth),
        headers={**auth, **new_key()},
    )
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert answer.headers["location"] == f"/api/v1/applications/{body['id']}"
    assert body["status"] == "submitted"
    states = {t["service"]: t["state"] for t in body["tasks"]}
    assert states == {
        "birth-medical-certificate": "submitted",
        "vaccination-record": "submitted",
        "maternity-benefits": "submitted",
        "birth-registration": "submitted",
        "hukou-birth-registration": "waiting_upstream",
        "medical-insurance-enrolment": "waiting_upstream",
        "medical-insurance-premium": "waiting_upstream",
        "social-security-card": "waiting_upstream",
        "childcare-subsidy": "waiting_upstream",
    }
    promised = body["promised_on"]
    assert promised > china_today().isoformat()
    # Planned dates follow the chain: hukou ends after the birth certificate does.
    due = {t["service"]: t["due_on"] for t in body["tasks"]}
    assert due["hukou-birth-registration"] > due["birth-medical-certificate"]
    # ... and every department's planned date keeps the bundle's promise (in-bundle limits).
    assert max(due.values()) <= promised
    assert all(t["due_planned"] for t in body["tasks"])
    async with sessionmaker() as session:
        jobs = (
            await session.execute(
                text(
                    "SELECT entrypoint FROM pgqueuer "
                    # The helper checks its uploads itself: their queued checks are no-ops.
                    "WHERE entrypoint <> 'applications.verify_material' ORDER BY id"
                )
            )
        ).scalars()
        assert list(jobs) == ["applications.dispatch"] * 4
        kinds = (await session.execute(select(TimelineEvent.kind))).scalars().all()
        assert kinds.count("application.submitted") == 1
        assert kinds.count("task.created") == 9


async def test_answers_are_stored_encrypted_never_in_plain_text(
    api: Client, people: People, tokens: Tokens, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    auth = await tokens.issue(str(people.resident.id))
    body = await submittable(api, tokens, people, auth)
    answer = await api.post("/api/v1/applications", json=body, headers={**auth, **new_key()})
    assert answer.status_code == 201, answer.text
    mother_id = body["answers"]["mother"]["id_number"]
    async with sessionmaker() as session:
        dump = (
            await session.execute(
                text(
                    "SELECT row_to_json(a)::text FROM applications a UNION ALL "
                    "SELECT row_to_json(t)::text FROM application_tasks t UNION ALL "
                    "SELECT row_to_json(e)::text FROM application_events e UNION ALL "
                    "SELECT row_to_json(k)::text FROM idempotency_keys k UNION ALL "
                    "SELECT row_to_json(c)::text FROM co_applicant_requests c"
                )
            )
        ).scalars()
        everything = "\n".join(dump)
    assert mother_id not in everything
    assert "王芳" not in everything
    assert body["answers"]["benefit"]["card_number"] not in everything


async def test_invalid_answers_are_refused_with_field_errors_and_nothing_is_written(
    api: Client, people: People, tokens: Tokens, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    auth = await tokens.issue(str(people.resident.id))
    body = submission()
    body["answers"]["mother"]["id_number"] = "500105199304121240"  # wrong check character
    del body["answers"]["child"]["name"]
    answer = await api.post("/api/v1/applications", json=body, headers={**auth, **new_key()})
    assert answer.status_code == 422, answer.text
    fields = {e["field"] for e in answer.json()["errors"]}
    assert {"mother.id_number", "child.name"} <= fields
    assert await _count(sessionmaker, Application) == 0
    assert await _count(sessionmaker, IdempotencyKey) == 0


async def test_a_submission_needs_an_idempotency_key(
    api: Client, people: People, tokens: Tokens
) -> None:
    auth = await tokens.issue(str(people.resident.id))
    answer = await api.post("/api/v1/applications", json=submission(), headers=auth)
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "Idempotency-Key"


async def test_the_same_key_and_body_replay_the_same_application(
    api: Client, people: People, tokens: Tokens, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    auth = await tokens.issue(str(people.resident.id))
    headers = {**auth, **new_key()}
    body = await submittable(api, tokens, people, auth)
    first = await api.post("/api/v1/applications", json=body, headers=headers)
    again = await api.post("/api/v1/applications", json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert await _count(sessionmaker, Application) == 1


async def test_the_same_key_with_another_body_is_refused(
    api: Client, people: People, tokens: Tokens, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    auth = await tokens.issue(str(people.resident.id))
    headers = {**auth, **new_key()}
    body = await submittable(api, tokens, people, auth)
    assert (await api.post("/api/v1/applications", json=body, headers=headers)).is_success
    other = {**body, "optional_services": []}
    answer = await api.post("/api/v1/applications", json=other, headers=headers)
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["code"] == "reused"
    assert await _count(sessionmaker, Application) == 1


async def test_keys_are_scoped_to_the_user(
    api: Client, people: People, tokens: Tokens, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    key = new_key()
    mine = await tokens.issue(str(people.resident.id))
    theirs = await tokens.issue(str(people.other_resident.id))
    body = await submittable(api, tokens, people, mine)
    first = await api.post("/api/v1/applications", json=body, headers={**mine, **key})
    partner = (people.resident, RESIDENT_PHONE)  # for them, the other parent is the resident
    body = await submittable(api, tokens, people, theirs, partner=partner)
    second = await api.post("/api/v1/applications", json=body, headers={**theirs, **key})
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] != second.json()["id"]
    assert await _count(sessionmaker, Application) == 2


async def test_concurrent_duplicates_create_exactly_one_application(
    api: Client,
    app: Litestar,
    people: People,
    tokens: Tokens,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    auth = await tokens.issue(str(people.resident.id))
    body = await submittable(api, tokens, people, auth)
    # Straight to the service, each call with its own session and connection, so the eight
    # really overlap in PostgreSQL (the test client would run them one after another).
    ctx = context_from_state(app.state)
    principal = Principal(
        sub=str(people.resident.id),
        client_id="onething-pwa",
        scopes=frozenset({"applications:read", "applications:write"}),
        jti="j",
    )
    caller = Caller(principal, people.resident.id, "resident", None)
    data = msgspec.convert(body, ApplicationSubmit)
    key = str(uuid.uuid4())

    async def attempt() -> str:
        async with sessionmaker() as session:
            try:
                view, _ = await submit_application(
                    session, ctx, caller, data, idempotency_key=key, now=datetime.now(UTC)
                )
            except ProblemError as exc:
                return str(exc.problem.status)
            return str(view.id)

    outcomes = await asyncio.gather(*(attempt() for _ in range(8)))
    ids = {o for o in outcomes if o != "409"}
    assert len(ids) == 1, outcomes
    assert "409" in outcomes, "no attempt overlapped the first: the test proved nothing"
    assert await _count(sessionmaker, Application) == 1
    assert await _count(sessionmaker, Task) == 9
    # Once the first has finished, a retry gets the stored response.
    retry = await attempt()
    assert retry in ids


async def test_a_duplicate_while_the_first_is_still_running_gets_409(
    api: Client, people: People, tokens: Tokens, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    auth = await tokens.issue(str(people.resident.id))
    key = new_key()
    scope = IdempotencyScope("onething-pwa", str(people.resident.id), key["Idempotency-Key"], "")
    body = await submittable(api, tokens, people, auth)
    async with sessionmaker() as session, session.begin():
        # Another request holding the key: the lock it takes, held in an open transaction.
        await session.execute(select(func.pg_advisory_xact_lock(scope.lock_id())))
        busy = await api.post("/api/v1/applications", json=body, headers={**auth, **key})
    assert busy.status_code == 409
    assert busy.headers["retry-after"] == "1"
    done = await api.post("/api/v1/applications", json=body, headers={**auth, **key})
    assert done.status_code == 201


async def test_only_the_resident_or_their_agent_may_submit(
    api: Client, people: People, tokens: Tokens
) -> None:
    clerk = await tokens.issue(str(people.clerks["public-security"].id))
    answer = await api.post(
        "/api/v1/applications", json=submission(), headers={**clerk, **new_key()}
    )
    assert answer.status_code == 403
    no_scope = await tokens.issue(str(people.resident.id), scope="openid")
    answer = await api.post(
        "/api/v1/applications", json=submission(), headers={**no_scope, **new_key()}
    )
    assert answer.status_code == 403
    anonymous = await api.post("/api/v1/applications", json=submission(), headers=new_key())
    assert anonymous.status_code == 401


async def test_an_agent_submits_for_the_resident_and_the_timeline_names_both(
    api: Client,
    people: People,
    tokens: Tokens,
    sessionmaker: async_sessionmaker[AsyncSession],
    app: Litestar,
) -> None:
    agent = await tokens.issue(
        str(people.resident.id),
        scope="applications:read applications:write bundle:newborn-birth",
        act={"sub": str(people.agent.id)},
    )
    answer = await api.post(
        "/api/v1/applications",
        json=await submittable(api, tokens, people, agent),
        headers={**agent, **new_key()},
    )
    assert answer.status_code == 201, answer.text
    application_id = answer.json()["id"]
    own = await tokens.issue(str(people.resident.id))
    page = (await api.get(f"/api/v1/applications/{application_id}/timeline", headers=own)).json()
    # The agent asked the other parent, who confirmed from their own account; then the agent
    # submitted. Each step names who acted, and the agent as `act`.
    asked, confirmed, submitted = page["events"][:3]
    assert asked["kind"] == "co_applicant.requested"
    assert (asked["actor"], asked["act"]) == (str(people.resident.id), str(people.agent.id))
    assert confirmed["kind"] == "co_applicant.confirmed"
    assert (confirmed["actor"], confirmed["act"]) == (str(people.other_resident.id), None)
    assert asked["detail"]["services"] == ["birth-medical-certificate", "birth-registration"]
    assert submitted["kind"] == "application.submitted"
    assert submitted["actor"] == str(people.resident.id)
    assert submitted["act"] == str(people.agent.id)
    # The resident and the agent, in the platform's app, see who the agent was ...
    assert submitted["act_name"] == AGENT_NAME
    theirs = (
        await api.get(f"/api/v1/applications/{application_id}/timeline", headers=agent)
    ).json()
    assert [e["act_name"] for e in theirs["events"][:3]] == [AGENT_NAME, None, AGENT_NAME]
    # ... a mini-app never: it reads only what was launched through it (this was not: 404),
    # and even there the names are left out.
    async with sessionmaker() as session, session.begin():
        session.add(
            OAuthClient(
                client_id="hospital-mini-app",
                name="hospital-mini-app",
                token_endpoint_auth_method="none",
                redirect_uris=["https://mini.example.test/cb"],
                grant_types=["authorization_code"],
                scope="openid applications:read",
                first_party=False,
            )
        )
    mini_app = await tokens.issue(str(people.resident.id), client_id="hospital-mini-app")
    hidden_timeline = f"/api/v1/applications/{application_id}/timeline"
    assert (await api.get(hidden_timeline, headers=mini_app)).status_code == 404

    def caller(client_id: str) -> Caller:
        principal = Principal(
            sub=str(people.resident.id), client_id=client_id, scopes=frozenset(), jti="t"
        )
        return Caller(
            principal=principal, user_id=people.resident.id, role="resident", department_code=None
        )

    cipher = app.state.identity.cipher
    async with sessionmaker() as session:
        agents = [str(people.agent.id), str(people.resident.id)]  # only agents are named
        assert await agent_names(session, cipher, caller("onething-pwa"), agents) == {
            str(people.agent.id): AGENT_NAME
        }
        assert await agent_names(session, cipher, caller("hospital-mini-app"), agents) == {}
    # An agent authorised for another bundle sees nothing of this one.
    elsewhere = await tokens.issue(
        str(people.resident.id),
        scope="applications:read applications:write bundle:retirement",
        act={"sub": "x"},
    )
    hidden = await api.get(f"/api/v1/applications/{application_id}", headers=elsewhere)
    assert hidden.status_code == 404


async def test_another_resident_cannot_see_the_application(
    api: Client, people: People, tokens: Tokens
) -> None:
    mine = await tokens.issue(str(people.resident.id))
    created = await api.post(
        "/api/v1/applications",
        json=await submittable(api, tokens, people, mine),
        headers={**mine, **new_key()},
    )
    theirs = await tokens.issue(str(people.other_resident.id))
    url = f"/api/v1/applications/{created.json()['id']}"
    assert (await api.get(url, headers=theirs)).status_code == 404
    assert (await api.get(url + "/timeline", headers=theirs)).status_code == 404
    assert (await api.get("/api/v1/applications", headers=theirs)).json() == []
    listed = (await api.get("/api/v1/applications", headers=mine)).json()
    assert [a["id"] for a in listed] == [created.json()["id"]]


async def test_a_key_older_than_24_hours_is_free_again(
    api: Client, people: People, tokens: Tokens, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    auth = await tokens.issue(str(people.resident.id))
    headers = {**auth, **new_key()}
    body = await submittable(api, tokens, people, auth)
    first = await api.post("/api/v1/applications", json=body, headers=headers)
    async with sessionmaker() as session, session.begin():
        await session.execute(
            text("UPDATE idempotency_keys SET expires_at = now() - interval '1 second'")
        )
    # The first submission used up its confirmation: a new one needs its own.
    body = await submittable(api, tokens, people, auth)
    later = await api.post("/api/v1/applications", json=body, headers=headers)
    assert later.status_code == 201
    assert later.json()["id"] != first.json()["id"]
    assert "idempotent-replayed" not in later.headers
    assert await _count(sessionmaker, IdempotencyKey) == 1
