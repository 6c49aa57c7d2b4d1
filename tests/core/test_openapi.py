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


def test_operations_needing_a_token_declare_oauth2_and_their_401_and_429() -> None:
    """Every operation that resolves its caller carries the OAuth2 requirement (scheme with
    the authorization-code and client-credentials flows) and documents 401 and 429 as
    problem details; public ones (catalog, verification, probes) carry none."""
    spec = json.loads(COMMITTED.read_text())
    scheme = spec["components"]["securitySchemes"]["oauth2"]
    assert set(scheme["flows"]) == {"authorizationCode", "clientCredentials"}
    assert "applications:read" in scheme["flows"]["authorizationCode"]["scopes"]
    secured = public = 0
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            where = f"{method.upper()} {path}"
            if operation.get("security"):
                secured += 1
                assert operation["security"] == [{"oauth2": []}], where
                for status in ("401", "429"):
                    content = operation["responses"][status]["content"]
                    assert "application/problem+json" in content, where
            else:
                public += 1
                assert path.startswith(
                    (
                        "/api/v1/bundles",
                        "/api/v1/services",
                        "/api/v1/regions",
                        "/api/v1/licenses/",
                        "/api/v1/service-halls",
                        "/api/v1/delivery/courier-events",
                        "/healthz",
                        "/.well-known/",
                        "/oauth2/",
                        "/readyz",
                    )
                ), f"{where} has no security requirement"
    assert secured > 50
    assert public > 5
