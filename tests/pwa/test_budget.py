"""Size budgets of the built PWA (issue 8): what the first screen loads on an old phone over a
slow network — JavaScript ≤ 60 KB and CSS ≤ 15 KB after gzip — and the whole resident journey
(the lazily loaded wizard chunk too) still within the JavaScript budget."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest

from onething.core.settings import REPO_ROOT

DIST = REPO_ROOT / "pwa" / "dist"
JS_BUDGET = 60 * 1024
CSS_BUDGET = 15 * 1024


def gzipped(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=9))


def first_load(kind: str) -> list[Path]:
    """Assets index.html itself references: the entry script (and any modulepreloaded chunk), or
    the stylesheets."""
    html = (DIST / "index.html").read_text(encoding="utf-8")
    if kind == "js":
        refs = re.findall(r'<script[^>]+src="(/assets/[^"]+\.js)"', html)
        refs += re.findall(r'<link[^>]+rel="modulepreload"[^>]+href="(/assets/[^"]+\.js)"', html)
    else:
        refs = re.findall(r'<link[^>]+rel="stylesheet"[^>]+href="(/assets/[^"]+\.css)"', html)
    return [DIST / ref.lstrip("/") for ref in refs]


@pytest.fixture(scope="module", autouse=True)
def built() -> None:
    if not (DIST / "index.html").is_file():
        pytest.fail("the PWA is not built: run `make pwa` (make test does)")


def test_first_load_javascript_is_within_60_kb_gzip() -> None:
    scripts = first_load("js")
    assert scripts, "index.html loads no script"
    total = sum(gzipped(path) for path in scripts)
    print(f"first-load JS: {total} bytes gzip ({', '.join(p.name for p in scripts)})")
    assert total <= JS_BUDGET


def test_first_load_css_is_within_15_kb_gzip() -> None:
    sheets = first_load("css")
    assert sheets, "index.html loads no stylesheet"
    total = sum(gzipped(path) for path in sheets)
    print(f"first-load CSS: {total} bytes gzip")
    assert total <= CSS_BUDGET


def test_the_whole_journey_including_lazy_chunks_is_within_the_javascript_budget() -> None:
    # The resident's journey: every chunk but the clerks' console and agent mode (office
    # screens a resident never loads, with their own messages; each checked by itself below).
    scripts = sorted(
        p for p in (DIST / "assets").glob("*.js") if not p.name.startswith(("clerk-", "agent-"))
    )
    total = sum(gzipped(path) for path in scripts)
    print(f"all JS: {total} bytes gzip over {len(scripts)} files")
    assert len(scripts) > len(first_load("js")), "the wizard is no longer a chunk of its own"
    assert total <= JS_BUDGET


def test_the_clerk_console_is_a_chunk_of_its_own_within_its_share() -> None:
    [console] = (DIST / "assets").glob("clerk-*.js")
    size = gzipped(console)
    print(f"clerk console JS: {size} bytes gzip")
    assert size <= 10 * 1024


def test_agent_mode_is_a_chunk_of_its_own_within_its_share() -> None:
    [screen] = (DIST / "assets").glob("agent-*.js")
    size = gzipped(screen)
    print(f"agent mode JS: {size} bytes gzip")
    assert size <= 10 * 1024
