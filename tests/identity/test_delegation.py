"""帮办代办 through RFC 8693 token exchange: an agent's token becomes a token for the resident
(`sub`) with the agent in `act`, only while a delegation covers the request."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from identity_helpers import PWA, Browser, add_client, forget_rate_limits, redeem, signed_in_code
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onething.identity.context import IdentityContext
from onething.identity.delegations import (
    DelegationError,
    confirm_delegation,
    propose_delegation,
    record_in_person,
    revoke_delegation,
)
from onething.identity.delegations import _new as new_delegation
from onething.identity.keys import load_keyring
from onething.identity.models import AccessToken, Delegation, User
from onething.identity.services import new_user
from onething.identity.sms import LocalSmsOutbox
from onething.identity.tokens import sign_access_token

EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"
ACCESS = "urn:ietf:params:oauth:token-type:access_token"
RESIDENT_TYPE = "urn:onething:params:oauth:token-type:resident"
AGENT_PHONES = ("13100131001", "13100131002")
AGENT_NAMES = ("赵敏", "钱立")  # the agents' recorded names, shown to residents in the list
RESIDENT_PHONES = ("15800158001", "15800158002")
BUNDLES = ("newborn-birth", "retirement", "after-a-death")


@dataclass
class People:
    agents: list[User]
    residents: list[User]
    agent_tokens: list[str]


@pytest.fixture
async def people(
    browser: Browser, sessionmaker: async_sessionmaker[AsyncSession], ctx: IdentityContext
) -> People:
    await add_client(
        sessionmaker,
        grant_types=["authorization_code", "refresh_token", EXCHANGE],
        scope="openid profile phone applications:read applications:write offline_access",
    )
    agents = [
        new_user(ctx, role="agent", phone=p, name=n)
        for p, n in zip(AGENT_PHONES, AGENT_NAMES, strict=True)
    ]
    residents = [new_user(ctx, role="resident", phone=p) for p in RESIDENT_PHONES]
    async with sessionmaker() as session, session.begin():
        session.add_all(agents + residents)
    tokens = []
    for phone in AGENT_PHONES:
        browser.client.cookies.clear()
        await forget_rate_limits(sessionmaker)
        code, verifier, _ = await signed_in_code(
            browser, phone, scope="openid applications:read applications:write"
        )
        tokens.append((await redeem(browser, code, verifier)).json()["access_token"])
    return People(agents, residents, tokens)


async def _exchange(browser: Browser, actor_token: str, resident: User | str, scope: str) -> Any:
    return await browser.post(
        "/oauth2/token",
        data={
            "grant_type": EXCHANGE,
            "client_id": PWA,
            "actor_token": actor_token,
            "actor_token_type": ACCESS,
            "subject_token": str(resident.id if isinstance(resident, User) else resident),
            "subject_token_type": RESIDENT_TYPE,
            "scope": scope,
        },
    )


async def _in_person(
    sessionmaker: async_sessionmaker[AsyncSession],
    agent: User,
    resident: User,
    bundles: list[str],
    valid_for: timedelta = timedelta(days=7),
) -> uuid.UUID:
    async with sessionmaker() as session, session.begin():
        row = await record_in_person(
            session,
            agent=agent,
            resident=resident,
            bundles=bundles,
            valid_for=valid_for,
            form_object_key="delegations/form.pdf",
            form_sha256="0" * 64,
            now=datetime.now(UTC),
        )
        return row.id


async def _me(browser: Browser, token: str) -> Any:
    return await browser.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})


async def test_an_active_delegation_gives_a_token_with_sub_resident_and_act_agent(
    browser: Browser, people: People, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    agent, resident = people.agents[0], people.residents[0]
    await _in_person(sessionmaker, agent, resident, ["newborn-birth"])
    answer = await _exchange(
        browser,
        people.agent_tokens[0],
        resident,
        "applications:read applications:write bundle:newborn-birth",
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["issued_token_type"] == ACCESS
    assert "refresh_token" not in body
    me = (await _me(browser, body["access_token"])).json()
    assert me["sub"] == str(resident.id)
    assert me["act"] == {"sub": str(agent.id)}
    assert set(me["scopes"]) == {"applications:read", "applications:write", "bundle:newborn-birth"}


@pytest.mark.parametrize(
    "case", ["none", "expired", "revoked", "out_of_scope", "other_agent", "unconfirmed"]
)
async def test_without_a_covering_delegation_the_exchange_is_invalid_grant(
    browser: Browser,
    people: People,
    sessionmaker: async_sessionmaker[AsyncSession],
    ctx: IdentityContext,
    case: str,
) -> None:
    agent, resident = people.agents[0], people.residents[0]
    scope = "applications:read applications:write bundle:newborn-birth"
    if case != "none":
        if case == "unconfirmed":
            async with sessionmaker() as session, session.begin():
                await propose_delegation(
                    session,
                    ctx,
                    LocalSmsOutbox(ctx),
                    agent=agent,
                    resident=resident,
                    bundles=["newborn-birth"],
                    valid_for=timedelta(days=1),
                    now=datetime.now(UTC),
                )
        else:
            holder = people.agents[1] if case == "other_agent" else agent
            delegation_id = await _in_person(sessionmaker, holder, resident, ["newborn-birth"])
        async with sessionmaker() as session, session.begin():
            if case == "expired":
                await session.execute(
                    text(
                        "UPDATE delegations SET valid_from = now() - interval '10 days', "
                        "valid_until = now() - interval '1 second'"
                    )
                )
            if case == "revoked":
                assert await revoke_delegation(
                    session, delegation_id=delegation_id, by=resident, now=datetime.now(UTC)
                )
    if case == "out_of_scope":
        scope = "applications:read applications:write bundle:retirement"
    answer = await _exchange(browser, people.agent_tokens[0], resident, scope)
    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_grant"


async def test_only_an_agent_token_can_act_and_only_for_delegable_scopes(
    browser: Browser, people: People, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    agent, resident = people.agents[0], people.residents[0]
    await _in_person(sessionmaker, agent, resident, ["newborn-birth"])
    wider = await _exchange(
        browser,
        people.agent_tokens[0],
        resident,
        "applications:read applications:write profile bundle:newborn-birth",
    )
    assert wider.json()["error"] == "invalid_grant"
    not_a_token = await _exchange(browser, "garbage", resident, "bundle:newborn-birth")
    assert not_a_token.json()["error"] == "invalid_grant"


async def test_revocation_takes_effect_at_the_next_request(
    browser: Browser, people: People, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    agent, resident = people.agents[0], people.residents[0]
    delegation_id = await _in_person(sessionmaker, agent, resident, ["newborn-birth"])
    token = (
        await _exchange(browser, people.agent_tokens[0], resident, "bundle:newborn-birth")
    ).json()["access_token"]
    assert (await _me(browser, token)).status_code == 200
    async with sessionmaker() as session, session.begin():
        await revoke_delegation(
            session, delegation_id=delegation_id, by=resident, now=datetime.now(UTC)
        )
    assert (await _me(browser, token)).status_code == 401


async def test_the_resident_confirms_by_a_code_sent_to_their_phone(
    browser: Browser,
    people: People,
    sessionmaker: async_sessionmaker[AsyncSession],
    ctx: IdentityContext,
) -> None:
    agent, resident = people.agents[0], people.residents[0]
    async with sessionmaker() as session, session.begin():
        proposed = await propose_delegation(
            session,
            ctx,
            LocalSmsOutbox(ctx),
            agent=agent,
            resident=resident,
            bundles=["retirement"],
            valid_for=timedelta(days=30),
            now=datetime.now(UTC),
        )
    code = await browser.latest_code(RESIDENT_PHONES[0])
    async with sessionmaker() as session, session.begin():
        assert not await confirm_delegation(
            session,
            ctx,
            delegation_id=proposed.id,
            agent=people.agents[1],
            code=code,
            now=datetime.now(UTC),
        )  # another agent cannot confirm it
        assert await confirm_delegation(
            session, ctx, delegation_id=proposed.id, agent=agent, code=code, now=datetime.now(UTC)
        )
    answer = await _exchange(browser, people.agent_tokens[0], resident, "bundle:retirement")
    assert answer.status_code == 200, answer.text


def test_a_delegation_is_for_an_agent_a_resident_and_at_most_30_days(
    ctx: IdentityContext,
) -> None:
    agent, resident = new_user(ctx, role="agent"), new_user(ctx, role="resident")
    now = datetime.now(UTC)
    for a, r, days in ((resident, resident, 1), (agent, agent, 1), (agent, resident, 31)):
        with pytest.raises(DelegationError):
            new_delegation(a, r, ["newborn-birth"], timedelta(days=days), now)


async def test_an_act_already_on_the_actor_token_is_nested(
    browser: Browser,
    people: People,
    sessionmaker: async_sessionmaker[AsyncSession],
    ctx: IdentityContext,
) -> None:
    agent, resident = people.agents[0], people.residents[0]
    await _in_person(sessionmaker, agent, resident, ["newborn-birth"])
    async with sessionmaker() as session, session.begin():
        ring = await load_keyring(session, ctx, now=datetime.now(UTC))
        now = int(time.time())
        claims = {
            "iss": ctx.issuer,
            "sub": str(agent.id),
            "aud": ctx.api_audience,
            "client_id": PWA,
            "scope": "applications:read applications:write",
            "iat": now,
            "exp": now + 300,
            "jti": "nested-actor",
            "act": {"sub": "kiosk-17"},
        }
        session.add(
            AccessToken(
                jti="nested-actor",
                client_id=PWA,
                subject=str(agent.id),
                scope="applications:read applications:write",
                created_at=datetime.now(UTC),
                expires_at=datetime.now(UTC) + timedelta(minutes=5),
            )
        )
    actor = sign_access_token(ring, claims)
    answer = await _exchange(browser, actor, resident, "bundle:newborn-birth")
    me = (await _me(browser, answer.json()["access_token"])).json()
    assert me["act"] == {"sub": str(agent.id), "act": {"sub": "kiosk-17"}}


mostly = st.sampled_from([True, True, True, False])
delegation_cases = st.fixed_dictionaries(
    {
        "agent": st.integers(0, 1),
        "resident": st.integers(0, 1),
        # biased towards the matching case, so both outcomes are exercised often
        "same_agent": mostly,
        "same_resident": mostly,
        "bundles": st.sets(st.sampled_from(BUNDLES), min_size=1),
        "requested": st.sets(st.sampled_from(BUNDLES)),
        "request_within": mostly,
        # whole hours relative to now keep clear of the request's own clock
        "lasts": st.integers(2, 24 * 30),
        "when": st.sampled_from(["inside", "inside", "inside", "not_yet", "over"]),
        "offset": st.integers(1, 10**6),
        "confirmed": mostly,
        "revoked": mostly.map(lambda m: not m),
    }
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(case=delegation_cases)
async def test_exchange_succeeds_exactly_when_a_delegation_covers_agent_resident_scope_and_time(
    browser: Browser,
    people: People,
    sessionmaker: async_sessionmaker[AsyncSession],
    case: dict[str, Any],
) -> None:
    now = datetime.now(UTC)
    lasts, offset = case["lasts"], case["offset"]
    hours = {
        "inside": -(1 + offset % (lasts - 1)),  # started, not yet over
        "not_yet": 1 + offset % 120,
        "over": -(lasts + 1 + offset % 240),
    }[case["when"]]
    starts = now + timedelta(hours=hours)
    holder = case["agent"] if case["same_agent"] else 1 - case["agent"]
    grantor = case["resident"] if case["same_resident"] else 1 - case["resident"]
    requested = set(case["requested"])
    if case["request_within"]:
        requested = (requested & case["bundles"]) or {min(case["bundles"])}
    async with sessionmaker() as session, session.begin():
        await session.execute(text("DELETE FROM delegations"))
        session.add(
            Delegation(
                id=uuid.uuid4(),
                agent_id=people.agents[holder].id,
                resident_id=people.residents[grantor].id,
                bundles=sorted(case["bundles"]),
                valid_from=starts,
                valid_until=starts + timedelta(hours=lasts),
                created_at=now,
                evidence_kind="in_person",
                evidence={},
                confirmation_attempts=0,
                confirmed_at=now if case["confirmed"] else None,
                revoked_at=now if case["revoked"] else None,
            )
        )
    scope = " ".join(f"bundle:{b}" for b in sorted(requested))
    answer = await _exchange(
        browser, people.agent_tokens[case["agent"]], people.residents[case["resident"]], scope
    )
    expected = (
        case["agent"] == holder
        and case["resident"] == grantor
        and case["confirmed"]
        and not case["revoked"]
        and hours < 0 < hours + lasts
        and bool(requested)
        and requested <= case["bundles"]
    )
    event("granted" if expected else "refused")
    if expected:
        assert answer.status_code == 200, (case, answer.text)
        me = (await _me(browser, answer.json()["access_token"])).json()
        assert me["sub"] == str(people.residents[case["resident"]].id)
        assert me["act"] == {"sub": str(people.agents[case["agent"]].id)}
    else:
        assert answer.status_code == 400, case
        assert answer.json()["error"] == "invalid_grant"


async def _resident_token(
    browser: Browser, sessionmaker: async_sessionmaker[AsyncSession], phone: str
) -> str:
    browser.client.cookies.clear()
    await forget_rate_limits(sessionmaker)
    code, verifier, _ = await signed_in_code(
        browser, phone, scope="openid applications:read applications:write"
    )
    token: str = (await redeem(browser, code, verifier)).json()["access_token"]
    return token


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_agent_records_in_person_resident_lists_and_revokes_over_the_api(
    browser: Browser, people: People, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    created = await browser.post(
        "/api/v1/delegations",
        json={
            "resident_phone": RESIDENT_PHONES[0],
            "bundles": ["newborn-birth"],
            "valid_days": 7,
            "evidence": "in_person",
            "form_object_key": "delegations/2026/form.pdf",
            "form_sha256": "a" * 64,
        },
        headers=_bearer(people.agent_tokens[0]),
    )
    assert created.status_code == 201, created.text
    delegation = created.json()
    assert delegation["status"] == "active"
    acting = (
        await _exchange(
            browser, people.agent_tokens[0], people.residents[0], "bundle:newborn-birth"
        )
    ).json()["access_token"]

    resident = await _resident_token(browser, sessionmaker, RESIDENT_PHONES[0])
    listed = (await browser.get("/api/v1/delegations", headers=_bearer(resident))).json()
    assert [d["id"] for d in listed] == [delegation["id"]]
    # The resident sees whom they allowed, by name (the single views carry no name).
    assert listed[0]["agent_name"] == AGENT_NAMES[0]
    assert delegation["agent_name"] is None
    other = await _resident_token(browser, sessionmaker, RESIDENT_PHONES[1])
    assert (await browser.get("/api/v1/delegations", headers=_bearer(other))).json() == []
    stranger = await browser.post(
        f"/api/v1/delegations/{delegation['id']}/revoke", headers=_bearer(other)
    )
    assert stranger.status_code == 404
    assert (await _me(browser, acting)).status_code == 200

    revoked = await browser.post(
        f"/api/v1/delegations/{delegation['id']}/revoke", headers=_bearer(resident)
    )
    assert revoked.json()["status"] == "revoked"
    assert (await _me(browser, acting)).status_code == 401


async def test_residents_and_delegated_tokens_cannot_create_delegations(
    browser: Browser, people: People, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    body = {
        "resident_phone": RESIDENT_PHONES[1],
        "bundles": ["newborn-birth"],
        "evidence": "sms_confirmation",
    }
    resident = await _resident_token(browser, sessionmaker, RESIDENT_PHONES[0])
    refused = await browser.post("/api/v1/delegations", json=body, headers=_bearer(resident))
    assert refused.status_code == 403
    await _in_person(sessionmaker, people.agents[0], people.residents[0], ["newborn-birth"])
    acting = (
        await _exchange(
            browser, people.agent_tokens[0], people.residents[0], "bundle:newborn-birth"
        )
    ).json()["access_token"]
    onward = await browser.post("/api/v1/delegations", json=body, headers=_bearer(acting))
    assert onward.status_code == 403


async def test_sms_confirmation_over_the_api(
    browser: Browser, people: People, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    agent = _bearer(people.agent_tokens[0])
    created = await browser.post(
        "/api/v1/delegations",
        json={
            "resident_phone": RESIDENT_PHONES[1],
            "bundles": ["retirement"],
            "valid_days": 30,
            "evidence": "sms_confirmation",
        },
        headers=agent,
    )
    assert created.json()["status"] == "pending"
    url = f"/api/v1/delegations/{created.json()['id']}/confirm"
    wrong = await browser.post(url, json={"code": "000000"}, headers=agent)
    assert wrong.status_code == 409
    code = await browser.latest_code(RESIDENT_PHONES[1])
    confirmed = await browser.post(url, json={"code": code}, headers=agent)
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["status"] == "active"
    too_long = await browser.post(
        "/api/v1/delegations",
        json={
            "resident_phone": RESIDENT_PHONES[1],
            "bundles": ["retirement"],
            "valid_days": 31,
            "evidence": "sms_confirmation",
        },
        headers=agent,
    )
    assert too_long.status_code == 422
    assert too_long.json()["errors"][0]["field"] == "valid_days"
