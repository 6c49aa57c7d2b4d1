"""Where one submission's Python time goes: `uv run python bench/profile_submission.py`.

Runs `PROFILE_SUBMISSIONS` (600) newborn-birth submissions one after another in this process
(the app behind httpx's ASGI transport, on the real devstack: embedded PostgreSQL and
SeaweedFS), with the same prepared drafts and tokens as `bench_submission.py`: the first half
timed (wall time per submission, SQL statements sent through SQLAlchemy, the cyclic
garbage collector's passes), the second under
cProfile, then prints self time by package and the costliest functions (`PROFILE_PACKAGES`,
comma-separated, adds the costliest of those packages; `PROFILE_CALLERS` the callers of the
functions named). Not part of `make bench` (a profile,
not a figure); py-spy's stacks are broken by SQLAlchemy's greenlets, cProfile's are not."""

from __future__ import annotations

import asyncio
import cProfile
import gc
import os
import pstats
import sys
import time
import uuid
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import bench_submission as bench
from devstacks import prepared_devstack, settings_of

from onething.core.settings import Settings

COUNT = int(os.environ.get("PROFILE_SUBMISSIONS", "600"))


def _package(filename: str) -> str:
    if "site-packages/" in filename:
        return filename.split("site-packages/", 1)[1].split("/", 1)[0]
    if "/onething/" in filename:
        return "onething." + filename.split("/onething/", 1)[1].split("/", 1)[0]
    if filename.startswith("~") or filename.startswith("<"):
        return "builtins"
    return "stdlib"


class _GcPauses:
    """A `gc.callbacks` entry timing each pass of the cyclic collector, by generation."""

    def __init__(self) -> None:
        self.times: dict[int, list[float]] = {0: [], 1: [], 2: []}
        self.began = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self.began = time.perf_counter()
        else:
            self.times[info["generation"]].append(time.perf_counter() - self.began)

    def report(self) -> None:
        for generation, times in self.times.items():
            print(
                f"gc generation {generation}: {len(times)} passes"
                + (
                    f", longest {1000 * max(times):.1f} ms, {1000 * sum(times):.0f} ms in all"
                    if times
                    else ""
                )
            )


async def _run(settings: Settings, tokens: list[str], prepared: list[bench.Prepared]) -> float:
    import httpx
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    from onething.core.app import create_app

    app = create_app(settings)
    statements = [0]

    def one_more(*_: object) -> None:
        statements[0] += 1

    event.listen(Engine, "before_cursor_execute", one_more)
    body = bench._body()
    async with (
        app.lifespan(),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client,
    ):

        async def one(item: bench.Prepared) -> None:
            owner, draft, upload = item
            answer = await client.post(
                "/api/v1/applications",
                json={**body, "materials": [upload], "draft_id": draft},
                headers={
                    "Authorization": f"Bearer {tokens[owner]}",
                    "Idempotency-Key": str(uuid.uuid4()),
                },
            )
            if answer.status_code != 201:
                msg = f"{answer.status_code} {answer.text[:400]}"
                raise RuntimeError(msg)

        for item in prepared[:20]:  # warm caches and prepared statements
            await one(item)
        half = 20 + (len(prepared) - 20) // 2
        statements[0] = 0
        pauses = _GcPauses()
        gc.callbacks.append(pauses)
        started = time.perf_counter()
        for item in prepared[20:half]:
            await one(item)
        plain = (time.perf_counter() - started) / (half - 20)
        gc.callbacks.remove(pauses)
        pauses.report()
        through = statements[0] / (half - 20)
        print(f"SQL statements through SQLAlchemy: {through:.1f} per submission")
        print(f"without the profiler: {1000 * plain:.1f} ms per submission (wall, one at a time)")
        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.enable()
        for item in prepared[half:]:
            await one(item)
        profiler.disable()
        elapsed = time.perf_counter() - started
    stats = pstats.Stats(profiler)
    by_package: dict[str, float] = defaultdict(float)
    total = 0.0
    for (filename, _, _), (_, _, self_time, _, _) in stats.stats.items():  # type: ignore[attr-defined]
        by_package[_package(filename)] += self_time
        total += self_time
    count = len(prepared) - half
    print(f"{count} submissions in {elapsed:.2f} s: {1000 * elapsed / count:.1f} ms each (wall)")
    for name, seconds in sorted(by_package.items(), key=lambda kv: -kv[1])[:18]:
        print(f"  {name:32s} {100 * seconds / total:5.1f} %  {1000 * seconds / count:6.2f} ms")
    stats.sort_stats("tottime").print_stats(35)
    for function in os.environ.get("PROFILE_CALLERS", "").split(","):
        if function:
            stats.sort_stats("tottime").print_callers(function, 12)
    for package in os.environ.get("PROFILE_PACKAGES", "").split(","):
        if package:
            stats.sort_stats("tottime").print_stats(package, 25)
    stats.sort_stats("cumulative").print_stats("onething", 40)
    return elapsed


def main() -> int:
    with prepared_devstack("profile-submission") as stack:
        settings = settings_of(stack)
        owners, tokens = asyncio.run(bench._residents_and_tokens(settings))
        prepared = asyncio.run(bench._confirmed_drafts(settings, owners, bench._body(), COUNT + 20))
        asyncio.run(_run(settings, tokens, prepared))
    return 0


if __name__ == "__main__":
    sys.exit(main())
