"""Lighthouse on home, the bundle intro and a form page (issue 8): performance ≥ 95,
accessibility 100, best practices ≥ 95, measured on the built PWA served by the real app.
`make lighthouse` runs this module and prints the scores per page."""

from __future__ import annotations

from pathlib import Path

import pytest
from lighthouse import PAGES, THRESHOLDS, run_lighthouse


@pytest.mark.parametrize("page", list(PAGES))
def test_lighthouse_scores_meet_the_thresholds(page: str, live_server: str, chromium: Path) -> None:
    audit = run_lighthouse(f"{live_server}{PAGES[page]}", chromium)
    shown = ", ".join(f"{key} {audit.scores[key]}" for key in THRESHOLDS)
    print(f"\nlighthouse {page} ({PAGES[page]}): {shown}")
    assert audit.form_factor == "mobile"
    assert set(audit.scores) == set(THRESHOLDS)
    assert audit.below() == {}, f"{page} below the thresholds: {audit.below()}; " + "; ".join(
        audit.failing
    )
