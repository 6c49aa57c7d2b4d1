"""The first screen on a phone: life events from the real catalog API, in Chinese first, with the
elderly-mode (长辈版) switch visible at once and working; no script errors, no CSP violations."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, BrowserContext, ConsoleMessage, Page

PHONE = {"width": 360, "height": 640}


@pytest.fixture
async def phone(browser: Browser) -> AsyncIterator[BrowserContext]:
    context = await browser.new_context(viewport=PHONE, locale="zh-CN", device_scale_factor=2)
    yield context
    await context.close()


def _collect_problems(page: Page) -> list[str]:
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


async def test_home_lists_life_events_from_the_catalog_in_chinese(
    phone: BrowserContext, live_server: str
) -> None:
    page = await phone.new_page()
    problems = _collect_problems(page)
    await page.goto(live_server + "/")
    await page.get_by_text("新生儿出生一件事").wait_for()
    assert await page.evaluate("document.documentElement.lang") == "zh-CN"
    cards = page.locator(".bundle-card")
    assert await cards.count() >= 5
    assert problems == []


async def test_home_speaks_english_to_an_english_browser(
    browser: Browser, live_server: str
) -> None:
    context = await browser.new_context(viewport=PHONE, locale="en-GB")
    try:
        page = await context.new_page()
        await page.goto(live_server + "/")
        await page.get_by_text("A baby is born").wait_for()
        assert await page.evaluate("document.documentElement.lang") == "en"
    finally:
        await context.close()


async def test_elderly_mode_enlarges_text_and_tap_targets_and_is_kept_per_session_only(
    phone: BrowserContext, live_server: str
) -> None:
    page = await phone.new_page()
    await page.goto(live_server + "/")
    toggle = page.locator(".elderly-toggle")
    await toggle.wait_for()
    normal_font = await page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    await toggle.click()
    await page.get_by_text("新生儿出生一件事").wait_for()
    elderly_font = await page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert elderly_font >= 18
    assert elderly_font > normal_font
    for target in await page.locator("button, a[href]").all():
        if await target.is_visible():
            box = await target.bounding_box()
            assert box is not None
            assert box["height"] >= 60, await target.inner_text()
    assert await page.evaluate("window.localStorage.length") == 0
    await page.reload()
    await page.get_by_text("新生儿出生一件事").wait_for()
    assert await page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 18
