"""Agent mode (帮办代办) on phones, acceptance scenario 3 of issue 8: a service-hall agent helps an
elderly resident — a widow of 76, after her husband's death (身后一件事) — with her consent by the
SMS code she reads out, acts for her under a permanent "acting for …" banner and submits with a
delegated token (her ID card's e-license standing in for its paper); then on her own phone, in
长辈版 (elderly mode: large type, 60 px targets, axe clean), she sees the application marked as
submitted by the agent, by name, on her behalf, and revokes the delegation."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Awaitable, Callable

from litestar import Litestar
from playwright.async_api import BrowserContext, expect
from pwa_helpers import (
    AGENT_NAME,
    Accounts,
    Watch,
    assert_large_targets,
    axe_violations,
    fill_page,
    issue_id_card,
    latest_code,
    luhn_complete,
    provide_materials,
    screenshot_path,
    sign_in,
)
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onething.catalog.codes import china_today, make_id_number
from onething.core.settings import Settings
from onething.identity.services import new_user

NewPhone = Callable[..., Awaitable[BrowserContext]]
BUNDLE = "after-a-death"
FORM = f"/bundles/{BUNDLE}/form/"
ELDER_PHONE = "13700137000"
ELDER_NAME = "刘秀英"
ELDER_ID = make_id_number("500105", dt.date(1950, 3, 8), 22)  # a woman of 76


def her_answers() -> dict[str, dict[str, str]]:
    """What she tells the agent at the counter: her husband died in hospital ten days ago."""
    died = china_today() - dt.timedelta(days=10)
    return {
        "applicant": {
            "name": ELDER_NAME,
            "id_number": ELDER_ID,
            "phone": ELDER_PHONE,
            "relationship": "spouse",
        },
        "deceased": {
            "name": "张德明",
            "id_number": make_id_number("500105", dt.date(1946, 5, 1), 11),
            "death_time": f"{died.isoformat()}T07:40",
            "death_place": "500105",
            "death_place_type": "hospital",
            "cause_category": "disease",
            "certificate_number": "D5001052026000123",
        },
        "household": {"region": "500105", "address": "江北区观音桥街道建新北路8号1单元302"},
        "funeral": {
            "cremation_date": (died + dt.timedelta(days=3)).isoformat(),
            "ashes": "cemetery",
        },
        "housing_fund": {"account_number": "500105001234567"},
        "benefit": {
            "bank": "icbc",
            "card_number": luhn_complete("622202020055667788"),
            "account_holder": ELDER_NAME,
        },
    }


async def test_an_agent_submits_for_an_elderly_resident_who_then_sees_it_and_revokes_it(
    new_phone: NewPhone,
    live_server: str,
    worker: None,
    accounts: Accounts,
    app: Litestar,
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    del worker  # checks the uploads
    async with sessionmaker() as session, session.begin():
        session.add(
            new_user(
                app.state.identity,
                role="resident",
                phone=ELDER_PHONE,
                name=ELDER_NAME,
                id_number=ELDER_ID,
            )
        )
    await issue_id_card(
        sessionmaker, settings, app, phone=ELDER_PHONE, name=ELDER_NAME, id_number=ELDER_ID
    )
    agent = await (await new_phone()).new_page()
    watch = Watch(agent)
    await agent.goto(live_server + "/")
    await sign_in(agent, live_server, accounts.agent_phone)
    await agent.locator(".account").get_by_role("link", name="帮办代办").click()
    await agent.locator("#delegation-phone").fill(ELDER_PHONE)
    await agent.locator("#delegation-bundle").select_option(BUNDLE)
    await agent.get_by_role("button", name="发送确认短信").click()
    # The code field shows once the request has been answered (the SMS is in the outbox then;
    # reading the outbox before that raced the request and failed now and then).
    await expect(agent.locator("#delegation-code")).to_be_visible()
    # She reads out the code she received.
    code = await latest_code(agent, live_server, ELDER_PHONE)
    await agent.locator("#delegation-code").fill(code)
    await agent.get_by_role("button", name="确认授权").click()
    card = agent.locator(".delegation", has_text="137****7000")
    await expect(card).to_contain_text("身后一件事")
    await card.get_by_role("button", name="代其办理").click()

    banner = agent.locator(".acting-banner")
    await expect(banner).to_contain_text("您正在代 137****7000 办理")
    await agent.get_by_role("button", name="开始填写").click()
    pages = her_answers()
    shown = []
    while "/materials" not in agent.url:
        await agent.wait_for_url(re.compile(rf"({re.escape(FORM)}[a-z_]+$|/materials$)"))
        if "/materials" in agent.url:
            break
        section = agent.url.split(FORM, 1)[1]
        shown.append(section)
        await expect(banner).to_be_visible()
        await fill_page(agent, section, pages[section])
        await agent.locator("form .button").click()
        await agent.wait_for_url(re.compile(rf"({re.escape(FORM)}(?!{section}$)|/materials$)"))
    assert shown == list(pages)  # an agent gets no prefill from her wallet: every page asked
    # Her e-license stands in for her ID card's paper (its holder's name masked), without the
    # agent ever opening her wallet; the other papers are photographed at the counter.
    await provide_materials(
        agent,
        licenses=("applicant-id-card",),
        uploads=(
            "household-register",
            "inheritance-proof",
            "kinship-proof",
            "medical-death-certificate",
        ),
    )
    await expect(agent.locator("#material-applicant-id-card-status")).to_have_text(
        "已用电子证照代替：刘**的“居民身份证”"
    )
    await agent.get_by_role("link", name="检查填写内容").click()
    await expect(agent.locator(".panel")).to_contain_text("所有信息已检查通过")
    await agent.get_by_role("button", name="提交申请").click()
    await agent.wait_for_url(re.compile(r"/applications/[0-9a-f-]{36}$"))
    await expect(banner).to_be_visible()
    await expect(agent.locator(".timeline")).to_contain_text(
        f"申请已提交（代办人 {AGENT_NAME} 操作）"
    )

    # She, on her own phone, in 长辈版 (the switch on the first screen).
    resident = await (await new_phone()).new_page()
    resident_watch = Watch(resident)
    await resident.goto(live_server + "/")
    await resident.get_by_role("button", name=re.compile("^长辈版")).click()
    await expect(resident.locator("html.elderly")).to_have_count(1)
    await sign_in(resident, live_server, ELDER_PHONE)
    await expect(resident.locator(".acting-banner")).to_have_count(0)
    await resident.locator(".account").get_by_role("link", name="我的办件").click()
    await resident.locator(".card__link", has_text="身后一件事").click()
    # Submitted by the agent, by name, on her behalf (issue 8's acceptance list).
    await expect(resident.locator(".timeline")).to_contain_text(
        f"申请已提交（代办人 {AGENT_NAME} 操作）"
    )
    await expect(resident.locator(".submitted-by")).to_contain_text(f"由代办人 {AGENT_NAME} 于")
    await expect(resident.locator(".submitted-by")).to_contain_text("代您提交")
    await assert_large_targets(resident)
    assert await axe_violations(resident) == []
    await resident.locator(".submitted-by").scroll_into_view_if_needed()
    await resident.screenshot(path=screenshot_path("pwa-submitted-by-agent"), full_page=False)
    # 授权管理: whom she allowed, by name; revoked with one (large) tap.
    await resident.locator(".account").get_by_role("link", name="授权管理").click()
    mine = resident.locator(".delegation", has_text="身后一件事")
    await expect(mine).to_contain_text(f"代办人：{AGENT_NAME}")
    await assert_large_targets(resident)
    assert await axe_violations(resident) == []
    await mine.get_by_role("button", name="撤销授权").click()
    await expect(mine).to_have_count(0)
    await expect(resident.locator("main")).to_contain_text("没有有效的代办授权。")

    # The agent can no longer act for her.
    await agent.get_by_role("button", name="结束代办").click()
    await agent.wait_for_url("**/agent")
    await expect(agent.locator(".delegation")).to_have_count(0)
    assert watch.problems == []
    assert resident_watch.problems == []
