"""The seed step run by `make run` and `onething seed`: reference data the product needs."""

from __future__ import annotations


async def run_seed() -> list[str]:
    """Load reference data idempotently; returns human-readable lines of what was done."""
    return ["seed: no reference data defined yet"]
