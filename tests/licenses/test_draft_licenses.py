""" "Use my e-license instead" on the draft, and the submission's rule for materials: a license
the applicant may use (holder, guardian, active grant for the bundle) stands in for a material
it can replace; every required material must be uploaded or stood in for, re-checked at
submission (a revoked license or an ended grant no longer counts) — else 422 per material,
nothing written; the department sees the licenses with its task."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from application_helpers import People, Tokens, hand_in_required, new_key, submittable
from license_helpers import Client, approve
from litestar import Litestar
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from newborn_samples import MOTHER_ID
from onething.applications.models import Application, Material
from onething.catalog.codes import make_id_number
from onething.identity.models import Delegation
from onething.licenses.context import LicensesContext
from onething.licenses.demo import seed_demo_licenses
from onething.licenses.models import License, LicenseUse

SCOPE = "openid applications:read applications:write licenses:read"
# Materials the default newborn-birth form requires (the discharge record has no e-license).
REQUIRED = {
    "discharge-record",
    "father-id-card",
    "household-register",
    "marriage-certificate",
    "mother-id-card",
}


async def _licenses(sm: async_sessionmaker[AsyncSession], people: People) -> dict[str, str]:
    async with sm() as session:
        rows = (await session.execute(select(License))).scalars().all()
    owner = {people.resident.id: "mother", people.other_resident.id: "father"}
    return {
        f"{owner[r.holder_user_id]}:{r.license_type}": str(r.id) for r in rows if r.holder_user_id
    }


async def _family(
    app: Litestar,
    sessionmaker: async_sessionmaker[AsyncSession],
    people: People,
    tokens: Tokens,
    licenses_ctx: LicensesContext,
) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """The demo parents' licenses (ID cards, marriage certificates, his household register)
    and both parents' tokens."""
    async with sessionmaker() as session, session.begin():
        await seed_demo_licenses(
            session, app.state.identity, licenses_ctx, now=dt.datetime.now(dt.UTC)
        )
    mother = await tokens.issue(str(people.resident.id), scope=SCOPE)
    father = await tokens.issue(str(people.other_resident.id), scope=SCOPE)
    return await _licenses(sessionmaker, people), mother, father


async def _share(api: Client, father: dict[str, str], license_id: str) -> str:
    until = (dt.datetime.now(dt.UTC) + dt.timedelta(days=3)).isoformat()
    grant = await api.post(
        f"/api/v1/wallet/licenses/{license_id}/grants",
        json={"purpose": "newborn-birth", "valid_until": until, "grantee_id_number": MOTHER_ID},
        headers=father,
    )
    assert grant.status_code == 201, grant.text
    return str(grant.json()["id"])


def _link(api: Client, auth: dict[str, str], draft: str, material: str, license_id: str) -> Any:
    return api.put(
        f"/api/v1/drafts/{draft}/materials/{material}/license",
        json={"license_id": license_id},
        headers={**auth, "Accept-Language": "en"},
    )


async def _materials(api: Client, auth: dict[str, str], draft: str) -> dict[str, Any]:
    listed = await api.get(f"/api/v1/drafts/{draft}/materials", headers=auth)
    assert listed.status_code == 200, listed.text
    return {m["material"]: m for m in listed.json()}


async def _count(sm: async_sessionmaker[AsyncSession], model: Any) -> int:
    async with sm() as session:
        return int((await session.execute(select(func.count()).select_from(model))).scalar_one())


async def test_the_draft_lists_each_asked_material_with_the_licenses_usable_for_it(
    app: Litestar,
    api: Client,
    people: People,
    tokens: Tokens,
    sessionmaker: async_sessionmaker[AsyncSession],
    licenses_ctx: LicensesContext,
) -> None:
    ids, mother, father = await _family(app, sessionmaker, people, tokens, licenses_ctx)
    body = await submittable(api, tokens, people, mother, materials=False)
    materials = await _materials(api, mother, body["draft_id"])
    # Asked: what the resident hands in; the birth certificate comes from upstream.
    assert "birth-medical-certificate" not in materials
    assert {m for m, v in materials.items() if v["required"]} == REQUIRED
    assert materials["maternity-medical-invoices"]["required"] is False
    mine = materials["mother-id-card"]["choices"]
    # Both ID cards are resident-id-card licenses, but only hers is hers to use.
    assert [(c["id"], c["relation"], c["holder_name"]) for c in mine] == [
        (ids["mother:resident-id-card"], "holder", "王芳")
    ]
    assert materials["discharge-record"]["choices"] == []
    assert materials["household-register"]["choices"] == []  # his, not shared yet
    await _share(api, father, ids["father:household-register"])
    shared = (await _materials(api, mother, body["draft_id"]))["household-register"]["choices"]
    assert [(c["id"], c["relation"]) for c in shared] == [
        (ids["father:household-register"], "grantee")
    ]
    assert shared[0]["name"] == {"zh": "居民户口簿", "en": "Household register (hukou booklet)"}


async def test_a_linked_license_stands_in_for_the_material_and_reaches_the_department(
    app: Litestar,
    api: Client,
    people: People,
    tokens: Tokens,
    drain: Any,
    sessionmaker: async_sessionmaker[AsyncSession],
    licenses_ctx: LicensesContext,
) -> None:
    ids, mother, father = await _family(app, sessionmaker, people, tokens, licenses_ctx)
    body = await submittable(api, tokens, people, mother, materials=False)
    draft = body["draft_id"]
    assert (
        await _link(api, mother, draft, "mother-id-card", ids["mother:resident-id-card"])
    ).is_success
    # His card is not hers until he shares it for this bundle: as if it did not exist.
    assert (
        await _link(api, mother, draft, "father-id-card", ids["father:resident-id-card"])
    ).status_code == 404
    await _share(api, father, ids["father:resident-id-card"])
    # Shared with her, his card is offered for his own, never as hers (the form names her).
    listed = await _materials(api, mother, draft)
    assert [c["id"] for c in listed["mother-id-card"]["choices"]] == [
        ids["mother:resident-id-card"]
    ]
    assert [c["id"] for c in listed["father-id-card"]["choices"]] == [
        ids["father:resident-id-card"]
    ]
    not_hers = await _link(api, mother, draft, "mother-id-card", ids["father:resident-id-card"])
    assert not_hers.status_code == 422
    assert not_hers.json()["errors"][0]["code"] == "material.license_holder"
    linked = await _link(api, mother, draft, "father-id-card", ids["father:resident-id-card"])
    assert linked.status_code == 200, linked.text
    assert linked.json()["license"]["id"] == ids["father:resident-id-card"]
    assert linked.json()["license_usable"] is True
    wrong = await _link(api, mother, draft, "mother-id-card", ids["mother:marriage-certificate"])
    assert wrong.status_code == 422
    assert wrong.json()["errors"][0]["code"] == "material.not_replaceable"
    unasked = await _link(api, mother, draft, "deceased-id-card", ids["mother:resident-id-card"])
    assert unasked.status_code == 422
    assert unasked.json()["errors"][0]["code"] == "material.not_asked"
    # The father cannot touch her draft.
    theirs = await _link(api, father, draft, "mother-id-card", ids["father:resident-id-card"])
    assert theirs.status_code == 404

    body = await hand_in_required(api, sessionmaker, mother, body, draft)
    submitted = await api.post("/api/v1/applications", json=body, headers={**mother, **new_key()})
    assert submitted.status_code == 201, submitted.text
    async with sessionmaker() as session:
        uses = (await session.execute(select(LicenseUse.material, LicenseUse.license_id))).all()
        uploaded = (await session.execute(select(Material.material))).scalars().all()
    assert sorted((m, str(lid)) for m, lid in uses) == [
        ("father-id-card", ids["father:resident-id-card"]),
        ("mother-id-card", ids["mother:resident-id-card"]),
    ]
    # Uploads only for what no license stood in for.
    assert set(uploaded) == REQUIRED - {"father-id-card", "mother-id-card"}

    await drain()
    health = await tokens.issue(str(people.clerks["health-commission"].id))
    inbox = (await api.get("/api/v1/department/tasks", headers=health)).json()["items"]
    certificate = next(i for i in inbox if i["service"] == "birth-medical-certificate")
    view = await api.get(f"/api/v1/department/tasks/{certificate['task_id']}", headers=health)
    assert view.status_code == 200, view.text
    task = view.json()
    assert task["materials"] == []  # both ID cards came as e-licenses
    by_material = {item["material"]: item for item in task["licenses"]}
    assert set(by_material) == {"mother-id-card", "father-id-card"}
    assert by_material["father-id-card"]["id"] == ids["father:resident-id-card"]
    assert all(i["signature_valid"] and i["status"] == "valid" for i in by_material.values())
    assert all(i["identifier"].startswith("1.2.156.3005.2.") for i in by_material.values())

    # Downstream, the attachment names the birth certificate that was issued, not its type only.
    await approve(api, health, certificate["task_id"])
    await drain()
    police = await tokens.issue(str(people.clerks["public-security"].id))
    inbox = (await api.get("/api/v1/department/tasks", headers=police)).json()["items"]
    hukou = next(i for i in inbox if i["service"] == "hukou-birth-registration")
    downstream = (
        await api.get(f"/api/v1/department/tasks/{hukou['task_id']}", headers=police)
    ).json()
    async with sessionmaker() as session:
        issued = (
            await session.execute(
                select(License).where(License.license_type == "birth-medical-certificate")
            )
        ).scalar_one()
    [attached] = downstream["upstream"]
    assert attached["license_type"] == "birth-medical-certificate"
    assert (attached["license_id"], attached["license_identifier"]) == (
        str(issued.id),
        issued.identifier,
    )
    upstream = [i for i in downstream["licenses"] if i["from_service"]]
    assert [i["identifier"] for i in upstream] == [issued.identifier]


async def test_a_submission_without_its_required_materials_is_refused_per_material(
    app: Litestar,
    api: Client,
    people: People,
    tokens: Tokens,
    sessionmaker: async_sessionmaker[AsyncSession],
    licenses_ctx: LicensesContext,
) -> None:
    ids, mother, _ = await _family(app, sessionmaker, people, tokens, licenses_ctx)
    body = await submittable(api, tokens, people, mother, materials=False)
    assert (
        await _link(api, mother, body["draft_id"], "mother-id-card", ids["mother:resident-id-card"])
    ).is_success
    refused = await api.post(
        "/api/v1/applications",
        json=body,
        headers={**mother, **new_key(), "Accept-Language": "en"},
    )
    assert refused.status_code == 422, refused.text
    errors = {e["field"]: e for e in refused.json()["errors"]}
    # One error per missing required material; the optional invoices are not asked for.
    assert set(errors) == {f"materials.{m}" for m in REQUIRED - {"mother-id-card"}}
    assert {e["code"] for e in errors.values()} == {"material.missing"}
    discharge = errors["materials.discharge-record"]
    assert "出院记录" in discharge["message_zh"]
    assert "discharge record" in discharge["message_en"]
    assert "e-license" not in discharge["message_en"]  # none can replace it
    assert "use your e-license" in errors["materials.household-register"]["message_en"]
    assert await _count(sessionmaker, Application) == 0
    assert await _count(sessionmaker, LicenseUse) == 0


async def test_a_license_revoked_or_unshared_since_linking_no_longer_counts(
    app: Litestar,
    api: Client,
    people: People,
    tokens: Tokens,
    sessionmaker: async_sessionmaker[AsyncSession],
    licenses_ctx: LicensesContext,
) -> None:
    ids, mother, father = await _family(app, sessionmaker, people, tokens, licenses_ctx)
    body = await submittable(api, tokens, people, mother, materials=False)
    draft = body["draft_id"]
    grant = await _share(api, father, ids["father:resident-id-card"])
    assert (
        await _link(api, mother, draft, "father-id-card", ids["father:resident-id-card"])
    ).is_success
    assert (
        await _link(api, mother, draft, "mother-id-card", ids["mother:resident-id-card"])
    ).is_success
    body = await hand_in_required(api, sessionmaker, mother, body, draft)
    # He ends the grant; public security revokes her ID card (吊销).
    revoked = await api.post(f"/api/v1/wallet/grants/{grant}/revoke", headers=father)
    assert revoked.status_code == 200, revoked.text
    police = await tokens.issue(str(people.clerks["public-security"].id))
    async with sessionmaker() as session:
        identifier = (
            await session.get(License, uuid.UUID(ids["mother:resident-id-card"]))
        ).identifier  # type: ignore[union-attr]
    changed = await api.post(
        f"/api/v1/department/licenses/{identifier}/status",
        json={"status": "revoked", "reason": "测试吊销"},
        headers=police,
    )
    assert changed.status_code == 200, changed.text

    listed = await _materials(api, mother, draft)
    assert listed["father-id-card"]["license_usable"] is False
    assert listed["mother-id-card"]["license_usable"] is False
    assert listed["father-id-card"]["choices"] == []
    # Nor can they be linked again.
    relinked = await _link(api, mother, draft, "mother-id-card", ids["mother:resident-id-card"])
    assert relinked.status_code == 404
    refused = await api.post("/api/v1/applications", json=body, headers={**mother, **new_key()})
    assert refused.status_code == 422, refused.text
    assert sorted((e["field"], e["code"]) for e in refused.json()["errors"]) == [
        ("materials.father-id-card", "material.license_unusable"),
        ("materials.mother-id-card", "material.license_unusable"),
    ]
    assert await _count(sessionmaker, Application) == 0

    # Unlinked, the material needs an upload again.
    gone = await api.delete(
        f"/api/v1/drafts/{draft}/materials/mother-id-card/license", headers=mother
    )
    assert gone.status_code == 204
    assert (await _materials(api, mother, draft))["mother-id-card"]["license"] is None
    again = await api.post("/api/v1/applications", json=body, headers={**mother, **new_key()})
    codes = {e["field"]: e["code"] for e in again.json()["errors"]}
    assert codes["materials.mother-id-card"] == "material.missing"


async def test_an_agent_links_the_residents_license_without_opening_the_wallet(
    app: Litestar,
    api: Client,
    people: People,
    tokens: Tokens,
    sessionmaker: async_sessionmaker[AsyncSession],
    licenses_ctx: LicensesContext,
) -> None:
    ids, mother, _ = await _family(app, sessionmaker, people, tokens, licenses_ctx)
    now = dt.datetime.now(dt.UTC)
    async with sessionmaker() as session, session.begin():
        session.add(
            Delegation(
                id=uuid.uuid4(),
                agent_id=people.agent.id,
                resident_id=people.resident.id,
                bundles=["newborn-birth"],
                valid_from=now,
                valid_until=now + dt.timedelta(days=7),
                created_at=now,
                evidence_kind="in_person",
                evidence={},
                confirmed_at=now,
            )
        )
    acting = await tokens.issue(
        str(people.resident.id),
        scope="openid applications:read applications:write licenses:read bundle:newborn-birth",
        act={"sub": str(people.agent.id)},
    )
    body = await submittable(api, tokens, people, mother, materials=False)
    choices = (await _materials(api, acting, body["draft_id"]))["mother-id-card"]["choices"]
    assert [(c["id"], c["holder_name"]) for c in choices] == [
        (ids["mother:resident-id-card"], "王*")  # masked for the agent
    ]
    linked = await _link(
        api, acting, body["draft_id"], "mother-id-card", ids["mother:resident-id-card"]
    )
    assert linked.status_code == 200, linked.text
    # The wallet itself stays closed to the agent.
    wallet = await api.get(
        f"/api/v1/wallet/licenses/{ids['mother:resident-id-card']}", headers=acting
    )
    assert wallet.status_code == 404
    # Someone else's agent token (another bundle) gets nothing.
    other = await tokens.issue(
        str(people.resident.id),
        scope="applications:read bundle:school-enrolment",
        act={"sub": str(people.agent.id)},
    )
    assert (
        await api.get(f"/api/v1/drafts/{body['draft_id']}/materials", headers=other)
    ).status_code == 404


async def test_a_license_of_someone_other_than_the_person_the_form_names_is_refused(
    app: Litestar,
    api: Client,
    people: People,
    tokens: Tokens,
    sessionmaker: async_sessionmaker[AsyncSession],
    licenses_ctx: LicensesContext,
) -> None:
    ids, mother, _ = await _family(app, sessionmaker, people, tokens, licenses_ctx)
    body = await submittable(api, tokens, people, mother, materials=False)
    draft = body["draft_id"]
    assert (
        await _link(api, mother, draft, "mother-id-card", ids["mother:resident-id-card"])
    ).is_success
    body = await hand_in_required(api, sessionmaker, mother, body, draft)
    # The submission names another mother than the holder of the linked card.
    body["answers"]["mother"]["id_number"] = make_id_number("500105", dt.date(1994, 6, 1), 246)
    refused = await api.post("/api/v1/applications", json=body, headers={**mother, **new_key()})
    assert refused.status_code == 422, refused.text
    codes = {e["field"]: e["code"] for e in refused.json()["errors"]}
    assert codes["materials.mother-id-card"] == "material.license_holder"
    assert await _count(sessionmaker, Application) == 0
