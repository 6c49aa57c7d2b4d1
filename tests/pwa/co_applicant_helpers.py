"""The other parent's side of the newborn journey, on a phone of their own (a second browser
context): sign in, open 待我确认 from the home screen, check the facts and confirm."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from playwright.async_api import BrowserContext, Page, expect
from pwa_helpers import Watch, axe_violations, screenshot_path, sign_in

NewPhone = Callable[..., Awaitable[BrowserContext]]


async def ask_the_other_parent(page: Page, phone: str) -> None:
    """On the review page: the step names the other parent (prefilled from the form) and asks."""
    step = page.locator(".co-applicant")
    await expect(step.locator("#co-applicant-status")).to_contain_text("尚未请另一方确认")
    await expect(step.locator("#co-applicant-phone")).to_have_value(phone)
    await step.get_by_role("button", name="请对方确认").click()
    await expect(step.locator("#co-applicant-status")).to_contain_text(
        f"等待 {phone[:3]}****{phone[-4:]} 确认"
    )
    # Nothing to submit while the other parent has not confirmed.
    await expect(page.get_by_role("button", name="提交申请")).to_be_disabled()


async def the_other_parent_confirms(
    new_phone: NewPhone, base: str, phone: str, *, expect_facts: list[str], never: list[str]
) -> Page:
    """The other parent signs in on their own phone and confirms what they were asked."""
    other = await (await new_phone()).new_page()
    watch = Watch(other)
    await other.goto(base + "/")
    await sign_in(other, base, phone)
    await other.locator(".account").get_by_role("link", name="待我确认").click()
    await other.wait_for_url("**/confirmations")
    card = other.locator(".confirmation")
    await expect(card).to_contain_text("请您确认：新生儿出生一件事")
    for fact in expect_facts:
        await expect(card).to_contain_text(fact)
    for fact in never:  # only the facts of the services they co-sign
        await expect(card).not_to_contain_text(fact)
    assert await axe_violations(other) == []
    await other.screenshot(path=screenshot_path("pwa-co-applicant-confirm"), full_page=True)
    await card.get_by_role("button", name="信息无误，确认").click()
    await expect(other.locator(".confirmation .tag")).to_have_text("已确认")
    assert watch.problems == []
    return other


async def confirmed_on_the_applicants_phone(page: Page) -> None:
    """The applicant's review page follows by itself, and submission opens."""
    await expect(page.locator("#co-applicant-status")).to_contain_text("已确认", timeout=20_000)
    await expect(page.get_by_role("button", name="提交申请")).to_be_enabled()
