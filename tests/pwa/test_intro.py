"""The bundle intro page (一件事 start page) on a phone: a card on the home screen leads to it; it
shows the services with their departments, promised working days and order, the materials and
the steps of the form, and answering a situation question changes them at once."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from playwright.async_api import BrowserContext, expect
from pwa_helpers import NEWBORN, Watch, assert_headings_in_order, heading_levels, service

NewPhone = Callable[..., Awaitable[BrowserContext]]


async def test_a_life_event_card_opens_its_intro_with_services_departments_and_materials(
    new_phone: NewPhone, live_server: str
) -> None:
    page = await (await new_phone()).new_page()
    watch = Watch(page)
    await page.goto(live_server + "/")
    await page.get_by_role("link", name=re.compile("新生儿出生一件事")).click()
    await page.wait_for_url(f"**/bundles/{NEWBORN}")
    await expect(page.locator("main h1")).to_have_text("新生儿出生一件事")
    await expect(page.locator("main h1")).to_be_focused()
    await expect(page).to_have_title(re.compile("^新生儿出生一件事"))

    services = page.locator(".services .service")
    await expect(services).to_have_count(8)
    certificate = service(page, "出生医学证明首次签发")
    await expect(certificate).to_contain_text("重庆市江北区卫生健康委员会")
    await expect(certificate).to_contain_text("1 个工作日")
    await expect(certificate).to_contain_text("证照邮寄到家")
    hukou = service(page, "出生登记（新生儿落户）")
    await expect(hukou).to_contain_text("在“出生医学证明首次签发”办结后自动接续办理")
    await expect(page.locator(".intro__summary")).to_have_text(
        "共 8 个事项，涉及 6 个部门，一次申请即可。"
    )
    await expect(page.locator(".materials")).to_contain_text("结婚证")
    await expect(page.locator(".materials")).to_contain_text("可用电子证照：居民身份证")
    await expect(page.locator(".steps li")).to_have_count(11)
    assert_headings_in_order(await heading_levels(page))
    assert watch.problems == []


async def test_not_married_removes_the_marriage_certificate_and_the_marriage_step(
    new_phone: NewPhone, live_server: str
) -> None:
    page = await (await new_phone()).new_page()
    await page.goto(f"{live_server}/bundles/{NEWBORN}")
    steps = page.locator(".steps")
    await expect(steps).to_contain_text("婚姻登记信息")
    await expect(page.locator(".materials")).to_contain_text("结婚证")

    await page.get_by_role("group", name="父母是否已登记结婚？").get_by_label("否").check()

    await expect(page.locator(".materials")).not_to_contain_text("结婚证")
    await expect(steps).not_to_contain_text("婚姻登记信息")
    await expect(page.locator(".steps li")).to_have_count(10)
    # Services do not change: this question only changes fields and materials.
    await expect(page.locator(".services .service")).to_have_count(8)


async def test_born_outside_the_province_drops_the_birth_certificate_service_with_the_reason(
    new_phone: NewPhone, live_server: str
) -> None:
    page = await (await new_phone()).new_page()
    watch = Watch(page)
    await page.goto(f"{live_server}/bundles/{NEWBORN}")
    services = page.locator(".services .service")
    await expect(service(page, "出生医学证明首次签发")).to_have_count(1)
    await expect(page.locator(".materials")).not_to_contain_text("出生医学证明")

    question = page.get_by_role("group", name="孩子是否在重庆市内的医疗机构出生？")
    await question.get_by_label("否").check()

    await expect(services).to_have_count(7)
    await expect(service(page, "出生医学证明首次签发")).to_have_count(0)
    excluded = page.locator(".excluded__item", has_text="出生医学证明首次签发")
    await expect(excluded).to_contain_text("因为“孩子是否在重庆市内的医疗机构出生？”您选择了“否”")
    await expect(page.locator(".intro__summary")).to_contain_text("共 7 个事项")
    # The hukou no longer waits for a certificate this bundle does not issue.
    hukou = service(page, "出生登记（新生儿落户）")
    await expect(hukou).not_to_contain_text("办结后自动接续办理")
    # The resident now brings the certificate issued elsewhere (the merged form says so).
    await expect(page.locator(".materials")).to_contain_text("出生医学证明")

    await question.get_by_label("是").check()
    await expect(services).to_have_count(8)
    await expect(page.locator(".excluded__item")).to_have_count(0)
    assert watch.problems == []


async def test_an_optional_service_is_added_when_chosen(
    new_phone: NewPhone, live_server: str
) -> None:
    page = await (await new_phone()).new_page()
    await page.goto(f"{live_server}/bundles/{NEWBORN}")
    services = page.locator(".services .service")
    await expect(services).to_have_count(8)
    await page.get_by_label("育儿补贴申领").check()
    await expect(services).to_have_count(9)
    await expect(service(page, "育儿补贴申领")).to_contain_text("3 个工作日")


async def test_an_unknown_bundle_says_so_and_offers_the_way_home(
    new_phone: NewPhone, live_server: str
) -> None:
    page = await (await new_phone()).new_page()
    await page.goto(f"{live_server}/bundles/no-such-thing")
    await expect(page.get_by_text("没有找到这件事")).to_be_visible()
    await page.get_by_role("link", name="返回首页").click()
    await page.wait_for_url(f"{live_server}/")
    await expect(page.locator(".bundle-card").first).to_be_visible()
