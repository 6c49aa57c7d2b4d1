"""Offline on a phone: the service worker serves the app shell with the offline notice, answers
typed offline stay in the tab and reach the server draft on reconnect, and no cache holds any
API response or personal data."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from playwright.async_api import BrowserContext, expect
from pwa_helpers import NEWBORN, Accounts, Watch, sign_in

NewPhone = Callable[..., Awaitable[BrowserContext]]

CACHED = """async () => {
  const out = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      const response = await cache.match(request);
      out.push({ cache: name, url: request.url, body: await response.text() });
    }
  }
  return out;
}"""


async def test_offline_the_shell_loads_answers_are_kept_and_saved_on_reconnect(
    new_phone: NewPhone, live_server: str, accounts: Accounts
) -> None:
    context = await new_phone()
    page = await context.new_page()
    watch = Watch(page)
    await page.goto(live_server + "/")
    assert await page.evaluate("navigator.serviceWorker.ready.then(r => r.active !== null)")
    await sign_in(page, live_server, accounts.resident_phone)
    # After sign-in the page came back through a navigation: the worker controls it now.
    assert await page.evaluate("navigator.serviceWorker.controller !== null")
    await page.goto(f"{live_server}/bundles/{NEWBORN}")
    await page.get_by_role("button", name="开始填写").click()
    name = page.locator("#field-child-name")
    await name.wait_for()
    await expect(page.locator(".offline-notice")).to_have_count(0)

    await context.set_offline(True)
    await expect(page.locator(".offline-notice")).to_contain_text("您已离线")
    await name.fill("李小明")
    await page.locator("#field-child-birth_weight").fill("3300")
    await expect(page.locator(".save-status")).to_contain_text("联网后自动保存")
    assert (
        await page.evaluate(
            "JSON.parse(sessionStorage.getItem('onething.draft.newborn-birth')).answers.child.name"
        )
        == "李小明"
    )

    # Another tab opened while offline: the shell comes from the service worker's cache.
    other = await context.new_page()
    other_watch = Watch(other)
    shell = await other.goto(live_server + "/")
    assert shell is not None
    assert shell.from_service_worker
    await expect(other.locator(".offline-notice")).to_contain_text("您已离线")
    await expect(other.get_by_text("服务目录暂不可用")).to_be_visible()

    await context.set_offline(False)
    await expect(page.locator(".offline-notice")).to_have_count(0)
    await expect(page.locator(".save-status")).to_have_text("草稿已保存", timeout=15_000)
    token = await page.evaluate("JSON.parse(sessionStorage.getItem('onething.auth')).access")
    auth = {"Authorization": f"Bearer {token}"}
    drafts = await (await page.request.get(f"{live_server}/api/v1/drafts", headers=auth)).json()
    draft = await (
        await page.request.get(f"{live_server}/api/v1/drafts/{drafts[0]['id']}", headers=auth)
    ).json()
    assert draft["answers"]["child"]["name"] == "李小明"
    assert draft["answers"]["child"]["birth_weight"] == "3300"

    # The caches hold the shell only: no API or sign-in response, nothing personal.
    cached = await page.evaluate(CACHED)
    urls = [entry["url"] for entry in cached]
    assert f"{live_server}/index.html" in urls
    assert any("/assets/" in url for url in urls)
    for entry in cached:
        assert "/api/" not in entry["url"], entry["url"]
        assert "/oauth2/" not in entry["url"], entry["url"]
        for personal in ("李小明", accounts.resident_phone, token, drafts[0]["id"]):
            assert personal not in entry["body"], (entry["url"], personal)
    assert watch.problems == []
    assert other_watch.problems == []
