"""Remembered profile facts (`/api/v1/me/profile`): a returning resident's contact details
and addresses, kept only when they ask, sealed at rest, never the event's own facts or
sensitive numbers, readable and forgettable only by the resident in the platform's app."""

from __future__ import annotations

from application_helpers import People, Tokens
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onething.identity.models import OAuthClient, ResidentProfile

Client = AsyncTestClient[Litestar]
FACTS = {
    "mother.phone": "13812345678",
    "mother.employer": "重庆山城科技有限公司",
    "residence.region": "500105",
    "residence.address": "江北区观音桥街道建新北路1号2单元",
    "delivery.recipient": "王芳",
}


async def test_facts_are_kept_sealed_and_read_back_by_the_resident(
    api: Client, people: People, tokens: Tokens, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    own = await tokens.issue(str(people.resident.id))
    empty = await api.get("/api/v1/me/profile", headers=own)
    assert empty.json() == {"facts": {}, "consented_at": None, "updated_at": None}
    saved = await api.put("/api/v1/me/profile", json={"facts": FACTS}, headers=own)
    assert saved.status_code == 200, saved.text
    assert saved.json()["facts"] == FACTS
    assert (await api.get("/api/v1/me/profile", headers=own)).json()["facts"] == FACTS
    async with sessionmaker() as session:
        row = (await session.execute(select(ResidentProfile))).scalar_one()
    assert "13812345678" not in row.facts_encrypted
    assert "观音桥" not in row.facts_encrypted
    # Saving again replaces what is kept.
    again = await api.put(
        "/api/v1/me/profile", json={"facts": {"mother.phone": "13812345679"}}, headers=own
    )
    assert again.json()["facts"] == {"mother.phone": "13812345679"}
    assert (await api.delete("/api/v1/me/profile", headers=own)).status_code == 204
    assert (await api.get("/api/v1/me/profile", headers=own)).json()["facts"] == {}


async def test_event_facts_and_sensitive_numbers_are_refused_field_by_field(
    api: Client, people: People, tokens: Tokens, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    own = await tokens.issue(str(people.resident.id))
    body = {
        "facts": {
            **FACTS,
            "child.name": "李小明",
            "mother.id_number": "500105199503120024",
            "benefit.card_number": "6222020200112233445",
            "no.such": "x",
        }
    }
    refused = await api.put(
        "/api/v1/me/profile", json=body, headers={**own, "Accept-Language": "en"}
    )
    assert refused.status_code == 422
    errors = {e["field"]: e for e in refused.json()["errors"]}
    assert set(errors) == {
        "facts.child.name",
        "facts.mother.id_number",
        "facts.benefit.card_number",
        "facts.no.such",
    }
    assert errors["facts.child.name"]["message_zh"].startswith("这一项不能保存")
    assert errors["facts.child.name"]["message_en"].startswith("This fact cannot be kept")
    async with sessionmaker() as session:
        assert (await session.execute(select(ResidentProfile))).first() is None


async def test_only_the_resident_in_the_platforms_app_reads_or_changes_them(
    api: Client, people: People, tokens: Tokens, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    own = await tokens.issue(str(people.resident.id))
    assert (await api.put("/api/v1/me/profile", json={"facts": FACTS}, headers=own)).is_success
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
    agent = await tokens.issue(
        str(people.resident.id),
        scope="applications:read applications:write bundle:newborn-birth",
        act={"sub": str(people.agent.id)},
    )
    other = await tokens.issue(str(people.other_resident.id))
    for auth in (mini_app, agent):
        assert (await api.get("/api/v1/me/profile", headers=auth)).status_code == 403
        assert (await api.delete("/api/v1/me/profile", headers=auth)).status_code == 403
        put = await api.put("/api/v1/me/profile", json={"facts": {}}, headers=auth)
        assert put.status_code == 403
    assert (await api.get("/api/v1/me/profile", headers=other)).json()["facts"] == {}
    assert (await api.get("/api/v1/me/profile", headers=own)).json()["facts"] == FACTS
