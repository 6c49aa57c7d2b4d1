"""The provider's own HTML pages (login by phone code, logout, errors): server-rendered, no
scripts, no inline styles (the CSP allows neither), usable before any JavaScript loads."""

from __future__ import annotations

from html import escape
from typing import Final

from onething.core.i18n import Language, pick

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


def phone_page(language: Language, *, csrf: str, next_url: str, error: str | None) -> str:
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
    )
    return _page(language, title, body)


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


def logout_page(language: Language, *, csrf: str, done: bool) -> str:
    if done:
        title = pick(language, "您已退出登录", "You are signed out")
        return _page(language, title, "")
    title = pick(language, "退出登录", "Sign out")
    body = (
        '<form method="post" action="/oauth2/logout">'
        + _hidden("csrf", csrf)
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
