"""Client-side routes load the PWA shell with 200; API and asset misses stay 404 problems."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from onething.core.app import create_app
from onething.core.settings import Settings

SHELL = b"<!doctype html><title>shell</title><main id=main></main>"
HTML = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


@pytest.fixture
async def shell_client(
    settings: Settings, tmp_path: Path
) -> AsyncIterator[AsyncTestClient[Litestar]]:
    (tmp_path / "index.html").write_bytes(SHELL)
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "app.js").write_text("export {};")
    app = create_app(replace(settings, app=replace(settings.app, pwa_dir=tmp_path)))
    async with AsyncTestClient(app=app) as client:
        yield client


async def test_a_browser_navigating_to_a_client_route_gets_the_shell(
    shell_client: AsyncTestClient[Litestar],
) -> None:
    response = await shell_client.get("/bundles/newborn-birth/form/mother", headers=HTML)
    assert response.status_code == 200
    assert response.content == SHELL
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["cache-control"] == "no-cache"


async def test_the_root_and_real_files_are_served_as_files(
    shell_client: AsyncTestClient[Litestar],
) -> None:
    assert (await shell_client.get("/", headers=HTML)).content == SHELL
    assert (await shell_client.get("/assets/app.js")).text == "export {};"


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("/api/v1/nothing-here", HTML),  # API paths never fall back
        ("/assets/missing.js", HTML),  # a missing asset must not be answered with HTML
        ("/bundles/newborn-birth", {"Accept": "application/json"}),  # not a navigation
    ],
)
async def test_other_misses_stay_404_problems(
    shell_client: AsyncTestClient[Litestar], path: str, headers: dict[str, str]
) -> None:
    response = await shell_client.get(path, headers=headers)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
