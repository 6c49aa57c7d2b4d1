"""The merged-form wizard on a phone: one topic per page rendered from the catalog's JSON Schema,
answers checked by the server's own rules with the problems shown next to the field, a review
of every answer, answers kept across a reload in sessionStorage only, elderly mode and English."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Awaitable, Callable

from playwright.async_api import BrowserContext, Page, expect
from pwa_helpers import (
    NEWBORN,
    Family,
    Watch,
    assert_headings_in_order,
    assert_large_targets,
    continue_to,
    fill_page,
    heading_levels,
    service,
    unlabelled_controls,
    wrong_check_char,
)

from onething.catalog.codes import make_id_number

NewPhone = Callable[..., Awaitable[BrowserContext]]
FORM = f"/bundles/{NEWBORN}/form"
REVIEW = f"/bundles/{NEWBORN}/review"


async def start_wizard(page: Page, live_server: str) -> None:
    await page.goto(f"{live_server}/bundles/{NEWBORN}")
    await page.get_by_role("button", name="开始填写").click()
    await page.wait_for_url(f"**{FORM}/child")
    await page.locator("main h1").wait_for()


async def test_a_resident_fills_every_page_fixes_a_server_error_and_reviews_all_answers(
    new_phone: NewPhone, live_server: str
) -> None:
    page = await (await new_phone()).new_page()
    watch = Watch(page)
    family = Family()
    pages = family.pages()
    sections = list(pages)
    await start_wizard(page, live_server)

    for number, section in enumerate(sections, start=1):
        await expect(page.locator(".progress__text")).to_have_text(f"第 {number} 步，共 11 步")
        assert_headings_in_order(await heading_levels(page))
        assert await unlabelled_controls(page) == []
        values = dict(pages[section])
        if section == "mother":
            # A typo in the check character: the server's GB 11643 check catches it.
            values["id_number"] = wrong_check_char(family.mother_id)
            await fill_page(page, section, values)
            await page.locator("form .button").click()
            summary = page.locator(".error-summary")
            await expect(summary).to_be_focused()
            await expect(summary).to_contain_text("母亲公民身份号码：身份证号码校验位不正确")
            await expect(page).to_have_title(re.compile("^错误："))
            field = page.locator("#field-mother-id_number")
            error = page.locator("#field-mother-id_number-error")
            await expect(error).to_have_text(
                "错误：母亲公民身份号码：身份证号码校验位不正确，请核对号码"
            )
            await expect(field).to_have_attribute("aria-invalid", "true")
            await expect(field).to_have_attribute(
                "aria-describedby", re.compile(r"\bfield-mother-id_number-error\b")
            )
            assert page.url.endswith(f"{FORM}/mother")
            # Only this page's problems are shown, not the pages still to come.
            await expect(summary.locator("li")).to_have_count(1)
            # The summary link takes the resident to the field.
            await summary.get_by_role("link").click()
            await expect(field).to_be_focused()
            # Typed in lower case, the X is shown (and sent) in capitals.
            await field.fill(family.mother_id.lower())
            await expect(field).to_have_value(family.mother_id)
        else:
            await fill_page(page, section, values)
        following = sections[number] if number < len(sections) else None
        if following:
            await continue_to(page, f"{FORM}/{following}")
        else:  # the materials step (uploads need a signed-in resident), then the review
            await continue_to(page, f"/bundles/{NEWBORN}/materials")
            await page.get_by_role("link", name="检查填写内容").click()
            await page.wait_for_url(f"**{REVIEW}")

    await expect(page.locator("main h1")).to_have_text("检查您填写的信息")
    await expect(page.locator(".panel")).to_contain_text("所有信息已检查通过")
    main = page.locator("main")
    for typed in (
        "李小明", "王芳", "李强", family.mother_id, family.father_id, "13800138000",
        "J500105-2020-001234", "江北区观音桥街道建新北路1号", pages["benefit"]["card_number"],
        "重庆市妇幼保健院", "观音桥社区卫生服务中心", family.birth_time.replace("T", " "),
    ):  # fmt: skip
        await expect(main).to_contain_text(typed)
    for shown in ("男", "汉族", "随父", "顺产", "中国工商银行", "3300 克", "39 周"):
        await expect(main).to_contain_text(shown)
    for section_title in ("子女信息", "母亲信息", "父亲信息", "婚姻登记信息", "证照邮寄"):
        await expect(page.get_by_role("heading", level=2, name=section_title)).to_be_visible()
    assert_headings_in_order(await heading_levels(page))

    # "Change" goes to the field's page and back to the review.
    await page.get_by_role("link", name="更改 母亲手机号码").click()
    await page.wait_for_url(f"**{FORM}/mother?from=review#field-mother-phone")
    await expect(page.locator("#field-mother-phone")).to_be_focused()
    await page.locator("#field-mother-phone").fill("13700137000")
    await continue_to(page, REVIEW)
    await expect(page.locator("main")).to_contain_text("13700137000")
    await expect(page.locator(".panel")).to_contain_text("所有信息已检查通过")
    assert watch.problems == []


async def test_a_reload_mid_wizard_keeps_the_answers_in_session_storage_only(
    new_phone: NewPhone, live_server: str
) -> None:
    page = await (await new_phone()).new_page()
    family = Family()
    child = family.pages()["child"]
    await start_wizard(page, live_server)
    await fill_page(page, "child", child)
    await continue_to(page, f"{FORM}/mother")
    await page.locator("#field-mother-name").fill("王芳")
    await page.locator("#field-mother-phone").fill("13800138000")

    await page.reload()
    await expect(page.locator("main h1")).to_have_text("母亲信息")
    await expect(page.locator("#field-mother-name")).to_have_value("王芳")
    await expect(page.locator("#field-mother-phone")).to_have_value("13800138000")
    await page.get_by_role("link", name="返回", exact=True).click()
    await page.wait_for_url(f"**{FORM}/child")
    await expect(page.locator("#field-child-name")).to_have_value(child["name"])
    await expect(page.locator("#field-child-birth_time")).to_have_value(child["birth_time"])
    await expect(page.locator('[name="field-child-sex"][value="male"]')).to_be_checked()
    await expect(page.locator("#field-child-ethnicity")).to_have_value("01")

    assert await page.evaluate("window.localStorage.length") == 0
    assert await page.evaluate("indexedDB.databases().then(list => list.length)") == 0
    stored = await page.evaluate(f"sessionStorage.getItem('onething.draft.{NEWBORN}')")
    assert "王芳" in stored


async def test_elderly_mode_keeps_large_text_and_tap_targets_on_the_form_pages(
    new_phone: NewPhone, live_server: str
) -> None:
    page = await (await new_phone()).new_page()
    await page.goto(live_server + "/")
    await page.locator(".elderly-toggle").click()
    await page.get_by_role("link", name=re.compile("新生儿出生一件事")).click()
    await page.get_by_role("button", name="开始填写").wait_for()
    await assert_large_targets(page)
    await page.get_by_role("button", name="开始填写").click()
    await page.wait_for_url(f"**{FORM}/child")
    await page.locator("#field-child-name").wait_for()
    await assert_large_targets(page)
    # With the error summary and every field's message on screen.
    await page.locator("form .button").click()
    await expect(page.locator(".error-summary")).to_be_focused()
    await assert_large_targets(page)
    await fill_page(page, "child", Family().pages()["child"])
    await continue_to(page, f"{FORM}/mother")
    await assert_large_targets(page)
    await page.goto(live_server + REVIEW)
    await page.get_by_role("heading", level=1, name="检查您填写的信息").wait_for()
    await assert_large_targets(page)


async def test_an_english_browser_gets_the_catalog_labels_in_english(
    new_phone: NewPhone, live_server: str
) -> None:
    page = await (await new_phone("en-GB")).new_page()
    await page.goto(f"{live_server}/bundles/{NEWBORN}")
    await expect(page.locator("main h1")).to_have_text("A baby is born")
    await expect(page.get_by_role("heading", name="First, a few questions")).to_be_visible()
    certificate = service(page, "First issue of the birth medical certificate")
    await expect(certificate).to_contain_text("Jiangbei District Health Commission")
    await expect(certificate).to_contain_text("1 working day")
    await expect(page.get_by_role("group", name="Are the parents married?")).to_be_visible()

    await page.get_by_role("button", name="Start now").click()
    await page.wait_for_url(f"**{FORM}/child")
    await expect(page.locator("main h1")).to_have_text("The child")
    await expect(page.locator(".progress__text")).to_have_text("Step 1 of 11")
    await expect(page.get_by_label("Child's name")).to_be_visible()
    await expect(page.get_by_role("group", name=re.compile("^Child's sex"))).to_contain_text("Male")
    await expect(page.locator("#field-child-ethnicity option[value='01']")).to_have_text("Han")
    await page.get_by_role("button", name="Continue").click()
    await expect(page.locator("#field-child-name-error")).to_have_text(
        "Error: Child's name is required"
    )
    assert await page.evaluate("document.documentElement.lang") == "en"


async def test_a_required_photo_waits_for_the_materials_step_instead_of_blocking_the_page(
    new_phone: NewPhone, live_server: str
) -> None:
    page = await (await new_phone()).new_page()
    watch = Watch(page)
    form = "/bundles/disability-services/form"
    await page.goto(f"{live_server}{form}/applicant")
    await expect(page.locator(".field__note")).to_contain_text("上传材料")
    applicant = {
        "name": "张建国",
        "id_number": make_id_number("500105", dt.date(1960, 5, 1), 11),
        "ethnicity": "01",
        "phone": "13600136000",
        "education": "20",
        "marital_status": "20",
    }
    await fill_page(page, "applicant", applicant)
    await continue_to(page, f"{form}/household")
    assert watch.problems == []
