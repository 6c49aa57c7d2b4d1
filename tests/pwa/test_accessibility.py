"""axe-core (npm) finds no WCAG 2.2 A/AA or best-practice violation on the main screens of the
resident journey, in normal mode and in 长辈版 (elderly mode), on a phone; in elderly mode the
same screens keep body text ≥ 18 px and tap targets ≥ 60 px. (The progress and clerk screens
are checked in test_journey.py, where they have real data.)"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from playwright.async_api import BrowserContext, expect
from pwa_helpers import NEWBORN, Watch, assert_large_targets, axe_violations

NewPhone = Callable[..., Awaitable[BrowserContext]]


@pytest.mark.parametrize("elderly", [False, True], ids=["normal", "elderly"])
async def test_the_main_screens_have_no_axe_violations(
    new_phone: NewPhone, live_server: str, elderly: bool
) -> None:
    page = await (await new_phone()).new_page()
    watch = Watch(page)
    found: dict[str, list[str]] = {}

    async def check(name: str) -> None:
        found[name] = await axe_violations(page)
        if elderly:
            await assert_large_targets(page)

    await page.goto(live_server + "/")
    if elderly:
        await page.locator(".elderly-toggle").click()
        await expect(page.locator("html")).to_have_class("elderly")
    await page.locator(".bundle-card").first.wait_for()
    await check("home")

    await page.goto(f"{live_server}/bundles/{NEWBORN}")
    await page.get_by_role("button", name="开始填写").wait_for()
    await check("intro")

    await page.get_by_role("button", name="开始填写").click()
    await page.locator("#field-child-name").wait_for()
    await check("form")
    await page.locator("form .button").click()
    await expect(page.locator(".error-summary")).to_be_focused()
    await check("form with errors")

    await page.goto(f"{live_server}/bundles/{NEWBORN}/materials")
    await page.get_by_role("heading", level=1, name="上传材料").wait_for()
    await check("materials")

    await page.goto(f"{live_server}/bundles/{NEWBORN}/review")
    await page.get_by_role("heading", level=1, name="检查您填写的信息").wait_for()
    await expect(page.locator(".review__status .status")).to_have_count(0)
    await check("review")

    await page.goto(f"{live_server}/no-such-page")
    await page.locator("main h1").wait_for()
    await check("not found")

    assert {name: v for name, v in found.items() if v} == {}
    assert len(found) == 7
    # axe really runs: an image without a text alternative is reported.
    await page.evaluate("document.querySelector('main').append(document.createElement('img'))")
    assert any(v.startswith("image-alt:") for v in await axe_violations(page))
    assert watch.problems == []
