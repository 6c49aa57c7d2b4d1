"""JSON Schemas of the catalog files, generated from the msgspec model (catalog/schema/)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Final

import msgspec

from onething.catalog.model import (
    Bundle,
    CodeListsFile,
    DepartmentsFile,
    DictionaryFile,
    LicenseTypesFile,
    MaterialsFile,
    Service,
)

FILE_TYPES: Final[dict[str, type]] = {
    "departments": DepartmentsFile,
    "codelists": CodeListsFile,
    "licenses": LicenseTypesFile,
    "materials": MaterialsFile,
    "dictionary": DictionaryFile,
    "service": Service,
    "bundle": Bundle,
}


def render_file_schemas() -> dict[str, bytes]:
    """File name -> content of each ``<kind>.schema.json``."""
    rendered: dict[str, bytes] = {}
    for kind, struct in FILE_TYPES.items():
        schema: dict[str, object] = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": f"OneThing catalog: {kind} file",
            **msgspec.json.schema(struct),
        }
        text = json.dumps(schema, ensure_ascii=False, indent=2) + "\n"
        rendered[f"{kind}.schema.json"] = text.encode()
    return rendered


def stale_file_schemas(directory: Path) -> list[str]:
    """Names of schema files under ``directory`` that are missing or differ from the model."""
    return [
        name
        for name, content in render_file_schemas().items()
        if not (directory / name).is_file() or (directory / name).read_bytes() != content
    ]


def write_file_schemas(directory: Path) -> list[str]:
    directory.mkdir(parents=True, exist_ok=True)
    rendered = render_file_schemas()
    for name, content in rendered.items():
        (directory / name).write_bytes(content)
    return sorted(rendered)
