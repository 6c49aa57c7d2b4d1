"""No user-facing string outside the message catalogs (issue 8): outside `src/i18n/`, the PWA's
sources hold no words between JSX tags, no labelling attribute with literal text and no Chinese
in any string (`pwa/scripts/strings.mjs` parses them with the bundler's own parser). Catalog
data (service names, field labels) comes from the API in both languages. index.html's
<noscript> text is the one exception: it shows before any script, so any catalog, can load."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

from onething.core.settings import REPO_ROOT

PWA = REPO_ROOT / "pwa"
CATALOGS = PWA / "src" / "i18n"


def scan(*files: Path) -> dict[str, Any]:
    done = subprocess.run(
        ["node", "scripts/strings.mjs", *map(str, files)],
        cwd=PWA,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def test_the_scanner_finds_literal_text(tmp_path: Path) -> None:
    sample = tmp_path / "Sample.tsx"
    sample.write_text(
        'export const A = () => <p class="x">{t.ok}</p>;\n'
        "export const B = () => <p>Hello {name}</p>;\n"
        'export const C = () => <button aria-label="Close" />;\n'
        'export const E = () => <b>{"Submit"}</b>;\n'
        "export const d = `第 ${n} 步`;\n"
        "// 长辈版: comments may say anything\n",
        encoding="utf-8",
    )
    found = [item["text"] for item in scan(sample)["found"]]
    assert found == ["Hello", 'aria-label="Close"', "Submit", "第 ", " 步"]


def test_no_user_facing_string_outside_the_message_catalogs() -> None:
    result = scan()
    assert result["files"] > 30, "the sources moved?"
    assert result["found"] == []


def test_both_catalogs_define_the_same_messages() -> None:
    def keys(name: str) -> list[str]:
        text = (CATALOGS / name).read_text(encoding="utf-8")
        return sorted(set(re.findall(r"(?m)^  ([A-Za-z]+):", text)))

    assert keys("zh-CN.ts") == keys("en.ts")
    assert len(keys("zh-CN.ts")) > 100
