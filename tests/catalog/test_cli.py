"""Specification of `onething catalog check|stats|schema`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from onething.catalog.cli import catalog as catalog_group
from onething.catalog.loader import REPO_CATALOG
from onething.cli import main

FIXTURES = Path(__file__).parent / "fixtures"


def test_check_passes_on_the_repository_catalog() -> None:
    result = CliRunner().invoke(main, ["catalog", "check"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("catalog OK: 5 bundles")


def test_check_lists_every_error_and_exits_non_zero(tmp_path: Path) -> None:
    root = tmp_path / "catalog"
    shutil.copytree(FIXTURES / "dependency-cycle", root)
    departments = root / "departments.yaml"
    departments.write_text(departments.read_text("utf-8").replace("5110", "5111"), "utf-8")
    result = CliRunner().invoke(catalog_group, ["check", "--dir", str(root)])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith("catalog/bundles/demo.yaml:8: dependency cycle")
    assert lines[1].startswith("catalog/departments.yaml:3: invalid department code")
    assert lines[2] == "2 error(s) in the catalog"


def test_the_directory_can_come_from_catalog_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CATALOG_DIR", str(FIXTURES / "unknown-service"))
    result = CliRunner().invoke(catalog_group, ["check"])
    assert result.exit_code == 1
    assert "unknown service `gamma`" in result.stderr


def test_stats_json_reports_each_bundle() -> None:
    result = CliRunner().invoke(main, ["catalog", "stats", "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    newborn = document["bundles"]["newborn-birth"]
    assert set(newborn) >= {
        "services",
        "individual_fields",
        "merged_fields",
        "produced_fields",
        "prefillable_fields",
        "ratio",
    }
    assert newborn["ratio"] <= 0.40
    assert len(document["catalog_version"]) == 64


def test_stats_as_a_table() -> None:
    result = CliRunner().invoke(catalog_group, ["stats"])
    assert result.exit_code == 0
    assert any(line.startswith("newborn-birth ") for line in result.output.splitlines())


def test_schema_check_passes_for_the_committed_schemas() -> None:
    result = CliRunner().invoke(catalog_group, ["schema", "--check", "--dir", str(REPO_CATALOG)])
    assert result.exit_code == 0, result.output


def test_schema_writes_the_files_and_check_notices_staleness(tmp_path: Path) -> None:
    runner = CliRunner()
    stale = runner.invoke(catalog_group, ["schema", "--check", "--dir", str(tmp_path)])
    assert stale.exit_code == 1
    written = runner.invoke(catalog_group, ["schema", "--dir", str(tmp_path)])
    assert written.exit_code == 0
    assert (tmp_path / "schema" / "service.schema.json").is_file()
    assert (
        runner.invoke(catalog_group, ["schema", "--check", "--dir", str(tmp_path)]).exit_code == 0
    )
