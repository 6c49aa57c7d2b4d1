"""Process-wide tuning of a server process (an API worker, a job worker), done once its
long-lived state is loaded."""

from __future__ import annotations

import gc


def freeze_long_lived_objects(environment: str) -> None:
    """Move every object alive now — modules, the catalog, the ORM's mappers, compiled
    statements, the app itself: what lives as long as the process — out of the cyclic garbage
    collector's reach (`gc.freeze`), after collecting what is already garbage.

    Without it each generation-2 pass walks all of them: measured under the submission
    benchmark's load (2 workers, 16 connections), passes of 100–280 ms, a few per worker every
    ten seconds, each stalling every request in flight in that worker — the benchmark's p99.
    After it a pass walks only what was allocated since. Frozen objects are still freed by
    reference counting; only a cycle among them would outlive its use, and these live until
    the process ends anyway.

    Not in the `test` environment: a test process builds and drops many apps, and frozen,
    each would stay."""
    if environment == "test":
        return
    gc.collect()
    gc.freeze()
