"""Agent mode (帮办代办) on phones: a service-hall agent gets the resident's consent by the SMS code
the resident reads out, acts for them under a permanent "acting for …" banner and submits
newborn-birth with a delegated token; the resident signs in on their own phone, sees the
application marked as done by the agent, and revokes the delegation."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from co_applicant_helpers import (
    ask_the_other_parent,
    confirmed_on_the_applicants_phone,
    the_other_parent_confirms,
)
from litestar import Litestar
from playwright.async_api import BrowserContext, expect
from pwa_helpers import (
    AGENT_NAME,
    NEWBORN,
    Accounts,
    Family,
    Watch,
    continue_to,
    fill_page,
    issue_id_card,
    latest_code,
    provide_materials,
    screenshot_path,
    sign_in,
)
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onething.core.settings import Settings

NewPhone = Callable[..., Awaitable[BrowserContext]]
FORM = f"/bundles/{NEWBORN}/form"


async def test_an_agent_submits_for_a_resident_who_then_sees_it_and_revokes_the_delegation(
    new_phone: NewPhone,
    live_server: str,
    worker: None,
    accounts: Accounts,
    app: Litestar,
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    del worker  # checks the uploads
    await issue_id_card(
        sessionmaker,
        settings,
        app,
        phone=accounts.resident_phone,
        name="王芳",
        id_number=Family().mother_id,
    )
    agent = await (await new_phone()).new_page()
    watch = Watch(agent)
    await agent.goto(live_server + "/")
    await sign_in(agent, live_server, accounts.agent_phone)
    await agent.locator(".account").get_by_role("link", name="帮办代办").click()
    await agent.locator("#delegation-phone").fill(accounts.resident_phone)
    await agent.locator("#delegation-bundle").select_option(NEWBORN)
    await agent.get_by_role("button", name="发送确认短信").click()
    # The code field shows once the request has been answered (the SMS is in the outbox then;
    # reading the outbox before that raced the request and failed now and then).
    await expect(agent.locator("#delegation-code")).to_be_visible()
    # The resident reads out the code they received.
    code = await latest_code(agent, live_server, accounts.resident_phone)
    await agent.locator("#delegation-code").fill(code)
    await agent.get_by_role("button", name="确认授权").click()
    card = agent.locator(".delegation", has_text="138****8000")
    await expect(card).to_contain_text("新生儿出生一件事")
    await card.get_by_role("button", name="代其办理").click()

    banner = agent.locator(".acting-banner")
    await expect(banner).to_contain_text("您正在代 138****8000 办理")
    await agent.get_by_role("button", name="开始填写").click()
    pages = Family().pages()
    sections = list(pages)
    for number, section in enumerate(sections, start=1):
        await agent.wait_for_url(f"**{FORM}/{section}")
        await expect(banner).to_be_visible()
        await fill_page(agent, section, pages[section])
        following = sections[number] if number < len(sections) else None
        await continue_to(agent, f"{FORM}/{following}" if following else f"/bundles/{NEWBORN}/materials")
    # The agent may use the resident's e-license for the application (its holder's name
    # masked), without ever opening the wallet; the other papers are photographed.
    await expect(agent.locator("#material-mother-id-card-item [data-license]")).to_contain_text(
        "使用王*的“居民身份证”"
    )
    await provide_materials(
        agent,
        licenses=("mother-id-card",),
        uploads=(
            "father-id-card",
            "household-register",
            "marriage-certificate",
            "discharge-record",
        ),
    )
    await agent.get_by_role("link", name="检查填写内容").click()
    await expect(agent.locator(".panel")).to_contain_text("所有信息已检查通过")
    # The agent asks the father, who confirms on his own phone.
    await ask_the_other_parent(agent, accounts.father_phone)
    await the_other_parent_confirms(
        new_phone, live_server, accounts.father_phone, expect_facts=["李强"], never=[]
    )
    await confirmed_on_the_applicants_phone(agent)
    await agent.get_by_role("button", name="提交申请").click()
    await agent.wait_for_url(re.compile(r"/applications/[0-9a-f-]{36}$"))
    await expect(banner).to_be_visible()
    await expect(agent.locator(".timeline")).to_contain_text(
        f"申请已提交（代办人 {AGENT_NAME} 操作）"
    )

    # The resident, on their own phone.
    resident = await (await new_phone()).new_page()
    resident_watch = Watch(resident)
    await resident.goto(live_server + "/")
    await sign_in(resident, live_server, accounts.resident_phone)
    await expect(resident.locator(".acting-banner")).to_have_count(0)
    await resident.locator(".account").get_by_role("link", name="我的办件").click()
    await resident.locator(".card__link", has_text="新生儿出生一件事").click()
    # Submitted by the agent, by name, on the resident's behalf (issue 8's acceptance list).
    await expect(resident.locator(".timeline")).to_contain_text(
        f"申请已提交（代办人 {AGENT_NAME} 操作）"
    )
    await expect(resident.locator(".submitted-by")).to_contain_text(f"由代办人 {AGENT_NAME} 于")
    await expect(resident.locator(".submitted-by")).to_contain_text("代您提交")
    await resident.screenshot(path=screenshot_path("pwa-submitted-by-agent"), full_page=False)
    # 授权管理: whom the resident allowed, by name; revoked with one tap.
    await resident.locator(".account").get_by_role("link", name="授权管理").click()
    mine = resident.locator(".delegation", has_text="新生儿出生一件事")
    await expect(mine).to_contain_text(f"代办人：{AGENT_NAME}")
    await mine.get_by_role("button", name="撤销授权").click()
    await expect(mine).to_have_count(0)
    await expect(resident.locator("main")).to_contain_text("没有有效的代办授权。")

    # The agent can no longer act for the resident.
    await agent.get_by_role("button", name="结束代办").click()
    await agent.wait_for_url("**/agent")
    await expect(agent.locator(".delegation")).to_have_count(0)
    assert watch.problems == []
    assert resident_watch.problems == []
