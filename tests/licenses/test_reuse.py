"""Reuse (acceptance): a license stands in for a material only for its holder or under an
active grant for the bundle, only for a material it can replace; the department receives the
licenses used as its materials and those issued upstream, with signature check and status."""

from __future__ import annotations

import datetime as dt
from typing import Any

from application_helpers import People, Tokens, new_key, submittable
from license_helpers import Client, approve
from litestar import Litestar
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from newborn_samples import MOTHER_ID
from onething.licenses.context import LicensesContext
from onething.licenses.demo import seed_demo_licenses
from onething.licenses.models import License

SCOPE = "openid applications:read applications:write licenses:read"


async def _ids(sm: async_sessionmaker[AsyncSession], people: People) -> dict[str, str]:
    async with sm() as session:
        rows = (await session.execute(select(License))).scalars().all()
    owner = {people.resident.id: "mother", people.other_resident.id: "father"}
    return {
        f"{owner[r.holder_user_id]}:{r.license_type}": str(r.id) for r in rows if r.holder_user_id
    }


async def _inbox(api: Client, auth: dict[str, str]) -> dict[str, str]:
    items = (await api.get("/api/v1/department/tasks", headers=auth)).json()["items"]
    return {item["service"]: item["task_id"] for item in items}


async def test_licenses_stand_in_for_materials_and_reach_the_departments(
    app: Litestar,
    api: Client,
    people: People,
    tokens: Tokens,
    drain: Any,
    sessionmaker: async_sessionmaker[AsyncSession],
    licenses_ctx: LicensesContext,
) -> None:
    async with sessionmaker() as session, session.begin():
        await seed_demo_licenses(
            session, app.state.identity, licenses_ctx, now=dt.datetime.now(dt.UTC)
        )
    ids = await _ids(sessionmaker, people)
    mother = await tokens.issue(str(people.resident.id), scope=SCOPE)
    father = await tokens.issue(str(people.other_resident.id), scope=SCOPE)
    submitted = await api.post(
        "/api/v1/applications",
        json=await submittable(api, tokens, people, mother),
        headers={**mother, **new_key()},
    )
    assert submitted.status_code == 201, submitted.text
    application_id = submitted.json()["id"]

    def use(license_key: str, material: str, auth: dict[str, str]) -> Any:
        return api.post(
            f"/api/v1/wallet/licenses/{ids[license_key]}/uses",
            json={"application_id": application_id, "material": material},
            headers={**auth, "Accept-Language": "en"},
        )

    assert (await use("mother:resident-id-card", "mother-id-card", mother)).status_code == 201
    # The father's card is not hers until he shares it for this bundle.
    assert (await use("father:resident-id-card", "father-id-card", mother)).status_code == 404
    # Nor is his application his to attach to.
    assert (await use("father:resident-id-card", "father-id-card", father)).status_code == 404
    until = (dt.datetime.now(dt.UTC) + dt.timedelta(days=3)).isoformat()
    grant = await api.post(
        f"/api/v1/wallet/licenses/{ids['father:resident-id-card']}/grants",
        json={"purpose": "newborn-birth", "valid_until": until, "grantee_id_number": MOTHER_ID},
        headers=father,
    )
    assert grant.status_code == 201
    assert (await use("father:resident-id-card", "father-id-card", mother)).status_code == 201

    wrong = await use("mother:marriage-certificate", "mother-id-card", mother)
    assert wrong.status_code == 422
    assert wrong.json()["errors"][0]["code"] == "not_replaceable"
    unneeded = await use("mother:resident-id-card", "deceased-id-card", mother)
    assert unneeded.status_code == 422
    assert unneeded.json()["errors"][0]["code"] == "not_needed"
    assert (
        await use("mother:marriage-certificate", "marriage-certificate", mother)
    ).status_code == 201

    await api.post(f"/api/v1/wallet/grants/{grant.json()['id']}/revoke", headers=father)
    assert (await use("father:resident-id-card", "father-id-card", mother)).status_code == 404

    # The hospital sees the two ID cards in place of the paper copies, signatures checked.
    await drain()
    health = await tokens.issue(str(people.clerks["health-commission"].id))
    certificate = (await _inbox(api, health))["birth-medical-certificate"]
    seen = await api.get(f"/api/v1/department/tasks/{certificate}/licenses", headers=health)
    assert seen.status_code == 200, seen.text
    by_material = {item["material"]: item for item in seen.json()}
    assert set(by_material) == {"mother-id-card", "father-id-card"}  # not the marriage cert
    assert all(item["signature_valid"] for item in by_material.values())
    assert all(item["status"] == "valid" for item in by_material.values())
    father_face = {f["field"]: f["value"] for f in by_material["father-id-card"]["face"]}
    assert father_face["name"] == "李强"
    police = await tokens.issue(str(people.clerks["public-security"].id))
    assert (
        await api.get(f"/api/v1/department/tasks/{certificate}/licenses", headers=police)
    ).status_code == 404

    # Downstream, public security receives the birth certificate issued upstream.
    await approve(api, health, certificate)
    await drain()
    hukou = (await _inbox(api, police))["hukou-birth-registration"]
    received = (await api.get(f"/api/v1/department/tasks/{hukou}/licenses", headers=police)).json()
    upstream = [item for item in received if item["from_service"]]
    assert [(i["license_type"], i["from_service"]) for i in upstream] == [
        ("birth-medical-certificate", "birth-medical-certificate")
    ]
    assert upstream[0]["signature_valid"] is True
    assert {i["material"] for i in received if i["material"]} == {
        "mother-id-card",
        "father-id-card",
        "marriage-certificate",
    }
