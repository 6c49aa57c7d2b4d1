"""Helpers for the PWA browser tests: valid newborn-birth answers, filling a wizard page the way a
resident does, and watching a page for script errors and unexpected failed requests."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass, field
from typing import Any

from playwright.async_api import ConsoleMessage, Locator, Page, Response, expect

from onething.catalog.codes import china_today, make_id_number
from onething.core.settings import REPO_ROOT

PHONE = {"width": 360, "height": 640}
NEWBORN = "newborn-birth"
RESIDENT_PHONE = "13800138000"
CLERK_PHONE = "13600136000"
CLERK_DEPARTMENT = "health-commission"
AGENT_PHONE = "13100131001"
AGENT_NAME = "赵敏"  # the service-hall agent: the resident sees this name on the timeline
FATHER_PHONE = "13900139000"  # Family's father: confirms the newborn application


@dataclass(frozen=True)
class Accounts:
    """Who signs in during a browser test (phone numbers; codes come from the dev outbox)."""

    resident_phone: str
    clerk_phone: str
    agent_phone: str
    father_phone: str = FATHER_PHONE


def luhn_complete(prefix: str) -> str:
    """`prefix` plus the digit that makes the whole number pass the Luhn check."""
    for digit in "0123456789":
        number = prefix + digit
        total = 0
        for i, c in enumerate(reversed(number)):
            d = int(c)
            if i % 2:
                d = d * 2 - 9 if d > 4 else d * 2
            total += d
        if total % 10 == 0:
            return number
    raise AssertionError("unreachable: one digit always completes a Luhn number")


def id_number_ending_in_x(area: str, birth: dt.date, *, female: bool) -> str:
    """A valid GB 11643 number whose check character is X (to test upper-casing of x)."""
    for seq in range(0 if female else 1, 1000, 2):
        number = make_id_number(area, birth, seq)
        if number.endswith("X"):
            return number
    raise AssertionError("no sequence gives X")


def wrong_check_char(number: str) -> str:
    """The same number with a different (so wrong) check character."""
    return number[:17] + ("1" if number[17] != "1" else "2")


@dataclass
class Family:
    """A family applying for newborn-birth; values as a resident types them."""

    today: dt.date = field(default_factory=china_today)

    @property
    def mother_id(self) -> str:
        return id_number_ending_in_x("500105", dt.date(1995, 3, 12), female=True)

    @property
    def father_id(self) -> str:
        return make_id_number("500105", dt.date(1993, 7, 1), 1)

    @property
    def birth_time(self) -> str:
        born = self.today - dt.timedelta(days=10)
        return f"{born.isoformat()}T08:30"

    def pages(self) -> dict[str, dict[str, str]]:
        """Every wizard page (section) of newborn-birth with the default situations, in order."""
        return {
            "child": {
                "name": "李小明",
                "sex": "male",
                "birth_time": self.birth_time,
                "gestational_weeks": "39",
                "birth_weight": "3300",
                "birth_length": "50",
                "health_status": "good",
                "birth_place": "500105",
                "birth_place_type": "hospital",
                "birth_facility": "重庆市妇幼保健院",
                "birth_order": "1",
                "ethnicity": "01",
                "native_place": "500105",
                "relation_to_head": "20",
            },
            "mother": {
                "name": "王芳",
                "id_number": self.mother_id,
                "ethnicity": "01",
                "phone": "13800138000",
                "hukou_region": "500105",
                "employer": "重庆山城科技有限公司",
            },
            "father": {
                "name": "李强",
                "id_number": self.father_id,
                "ethnicity": "01",
                "phone": "13900139000",
                "hukou_region": "500105",
            },
            "marriage": {
                "registration_date": "2020-05-20",
                "certificate_number": "J500105-2020-001234",
            },
            "household": {
                "follows": "father",
                "head_name": "李强",
                "head_id_number": self.father_id,
                "region": "500105",
                "address": "江北区观音桥街道建新北路1号",
            },
            "residence": {"region": "500105", "address": "江北区观音桥街道建新北路1号2单元"},
            "maternity": {"delivery_mode": "vaginal", "fetus_count": "1"},
            "insurance": {"premium_year": str(self.today.year), "sscard_bank": "icbc"},
            "vaccination": {"clinic": "观音桥社区卫生服务中心"},
            "benefit": {
                "bank": "icbc",
                "card_number": luhn_complete("622202020011223344"),
                "account_holder": "王芳",
            },
            "delivery": {
                "recipient": "王芳",
                "phone": "13800138000",
                "region": "500105",
                "address": "江北区观音桥街道建新北路1号2单元",
            },
        }


def control_name(section: str, name: str) -> str:
    return f"field-{section}-{name}"


async def fill_page(page: Page, section: str, values: dict[str, str]) -> None:
    """Answer every field of one wizard page: radios are tapped, selects chosen, inputs typed."""
    for name, value in values.items():
        controls = page.locator(f'[name="{control_name(section, name)}"]')
        kind = await controls.first.evaluate("e => e.tagName + ':' + (e.type || '')")
        if kind == "INPUT:radio":
            await page.locator(f'[name="{control_name(section, name)}"][value="{value}"]').check()
        elif kind.startswith("SELECT"):
            await controls.first.select_option(value)
        else:
            await controls.first.fill(value)


async def continue_to(page: Page, path: str) -> None:
    """Press the page's main button and wait for the next page (`path`); as after every
    navigation inside the app, focus is then on the new page's heading."""
    await page.locator("form .button").click()
    await page.wait_for_url(f"**{path}")
    await expect(page.locator("main h1")).to_be_focused()


def service(page: Page, name: str) -> Locator:
    """The intro's entry for one included service, found by its exact name."""
    return page.locator(".services .service").filter(
        has=page.get_by_role("heading", name=name, exact=True)
    )


async def heading_levels(page: Page) -> list[int]:
    return await page.evaluate(
        "[...document.querySelectorAll('main h1, main h2, main h3, main h4')]"
        ".map(h => Number(h.tagName[1]))"
    )


def assert_headings_in_order(levels: list[int]) -> None:
    assert levels, "no headings"
    assert levels[0] == 1, levels
    assert levels.count(1) == 1, levels
    for before, after in itertools.pairwise(levels):
        assert after <= before + 1, levels


async def unlabelled_controls(page: Page) -> list[str]:
    """Ids of visible inputs, selects and text areas without a <label> (or a fieldset legend)."""
    return await page.evaluate(
        """[...document.querySelectorAll('main input, main select, main textarea')]
            .filter(e => e.type !== 'hidden' && (!e.labels || e.labels.length === 0))
            .map(e => e.id || e.name)"""
    )


class Watch:
    """Script errors and failed requests on a page, apart from the expected ones: 422 from
    `/validate` (that is how the server reports wrong answers) and the 404 status of the app
    shell on a deep link (see pwa/vite.config.ts)."""

    def __init__(self, page: Page) -> None:
        self.problems: list[str] = []
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        page.on("response", self._on_response)

    def _on_console(self, message: ConsoleMessage) -> None:
        # Chromium logs every 4xx as "Failed to load resource"; responses are judged below.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.problems.append(f"console: {message.text}")

    def _on_response(self, response: Response) -> None:
        if response.status < 400:
            return
        expected = (response.status == 422 and response.url.endswith("/validate")) or (
            response.status == 404 and response.request.resource_type == "document"
        )
        if not expected:
            self.problems.append(f"{response.status} {response.url}")


async def latest_code(page: Page, base: str, phone: str) -> str:
    """The code in the newest SMS to `phone` (the dev outbox lists the newest first)."""
    outbox = await (await page.request.get(f"{base}/oauth2/dev/sms-outbox")).json()
    text = next(m["text"] for m in outbox if m["phone"] == phone)
    match = re.search(r"\b(\d{6})\b", text)
    assert match, text
    return match.group(1)


async def sign_in(page: Page, base: str, phone: str) -> None:
    """From any page of the app: the masthead's 登录, the provider's own phone and code pages
    (the code read from the dev SMS outbox), and back to the page the resident left."""
    before = page.url
    await page.locator(".account").get_by_role("button", name="登录").click()
    await page.wait_for_url("**/oauth2/login**")
    await page.locator("#phone").fill(phone)
    await page.get_by_role("button", name="获取验证码").click()
    await page.locator("#code").wait_for()
    await page.locator("#code").fill(await latest_code(page, base, phone))
    await page.get_by_role("button", name="登录").click()
    await page.wait_for_url(before)
    await expect(page.locator(".account").get_by_role("button", name="退出登录")).to_be_visible()


def screenshot_path(name: str) -> str:
    """Phone screenshots of the key screens land in var/screenshots/ (the README's come from
    here)."""
    folder = REPO_ROOT / "var" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return str(folder / f"{name}.png")


AXE = REPO_ROOT / "pwa" / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


async def axe_violations(page: Page) -> list[str]:
    """axe-core (npm) run in the page: WCAG 2.2 A/AA and best practices, as `rule: targets`.
    Evaluated through the DevTools protocol, so the page keeps its strict CSP."""
    if not await page.evaluate("typeof window.axe !== 'undefined'"):
        await page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    violations = await page.evaluate(
        "tags => axe.run(document, { runOnly: { type: 'tag', values: tags } })"
        ".then(r => r.violations.map(v => v.id + ': ' +"
        " v.nodes.map(n => n.target.join(' ')).join(', ')))",
        AXE_TAGS,
    )
    return list(violations)


async def assert_large_targets(page: Page) -> None:
    """长辈版: body text ≥ 18 px and every visible control or link at least 60×60 px."""
    body = await page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert body >= 18
    targets = page.locator(
        "input:not(.file-input), select, textarea, button, a[href], .file-button"
    )
    checked = 0
    for target in await targets.all():
        if not await target.is_visible():
            continue
        box = await target.bounding_box()
        assert box is not None
        name = await target.evaluate("e => e.id || e.name || e.textContent")
        assert box["height"] >= 60, (name, box)
        assert box["width"] >= 60, (name, box)
        checked += 1
    assert checked > 0


async def provide_materials(
    page: Page, *, licenses: tuple[str, ...] = (), uploads: tuple[str, ...] = ()
) -> list[str]:
    """On the materials page, as a resident does it: each of `licenses` is provided by an
    e-licence — the one the page chose by itself, or else a tap on "use my e-licence instead"
    (its first choice) — and a photo goes for each of `uploads` (straight to S3, one tap to
    open the camera); then wait until each one is linked or uploaded and checked. Returns the
    materials that took a tap."""
    tapped: list[str] = []
    # The list is busy until the page has linked the licences it chooses by itself.
    settled = page.locator('.materials-upload[aria-busy="false"]')
    await expect(settled).to_be_visible(timeout=15_000)
    for material in licenses:
        status = page.locator(f"#material-{material}-status")
        if "已用电子证照代替" not in await status.inner_text():
            await page.locator(f"#material-{material}-item [data-license]").first.click()
            tapped.append(material)
        await expect(status).to_contain_text("已用电子证照代替", timeout=15_000)
    photo = await page.screenshot(type="jpeg")
    for material in uploads:
        await page.locator(f"#material-{material}").set_input_files(
            {"name": f"{material}.jpg", "mimeType": "image/jpeg", "buffer": photo}
        )
    for material in uploads:
        await expect(page.locator(f"#material-{material}-status")).to_have_text(
            "已上传，检查通过", timeout=30_000
        )
    return [*tapped, *uploads]


async def issue_id_card(
    sessionmaker: Any, settings: Any, app: Any, *, phone: str, name: str, id_number: str
) -> None:
    """A resident-identity-card e-license for the account with this phone (as public security
    would issue it), so "use my e-licence instead" has something to offer."""
    from sqlalchemy import select

    from onething.identity.models import User
    from onething.identity.services import phone_index
    from onething.licenses.context import context_from_settings
    from onething.licenses.demo import DemoResident, id_card_face
    from onething.licenses.issuance import Holder, IssueRequest, issue

    ctx = context_from_settings(settings)
    person = DemoResident(
        phone=phone, name=name, id_number=id_number, ethnicity="01", address="重庆市江北区"
    )
    async with sessionmaker() as session, session.begin():
        user = (
            await session.execute(
                select(User).where(User.phone_index == phone_index(app.state.identity, phone))
            )
        ).scalar_one()
        await issue(
            session,
            ctx,
            IssueRequest(
                license_type=ctx.catalog.license_types["resident-id-card"],
                department=ctx.catalog.departments["public-security"],
                holder=Holder(name=name, id_number=id_number, user_id=user.id, guardian_ids=[]),
                face=id_card_face(person),
            ),
            now=dt.datetime.now(dt.UTC),
        )
