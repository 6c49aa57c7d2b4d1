"""Sharing grants (acceptance): the father's ID e-license is usable by the mother — in her
wallet, for prefill, by the reuse rule — only while his grant for newborn-birth is active; a
mini-app client can be granted too; bad grants are refused field by field."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import replace
from typing import Any

from application_helpers import People, Tokens
from license_helpers import Client
from litestar import Litestar
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from newborn_samples import FATHER_ID, MOTHER_ID
from onething.licenses.context import LicensesContext
from onething.licenses.demo import (
    FATHER,
    HOUSEHOLD_REGION,
    MOTHER,
    MOTHER_SSCARD_ACCOUNT,
    id_card_face,
    seed_demo_grants,
    seed_demo_licenses,
)
from onething.licenses.grants import usable_by, usable_condition
from onething.licenses.issuance import Holder, IssueRequest, issue
from onething.licenses.models import License, LicenseGrant

SCOPE = "openid applications:read applications:write licenses:read"


async def _seed(app: Litestar, sm: async_sessionmaker[AsyncSession], ctx: LicensesContext) -> None:
    async with sm() as session, session.begin():
        issued = await seed_demo_licenses(
            session, app.state.identity, ctx, now=dt.datetime.now(dt.UTC)
        )
    assert len(issued) == 6


async def _seeded_parents(
    app: Litestar,
    sm: async_sessionmaker[AsyncSession],
    ctx: LicensesContext,
    tokens: Tokens,
    people: People,
) -> tuple[dict[str, str], dict[str, str]]:
    """The demo licenses seeded for the two parents; (the mother's, the father's) auth."""
    await _seed(app, sm, ctx)
    mother = await tokens.issue(str(people.resident.id), scope=SCOPE)
    father = await tokens.issue(str(people.other_resident.id), scope=SCOPE)
    return mother, father


async def _father_id_card(sm: async_sessionmaker[AsyncSession], people: People) -> License:
    async with sm() as session:
        return (
            await session.execute(
                select(License).where(
                    License.holder_user_id == people.other_resident.id,
                    License.license_type == "resident-id-card",
                )
            )
        ).scalar_one()


async def _usable(
    sm: async_sessionmaker[AsyncSession], row: License, people: People, purpose: str
) -> bool:
    async with sm() as session:
        return await usable_by(
            session, row, user_id=people.resident.id, purpose=purpose, now=dt.datetime.now(dt.UTC)
        )


async def test_the_fathers_id_license_is_usable_by_the_mother_only_while_the_grant_is_active(
    app: Litestar,
    api: Client,
    people: People,
    tokens: Tokens,
    sessionmaker: async_sessionmaker[AsyncSession],
    licenses_ctx: LicensesContext,
) -> None:
    mother, father = await _seeded_parents(app, sessionmaker, licenses_ctx, tokens, people)
    card = await _father_id_card(sessionmaker, people)
    detail_url = f"/api/v1/wallet/licenses/{card.id}"

    # Before any grant: not hers in any way.
    assert not await _usable(sessionmaker, card, people, "newborn-birth")
    assert (await api.get(detail_url, headers=mother)).status_code == 404
    before = (await api.get("/api/v1/wallet/prefill?bundle=newborn-birth", headers=mother)).json()
    assert before["values"]["mother.id_number"]["value"] == MOTHER_ID  # her own card
    assert "father.id_number" not in before["values"]

    until = (dt.datetime.now(dt.UTC) + dt.timedelta(days=7)).isoformat()
    granted = await api.post(
        f"{detail_url}/grants",
        json={"purpose": "newborn-birth", "valid_until": until, "grantee_id_number": MOTHER_ID},
        headers=father,
    )
    assert granted.status_code == 201, granted.text
    grant = granted.json()
    assert grant["active"] is True

    assert await _usable(sessionmaker, card, people, "newborn-birth")
    assert not await _usable(sessionmaker, card, people, "school-enrolment")  # other purpose
    shared = (await api.get("/api/v1/wallet/licenses", headers=mother)).json()
    assert [(i["license_type"], i["relation"]) for i in shared if i["id"] == str(card.id)] == [
        ("resident-id-card", "grantee")
    ]
    assert (await api.get(detail_url, headers=mother)).status_code == 200
    during = (await api.get("/api/v1/wallet/prefill?bundle=newborn-birth", headers=mother)).json()
    assert during["values"]["father.id_number"]["value"] == FATHER_ID
    assert during["values"]["father.name"]["license_id"] == str(card.id)
    assert during["values"]["mother.id_number"]["value"] == MOTHER_ID
    # A grantee uses; only holders and guardians take copies.
    copy = await api.post(f"{detail_url}/copies", json={"reason": "办理出生登记"}, headers=mother)
    assert copy.status_code == 404
    listed = (await api.get("/api/v1/wallet/grants", headers=mother)).json()
    assert [g["id"] for g in listed] == [grant["id"]]

    # Someone else cannot end it; the father can, and it ends at once.
    revoke_url = f"/api/v1/wallet/grants/{grant['id']}/revoke"
    assert (await api.post(revoke_url, headers=mother)).status_code == 404
    revoked = await api.post(revoke_url, headers=father)
    assert revoked.status_code == 200
    assert revoked.json()["active"] is False
    assert not await _usable(sessionmaker, card, people, "newborn-birth")
    assert (await api.get(detail_url, headers=mother)).status_code == 404
    after = (await api.get("/api/v1/wallet/prefill?bundle=newborn-birth", headers=mother)).json()
    assert "father.id_number" not in after["values"]
    mine = (await api.get("/api/v1/wallet/licenses", headers=mother)).json()
    assert str(card.id) not in {i["id"] for i in mine}


async def test_a_mini_app_can_be_granted_and_bad_grants_are_refused(
    app: Litestar,
    api: Client,
    people: People,
    tokens: Tokens,
    sessionmaker: async_sessionmaker[AsyncSession],
    licenses_ctx: LicensesContext,
) -> None:
    mother, father = await _seeded_parents(app, sessionmaker, licenses_ctx, tokens, people)
    card = await _father_id_card(sessionmaker, people)
    url = f"/api/v1/wallet/licenses/{card.id}/grants"
    soon = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).isoformat()

    app_grant = await api.post(
        url,
        json={
            "purpose": "newborn-birth",
            "valid_until": soon,
            "grantee_client_id": "relatives-mini-app",
        },
        headers=father,
    )
    assert app_grant.status_code == 201, app_grant.text
    async with sessionmaker() as session:
        assert await usable_by(
            session,
            card,
            user_id=None,
            client_id="relatives-mini-app",
            purpose="newborn-birth",
            now=dt.datetime.now(dt.UTC),
        )
        assert not await usable_by(
            session,
            card,
            user_id=None,
            client_id="another-app",
            purpose="newborn-birth",
            now=dt.datetime.now(dt.UTC),
        )

    past = (dt.datetime.now(dt.UTC) - dt.timedelta(days=1)).isoformat()
    cases: list[tuple[dict[str, Any], str]] = [
        (
            {"purpose": "no-such-bundle", "valid_until": soon, "grantee_id_number": MOTHER_ID},
            "purpose",
        ),
        (
            {"purpose": "newborn-birth", "valid_until": past, "grantee_id_number": MOTHER_ID},
            "valid_until",
        ),
        ({"purpose": "newborn-birth", "valid_until": soon}, "grantee_id_number"),
        (
            {
                "purpose": "newborn-birth",
                "valid_until": soon,
                "grantee_id_number": "110101199003077777",
            },
            "grantee_id_number",
        ),
    ]
    for body, field in cases:
        refused = await api.post(url, json=body, headers={**father, "Accept-Language": "en"})
        assert refused.status_code == 422, (body, refused.text)
        error = refused.json()["errors"][0]
        assert error["field"] == field
        assert error["message_zh"]
        assert error["message_en"]
    # Not his license to share.
    assert (
        await api.post(
            url,
            json={"purpose": "newborn-birth", "valid_until": soon, "grantee_id_number": FATHER_ID},
            headers=mother,
        )
    ).status_code == 404


async def test_the_seed_gives_the_demo_parents_their_licenses_once(
    settings: Any,
    sessionmaker: async_sessionmaker[AsyncSession],
    licenses_ctx: LicensesContext,
    clean_db: None,
) -> None:
    del clean_db
    from onething.core.storage import ObjectStorage
    from onething.seed import run_seed

    first = await run_seed(settings)
    second = await run_seed(settings)
    assert sum("demo e-license issued" in line for line in first) == 6
    # The father's ID card and household register shared with the mother for newborn-birth.
    assert sum("demo grant" in line for line in first) == 2
    assert "demo e-licenses already issued and shared" in second
    async with sessionmaker() as session:
        rows = (await session.execute(select(License))).scalars().all()
    assert sorted(r.license_type for r in rows) == [
        "household-register",
        "marriage-certificate",
        "marriage-certificate",
        "resident-id-card",
        "resident-id-card",
        "social-security-card",  # the mother's: where her maternity benefits are paid
    ]
    storage = ObjectStorage(settings.s3)
    for row in rows:
        assert (await storage.get_bytes(licenses_ctx.bucket, row.object_key)).startswith(b"%PDF")


async def test_the_parents_licenses_suggest_the_childs_facts_where_they_agree_and_pay_to_hers(
    app: Litestar,
    api: Client,
    people: People,
    tokens: Tokens,
    sessionmaker: async_sessionmaker[AsyncSession],
    licenses_ctx: LicensesContext,
) -> None:
    mother, father = await _seeded_parents(app, sessionmaker, licenses_ctx, tokens, people)
    url = "/api/v1/wallet/prefill?bundle=newborn-birth"

    alone = (await api.get(url, headers=mother)).json()["values"]
    assert alone["child.ethnicity"]["value"] == "01"  # her ID card's: the only parent's known
    assert "child.native_place" not in alone  # no household register page of hers
    # Benefits go to her own social security card's account, by default.
    card = alone["benefit.card_number"]
    assert (card["value"], card["license_type"]) == (MOTHER_SSCARD_ACCOUNT, "social-security-card")
    assert alone["benefit.account_holder"]["value"] == MOTHER.name
    assert "benefit.card_number" not in (await api.get(url, headers=father)).json()["values"]

    now = dt.datetime.now(dt.UTC)
    async with sessionmaker() as session, session.begin():
        await seed_demo_grants(session, app.state.identity, now=now)
    shared = (await api.get(url, headers=mother)).json()["values"]
    assert shared["child.native_place"]["value"] == HOUSEHOLD_REGION  # his register page's
    assert shared["child.ethnicity"]["value"] == "01"  # both ID cards agree
    assert "benefit.card_number" in shared  # still hers: his are not her accounts

    # A new ID card of his names another ethnic group: the parents no longer agree.
    father_card = await _father_id_card(sessionmaker, people)
    async with sessionmaker() as session, session.begin():
        await issue(
            session,
            licenses_ctx,
            IssueRequest(
                license_type=licenses_ctx.catalog.license_types["resident-id-card"],
                department=licenses_ctx.catalog.departments["public-security"],
                holder=Holder(
                    name=FATHER.name,
                    id_number=FATHER.id_number,
                    user_id=father_card.holder_user_id,
                    guardian_ids=[],
                ),
                face=id_card_face(replace(FATHER, ethnicity="03")),
            ),
            now=now,
        )
        await seed_demo_grants(session, app.state.identity, now=now)
    disagreeing = (await api.get(url, headers=mother)).json()["values"]
    assert "child.ethnicity" not in disagreeing
    assert disagreeing["child.native_place"]["value"] == HOUSEHOLD_REGION


async def test_a_grant_past_its_end_no_longer_makes_the_license_usable(
    app: Litestar,
    api: Client,
    people: People,
    tokens: Tokens,
    sessionmaker: async_sessionmaker[AsyncSession],
    licenses_ctx: LicensesContext,
) -> None:
    """A grant ends by itself at `valid_until`, not only when revoked: the wallet, prefill and
    the submission's SQL check (`usable_condition`) all stop counting it at that moment."""
    mother, father = await _seeded_parents(app, sessionmaker, licenses_ctx, tokens, people)
    card = await _father_id_card(sessionmaker, people)
    detail_url = f"/api/v1/wallet/licenses/{card.id}"
    until = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    granted = await api.post(
        f"{detail_url}/grants",
        json={
            "purpose": "newborn-birth",
            "valid_until": until.isoformat(),
            "grantee_id_number": MOTHER_ID,
        },
        headers=father,
    )
    assert granted.status_code == 201, granted.text
    assert (await api.get(detail_url, headers=mother)).status_code == 200

    async def usable_in_sql(at: dt.datetime) -> bool:
        async with sessionmaker() as session:
            condition = usable_condition(people.resident.id, purpose="newborn-birth", now=at)
            return bool(
                (await session.execute(select(condition).where(License.id == card.id))).scalar_one()
            )

    # The same checks a moment before and a moment after its end.
    just_before, just_after = until - dt.timedelta(seconds=1), until + dt.timedelta(seconds=1)
    async with sessionmaker() as session:
        row = await session.get(License, card.id)
        assert row is not None
        mother_id = people.resident.id
        assert await usable_by(
            session, row, user_id=mother_id, purpose="newborn-birth", now=just_before
        )
        assert not await usable_by(
            session, row, user_id=mother_id, purpose="newborn-birth", now=just_after
        )
    assert await usable_in_sql(just_before)
    assert not await usable_in_sql(just_after)

    # Moved into the past, as time would: the API stops showing it to her at once.
    async with sessionmaker() as session, session.begin():
        grant = await session.get(LicenseGrant, uuid.UUID(granted.json()["id"]))
        assert grant is not None
        grant.valid_from = dt.datetime.now(dt.UTC) - dt.timedelta(days=2)
        grant.valid_until = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    assert (await api.get(detail_url, headers=mother)).status_code == 404
    after = (await api.get("/api/v1/wallet/prefill?bundle=newborn-birth", headers=mother)).json()
    assert "father.id_number" not in after["values"]
    mine = (await api.get("/api/v1/wallet/licenses", headers=mother)).json()
    assert str(card.id) not in {i["id"] for i in mine}
    listed = (await api.get("/api/v1/wallet/grants", headers=father)).json()
    assert [(g["id"], g["active"]) for g in listed] == [(granted.json()["id"], False)]
