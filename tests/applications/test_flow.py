"""The acceptance flow on the real stack: newborn-birth submitted, tasks fan out; the hospital
approves the birth certificate, hukou registration dispatches by itself with it attached;
public security approves with the child's ID number; medical insurance and the social security
card proceed with that number, which the resident never typed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from application_helpers import People, Tokens, new_key, submittable
from litestar import Litestar
from litestar.testing import AsyncTestClient

from newborn_samples import FATHER_ID
from onething.catalog.codes import make_id_number
from onething.catalog.loader import REPO_CATALOG, load_catalog

Client = AsyncTestClient[Litestar]
CATALOG = load_catalog(REPO_CATALOG)


async def _inbox(api: Client, auth: dict[str, str]) -> dict[str, dict[str, Any]]:
    answer = await api.get("/api/v1/department/tasks", headers=auth)
    assert answer.status_code == 200, answer.text
    return {item["service"]: item for item in answer.json()["items"]}


async def _approve(
    api: Client, auth: dict[str, str], task_id: str, output: dict[str, str] | None = None
) -> dict[str, Any]:
    base = f"/api/v1/department/tasks/{task_id}"
    for step in ("accept", "start-review"):
        answer = await api.post(f"{base}/{step}", json={}, headers=auth)
        assert answer.status_code == 200, answer.text
    approved = await api.post(f"{base}/approve", json={"output": output or {}}, headers=auth)
    assert approved.status_code == 200, approved.text
    return dict(approved.json())


async def test_newborn_birth_end_to_end(
    api: Client, people: People, tokens: Tokens, drain: Any
) -> None:
    resident = await tokens.issue(str(people.resident.id))
    clerk = {d: await tokens.issue(str(u.id)) for d, u in people.clerks.items()}
    body = await submittable(api, tokens, people, resident)
    assert "id_number" not in body["answers"]["child"]
    submitted = await api.post("/api/v1/applications", json=body, headers={**resident, **new_key()})
    assert submitted.status_code == 201, submitted.text
    application_id = submitted.json()["id"]

    # Nothing is in any inbox until the worker dispatches.
    assert await _inbox(api, clerk["health-commission"]) == {}
    await drain()
    health = await _inbox(api, clerk["health-commission"])
    assert set(health) == {"birth-medical-certificate", "birth-registration"}
    assert all(item["due_on"] for item in health.values())
    assert await _inbox(api, clerk["public-security"]) == {}

    # The hospital (health commission) approves the birth certificate.
    await _approve(api, clerk["health-commission"], health["birth-medical-certificate"]["task_id"])
    await drain()

    # Hukou registration has been dispatched by itself, the certificate attached.
    police = await _inbox(api, clerk["public-security"])
    assert set(police) == {"hukou-birth-registration"}
    hukou_id = police["hukou-birth-registration"]["task_id"]
    hukou = (
        await api.get(f"/api/v1/department/tasks/{hukou_id}", headers=clerk["public-security"])
    ).json()
    assert hukou["state"] == "submitted"
    # The attachment names the e-license the hospital's approval issued.
    [certificate] = [i for i in hukou["licenses"] if i["from_service"]]
    assert hukou["upstream"] == [
        {
            "service": "birth-medical-certificate",
            "task_id": health["birth-medical-certificate"]["task_id"],
            "elements": {},
            "license_type": "birth-medical-certificate",
            "license_id": certificate["id"],
            "license_identifier": certificate["identifier"],
        }
    ]

    # Public security approves with the child's new citizen ID number.
    born = dt.date.fromisoformat(body["answers"]["child"]["birth_time"][:10])
    child_id = make_id_number("500112", born, 135)
    await _approve(api, clerk["public-security"], hukou_id, {"child.id_number": child_id})
    await drain()

    # The social security card proceeds with that number in its department's inbox.
    hrss = await _inbox(api, clerk["hrss"])
    assert "social-security-card" in hrss, hrss
    card = (
        await api.get(
            f"/api/v1/department/tasks/{hrss['social-security-card']['task_id']}",
            headers=clerk["hrss"],
        )
    ).json()
    assert card["upstream"][0]["service"] == "hukou-birth-registration"
    assert card["upstream"][0]["elements"] == {"child.id_number": child_id}
    assert "id_number" not in card["answers"]["child"]  # typed by nobody but the police

    # Medical insurance (mode auto) is decided by the platform with that number, and so is the
    # premium after it: neither waits in an inbox.
    assert "medical-insurance-enrolment" not in await _inbox(api, clerk["healthcare-security"])
    assert "medical-insurance-premium" not in await _inbox(api, clerk["tax"])
    mine = (await api.get(f"/api/v1/applications/{application_id}", headers=resident)).json()
    task_ids = {t["service"]: t["id"] for t in mine["tasks"]}
    for department, service in (
        ("healthcare-security", "medical-insurance-enrolment"),
        ("tax", "medical-insurance-premium"),
    ):
        view = (
            await api.get(
                f"/api/v1/department/tasks/{task_ids[service]}", headers=clerk[department]
            )
        ).json()
        assert view["state"] == "approved", (service, view["state"])
        hukou_output = next(u for u in view["upstream"] if u["elements"])
        assert hukou_output["service"] == "hukou-birth-registration"
        assert hukou_output["elements"] == {"child.id_number": child_id}

    # The resident sees one application with per-department progress and one timeline.
    mine = (await api.get(f"/api/v1/applications/{application_id}", headers=resident)).json()
    states = {t["service"]: t["state"] for t in mine["tasks"]}
    # Both produce a license: the licenses domain issued it (their tests check the license).
    assert states["birth-medical-certificate"] == "issued"
    assert states["hukou-birth-registration"] == "issued"
    assert states["social-security-card"] == "submitted"
    assert states["medical-insurance-enrolment"] == "approved"
    assert states["medical-insurance-premium"] == "approved"
    assert mine["status"] == "in_progress"
    events = (
        await api.get(f"/api/v1/applications/{application_id}/timeline?limit=100", headers=resident)
    ).json()["events"]
    kinds = [(e["service"], e["kind"]) for e in events]
    assert ("hukou-birth-registration", "task.upstream_ready") in kinds
    approvals = [e for e in events if e["kind"] == "task.approve"]
    by_platform = {e["service"]: e for e in approvals if e["actor_kind"] == "system"}
    assert set(by_platform) == {"medical-insurance-enrolment", "medical-insurance-premium"}
    reasoning = by_platform["medical-insurance-enrolment"]["detail"]
    assert reasoning["auto"] is True
    assert {c["rule"]: c["passed"] for c in reasoning["checks"]} == {
        "upstream_outputs_attached": True,
        "produced_facts_present": True,
        "required_materials_present": True,
        "produces_no_data": True,
    }
    produced = next(c for c in reasoning["checks"] if c["rule"] == "produced_facts_present")
    assert produced["detail"]["needed"] == ["child.id_number"]
    # Family birth registration is `auto` too, but its marriage certificate is an uploaded scan,
    # not an e-license: the platform declines with its reason and a clerk decides.
    declined = [e for e in events if e["kind"] == "task.auto_declined"]
    assert [e["service"] for e in declined] == ["birth-registration"]
    materials = next(
        c for c in declined[0]["detail"]["checks"] if c["rule"].endswith("materials_present")
    )
    assert materials == {
        "rule": "required_materials_present",
        "passed": False,
        "detail": {"missing": ["marriage-certificate"]},
    }
    assert {e["actor_kind"] for e in approvals if e["service"] not in by_platform} == {"department"}
    police_approval = next(e for e in approvals if e["service"] == "hukou-birth-registration")
    assert police_approval["actor"] == str(people.clerks["public-security"].id)
    assert police_approval["detail"] == {"produced": ["child.id_number"]}  # never the value
    assert child_id not in str(events)
    assert FATHER_ID not in str(events)


async def test_every_department_sees_only_its_own_service_fields(
    api: Client, people: People, tokens: Tokens, drain: Any
) -> None:
    resident = await tokens.issue(str(people.resident.id))
    submitted = await api.post(
        "/api/v1/applications",
        json=await submittable(api, tokens, people, resident),
        headers={**resident, **new_key()},
    )
    assert submitted.status_code == 201
    await drain()
    seen = 0
    for department, user in people.clerks.items():
        auth = await tokens.issue(str(user.id))
        for item in (await _inbox(api, auth)).values():
            view = (
                await api.get(f"/api/v1/department/tasks/{item['task_id']}", headers=auth)
            ).json()
            service = CATALOG.services[view["service"]]
            assert service.department == department
            own = {f.element for f in service.form}
            shown = {
                f"{section}.{name}"
                for section, values in view["answers"].items()
                if section != "situation"
                for name in values
            }
            assert shown <= own, shown - own
            assert shown, "a department must see the fields it asks for"
            needed = {m.material for m in service.materials}
            assert {m["material"] for m in view["materials"]} <= needed
            seen += 1
    assert seen == 4  # the four services with no upstream


async def test_a_department_cannot_see_another_departments_task(
    api: Client, people: People, tokens: Tokens, drain: Any
) -> None:
    resident = await tokens.issue(str(people.resident.id))
    await api.post(
        "/api/v1/applications",
        json=await submittable(api, tokens, people, resident),
        headers={**resident, **new_key()},
    )
    await drain()
    health = await tokens.issue(str(people.clerks["health-commission"].id))
    police = await tokens.issue(str(people.clerks["public-security"].id))
    task_id = (await _inbox(api, health))["birth-medical-certificate"]["task_id"]
    url = f"/api/v1/department/tasks/{task_id}"
    assert (await api.get(url, headers=police)).status_code == 404
    assert (await api.post(f"{url}/accept", json={}, headers=police)).status_code == 404
    # A resident is no department at all.
    assert (await api.get(url, headers=resident)).status_code == 403
    assert (await api.get("/api/v1/department/tasks", headers=resident)).status_code == 403


async def test_a_department_system_with_client_credentials_handles_its_tasks(
    api: Client, people: People, tokens: Tokens, drain: Any
) -> None:
    resident = await tokens.issue(str(people.resident.id))
    await api.post(
        "/api/v1/applications",
        json=await submittable(api, tokens, people, resident),
        headers={**resident, **new_key()},
    )
    await drain()
    health = await tokens.issue(str(people.clerks["health-commission"].id))
    certificate = (await _inbox(api, health))["birth-medical-certificate"]["task_id"]
    await _approve(api, health, certificate)
    await drain()
    system = await tokens.issue(
        "public-security-system",
        client_id="public-security-system",
        scope="applications:read applications:write department:public-security",
    )
    inbox = await _inbox(api, system)
    assert set(inbox) == {"hukou-birth-registration"}
    other = await tokens.issue(
        "public-security-system",
        client_id="public-security-system",
        scope="applications:read applications:write",
    )
    assert (await api.get("/api/v1/department/tasks", headers=other)).status_code == 403


async def test_decisions_follow_the_state_machine(
    api: Client, people: People, tokens: Tokens, drain: Any
) -> None:
    resident = await tokens.issue(str(people.resident.id))
    await api.post(
        "/api/v1/applications",
        json=await submittable(api, tokens, people, resident),
        headers={**resident, **new_key()},
    )
    await drain()
    health = await tokens.issue(str(people.clerks["health-commission"].id))
    task_id = (await _inbox(api, health))["birth-medical-certificate"]["task_id"]
    url = f"/api/v1/department/tasks/{task_id}"
    too_early = await api.post(f"{url}/approve", json={"output": {}}, headers=health)
    assert too_early.status_code == 409
    assert "accept" in too_early.json()["detail"]
    assert (await api.post(f"{url}/accept", json={}, headers=health)).status_code == 200
    assert (await api.post(f"{url}/accept", json={}, headers=health)).status_code == 409
    note = {"note": "材料齐全，转入审核"}
    assert (await api.post(f"{url}/start-review", json=note, headers=health)).status_code == 200
    application_id = (await api.get("/api/v1/applications", headers=resident)).json()[0]["id"]
    events = (
        await api.get(f"/api/v1/applications/{application_id}/timeline", headers=resident)
    ).json()["events"]
    assert any(e["detail"] == note for e in events), "the clerk's note must reach the timeline"
    # A correction names only this service's fields.
    foreign = await api.post(
        f"{url}/request-correction",
        json={"fields": ["benefit.card_number"], "message": "请核对"},
        headers=health,
    )
    assert foreign.status_code == 422
    correction = await api.post(
        f"{url}/request-correction",
        json={"fields": ["child.birth_weight"], "message": "出生体重与记录不符"},
        headers=health,
    )
    assert correction.status_code == 200
    assert correction.json()["state"] == "correction_requested"
    assert correction.json()["pending"]["fields"] == ["child.birth_weight"]
    mine = (await api.get("/api/v1/applications", headers=resident)).json()[0]
    assert mine["status"] == "action_required"
    # Output must be exactly what the service produces (the certificate produces no facts).
    hukou_output = {"child.id_number": FATHER_ID}
    assert (
        await api.post(f"{url}/approve", json={"output": hukou_output}, headers=health)
    ).status_code == 409


async def test_approval_output_is_checked(
    api: Client, people: People, tokens: Tokens, drain: Any
) -> None:
    resident = await tokens.issue(str(people.resident.id))
    await api.post(
        "/api/v1/applications",
        json=await submittable(api, tokens, people, resident),
        headers={**resident, **new_key()},
    )
    await drain()
    health = await tokens.issue(str(people.clerks["health-commission"].id))
    await _approve(api, health, (await _inbox(api, health))["birth-medical-certificate"]["task_id"])
    await drain()
    police = await tokens.issue(str(people.clerks["public-security"].id))
    hukou = (await _inbox(api, police))["hukou-birth-registration"]["task_id"]
    url = f"/api/v1/department/tasks/{hukou}"
    for step in ("accept", "start-review"):
        await api.post(f"{url}/{step}", json={}, headers=police)
    for output in ({}, {"child.id_number": "500112202611170000"}, {"child.name": "x"}):
        answer = await api.post(f"{url}/approve", json={"output": output}, headers=police)
        assert answer.status_code == 422, output


async def test_a_refused_upstream_cancels_everything_waiting_for_it(
    api: Client, people: People, tokens: Tokens, drain: Any
) -> None:
    resident = await tokens.issue(str(people.resident.id))
    created = await api.post(
        "/api/v1/applications",
        json=await submittable(api, tokens, people, resident),
        headers={**resident, **new_key()},
    )
    await drain()
    health = await tokens.issue(str(people.clerks["health-commission"].id))
    task_id = (await _inbox(api, health))["birth-medical-certificate"]["task_id"]
    refused = await api.post(
        f"/api/v1/department/tasks/{task_id}/refuse", json={"reason": "非本院出生"}, headers=health
    )
    assert refused.status_code == 200
    await drain()
    mine = (await api.get(f"/api/v1/applications/{created.json()['id']}", headers=resident)).json()
    states = {t["service"]: t["state"] for t in mine["tasks"]}
    for downstream in (
        "hukou-birth-registration",
        "medical-insurance-enrolment",
        "medical-insurance-premium",
        "social-security-card",
        "childcare-subsidy",
    ):
        assert states[downstream] == "cancelled", downstream
    assert states["vaccination-record"] == "submitted"
