"""Every file in bench/ loads (its imports resolve) and each script has its `main`, so
`make bench` does not fail on a file moved elsewhere in the repository (it did, 2026-12-04:
a test helper bench_catalog imported had been renamed); what they measure is run by
`make bench`, never here."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"
SCRIPTS = sorted(BENCH.glob("*.py"))

LOAD = """
import importlib.util, sys
sys.path.insert(0, sys.argv[2])
spec = importlib.util.spec_from_file_location("bench_script", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
if sys.argv[1].rsplit("/", 1)[-1].startswith(("bench_", "profile_")):
    assert callable(getattr(module, "main", None)), "no main()"
"""


def test_there_are_bench_scripts() -> None:
    assert {p.name for p in SCRIPTS} >= {"bench_submission.py", "bench_catalog.py"}


@pytest.mark.parametrize("script", SCRIPTS, ids=[p.name for p in SCRIPTS])
def test_the_script_loads(script: Path) -> None:
    loaded = subprocess.run(
        [sys.executable, "-c", LOAD, str(script), str(BENCH)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert loaded.returncode == 0, loaded.stderr[-2000:]
