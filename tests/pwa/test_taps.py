"""Counting taps and typed fields (issue 8): newborn-birth by a returning parent — the demo
mother, whose ID card, household register and marriage certificate e-licenses are in her wallet
and who signed in on this phone before (the provider's session remembers her). The script acts
as she would: it types only into fields that are still empty after the wallet prefill, taps a
radio only when it is not already the right one, and counts a drop-down as two taps (open,
choose). The counts are printed and written to var/journey-counts.json; the test asserts the
prefill really saved typing, not the goal itself (≤ 3 typed fields, ≤ 15 taps)."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import pytest
from co_applicant_helpers import (
    ask_the_other_parent,
    confirmed_on_the_applicants_phone,
    the_other_parent_confirms,
)
from litestar import Litestar
from playwright.async_api import BrowserContext, Page, expect
from pwa_helpers import NEWBORN, Accounts, Family, provide_materials, sign_in
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onething.core.settings import REPO_ROOT, Settings
from onething.identity.context import IdentityContext
from onething.licenses.context import context_from_settings
from onething.licenses.demo import FATHER, MOTHER, seed_demo_grants, seed_demo_licenses

NewPhone = Callable[..., Awaitable[BrowserContext]]
FORM = f"/bundles/{NEWBORN}/form"


@dataclass
class Counts:
    taps: int = 0
    typed: int = 0
    prefilled: int = 0


@pytest.fixture
async def demo_wallet(
    app: Litestar, settings: Settings, sessionmaker: async_sessionmaker[AsyncSession], accounts: Accounts
) -> None:
    del accounts  # the PWA client is registered
    identity: IdentityContext = app.state.identity
    async with sessionmaker() as session, session.begin():
        now = dt.datetime.now(dt.UTC)
        issued = await seed_demo_licenses(
            session, identity, context_from_settings(settings), now=now
        )
        # As `make run` seeds it: the father shares his ID card and household register.
        shared = await seed_demo_grants(session, identity, now=now)
    assert issued
    assert len(shared) == 2


def answers() -> dict[str, dict[str, str]]:
    """What the demo family answers (the same people as their e-licenses)."""
    pages = Family().pages()
    pages["mother"] |= {"name": MOTHER.name, "id_number": MOTHER.id_number}
    pages["father"] |= {"name": FATHER.name, "id_number": FATHER.id_number, "phone": FATHER.phone}
    pages["household"] |= {"head_name": FATHER.name, "head_id_number": FATHER.id_number}
    return pages


async def answer_page(page: Page, section: str, values: dict[str, str], counts: Counts) -> None:
    for name, value in values.items():
        control = f'[name="field-{section}-{name}"]'
        first = page.locator(control).first
        kind = await first.evaluate("e => e.tagName + ':' + (e.type || '')")
        if kind == "INPUT:radio":
            radio = page.locator(f'{control}[value="{value}"]')
            if not await radio.is_checked():
                await radio.check()
                counts.taps += 1
        elif kind.startswith("SELECT"):
            if await first.input_value() != value:
                await first.select_option(value)
                counts.taps += 2
        else:
            current = await first.input_value()
            if current == "":
                await first.fill(value)
                counts.typed += 1
            else:
                counts.prefilled += 1  # kept as the wallet filled it


async def test_a_returning_parent_with_e_licenses_needs_few_taps_and_typed_fields(
    new_phone: NewPhone, live_server: str, worker: None, demo_wallet: None
) -> None:
    del worker, demo_wallet  # the worker checks the upload
    context = await new_phone()
    first = await context.new_page()
    await first.goto(live_server + "/")
    await sign_in(first, live_server, MOTHER.phone)  # an earlier visit: not counted
    await first.close()

    counts = Counts()
    page = await context.new_page()  # a new visit: a fresh tab, the provider remembers her
    await page.goto(live_server + "/")
    await page.locator(".account").get_by_role("button", name="登录").click()
    counts.taps += 1
    await expect(page.locator(".account").get_by_role("button", name="退出登录")).to_be_visible()
    await page.get_by_role("link", name=re.compile("新生儿出生一件事")).click()
    counts.taps += 1
    await page.get_by_role("button", name="开始填写").click()
    counts.taps += 1
    pages = answers()
    sections = list(pages)
    await page.wait_for_url(f"**{FORM}/{sections[0]}")
    for number, section in enumerate(sections, start=1):
        await page.wait_for_url(f"**{FORM}/{section}")
        await page.locator("main h1").wait_for()
        if section == "mother":  # the wallet's values, each with its source at the field
            hint = page.locator("#field-mother-id_number-hint")
            await expect(hint).to_contain_text("已从电子证照“居民身份证”自动填写")
        await answer_page(page, section, pages[section], counts)
        await page.locator("form .button").click()
        counts.taps += 1
        following = sections[number] if number < len(sections) else None
        await page.wait_for_url(f"**{FORM}/{following}" if following else "**/materials")
    # Four papers replaced by e-licenses (hers and those he shared), one tap each; the
    # hospital's discharge record photographed (one tap to open the camera).
    licensed = ("mother-id-card", "father-id-card", "household-register", "marriage-certificate")
    await provide_materials(page, licenses=licensed, uploads=("discharge-record",))
    counts.taps += len(licensed) + 1
    await page.get_by_role("link", name="检查填写内容").click()
    counts.taps += 1
    await expect(page.locator(".panel")).to_contain_text("所有信息已检查通过")
    # The father's number is the one in the form: one tap asks him; his taps are his own.
    await ask_the_other_parent(page, FATHER.phone)
    counts.taps += 1
    await the_other_parent_confirms(
        new_phone, live_server, FATHER.phone, expect_facts=[FATHER.name], never=[]
    )
    await confirmed_on_the_applicants_phone(page)
    await page.get_by_role("button", name="提交申请").click()
    counts.taps += 1
    await page.wait_for_url(re.compile(r"/applications/[0-9a-f-]{36}$"))

    result = {
        "taps": counts.taps,
        "typed_fields": counts.typed,
        "prefilled_fields": counts.prefilled,
    }
    print(f"newborn-birth, returning parent with e-licenses: {result}")
    (REPO_ROOT / "var").mkdir(exist_ok=True)
    (REPO_ROOT / "var" / "journey-counts.json").write_text(json.dumps(result), encoding="utf-8")
    assert counts.prefilled >= 4  # her ID card and the marriage certificate filled fields
