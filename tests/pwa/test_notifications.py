"""Notifications in the PWA (issue 8): the in-app messages with the unread badge in the account
menu, "mark read", the preferences (push, SMS, language), and Web Push on this phone.

Headless Chromium cannot subscribe to a push service: `PushManager.subscribe` rejects with
"AbortError: Registration failed - permission denied" even with the notification permission
granted and `Browser.setPermission({name: "push"})` (tried; it has no push service behind it,
and this machine has no internet). So the browser's push service is the one piece stood in
for: `PushManager.subscribe` is replaced in the page by a stand-in that answers with a
subscription whose endpoint is a local push endpoint (a real HTTP server) and whose keys the
test holds. Everything else is real: the app asks the permission, reads the VAPID key from the
API and passes it to `subscribe`, POSTs the subscription; the worker encrypts and sends the
push; the test decrypts it with the subscription's keys and hands exactly those bytes to the
service worker through the DevTools protocol (`ServiceWorker.deliverPushMessage`), whose push
handler shows a notification with the title only. Not testable headless: a tap on the
notification (`notificationclick` opening /notifications), which needs a real notification
centre."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import json
import os
import threading
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import http_ece
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from litestar import Litestar
from playwright.async_api import BrowserContext, CDPSession, expect
from pwa_helpers import (
    Accounts,
    Watch,
    assert_large_targets,
    axe_violations,
    screenshot_path,
    sign_in,
)
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onething.identity.services import find_by_phone
from onething.notify.services import notify

NewPhone = Callable[..., Awaitable[BrowserContext]]


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass
class PushEndpoint:
    """A push service's endpoint (what FCM or Mozilla's would be): records what it is sent."""

    port: int = 0
    received: list[bytes] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/push/this-phone"


@pytest.fixture
def push_endpoint() -> Iterator[PushEndpoint]:
    endpoint = PushEndpoint()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            del format, args

        def do_POST(self) -> None:
            endpoint.received.append(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
            self.send_response(201)
            self.send_header("Content-Length", "0")
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    endpoint.port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield endpoint
    finally:
        server.shutdown()
        server.server_close()


# Stands in for the browser's push service only; records the applicationServerKey it was given.
PUSH_STAND_IN = """
(() => {
  const sub = %s;
  const made = () => ({ endpoint: sub.endpoint, toJSON: () => sub });
  PushManager.prototype.subscribe = function (options) {
    window.__applicationServerKey = options.applicationServerKey;
    sessionStorage.setItem("test.push-stand-in", "subscribed");  // a browser remembers it
    return Promise.resolve(made());
  };
  PushManager.prototype.getSubscription = function () {
    return Promise.resolve(sessionStorage.getItem("test.push-stand-in") ? made() : null);
  };
})();
"""


async def resident_id(
    app: Litestar, sessionmaker: async_sessionmaker[AsyncSession], phone: str
) -> Any:
    async with sessionmaker() as session:
        user = await find_by_phone(session, app.state.identity, phone)
    assert user is not None
    return user.id


async def wait_for(check: Callable[[], bool], seconds: float = 20) -> None:
    # `check` reads what the push service stand-in received from the worker: no event to await.
    async with asyncio.timeout(seconds):
        while not check():  # noqa: ASYNC110
            await asyncio.sleep(0.2)


async def service_worker_id(cdp: CDPSession) -> str:
    """The DevTools id of the app's service worker registration."""
    found: list[str] = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: found.extend(
            r["registrationId"] for r in event["registrations"] if not r["isDeleted"]
        ),
    )
    await cdp.send("ServiceWorker.enable")
    await wait_for(lambda: bool(found), seconds=10)
    return found[0]


async def test_messages_badge_mark_read_preferences_and_a_push_showing_only_its_title(
    new_phone: NewPhone,
    live_server: str,
    accounts: Accounts,
    worker: None,
    push_endpoint: PushEndpoint,
    app: Litestar,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    del worker
    private = ec.generate_private_key(ec.SECP256R1())
    auth_secret = os.urandom(16)
    subscription = {
        "endpoint": push_endpoint.url,
        "keys": {
            "p256dh": b64(
                private.public_key().public_bytes(
                    serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
                )
            ),
            "auth": b64(auth_secret),
        },
    }
    context = await new_phone()
    await context.grant_permissions(["notifications"], origin=live_server)
    await context.add_init_script(PUSH_STAND_IN % json.dumps(subscription))
    page = await context.new_page()
    watch = Watch(page)
    await page.goto(live_server + "/")
    await sign_in(page, live_server, accounts.resident_phone)
    menu = page.locator(".account")
    await menu.get_by_role("link", name="消息").click()
    await expect(page.get_by_role("heading", level=1, name="消息")).to_be_visible()
    await expect(page.locator("main")).to_contain_text("还没有消息")

    # Push on this phone: permission, the server's VAPID key, subscribe, register.
    await page.get_by_role("button", name="在本机开启推送").click()
    await expect(page.locator(".push-status")).to_have_text("本机已开启推送。")
    server_key = (
        await (
            await page.request.get(f"{live_server}/api/v1/notifications/vapid-public-key")
        ).json()
    )["public_key"]
    assert await page.evaluate("window.__applicationServerKey") == server_key

    # Something happens: the platform tells the resident (in-app, and push as preferred).
    user_id = await resident_id(app, sessionmaker, accounts.resident_phone)
    async with sessionmaker() as session, session.begin():
        await notify(
            session,
            user_id,
            "parcel.returned",
            {"parcel": 1, "tracking_number": "LC2612020010000001"},
            application_id=None,
            now=dt.datetime.now(dt.UTC),
        )
    await wait_for(lambda: bool(push_endpoint.received))
    [sent] = push_endpoint.received
    plain = http_ece.decrypt(
        sent, private_key=private, auth_secret=auth_secret, version="aes128gcm"
    )
    payload = json.loads(plain)
    assert set(payload) == {"title", "message_id"}
    # The push service hands these bytes to the phone's service worker.
    cdp = await context.new_cdp_session(page)
    registration = await service_worker_id(cdp)
    await page.evaluate("navigator.serviceWorker.ready.then(() => true)")  # an active worker
    shown: list[dict[str, str]] = []
    # Under load Chromium has dropped a push delivered over DevTools (twice in ~8 full runs):
    # the same bytes are handed over again, as a push service redelivers; the tag makes a
    # second delivery replace the first notification, so exactly one is still asserted.
    for _ in range(3):
        await cdp.send(
            "ServiceWorker.deliverPushMessage",
            {"origin": live_server, "registrationId": registration, "data": plain.decode()},
        )
        for _ in range(50):
            shown = await page.evaluate(
                "navigator.serviceWorker.ready.then(r => r.getNotifications())"
                ".then(ns => ns.map(n => ({title: n.title, body: n.body, tag: n.tag})))"
            )
            if shown:
                break
            await asyncio.sleep(0.2)
        if shown:
            break
    assert shown == [{"title": "邮件被退回，请核对地址", "body": "", "tag": payload["message_id"]}]

    # Back in the app: the badge counts it; the list shows it; "mark read" clears both.
    await page.reload()
    badge = menu.get_by_role("link", name="消息").locator(".badge")
    await expect(badge).to_have_text("11 条未读")
    await menu.get_by_role("link", name="消息").click()
    message = page.locator(".message", has_text="邮件被退回")
    await expect(message).to_contain_text("未读")
    await expect(message).to_contain_text("第 1 件邮件未能投递并已退回")
    await expect(page.locator("main")).to_contain_text("有 1 条未读消息。")
    await page.screenshot(path=screenshot_path("pwa-messages"), full_page=False)
    await message.get_by_role("button", name="标为已读").click()
    await expect(message.get_by_role("button", name="标为已读")).to_have_count(0)
    await expect(badge).to_have_count(0)

    # Preferences: no SMS, English; kept by the server.
    await page.locator("#pref-sms").uncheck()
    await page.locator('[name="pref-language"][value="en"]').check()
    await page.get_by_role("button", name="保存", exact=True).click()
    await expect(page.locator("form .save-status")).to_have_text("已保存。")
    await page.reload()
    await expect(page.locator("#pref-push")).to_be_checked()
    await expect(page.locator("#pref-sms")).not_to_be_checked()
    await expect(page.locator('[name="pref-language"][value="en"]')).to_be_checked()
    await expect(page.locator(".push-status")).to_have_text("本机已开启推送。")
    assert watch.problems == []


@pytest.mark.parametrize("elderly", [False, True], ids=["normal", "elderly"])
async def test_the_messages_page_has_no_axe_violations(
    new_phone: NewPhone,
    live_server: str,
    accounts: Accounts,
    app: Litestar,
    sessionmaker: async_sessionmaker[AsyncSession],
    elderly: bool,
) -> None:
    page = await (await new_phone()).new_page()
    await page.goto(live_server + "/")
    if elderly:
        await page.locator(".elderly-toggle").click()
    await sign_in(page, live_server, accounts.resident_phone)
    user_id = await resident_id(app, sessionmaker, accounts.resident_phone)
    async with sessionmaker() as session, session.begin():
        await notify(
            session,
            user_id,
            "parcel.ordered",
            {"parcel": 1, "tracking_number": "LC1"},
            application_id=None,
            now=dt.datetime.now(dt.UTC),
        )
    await page.reload()
    await page.locator(".account").get_by_role("link", name="消息").click()
    await page.locator(".message").first.wait_for()
    await page.locator("#pref-push").wait_for()
    assert await axe_violations(page) == []
    if elderly:
        await assert_large_targets(page)
