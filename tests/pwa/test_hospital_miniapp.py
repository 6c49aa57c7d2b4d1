"""The example mini-app end to end (issue 9): examples/hospital-miniapp in its own process,
registered with `onething clients register` (private_key_jwt, inline JWKS), the resident in
Chromium: the hospital's page → OneThing's sign-in and consent page → back at the hospital,
which launches a newborn-birth draft prefilled with its birth facts → the resident completes
and submits it in the PWA → the mini-app receives the signed status webhooks and verifies
them (a forged one is refused)."""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys
import time
import urllib.request
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from co_applicant_helpers import (
    ask_the_other_parent,
    confirmed_on_the_applicants_phone,
    the_other_parent_confirms,
)
from playwright.async_api import BrowserContext, Page, expect
from pwa_helpers import (
    NEWBORN,
    Accounts,
    Family,
    Watch,
    latest_code,
    provide_materials,
    screenshot_path,
    sign_in,
)

from live_app import server_env
from onething.core.processes import free_port
from onething.core.settings import REPO_ROOT, Settings

pytestmark = pytest.mark.slow

NewPhone = Callable[..., Awaitable[BrowserContext]]
EXAMPLE = REPO_ROOT / "examples" / "hospital-miniapp"
CLIENT_ID = "hospital-mini-app"
HOSPITAL_FACTS = {"sex", "birth_time", "gestational_weeks", "birth_weight", "birth_length"}


@dataclass(frozen=True)
class Hospital:
    url: str
    webhook_secret: str

    async def events(self, page: Page) -> dict[str, Any]:
        """What the mini-app received and verified (its --dev log: ids and states only)."""
        snapshot: dict[str, Any] = await (await page.request.get(f"{self.url}/events.json")).json()
        return snapshot


def _example(*args: str, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "hospital_miniapp", *args],
        cwd=EXAMPLE,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout


@pytest.fixture
def hospital(
    settings: Settings, live_server: str, worker: None, accounts: Accounts, tmp_path: Path
) -> Iterator[Hospital]:
    """The mini-app as its developer runs it: make a key, print the registration, have the
    platform's administrator register it (the CLI shows the webhook secret once), serve."""
    del worker, accounts
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    key = tmp_path / "hospital-key.json"
    _example("keygen", "--out", str(key))
    registration = tmp_path / "registration.json"
    registration.write_text(_example("registration", "--key", str(key), "--public-url", url))
    platform_port = int(live_server.rsplit(":", 1)[1])
    registered = subprocess.run(
        [sys.executable, "-m", "onething", "clients", "register", str(registration)],
        cwd=REPO_ROOT,
        env=server_env(settings, platform_port, live_server),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    secret = json.loads(registered.stdout)["webhook_secret"]
    env = server_env(settings, platform_port, live_server) | {
        "HOSPITAL_PLATFORM_URL": live_server,
        "HOSPITAL_CLIENT_ID": CLIENT_ID,
        "HOSPITAL_KEY_FILE": str(key),
        "HOSPITAL_WEBHOOK_SECRET": secret,
        "HOSPITAL_PUBLIC_URL": url,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "hospital_miniapp", "serve", "--port", str(port), "--dev"],
        cwd=EXAMPLE,
        env=env,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=2):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"the mini-app did not start (exit {process.returncode})")
                time.sleep(0.2)
        yield Hospital(url=url, webhook_secret=secret)
    finally:
        process.terminate()
        process.wait(10)


async def consent_at_onething(page: Page, base: str, phone: str) -> None:
    """OneThing's own pages: phone and SMS code, then the consent page naming the hospital."""
    await page.wait_for_url(f"{base}/oauth2/login**")
    await page.locator("#phone").fill(phone)
    await page.get_by_role("button", name="获取验证码").click()
    await page.locator("#code").wait_for()
    await page.locator("#code").fill(await latest_code(page, base, phone))
    await page.get_by_role("button", name="登录").click()
    await expect(page.locator("main")).to_contain_text("市妇幼保健院")
    await page.screenshot(path=screenshot_path("miniapp-consent"), full_page=True)
    await page.get_by_role("button", name="同意").click()


async def _forged_webhook(page: Page, hospital: Hospital) -> int:
    """An event with a wrong signature, as an attacker who knows the URL would send it."""
    answer = await page.request.post(
        f"{hospital.url}/onething/events",
        data=json.dumps({"id": "forged", "type": "application.submitted", "data": {}}),
        headers={
            "Content-Type": "application/json",
            "OneThing-Event-Id": "forged",
            "OneThing-Timestamp": str(int(time.time())),
            "OneThing-Signature": "v1=" + "0" * 64,
        },
    )
    return answer.status


async def test_consent_prefilled_draft_submission_in_the_pwa_and_verified_webhooks(
    new_phone: NewPhone, live_server: str, hospital: Hospital, accounts: Accounts
) -> None:
    context = await new_phone()
    page = await context.new_page()
    watch = Watch(page)
    await page.goto(hospital.url + "/")
    await expect(page.locator("h1")).to_have_text("新生儿出生一件事")
    await page.get_by_role("link", name="用一件事办理").click()
    await consent_at_onething(page, live_server, accounts.resident_phone)

    # Back at the hospital: the draft exists, prefilled with the hospital's facts only.
    await page.wait_for_url(f"{hospital.url}/launched")
    prefilled = await page.locator("#prefilled li").all_inner_texts()
    assert {f"child.{fact}" for fact in HOSPITAL_FACTS} <= set(prefilled)
    assert "child.name" not in prefilled
    await page.screenshot(path=screenshot_path("miniapp-launched"), full_page=True)

    # In OneThing's app: the draft opens with the hospital named as the source of its facts.
    await page.get_by_role("link", name="到一件事应用继续").click()
    await page.wait_for_url(re.compile(rf"{re.escape(live_server)}/bundles/{NEWBORN}"))
    await resident_completes_and_submits(page, new_phone, live_server, accounts)
    # The birth hospital's department takes the certificate on: a task status change.
    await clerk_accepts_the_birth_certificate(new_phone, live_server, accounts)

    # The mini-app hears of it: signed events, verified, each once.
    deadline = time.monotonic() + 60
    while True:
        snapshot = await hospital.events(page)
        kinds = {event["type"] for event in snapshot["events"]}
        accepted = [
            e
            for e in snapshot["events"]
            if e["type"] == "task.status_changed" and e["data"]["state"] == "accepted"
        ]
        if "application.submitted" in kinds and accepted:
            break
        assert time.monotonic() < deadline, f"webhooks received: {snapshot}"
        await asyncio.sleep(0.5)
    submitted = next(e for e in snapshot["events"] if e["type"] == "application.submitted")
    assert accepted[0]["data"]["service"] == "birth-medical-certificate"
    assert accepted[0]["data"]["application_id"] == submitted["data"]["application_id"]
    assert submitted["client_id"] == CLIENT_ID
    assert submitted["data"]["bundle"] == NEWBORN
    assert len({e["id"] for e in snapshot["events"]}) == len(snapshot["events"])
    assert snapshot["refused"] == 0
    # Only ids and states travel: no name, ID number or phone in any event.
    text = json.dumps(snapshot, ensure_ascii=False)
    assert accounts.resident_phone not in text
    assert Family().mother_id not in text

    assert await _forged_webhook(page, hospital) == 401
    assert (await hospital.events(page))["refused"] == 1
    await page.goto(hospital.url + "/launched")
    await expect(page.locator("#progress")).to_contain_text("birth-medical-certificate 已受理")
    await page.screenshot(path=screenshot_path("miniapp-progress"), full_page=True)
    assert watch.problems == []


async def resident_completes_and_submits(
    page: Page, new_phone: NewPhone, base: str, accounts: Accounts
) -> None:
    """In the PWA: signed in (the provider remembers her from the consent), the hospital's
    draft taken in, its facts shown with the hospital as their source; she types what is still
    empty, page by page (the wizard may skip complete pages), checks, has the other parent
    confirm on their phone, and submits."""
    await page.locator(".account").get_by_role("button", name="登录").click()
    await expect(page.locator(".account").get_by_role("button", name="退出登录")).to_be_visible()
    await page.wait_for_url(f"**/bundles/{NEWBORN}")  # the draft taken in, its id gone
    await page.get_by_role("button", name="开始填写").click()
    form = f"/bundles/{NEWBORN}/form/"
    await page.wait_for_url(f"**{form}child")
    hint = page.locator("#field-child-birth_weight-hint")
    await expect(hint).to_contain_text("市妇幼保健院")
    for fact in HOSPITAL_FACTS:  # as the hospital recorded them, not typed
        assert await page.locator(f'[name="field-child-{fact}"]').first.input_value() != ""
    pages = Family().pages()
    for _ in range(len(pages) + 1):
        if "/materials" in page.url:
            break
        section = page.url.split(form, 1)[1].split("?")[0]
        await page.locator("main h1").wait_for()
        await fill_what_is_empty(page, section, pages[section])
        await page.locator("form .button").click()
        await page.wait_for_url(re.compile(rf"({re.escape(form)}(?!{section}$)|/materials$)"))
    # No e-licenses in her wallet: a photo of each paper the bundle needs, straight to S3.
    inputs = page.locator('input[type="file"][id^="material-"]')
    await inputs.first.wait_for()
    materials = [str(await i.get_attribute("id"))[len("material-") :] for i in await inputs.all()]
    await provide_materials(page, uploads=tuple(materials))
    await page.get_by_role("link", name="检查填写内容").click()
    await expect(page.locator(".panel")).to_contain_text("所有信息已检查通过")
    await expect(page.locator("#review-materials ~ p")).to_have_text("需要的材料都已提供。")
    await ask_the_other_parent(page, accounts.father_phone)
    await the_other_parent_confirms(
        new_phone, base, accounts.father_phone, expect_facts=["李小明"], never=[]
    )
    await confirmed_on_the_applicants_phone(page)
    await page.get_by_role("button", name="提交申请").click()
    await page.wait_for_url(re.compile(r"/applications/[0-9a-f-]{36}$"))


async def fill_what_is_empty(page: Page, section: str, values: dict[str, str]) -> None:
    """Type or choose each value whose field is still empty; prefilled ones stay as given."""
    for name, value in values.items():
        control = page.locator(f'[name="field-{section}-{name}"]')
        if await control.count() == 0:
            continue
        kind = await control.first.evaluate("e => e.tagName + ':' + (e.type || '')")
        if kind == "INPUT:radio":
            if await page.locator(f'[name="field-{section}-{name}"]:checked').count() == 0:
                await page.locator(f'[name="field-{section}-{name}"][value="{value}"]').check()
        elif kind.startswith("SELECT"):
            if await control.first.input_value() == "":
                await control.first.select_option(value)
        elif await control.first.input_value() == "":
            await control.first.fill(value)


async def clerk_accepts_the_birth_certificate(
    new_phone: NewPhone, base: str, accounts: Accounts
) -> None:
    """A clerk of the health commission, on a phone of their own, accepts (受理) the task."""
    clerk = await (await new_phone()).new_page()
    await clerk.goto(base + "/")
    await sign_in(clerk, base, accounts.clerk_phone)
    await clerk.locator(".account").get_by_role("link", name="待办任务").click()
    await clerk.wait_for_url("**/clerk")
    card = clerk.locator(".inbox .card", has_text="出生医学证明首次签发")
    for _ in range(30):  # in the inbox once the worker has dispatched it
        if await card.count():
            break
        await asyncio.sleep(1)
        await clerk.reload()
    await card.get_by_role("link").click()
    await clerk.wait_for_url("**/clerk/tasks/*")
    await clerk.locator(".decisions").get_by_role("button", name="受理", exact=True).click()
    await clerk.locator("form.decision").get_by_role("button", name="受理", exact=True).click()
    await expect(clerk.locator("form.decision")).to_have_count(0)
