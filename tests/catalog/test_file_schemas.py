"""Specification of the machine-checked format of the catalog files themselves."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from onething.catalog.file_schemas import render_file_schemas, stale_file_schemas
from onething.catalog.loader import IGNORED_DIRS, REPO_CATALOG
from onething.catalog.sources import read_yaml

SCHEMA_DIR = REPO_CATALOG / "schema"
KIND_OF_FOLDER = {"dictionary": "dictionary", "services": "service", "bundles": "bundle"}


def _kind(path: Path) -> str:
    relative = path.relative_to(REPO_CATALOG)
    if len(relative.parts) == 2:
        return KIND_OF_FOLDER[relative.parts[0]]
    return {"licenses.yaml": "licenses"}.get(relative.name, relative.stem)


# holidays/ belongs to the working-day calendar (onething.applications), not to the catalog model.
CATALOG_FILES = sorted(
    p
    for p in REPO_CATALOG.rglob("*.yaml")
    if p.relative_to(REPO_CATALOG).parts[0] not in IGNORED_DIRS
)


def test_the_committed_schemas_are_generated_from_the_model() -> None:
    assert stale_file_schemas(SCHEMA_DIR) == []
    assert sorted(p.name for p in SCHEMA_DIR.glob("*.json")) == sorted(render_file_schemas())


@pytest.mark.parametrize("path", CATALOG_FILES, ids=lambda p: str(p.relative_to(REPO_CATALOG)))
def test_every_catalog_file_conforms_to_its_json_schema(path: Path) -> None:
    schema = json.loads((SCHEMA_DIR / f"{_kind(path)}.schema.json").read_text("utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    # The data exactly as the loader sees it (yes/no and dates stay text).
    data, _, problems = read_yaml(path, path.name)
    assert problems == []
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(data)) == []


def test_every_file_names_its_schema_for_editors() -> None:
    for path in CATALOG_FILES:
        first = path.read_text("utf-8").splitlines()[0]
        assert first == f"# yaml-language-server: $schema={_relative_schema(path)}", path


def _relative_schema(path: Path) -> str:
    prefix = "../" if path.parent != REPO_CATALOG else ""
    return f"{prefix}schema/{_kind(path)}.schema.json"
