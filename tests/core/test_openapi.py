"""openapi/openapi.json is generated from the app, valid, and never stale."""

from __future__ import annotations

import json
from pathlib import Path

from litestar import get
from openapi_spec_validator import validate

from onething.core.app import create_app
from onething.core.openapi import render_openapi
from onething.core.settings import Settings

COMMITTED = Path(__file__).resolve().parents[2] / "openapi" / "openapi.json"


def test_committed_spec_matches_the_app() -> None:
    assert COMMITTED.read_bytes() == render_openapi(), (
        "openapi/openapi.json is stale: run `uv run onething openapi` and commit it"
    )


def test_spec_is_valid_openapi_3_1() -> None:
    spec = json.loads(COMMITTED.read_text())
    assert spec["openapi"].startswith("3.1")
    validate(spec)


def test_every_operation_has_an_operation_id_and_summary() -> None:
    spec = json.loads(COMMITTED.read_text())
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            assert operation.get("operationId"), f"{method.upper()} {path} lacks operationId"
            assert operation.get("summary"), f"{method.upper()} {path} lacks a summary"


def test_adding_a_route_without_regenerating_makes_the_spec_stale() -> None:
    @get("/api/v1/brand-new", operation_id="getBrandNew", summary="New", sync_to_thread=False)
    def brand_new() -> dict[str, str]:
        return {}

    app = create_app(Settings())
    app.register(brand_new)
    assert render_openapi(app) != COMMITTED.read_bytes()
    assert "/api/v1/brand-new" in json.loads(render_openapi(app))["paths"]


def test_every_tag_used_by_an_operation_is_declared() -> None:
    spec = json.loads(COMMITTED.read_text())
    declared = {tag["name"] for tag in spec.get("tags", [])}
    used = {
        tag for item in spec["paths"].values() for op in item.values() for tag in op.get("tags", [])
    }
    assert used <= declared, f"undeclared tags: {sorted(used - declared)}"
