"""Per-call cost of the merge engine and of answer validation for newborn-birth.

Targets (issue "Catalog and merge engine"): merge from cache ≤ 1 ms, full validation ≤ 2 ms.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

# The realistic answer set the tests use; one source of truth for a valid birth.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from newborn_samples import TODAY, newborn_answers
from onething.catalog.loader import load_catalog
from onething.catalog.merge import clear_cache, merge
from onething.catalog.validate import validate_answers

RUNS = 2000
WARMUP = 200
BUNDLE = "newborn-birth"
OPTIONAL = ("childcare-subsidy",)


def measure(call: Callable[[], object], runs: int = RUNS) -> tuple[float, float]:
    """Median and 95th percentile of one call, in microseconds."""
    for _ in range(WARMUP):
        call()
    samples = []
    for _ in range(runs):
        start = time.perf_counter_ns()
        call()
        samples.append((time.perf_counter_ns() - start) / 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def report(name: str, figures: tuple[float, float], target_us: float | None) -> None:
    median, p95 = figures
    verdict = "" if target_us is None else ("  ok" if p95 <= target_us else "  OVER TARGET")
    target = f"target ≤ {target_us:,.0f} µs" if target_us else "(for reference)"
    print(f"{name:<28} median {median:9.1f} µs   p95 {p95:9.1f} µs   {target}{verdict}")


def main() -> None:
    catalog = load_catalog()
    answers = newborn_answers()
    form = merge(catalog, BUNDLE, {}, OPTIONAL)
    errors = validate_answers(form, answers, today=TODAY)
    if errors:
        raise SystemExit(f"the sample answers should be valid: {errors}")

    def cold_merge() -> object:
        clear_cache()
        return merge(catalog, BUNDLE, {}, OPTIONAL)

    print(
        f"{BUNDLE}: {len(form.services)} services, {len(form.fields)} fields, "
        f"schema {len(form.schema_json):,} bytes; {RUNS} runs after {WARMUP} warm-up"
    )
    report("merge (from cache)", measure(lambda: merge(catalog, BUNDLE, {}, OPTIONAL)), 1000)
    report(
        "validate (valid answers)",
        measure(lambda: validate_answers(form, answers, today=TODAY)),
        2000,
    )
    report("merge (cold, no cache)", measure(cold_merge, runs=200), None)


if __name__ == "__main__":
    main()
