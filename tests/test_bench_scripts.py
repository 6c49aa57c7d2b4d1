"""Every file in bench/ loads (its imports resolve) and each script has its `main`, so
`make bench` does not fail on a file moved elsewhere in the repository (it did, 2026-12-04:
a test helper bench_catalog imported had been renamed); what they measure is run by
`make bench`, never here."""

from __future__ import annotations

import re
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


def test_the_pgbench_script_has_every_parameter_of_the_code_it_takes_statements_from() -> None:
    """The ceiling's script is built from the gate's, the read's and pgqueuer's own SQL: a
    parameter added there without a pgbench value fails here, not at `make bench`."""
    sys.path.insert(0, str(BENCH))
    try:
        from pgbench_script import submission_script
    finally:
        sys.path.remove(str(BENCH))
    script = submission_script()
    assert "$" not in script
    statements = [line for line in script.splitlines() if line and not line.startswith("--")]
    sql = [line for line in statements if not line.startswith("\\")]
    assert sql[0].startswith("WITH token AS")  # the gate, then the transaction
    assert sql[1] == "BEGIN;"
    assert "pg_try_advisory_xact_lock" in sql[2]
    assert sql[-1] == "END;"
    assert all(line.endswith((";", "\\gset")) for line in sql)
    # every variable is set by the script (\set, \gset) or by bench_submission (-D)
    defined = {"first", "clients", "round", "blob", "license", "version", "client_id"}
    defined |= {line.split()[1] for line in statements if line.startswith("\\set ")}
    defined |= {"locked", "app", "owner", "draft", "upload", "request"}  # the lock's \gset
    used = set(re.findall(r"(?<![:\w]):([a-z_]+)", " ".join(sql)))
    assert used <= defined, used - defined
