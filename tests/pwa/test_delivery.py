"""Mail home in the PWA (issue 8): the tracking screen of an application — its parcel, which
service's certificate is inside, the courier's steps — and a returned parcel asking for a
corrected address, which the resident gives with the region picker (GET /api/v1/regions) and
the server's field errors inline; the parcel then goes out again under a new tracking number.

Real all the way: the application is submitted through the API (the other parent confirming),
the worker process dispatches, a clerk's approval issues the birth certificate, the refusal of
the hukou registration leaves it alone in its parcel, the worker orders it from the local
courier service (the repository's stand-in for EMS/SF, its own process), which posts the
signed tracking events to the app."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
from litestar import Litestar
from litestar.testing import AsyncTestClient
from playwright.async_api import BrowserContext, expect
from pwa_helpers import (
    CLERK_PHONE,
    Accounts,
    Watch,
    assert_large_targets,
    axe_violations,
    screenshot_path,
    sign_in,
)
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onething.core.settings import Settings
from onething.delivery.signing import SIGNATURE_HEADER, sign
from onething.identity.models import User
from onething.identity.services import find_by_phone, new_user

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "applications"))
from application_helpers import Tokens, new_key, submission, submittable

NewPhone = Callable[..., Awaitable[BrowserContext]]
POLICE_PHONE = "13600136001"
MAIL_HOME = {
    "method": "mail",
    "recipient": "王芳",
    "phone": "13800138000",
    "region": "500112",
    "address": "双龙湖街道金港大道 88 号 3 栋 1201",
}


async def poll(
    read: Callable[[], Awaitable[Any]], done: Callable[[Any], bool], seconds: float = 60
) -> Any:
    # The state polled is another process's (the worker, the courier): no event to await.
    async with asyncio.timeout(seconds):
        while not done(value := await read()):  # noqa: ASYNC110
            await asyncio.sleep(0.3)
    return value


async def task_of(api: Any, auth: dict[str, str], service: str) -> str:
    async def inbox() -> dict[str, Any]:
        answer = await api.get("/api/v1/department/tasks", headers=auth)
        assert answer.status_code == 200, answer.text
        return {i["service"]: i for i in answer.json()["items"]}

    items = await poll(inbox, lambda items: service in items)
    return str(items[service]["task_id"])


async def courier_event(courier: str, secret: str, number: str, status: str) -> None:
    body = json.dumps({"status": status}).encode()
    async with httpx.AsyncClient(timeout=15) as client:
        answer = await client.post(
            f"{courier}/dev/orders/{number}/events",
            content=body,
            headers={SIGNATURE_HEADER: sign(secret, body)},
        )
    assert answer.status_code == 200, answer.text
    assert answer.json()["webhook_status"] == 200


async def a_returned_parcel(
    app: Litestar,
    client: AsyncTestClient[Litestar],
    sessionmaker: async_sessionmaker[AsyncSession],
    accounts: Accounts,
    courier: str,
    settings: Settings,
) -> str:
    """Submits newborn-birth for the resident (mail home) and brings its first parcel back to
    the sender; returns the application id."""
    ctx = app.state.identity
    tokens = Tokens(sessionmaker, ctx)
    async with sessionmaker() as session, session.begin():
        police = new_user(ctx, role="clerk", department_code="public-security", phone=POLICE_PHONE)
        session.add(police)
    async with sessionmaker() as session:
        resident = await find_by_phone(session, ctx, accounts.resident_phone)
        father = await find_by_phone(session, ctx, accounts.father_phone)
        clerk = await find_by_phone(session, ctx, CLERK_PHONE)
    assert isinstance(resident, User)
    assert isinstance(father, User)
    assert isinstance(clerk, User)
    own = await tokens.issue(str(resident.id))
    body = await submittable(
        client,
        tokens,
        None,
        own,
        submission(delivery=MAIL_HOME),
        partner=(father, accounts.father_phone),  # type: ignore[arg-type]
    )
    created = await client.post("/api/v1/applications", json=body, headers={**own, **new_key()})
    assert created.status_code == 201, created.text
    application_id = str(created.json()["id"])
    health = await tokens.issue(str(clerk.id))
    base = f"/api/v1/department/tasks/{await task_of(client, health, 'birth-medical-certificate')}"
    for step in ("accept", "start-review"):
        assert (await client.post(f"{base}/{step}", json={}, headers=health)).status_code == 200
    assert (
        await client.post(f"{base}/approve", json={"output": {}}, headers=health)
    ).status_code == 200
    police_auth = await tokens.issue(str(police.id))
    hukou = await task_of(client, police_auth, "hukou-birth-registration")
    refused = await client.post(
        f"/api/v1/department/tasks/{hukou}/refuse",
        json={"reason": "户籍地址不符"},
        headers=police_auth,
    )
    assert refused.status_code == 200, refused.text

    async def parcels() -> list[dict[str, Any]]:
        answer = await client.get(f"/api/v1/applications/{application_id}/delivery", headers=own)
        return list(answer.json()["parcels"])

    [parcel] = await poll(parcels, lambda p: len(p) == 1 and p[0]["tracking_number"] is not None)
    for status in ("picked_up", "returned"):
        await courier_event(
            courier, settings.delivery.courier_secret, parcel["tracking_number"], status
        )
    return application_id


async def test_a_returned_parcel_is_tracked_and_sent_again_to_the_corrected_address(
    new_phone: NewPhone,
    live_server: str,
    accounts: Accounts,
    worker: None,
    courier: str,
    app: Litestar,
    client: AsyncTestClient[Litestar],
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
) -> None:
    del worker
    application_id = await a_returned_parcel(app, client, sessionmaker, accounts, courier, settings)
    page = await (await new_phone()).new_page()
    watch = Watch(page)
    await page.goto(live_server + "/")
    await sign_in(page, live_server, accounts.resident_phone)
    await page.locator(".account").get_by_role("link", name="我的办件").click()
    await page.locator(".card__link", has_text="新生儿出生一件事").click()
    await page.get_by_role("link", name="证照寄送").click()
    await page.wait_for_url(f"**/applications/{application_id}/delivery")
    await expect(page.get_by_role("heading", level=1, name="证照寄送")).to_be_focused()
    parcel = page.locator(".parcel")
    await expect(parcel).to_contain_text("第 1 件邮件")
    await expect(parcel).to_contain_text("已退回")
    await expect(parcel).to_contain_text("内装：出生医学证明首次签发")
    await expect(parcel.locator(".timeline")).to_contain_text("快递已揽收")
    await expect(parcel.locator(".timeline")).to_contain_text("邮件被退回")
    await expect(page.locator(".notice")).to_contain_text("第 1 件邮件被退回。请核对并修改收件地址")
    await expect(page.locator(".panel")).to_contain_text("双龙湖街道金港大道 88 号 3 栋 1201")
    # The form holds the address as it was; the picker shows its county.
    await expect(page.locator("#delivery-region")).to_have_value("500112")
    await expect(page.locator("#delivery-region-province")).to_have_value("500000")
    await page.screenshot(path=screenshot_path("pwa-tracking-returned"), full_page=False)
    first_number = await parcel.locator(".parcel__tracking").inner_text()
    for elderly in (False, True):  # the tracking screen with its form, in both modes
        if elderly:
            await page.locator(".elderly-toggle").click()
            await expect(page.locator("html")).to_have_class("elderly")
        assert await axe_violations(page) == [], elderly
        if elderly:
            await assert_large_targets(page)
            await page.locator(".elderly-toggle").click()

    # A wrong number: the server's message at the field, nothing changed.
    await page.locator("#delivery-phone").fill("1381234")
    await page.get_by_role("button", name="保存", exact=True).click()
    await expect(page.locator("#delivery-phone-error")).to_be_visible()
    await expect(page.locator("#delivery-phone")).to_have_attribute("aria-invalid", "true")
    await expect(parcel).to_contain_text("已退回")

    # The corrected address: another district through the picker, the street retyped.
    await page.locator("#delivery-phone").fill("13800138000")
    await page.locator("#delivery-region").select_option("500105")
    await page.locator("#delivery-address").fill("观音桥街道建新北路 1 号 2 单元")
    await page.get_by_role("button", name="保存", exact=True).click()
    await expect(page.locator(".notice")).to_have_count(0)
    await expect(page.locator(".panel")).to_contain_text("观音桥街道建新北路 1 号 2 单元")
    await expect(page.locator(".panel")).to_contain_text("江北区")
    for _ in range(60):  # the worker orders it again; the page shows what the server says
        if "已交寄" in await parcel.inner_text():
            break
        await asyncio.sleep(0.5)
        await page.reload()
    await expect(parcel).to_contain_text("已交寄")
    again = await parcel.locator(".parcel__tracking").inner_text()
    assert "运单号 LC" in again
    assert again != first_number
    await expect(page.locator("main")).to_contain_text("有邮件正在寄送途中，暂时不能修改地址。")
    assert watch.problems == [
        "422 " + f"{live_server}/api/v1/applications/{application_id}/delivery"
    ]
