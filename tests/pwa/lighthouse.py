"""Lighthouse (npm `lighthouse` in pwa/, Debian's chromium, mobile emulation — its default form
factor) on the built PWA as the real app serves it: performance, accessibility and best-practices
scores per page against the thresholds of issue 8. Used by tests/pwa/lighthouse_check.py, which
`make lighthouse` runs with the scores printed."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from onething.core.settings import REPO_ROOT

LIGHTHOUSE = REPO_ROOT / "pwa" / "node_modules" / ".bin" / "lighthouse"
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --no-first-run --disable-quic"
# Home, the bundle intro, and the wizard's first page (it renders before sign-in: the form is
# built from the public catalog; answers are only sent when the resident submits).
PAGES = {
    "home": "/",
    "bundle intro": "/bundles/newborn-birth",
    "form page": "/bundles/newborn-birth/form/child",
}
THRESHOLDS = {"performance": 95, "accessibility": 100, "best-practices": 95}


@dataclass(frozen=True)
class Audit:
    scores: dict[str, int]  # category id -> 0..100
    form_factor: str  # "mobile": Lighthouse's default emulation (a mid-range phone, slow 4G)
    failing: list[str]  # "audit id: title" of each audit below full marks, for the message

    def below(self) -> dict[str, int]:
        return {k: v for k, v in self.scores.items() if v < THRESHOLDS[k]}


def run_lighthouse(url: str, chromium: Path) -> Audit:
    """One Lighthouse run (mobile emulation, simulated slow 4G) with the JSON report read back;
    a run that Lighthouse itself ends with a runtime error (e.g. NO_NAVSTART: the trace missed
    the navigation) is started again once."""
    try:
        return _run_once(url, chromium)
    except LighthouseError:
        return _run_once(url, chromium)


class LighthouseError(RuntimeError):
    pass


def _run_once(url: str, chromium: Path) -> Audit:
    with tempfile.TemporaryDirectory(prefix="lighthouse-") as tmp:
        report = Path(tmp) / "report.json"
        env = dict(os.environ, CHROME_PATH=str(chromium), TMPDIR=tmp)
        completed = subprocess.run(
            [
                str(LIGHTHOUSE),
                url,
                "--output=json",
                f"--output-path={report}",
                "--only-categories=performance,accessibility,best-practices",
                f"--chrome-flags={CHROME_FLAGS}",
                "--quiet",
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        if completed.returncode != 0 or not report.is_file():
            raise LighthouseError(f"lighthouse failed on {url}: {completed.stderr[-2000:]}")
        data = json.loads(report.read_text(encoding="utf-8"))
    if data.get("runtimeError"):
        raise LighthouseError(f"lighthouse on {url}: {data['runtimeError']}")
    scores = {
        key: round((category["score"] or 0) * 100) for key, category in data["categories"].items()
    }
    refs = {
        ref["id"]
        for key in THRESHOLDS
        for ref in data["categories"][key]["auditRefs"]
        if ref.get("weight", 0) > 0
    }
    failing = [
        f"{audit_id}: {audit['title']} ({audit.get('displayValue', '')})"
        for audit_id, audit in data["audits"].items()
        if audit_id in refs and audit.get("score") is not None and audit["score"] < 1
    ]
    return Audit(scores=scores, form_factor=data["configSettings"]["formFactor"], failing=failing)
