"""The OpenAPI document is usable by a third-party developer: every operation has a summary, a
description, examples of what it takes and gives, and documented errors (problem+json with
examples); every example matches the schema it illustrates."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msgspec
import pytest
from jsonschema import Draft202012Validator
from litestar import get
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from onething.core.app import create_app
from onething.core.openapi import render_openapi
from onething.core.settings import Settings

COMMITTED = Path(__file__).resolve().parents[2] / "openapi" / "openapi.json"
PROBLEM = "application/problem+json"
# The OpenID Provider answers OAuth errors as RFC 6749 JSON (what OAuth libraries expect),
# and the readiness probe answers 503 with its checks: both documented with their own schema.
OWN_ERROR_FORMAT = ("/oauth2/", "/.well-known/", "/readyz")


def _operations(spec: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            yield f"{method.upper()} {path}", operation


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _schema_has_example(spec: dict[str, Any], schema: dict[str, Any]) -> bool:
    schema = _resolve(spec, schema)
    if schema.get("examples") or "example" in schema:
        return True
    if schema.get("type") == "array" and "items" in schema:
        return _schema_has_example(spec, schema["items"])
    branches = schema.get("allOf", []) + schema.get("oneOf", []) + schema.get("anyOf", [])
    return any(_schema_has_example(spec, branch) for branch in branches)


def _has_example(spec: dict[str, Any], media: dict[str, Any]) -> bool:
    if media.get("examples") or "example" in media:
        return True
    return _schema_has_example(spec, media.get("schema", {}))


def audit(spec: dict[str, Any]) -> list[str]:
    """Every shortcoming of the document, one line each (empty: none)."""
    found: list[str] = []
    for where, operation in _operations(spec):
        found += [
            f"{where}: no {key}"
            for key in ("operationId", "summary", "description")
            if not str(operation.get(key) or "").strip()
        ]
        body = operation.get("requestBody")
        for media_type, media in (body or {}).get("content", {}).items():
            if not _has_example(spec, media):
                found.append(f"{where}: no example of the {media_type} request body")
        responses: dict[str, Any] = operation.get("responses", {})
        errors = {status: r for status, r in responses.items() if status[0] in "45"}
        if not errors:
            found.append(f"{where}: no documented error answer")
        for status, response in responses.items():
            content = response.get("content") or {}
            for media_type, media in content.items():
                if not _has_example(spec, media):
                    found.append(f"{where}: no example of the {status} {media_type} answer")
            if status in errors:
                own_format = where.split(" ", 1)[1].startswith(OWN_ERROR_FORMAT)
                if PROBLEM not in content and not own_format:
                    found.append(f"{where}: the {status} answer is not {PROBLEM}")
                elif PROBLEM in content and not content[PROBLEM]["schema"].get("$ref", "").endswith(
                    "/ProblemDetails"
                ):
                    found.append(f"{where}: the {status} answer is not ProblemDetails")
    return found


def _examples(spec: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any], Any]]:
    """(where, schema, example) for every example in the document."""
    for name, schema in spec["components"]["schemas"].items():
        for example in schema.get("examples", []):
            yield f"components.schemas.{name}", {"$ref": f"#/components/schemas/{name}"}, example
    for where, operation in _operations(spec):
        media_sets = [(f"{where} request", operation.get("requestBody") or {})]
        media_sets += [(f"{where} {s}", r) for s, r in operation.get("responses", {}).items()]
        for label, holder in media_sets:
            for media in (holder.get("content") or {}).values():
                for key, example in (media.get("examples") or {}).items():
                    yield f"{label} {key}", media["schema"], example["value"]


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(COMMITTED.read_text())
    return document


def test_every_operation_has_summary_description_examples_and_documented_errors(
    spec: dict[str, Any],
) -> None:
    problems = audit(spec)
    assert not problems, "\n".join(problems)


def test_every_example_matches_its_schema(spec: dict[str, Any]) -> None:
    registry: Registry[Any] = Registry().with_resource(
        "urn:onething:openapi", Resource.from_contents(spec, default_specification=DRAFT202012)
    )
    checked = 0
    wrong = []
    for where, schema, example in _examples(spec):
        rooted = json.loads(json.dumps(schema).replace('"#/', '"urn:onething:openapi#/'))
        validator = Draft202012Validator(rooted, registry=registry)
        wrong += [f"{where}: {error.message}" for error in validator.iter_errors(example)]
        checked += 1
    assert not wrong, "\n".join(wrong)
    assert checked > 150  # every operation's error examples plus the Structs'


def test_problem_answers_show_the_problem_type_of_their_status(spec: dict[str, Any]) -> None:
    draft_put = spec["paths"]["/api/v1/drafts/{draft_id}"]["put"]["responses"]
    for status, kind in (("412", "precondition-failed"), ("428", "precondition-required")):
        (example,) = draft_put[status]["content"][PROBLEM]["examples"].values()
        assert example["value"]["type"] == f"/problems/{kind}"
        assert example["value"]["status"] == int(status)
    validation = spec["paths"]["/api/v1/drafts"]["post"]["responses"]["422"]
    (example,) = validation["content"][PROBLEM]["examples"].values()
    assert example["value"]["errors"][0]["message_en"]


class Undocumented(msgspec.Struct):
    value: str


def test_the_audit_reports_an_operation_without_description_examples_or_errors() -> None:
    """The audit can fail: a route registered after the app documented its routes (so none
    of the documentation passes reached it), with no docstring and a Struct without
    examples, is reported on each count."""

    @get("/brand-new", operation_id="getBrandNew", summary="New", sync_to_thread=False)
    def brand_new() -> Undocumented:
        return Undocumented(value="")

    app = create_app(Settings())
    app.register(brand_new)
    problems = [p for p in audit(json.loads(render_openapi(app))) if "/brand-new" in p]
    assert problems == [
        "GET /brand-new: no description",
        "GET /brand-new: no documented error answer",
        "GET /brand-new: no example of the 200 application/json answer",
    ]


async def test_the_served_document_is_the_committed_one(client: Any) -> None:
    """The app serves the same document (examples with their `null` members included)."""
    response = await client.get("/api/schema/openapi.json")
    assert response.status_code == 200
    assert response.json() == json.loads(COMMITTED.read_text())
