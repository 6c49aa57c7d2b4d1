"""The catalog over HTTP: bundles listed and detailed, merged forms, validation, services."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

from litestar import Litestar
from litestar.testing import AsyncTestClient

from onething.core.app import create_app
from onething.core.settings import Settings

BUNDLES = {
    "newborn-birth",
    "retirement",
    "after-a-death",
    "school-enrolment",
    "disability-services",
}


async def test_bundles_are_listed_with_localized_names_and_counts(
    client: AsyncTestClient[Litestar],
) -> None:
    response = await client.get("/api/v1/bundles")
    assert response.status_code == 200
    bundles = {b["id"]: b for b in response.json()}
    assert set(bundles) >= BUNDLES
    newborn = bundles["newborn-birth"]
    assert newborn["name"]["zh-CN"]
    assert newborn["name"]["en"]
    assert newborn["service_count"] == 9
    assert newborn["department_count"] >= 6
    assert newborn["time_limit_days"] > 0


async def test_bundle_detail_lists_services_with_their_departments_and_order(
    client: AsyncTestClient[Litestar],
) -> None:
    response = await client.get("/api/v1/bundles/newborn-birth")
    assert response.status_code == 200
    detail = response.json()
    services = {s["id"]: s for s in detail["services"]}
    assert len(services) == 9
    hukou = next(s for s in services.values() if "birth-medical-certificate" in s["after"])
    assert hukou["department"]["code"]
    assert detail["situations"]


async def test_unknown_bundle_is_a_404_problem(client: AsyncTestClient[Litestar]) -> None:
    response = await client.get("/api/v1/bundles/moon-landing")
    assert response.status_code == 404
    assert response.json()["type"] == "/problems/not-found"
    assert "moon-landing" in response.json()["detail"]


async def test_merged_form_is_json_schema_with_effort_figures(
    client: AsyncTestClient[Litestar],
) -> None:
    response = await client.post("/api/v1/bundles/newborn-birth/form", json={})
    assert response.status_code == 200
    body = response.json()
    assert body["schema"]["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    effort = body["effort"]
    assert effort["merged_fields"] < effort["individual_fields"]
    assert effort["ratio"] == round(effort["merged_fields"] / effort["individual_fields"], 3)


async def test_an_unknown_situation_answer_is_a_field_error(
    client: AsyncTestClient[Litestar],
) -> None:
    response = await client.post(
        "/api/v1/bundles/newborn-birth/form",
        json={"situation_answers": {"no-such-question": "yes"}},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == "situation_answers"
    assert error["message_zh"]
    assert error["message_en"]


async def test_empty_answers_are_refused_with_bilingual_field_errors(
    client: AsyncTestClient[Litestar],
) -> None:
    response = await client.post("/api/v1/bundles/newborn-birth/validate", json={"answers": {}})
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert len(errors) > 5
    assert all(e["code"] == "required" for e in errors)
    assert all(e["message"] == e["message_zh"] and e["message_en"] for e in errors)


async def test_a_wrong_body_shape_is_a_field_error_not_a_crash(
    client: AsyncTestClient[Litestar],
) -> None:
    response = await client.post(
        "/api/v1/bundles/newborn-birth/validate", json={"answers": [], "surprise": 1}
    )
    assert response.status_code == 422
    assert response.json()["errors"]


async def test_service_detail_shows_its_own_form(client: AsyncTestClient[Litestar]) -> None:
    bundle = (await client.get("/api/v1/bundles/newborn-birth")).json()
    service_id = bundle["services"][0]["id"]
    response = await client.get(f"/api/v1/services/{service_id}")
    assert response.status_code == 200
    service = response.json()
    assert service["form"]
    assert all(f["label"]["zh-CN"] for f in service["form"])
    assert (await client.get("/api/v1/services/nope")).status_code == 404


async def test_a_new_bundle_file_appears_without_code_changes(
    settings: Settings, repo_root: Path, tmp_path: Path
) -> None:
    catalog_dir = tmp_path / "catalog"
    shutil.copytree(repo_root / "catalog", catalog_dir)
    source = (catalog_dir / "bundles" / "retirement.yaml").read_text()
    (catalog_dir / "bundles" / "retirement-lite.yaml").write_text(
        source.replace("id: retirement", "id: retirement-lite", 1)
    )
    app = create_app(replace(settings, app=replace(settings.app, catalog_dir=catalog_dir)))
    async with AsyncTestClient(app=app) as client:
        ids = {b["id"] for b in (await client.get("/api/v1/bundles")).json()}
    assert {"retirement", "retirement-lite"} <= ids
