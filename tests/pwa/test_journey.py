"""The resident's whole journey on a phone against the real stack (API under granian, worker,
PostgreSQL, SeaweedFS), acceptance scenario 1 of issue 8 as written: sign in on the provider's
own page (code + PKCE) → newborn-birth → the situation questions answered on the intro page →
the merged form, every page, with her ID card e-license's values prefilled and shown with
their source (never typed again) and the draft autosaved to the API → photos uploaded straight
to S3 (the ID card's e-license standing in for its paper) → review → the other parent confirming
on a phone of their own (a second browser context) → submit (Idempotency-Key) → progress and
timeline per department. Then (scenario 2) a clerk of the health commission signs in on a
second phone and approves the birth certificate; the resident's page shows it, the license is
in her wallet and its QR opens the verify page."""

from __future__ import annotations

import io
import re
from collections.abc import Awaitable, Callable
from typing import Any

import zxingcpp
from co_applicant_helpers import (
    ask_the_other_parent,
    confirmed_on_the_applicants_phone,
    the_other_parent_confirms,
)
from litestar import Litestar
from PIL import Image
from playwright.async_api import BrowserContext, Page, expect
from pwa_helpers import (
    NEWBORN,
    Accounts,
    Family,
    Watch,
    axe_violations,
    continue_to,
    issue_id_card,
    provide_materials,
    screenshot_path,
    sign_in,
)
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onething.core.settings import Settings

NewPhone = Callable[..., Awaitable[BrowserContext]]
FORM = f"/bundles/{NEWBORN}/form"
# The family's answers to the intro's situation questions.
SITUATIONS = {
    "孩子是否在重庆市内的医疗机构出生？": "是",
    "母亲是否参加职工基本医疗保险（含生育保险）？": "是",
    "父母是否已登记结婚？": "是",
    "是否登记父亲信息？": "是",
}


async def fill_what_is_empty(page: Page, section: str, values: dict[str, str]) -> list[str]:
    """Type or choose each value whose field is still empty (prefilled ones stay as given);
    the names of the fields answered."""
    answered = []
    for name, value in values.items():
        control = page.locator(f'[name="field-{section}-{name}"]')
        kind = await control.first.evaluate("e => e.tagName + ':' + (e.type || '')")
        if kind == "INPUT:radio":
            if await page.locator(f'[name="field-{section}-{name}"]:checked').count() == 0:
                await page.locator(f'[name="field-{section}-{name}"][value="{value}"]').check()
                answered.append(name)
        elif await control.first.input_value() == "":
            if kind.startswith("SELECT"):
                await control.first.select_option(value)
            else:
                await control.first.fill(value)
            answered.append(name)
    return answered


async def api_get(page: Page, base: str, path: str) -> Any:
    """GET the API as the PWA in this tab does, with its access token from sessionStorage."""
    token = await page.evaluate("JSON.parse(sessionStorage.getItem('onething.auth')).access")
    answer = await page.request.get(f"{base}{path}", headers={"Authorization": f"Bearer {token}"})
    assert answer.status == 200, await answer.text()
    return await answer.json()


async def test_a_resident_submits_newborn_birth_and_sees_a_clerks_approval_on_the_timeline(
    new_phone: NewPhone,
    live_server: str,
    worker: None,
    accounts: Accounts,
    app: Litestar,
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    del worker
    # Public security issued her ID card as an e-license: it can stand in for the paper copy.
    await issue_id_card(
        sessionmaker,
        settings,
        app,
        phone=accounts.resident_phone,
        name="王芳",
        id_number=Family().mother_id,
    )
    page = await (await new_phone()).new_page()
    watch = Watch(page)
    await page.goto(live_server + "/")
    await sign_in(page, live_server, accounts.resident_phone)
    # Tokens are in this tab's sessionStorage only, never localStorage.
    assert (
        await page.evaluate("Object.keys(localStorage).filter(k => k !== 'onething.elderly')") == []
    )
    stored = await page.evaluate("JSON.parse(sessionStorage.getItem('onething.auth'))")
    assert stored["access"]
    assert stored["refresh"]
    me = await api_get(page, live_server, "/api/v1/me")
    assert me["role"] == "resident"

    await page.get_by_role("link", name=re.compile("新生儿出生一件事")).click()
    await page.wait_for_url(f"**/bundles/{NEWBORN}")
    # The situations, answered on the intro page: an answer changes what is included at once
    # (not insured as an employee: no maternity benefits), and hers include everything.
    insured = page.get_by_role("group", name="母亲是否参加职工基本医疗保险（含生育保险）？")
    await insured.get_by_label("否（如参加城乡居民医保）").check()
    left_out = page.locator(".excluded__item", has_text="生育医疗费用报销及生育津贴申领")
    await expect(left_out).to_contain_text("您选择了“否（如参加城乡居民医保）”")
    await expect(page.locator(".services .service")).to_have_count(7)
    for question, answer in SITUATIONS.items():
        await page.get_by_role("group", name=question).get_by_label(answer, exact=True).check()
    await expect(page.locator(".excluded__item")).to_have_count(0)
    await expect(page.locator(".services .service")).to_have_count(8)
    await page.get_by_role("button", name="开始填写").click()
    pages = Family().pages()
    sections = list(pages)
    for number, section in enumerate(sections, start=1):
        await page.wait_for_url(f"**{FORM}/{section}")
        if section == "mother":
            # Her ID card e-license filled these: each shows its source and is not typed again.
            for name, value in (("name", "王芳"), ("id_number", Family().mother_id)):
                await expect(page.locator(f'[name="field-mother-{name}"]')).to_have_value(value)
                hint = page.locator(f"#field-mother-{name}-hint")
                await expect(hint).to_contain_text("已自动填写，来源：电子证照“居民身份证”")
        typed = await fill_what_is_empty(page, section, pages[section])
        if section == "mother":
            assert "name" not in typed, typed
            assert "id_number" not in typed, typed
            assert "phone" in typed  # on no license of hers
        following = sections[number] if number < len(sections) else None
        await continue_to(
            page, f"{FORM}/{following}" if following else f"/bundles/{NEWBORN}/materials"
        )

    # The draft is on the server (autosaved with If-Match), answers as typed.
    await expect(page.locator(".save-status")).to_have_text("草稿已保存")
    drafts = await api_get(page, live_server, "/api/v1/drafts")
    assert [d["bundle"] for d in drafts] == [NEWBORN]
    draft = await api_get(page, live_server, f"/api/v1/drafts/{drafts[0]['id']}")
    assert draft["answers"]["child"]["name"] == "李小明"
    assert draft["answers"]["mother"]["id_number"] == Family().mother_id  # as the license gave it
    assert draft["version"] > 1

    # Her ID card's e-license stands in for the paper by itself (用电子证照代替, no tap; "upload
    # instead" would take it back); photos of three papers go straight to S3 with the
    # presigned POST; the hospital's discharge record is forgotten for now.
    card = page.locator("#material-mother-id-card-item")
    await expect(page.locator("#material-mother-id-card-status")).to_have_text(
        "已用电子证照代替：王芳的“居民身份证”"
    )
    await expect(card.get_by_role("button", name=re.compile("^改为上传"))).to_be_visible()
    await card.scroll_into_view_if_needed()
    await page.screenshot(path=screenshot_path("pwa-materials"))
    await provide_materials(
        page,
        licenses=("mother-id-card",),
        uploads=("marriage-certificate", "father-id-card", "household-register"),
    )
    await expect(card).to_contain_text("证照标识：1.2.156.3005.2.")
    # Nothing wider than the phone (the identifier wraps).
    assert await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert await axe_violations(page) == []
    await page.screenshot(path=screenshot_path("pwa-materials-linked"))

    await page.get_by_role("link", name="检查填写内容").click()
    await page.wait_for_url(f"**/bundles/{NEWBORN}/review")
    await expect(page.locator(".panel")).to_contain_text("所有信息已检查通过")
    materials = page.locator("#review-materials + dl")
    await expect(materials.locator('[data-material="mother-id-card"]')).to_contain_text(
        "已用电子证照代替：王芳的“居民身份证”"
    )
    await expect(materials.locator('[data-material="marriage-certificate"]')).to_contain_text(
        "已上传"
    )
    await expect(page.locator("#review-materials ~ p")).to_contain_text("还缺：出院记录")

    # The father confirms from his own account, on his own phone (a second browser context):
    # the facts of the birth certificate and birth registration, not the mother's bank card.
    await ask_the_other_parent(page, accounts.father_phone)
    father = await the_other_parent_confirms(
        new_phone,
        live_server,
        accounts.father_phone,
        expect_facts=["李小明", "李强", pages["father"]["id_number"]],
        never=[pages["benefit"]["card_number"], pages["mother"]["employer"]],
    )
    await confirmed_on_the_applicants_phone(page)
    assert await axe_violations(page) == []
    await page.screenshot(path=screenshot_path("pwa-co-applicant-confirmed"))
    await father.close()

    # Without the discharge record the submission is refused; the problem links to the
    # material, where it is shown too.
    await page.get_by_role("button", name="提交申请").click()
    summary = page.locator(".error-summary")
    await expect(summary).to_contain_text("请上传“出院记录”")
    assert watch.problems == [f"422 {live_server}/api/v1/applications"]
    watch.problems.clear()
    await summary.get_by_role("link", name="请上传“出院记录”").click()
    await page.wait_for_url(f"**/bundles/{NEWBORN}/materials#material-discharge-record-item")
    await expect(page.locator("#material-discharge-record-status")).to_have_text("请上传“出院记录”")
    await provide_materials(page, uploads=("discharge-record",))
    await page.get_by_role("link", name="检查填写内容").click()
    await page.wait_for_url(f"**/bundles/{NEWBORN}/review")
    await expect(page.locator("#review-materials ~ p")).to_have_text("需要的材料都已提供。")
    await confirmed_on_the_applicants_phone(page)
    # Mailed home by default, to the form's delivery address; remember contact details.
    await expect(page.locator("#delivery-method")).to_be_checked()
    await expect(page.locator(".delivery__address")).to_contain_text(
        "江北区观音桥街道建新北路1号2单元"
    )
    await page.locator("#remember-me").check()
    submit = page.get_by_role("button", name="提交申请")
    # A double tap sends one submission (one Idempotency-Key; the button is disabled meanwhile).
    await submit.dblclick()
    await page.wait_for_url(re.compile(r"/applications/[0-9a-f-]{36}$"))
    await expect(page.locator("main h1")).to_have_text("办理进度")
    application_id = page.url.rsplit("/", 1)[1]
    mine = await api_get(page, live_server, "/api/v1/applications")
    assert [a["id"] for a in mine] == [application_id]
    assert await api_get(page, live_server, "/api/v1/drafts") == []  # submitted with it
    delivery = await api_get(page, live_server, f"/api/v1/applications/{application_id}/delivery")
    assert delivery["choice"]["method"] == "mail"
    assert delivery["choice"]["address"] == "江北区观音桥街道建新北路1号2单元"
    # Remembered: contact details and addresses only — no ID, bank card or the child's facts.
    kept = (await api_get(page, live_server, "/api/v1/me/profile"))["facts"]
    assert kept["mother.phone"] == "13800138000"
    assert kept["delivery.region"] == "500105"
    assert not {"mother.id_number", "benefit.card_number", "child.name"} & set(kept)
    # The answers are gone from the tab once submitted.
    assert await page.evaluate("sessionStorage.getItem('onething.draft.newborn-birth')") is None

    certificate = page.locator('[data-service="birth-medical-certificate"]')
    await expect(certificate).to_contain_text("出生医学证明首次签发")
    await expect(certificate).to_contain_text("承诺办结")
    await expect(certificate.locator(".tag")).to_have_text("待受理", timeout=15_000)
    hukou = page.locator('[data-service="hukou-birth-registration"]')
    await expect(hukou.locator(".tag")).to_have_text("等待前序事项")
    await expect(hukou).to_contain_text("等待“出生医学证明首次签发”办结后开始")
    await expect(page.locator(".timeline")).to_contain_text("申请已提交")
    await expect(page.locator(".timeline")).to_contain_text("另一方父母已确认")

    # The clerk, on a phone of their own.
    clerk = await (await new_phone()).new_page()
    clerk_watch = Watch(clerk)
    await clerk.goto(live_server + "/")
    await sign_in(clerk, live_server, accounts.clerk_phone)
    await clerk.locator(".account").get_by_role("link", name="待办任务").click()
    await clerk.wait_for_url("**/clerk")
    card = clerk.locator(".inbox .card", has_text="出生医学证明首次签发")
    await expect(card).to_be_visible()
    await clerk.screenshot(path=screenshot_path("pwa-clerk-inbox"))
    await card.get_by_role("link").click()
    await clerk.wait_for_url("**/clerk/tasks/*")
    main = clerk.locator("main")
    # Only this service's fields: the child's birth facts, not the bank card or the father's job.
    await expect(main).to_contain_text("李小明")
    await expect(main).not_to_contain_text(pages["benefit"]["card_number"])
    # The marriage certificate was handed in for other services, so it is not shown here.
    await expect(main).not_to_contain_text("marriage-certificate")
    # Her ID card came as an e-license: shown with its identifier, status and signature check.
    card_license = main.locator(".task-license", has_text="mother-id-card")
    await expect(card_license).to_contain_text("居民身份证")
    await expect(card_license).to_contain_text("证照标识：1.2.156.3005.2.")
    await expect(card_license).to_contain_text("有效")
    await expect(card_license).to_contain_text("签名核验通过")
    for decision in ("受理", "开始审核", "办结"):
        await clerk.locator(".decisions").get_by_role("button", name=decision, exact=True).click()
        await (
            clerk.locator("form.decision").get_by_role("button", name=decision, exact=True).click()
        )
        await expect(clerk.locator("form.decision")).to_have_count(0)
    # Approved; the worker may already have issued the e-license it produces.
    await expect(clerk.locator(".panel .tag")).to_have_text(re.compile("^(已办结|已出证)$"))
    assert await axe_violations(clerk) == []
    await clerk.screenshot(path=screenshot_path("pwa-clerk-task"))

    # The resident's page refreshes by itself: the department's decision shows with its date.
    await expect(certificate.locator(".tag")).to_have_text("已出证", timeout=20_000)
    await expect(certificate.locator(".task__dates")).not_to_contain_text("尚未办结")
    await expect(page.locator(".timeline")).to_contain_text("出生医学证明首次签发：部门已办结")
    await expect(page.locator(".timeline")).to_contain_text("出生医学证明首次签发：电子证照已签发")
    assert await axe_violations(page) == []
    await page.screenshot(path=screenshot_path("pwa-progress"), full_page=True)
    await page.evaluate("window.scrollTo(0, 0)")
    await page.screenshot(path=screenshot_path("pwa-progress-top"))

    # The license is in the wallet (the resident holds it for the child); its QR verify page.
    await page.locator(".account").get_by_role("link", name="卡包").click()
    await page.locator(".wallet .card__link", has_text="出生医学证明").click()
    await expect(page.locator("main h1")).to_have_text("出生医学证明")
    await expect(page.locator("main")).to_contain_text("李小明")
    # The QR is drawn on the page (its encoder loaded with this route only); a camera-style
    # decoder reads, from a screenshot of it, the verify URL the wallet API gives back.
    license_id = page.url.rstrip("/").rsplit("/", 1)[1]
    detail = await api_get(page, live_server, f"/api/v1/wallet/licenses/{license_id}")
    verify_url = detail["verify_url"]
    qr = page.get_by_role("img", name=re.compile("^出生医学证明的核验二维码"))
    await expect(qr).to_be_visible()
    label = await qr.get_attribute("aria-label")
    assert label == f"出生医学证明的核验二维码，扫码打开核验页面：{verify_url}"
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(await qr.screenshot())))
    assert [(code.format, code.text) for code in decoded] == [
        (zxingcpp.BarcodeFormat.QRCode, verify_url)
    ]
    link = page.get_by_role("link", name="打开核验页面（二维码）")
    assert await link.get_attribute("href") == verify_url
    assert await axe_violations(page) == []
    await page.screenshot(path=screenshot_path("pwa-license"))
    await page.locator("#copy-reason").fill("办理入学")
    await page.get_by_role("button", name="生成加注件").click()
    await expect(page.get_by_role("link", name=re.compile("^下载加注件"))).to_be_visible()
    # The verify page is the licenses domain's own server page, outside the app.
    assert watch.problems == []
    await page.get_by_role("link", name="打开核验页面（二维码）").click()
    await page.wait_for_url("**/verify/**")
    await expect(page.locator("h1")).to_contain_text("证照有效")
    # Its stylesheet applies under the CSP (an inline <style> was refused: console error).
    assert await page.evaluate("getComputedStyle(document.body).fontSize") == "18px"
    assert watch.problems == []
    assert clerk_watch.problems == []
