"""The provider's own HTML pages (login by phone code, logout, errors): server-rendered, no
scripts, no inline styles (the CSP allows neither), usable before any JavaScript loads."""

from __future__ import annotations

from html import escape
from typing import Final
from urllib.parse import urlencode

from onething.core.i18n import Language, pick
from onething.identity.consents import REQUIRED_SCOPES, scope_label
from onething.identity.logout import LogoutRequest

_LAYOUT: Final = """<!doctype html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{title}</title>
<link rel="stylesheet" href="/oauth2/static/login.css">
</head>
<body>
<a class="skip" href="#main">{skip}</a>
<main id="main">
<h1>{title}</h1>
{body}
</main>
</body>
</html>
"""

STYLESHEET: Final = """body{font:18px/1.5 system-ui,sans-serif;margin:0;background:#f6f7f9;
color:#1b1f24}
main{max-width:28rem;margin:2rem auto;padding:1.5rem;background:#fff;border-radius:8px}
label{display:block;margin:1rem 0 .25rem;font-weight:600}
input{font:inherit;width:100%;box-sizing:border-box;padding:.6rem;border:2px solid #5b6470}
button{font:inherit;margin-top:1.25rem;min-height:48px;width:100%;border:0;border-radius:6px;
background:#0b57d0;color:#fff;cursor:pointer}
.scopes{list-style:none;padding:0}.scopes li{margin:.5rem 0}
.scopes input{width:auto;margin-right:.5rem;transform:scale(1.4)}
button.secondary{background:#fff;color:#0b57d0;border:2px solid #0b57d0}
.notice{border-left:4px solid #0b57d0;padding:.5rem .75rem;background:#eef3fd}
.error{border-left:4px solid #b3261e;padding:.5rem .75rem;background:#fdecea}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem}
"""


def _page(language: Language, title: str, body: str) -> str:
    return _LAYOUT.format(
        lang=language,
        title=escape(title),
        skip=escape(pick(language, "跳到主要内容", "Skip to main content")),
        body=body,
    )


def _hidden(name: str, value: str) -> str:
    return f'<input type="hidden" name="{name}" value="{escape(value, quote=True)}">'


def _error(message: str | None) -> str:
    return f'<p class="error" role="alert">{escape(message)}</p>' if message else ""


def phone_page(
    language: Language,
    *,
    csrf: str,
    next_url: str,
    error: str | None,
    federation: bool = False,
) -> str:
    title = pick(language, "登录一件事", "Sign in to OneThing")
    body = (
        _error(error)
        + '<form method="post" action="/oauth2/login/code">'
        + _hidden("csrf", csrf)
        + _hidden("next", next_url)
        + f'<label for="phone">{escape(pick(language, "手机号码", "Mobile number"))}</label>'
        + '<input id="phone" name="phone" type="tel" inputmode="numeric" autocomplete="tel" '
        + 'required maxlength="20">'
        + f'<button type="submit">{escape(pick(language, "获取验证码", "Send code"))}</button>'
        + "</form>"
        + _passkey_part(
            language, "passkey-login", pick(language, "使用通行密钥登录", "Sign in with a passkey")
        )
        + (_federation_link(language, next_url) if federation else "")
    )
    return _page(language, title, body)


def _federation_link(language: Language, next_url: str) -> str:
    href = "/oauth2/federation/start?" + urlencode({"next": next_url})
    label = pick(language, "使用国家政务服务平台账号登录", "Sign in with the national platform")
    return f'<p><a href="{escape(href, quote=True)}">{escape(label)}</a></p>'


def _passkey_part(language: Language, button_id: str, label: str) -> str:
    """A button the passkey script reveals when the browser supports WebAuthn."""
    del language
    return (
        '<p id="passkey-status" class="notice" role="status" hidden></p>'
        + f'<button type="button" id="{button_id}" class="secondary" hidden>'
        + f"{escape(label)}</button>"
        + '<script src="/oauth2/static/passkey.js" defer></script>'
    )


def passkeys_page(language: Language, *, csrf: str, count: int) -> str:
    """Where a signed-in resident adds a passkey (this device's fingerprint, face or PIN)."""
    title = pick(language, "通行密钥", "Passkeys")
    summary = pick(
        language,
        f"您已添加 {count} 个通行密钥。添加后，"
        "可以用本设备的指纹、面容或锁屏密码登录，无需短信验证码。",
        f"You have {count} passkey(s). With a passkey you sign in with this device's "
        "fingerprint, face or screen lock instead of an SMS code.",
    )
    return _page(
        language,
        title,
        f"<p>{escape(summary)}</p>"
        + _hidden("csrf", csrf)
        + _passkey_part(
            language, "passkey-register", pick(language, "添加通行密钥", "Add a passkey")
        ),
    )


def code_page(
    language: Language, *, csrf: str, next_url: str, phone: str, error: str | None
) -> str:
    title = pick(language, "输入验证码", "Enter the code")
    hint = pick(
        language,
        "验证码已发送到您的手机，5 分钟内有效。",
        "We sent a code to your phone. It is valid for 5 minutes.",
    )
    body = (
        _error(error)
        + f"<p>{escape(hint)}</p>"
        + '<form method="post" action="/oauth2/login">'
        + _hidden("csrf", csrf)
        + _hidden("next", next_url)
        + _hidden("phone", phone)
        + f'<label for="code">{escape(pick(language, "验证码", "Code"))}</label>'
        + '<input id="code" name="code" type="text" inputmode="numeric" '
        + 'autocomplete="one-time-code" required maxlength="6" pattern="[0-9]{6}">'
        + f'<button type="submit">{escape(pick(language, "登录", "Sign in"))}</button>'
        + "</form>"
    )
    return _page(language, title, body)


def consent_page(
    language: Language,
    *,
    csrf: str,
    next_url: str,
    client_name: str,
    scopes: list[str],
    redirect_host: str,
) -> str:
    """Per-scope consent for a third-party client, in plain words, each scope a checkbox
    (the ones sign-in needs are shown but cannot be unticked)."""
    title = pick(
        language, f"“{client_name}”请求使用您的信息", f"{client_name} asks to use your data"
    )
    intro = pick(
        language,
        f"如果同意，“{client_name}”将可以：",
        f"If you allow it, {client_name} will be able to:",
    )
    items = []
    for scope in scopes:
        zh, en = scope_label(scope)
        label = escape(pick(language, zh, en))
        field_id = f"scope-{escape(scope, quote=True)}"
        if scope in REQUIRED_SCOPES:
            box = f'<input type="checkbox" id="{field_id}" checked disabled>' + _hidden(
                "scope", scope
            )
        else:
            box = (
                f'<input type="checkbox" id="{field_id}" name="scope" '
                f'value="{escape(scope, quote=True)}" checked>'
            )
        items.append(f'<li>{box}<label for="{field_id}">{label}</label></li>')
    after = pick(
        language,
        f"之后将返回 {redirect_host}。您可以随时在“我的授权”中撤回同意，"
        "撤回后该应用立即失去访问权限。",
        f"You will then return to {redirect_host}. You can withdraw this at any time under "
        "“My consents”; the app then loses access at once.",
    )
    body = (
        f"<p>{escape(intro)}</p>"
        + '<form method="post" action="/oauth2/consent">'
        + _hidden("csrf", csrf)
        + _hidden("next", next_url)
        + f'<ul class="scopes">{"".join(items)}</ul>'
        + f"<p>{escape(after)}</p>"
        + '<button type="submit" name="decision" value="allow">'
        + f"{escape(pick(language, '同意', 'Allow'))}</button>"
        + '<button type="submit" name="decision" value="deny" class="secondary">'
        + f"{escape(pick(language, '拒绝', 'Deny'))}</button>"
        + "</form>"
    )
    return _page(language, title, body)


def logout_page(
    language: Language, *, csrf: str, done: bool, request: LogoutRequest | None = None
) -> str:
    if done:
        title = pick(language, "您已退出登录", "You are signed out")
        return _page(language, title, "")
    title = pick(language, "退出登录", "Sign out")
    carried = ""
    if request is not None:
        for name, value in (
            ("client_id", request.client_id),
            ("post_logout_redirect_uri", request.post_logout_redirect_uri),
            ("state", request.state),
        ):
            if value:
                carried += _hidden(name, value)
    body = (
        '<form method="post" action="/oauth2/logout">'
        + _hidden("csrf", csrf)
        + carried
        + f'<button type="submit">{escape(pick(language, "退出", "Sign out"))}</button>'
        + "</form>"
    )
    return _page(language, title, body)


def error_page(language: Language, *, error: str, description: str | None) -> str:
    title = pick(language, "无法完成登录请求", "The sign-in request cannot be completed")
    body = f"<p><code>{escape(error)}</code></p>" + (
        f"<p>{escape(description)}</p>" if description else ""
    )
    return _page(language, title, body)
