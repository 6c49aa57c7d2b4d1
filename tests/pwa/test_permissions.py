"""授权管理 (issue 8): the resident's consents to third-party mini-apps — listed with each
scope in plain words, withdrawn with one tap (the provider's consent row is gone and the
app's tokens with it) — on the same page as the delegations to agents (test_agent.py revokes
one there)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable

import pytest
from litestar import Litestar
from playwright.async_api import BrowserContext, expect
from pwa_helpers import (
    Accounts,
    Watch,
    assert_large_targets,
    axe_violations,
    screenshot_path,
    sign_in,
)
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onething.core.settings import Settings
from onething.identity.consents import grant_consent
from onething.identity.models import Consent, OAuthClient
from onething.identity.services import find_by_phone
from onething.licenses.context import context_from_settings
from onething.licenses.demo import FATHER, MOTHER, seed_demo_licenses
from onething.licenses.models import LicenseGrant

NewPhone = Callable[..., Awaitable[BrowserContext]]
HOSPITAL = "hospital-mini-app"


@pytest.fixture
async def consented(
    app: Litestar, sessionmaker: async_sessionmaker[AsyncSession], accounts: Accounts
) -> None:
    """The resident allowed the city maternity hospital's mini-app to read their applications."""
    async with sessionmaker() as session, session.begin():
        session.add(
            OAuthClient(
                client_id=HOSPITAL,
                name="市妇幼保健院",
                token_endpoint_auth_method="private_key_jwt",
                redirect_uris=["https://hospital.example/cb"],
                grant_types=["authorization_code"],
                scope="openid profile applications:read",
                first_party=False,
            )
        )
        await session.flush()
        resident = await find_by_phone(session, app.state.identity, accounts.resident_phone)
        assert resident is not None
        await grant_consent(
            session,
            user_id=resident.id,
            client_id=HOSPITAL,
            scopes=["openid", "profile", "applications:read"],
            now=dt.datetime.now(dt.UTC),
            ip=None,
        )


@pytest.mark.parametrize("elderly", [False, True], ids=["normal", "elderly"])
async def test_the_resident_sees_and_withdraws_a_consent_to_a_mini_app(
    new_phone: NewPhone,
    live_server: str,
    accounts: Accounts,
    consented: None,
    sessionmaker: async_sessionmaker[AsyncSession],
    elderly: bool,
) -> None:
    del consented
    page = await (await new_phone()).new_page()
    watch = Watch(page)
    await page.goto(live_server + "/")
    if elderly:
        await page.locator(".elderly-toggle").click()
    await sign_in(page, live_server, accounts.resident_phone)
    await page.locator(".account").get_by_role("link", name="授权管理").click()
    await expect(page.get_by_role("heading", level=1, name="授权管理")).to_be_focused()
    await expect(page.locator("#my-delegations-heading ~ p").first).to_have_text(
        "没有有效的代办授权。"
    )
    card = page.locator(".consent", has_text="市妇幼保健院")
    await expect(card).to_contain_text("授权时间")
    await expect(card.locator(".consent__scopes li")).not_to_have_count(0)
    assert await axe_violations(page) == []
    if elderly:
        await assert_large_targets(page)
    else:
        await page.screenshot(path=screenshot_path("pwa-permissions"), full_page=False)
    await card.get_by_role("button", name="取消授权").click()
    await expect(card).to_have_count(0)
    await expect(page.locator("main")).to_contain_text("您没有授权过第三方应用。")
    async with sessionmaker() as session:
        left = (await session.execute(select(Consent).where(Consent.client_id == HOSPITAL))).all()
    assert left == []
    assert watch.problems == []


async def test_the_father_shares_his_id_card_with_the_mother_from_its_page(
    new_phone: NewPhone,
    live_server: str,
    accounts: Accounts,
    app: Litestar,
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    """授权他人使用 on a license page: by her ID number, for one life event; the grant is what
    `wallet/prefill` then uses for her (a wrong number is refused at the field)."""
    del accounts
    async with sessionmaker() as session, session.begin():
        await seed_demo_licenses(
            session,
            app.state.identity,
            context_from_settings(settings),
            now=dt.datetime.now(dt.UTC),
        )
    page = await (await new_phone()).new_page()
    watch = Watch(page)
    await page.goto(live_server + "/")
    await sign_in(page, live_server, FATHER.phone)
    await page.locator(".account").get_by_role("link", name="卡包").click()
    await page.get_by_role("link", name="居民身份证").first.click()
    await page.locator("#share-id-number").fill("110101199001011234")
    await page.locator("#share-purpose").select_option("newborn-birth")
    await page.get_by_role("button", name="授权使用").click()
    await expect(page.locator("#share-id-number-error")).to_be_visible()
    await page.locator("#share-id-number").fill(MOTHER.id_number)
    await page.get_by_role("button", name="授权使用").click()
    await expect(page.locator(".share__status")).to_contain_text("已授权")
    async with sessionmaker() as session:
        grants = (await session.execute(select(LicenseGrant))).scalars().all()
    assert [g.purpose for g in grants] == ["newborn-birth"]
    assert len(watch.problems) == 1
    assert watch.problems[0].startswith("4")  # the refused number
