"""The public verification page a phone camera opens from a license's QR code: plain HTML,
no script, the same check as `GET /api/v1/licenses/verify/{token}`. Its only stylesheet is
served from `/verify/page.css`: the CSP (`style-src 'self'`) refuses inline styles."""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape
from typing import Final

from litestar import MediaType, Response, get
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath

from onething.core.errors import ProblemError
from onething.identity.deps import DbSession
from onething.licenses.context import LicensesContext, context_from_state
from onething.licenses.schemas import VerificationResult
from onething.licenses.verification import verify_token

STYLESHEET_PATH: Final = "/verify/page.css"
_STYLE: Final = (
    "body{font-family:system-ui,'Noto Sans SC',sans-serif;max-width:34rem;margin:2rem auto;"
    "padding:0 1rem;line-height:1.5;font-size:18px;color:#1a1a1a}"
    ".ok{color:#0b6b2f}.bad{color:#a4000f}dt{color:#555;margin-top:.6rem}dd{margin:0}"
)


def _page(title: str, body: str, status: int) -> Response[str]:
    html = (
        f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width,initial-scale=1">'
        f'<title>{escape(title)}</title><link rel="stylesheet" href="{STYLESHEET_PATH}"></head>'
        f"<body><main>{body}</main></body></html>"
    )
    return Response(
        html,
        status_code=status,
        media_type=MediaType.HTML,
        headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"},
    )


def _result(result: VerificationResult) -> str:
    verdict = (
        '<h1 class="ok">✓ 证照有效 <small>Valid</small></h1>'
        if result.valid
        else f'<h1 class="bad">✗ 证照{escape(result.status_label.zh)} '
        f"<small>{escape(result.status_label.en)}</small></h1>"
    )
    rows = [
        ("证照名称 License", f"{result.name.zh} · {result.name.en}"),
        ("状态 Status", f"{result.status_label.zh} · {result.status_label.en}"),
        ("发证机关 Issuer", f"{result.issuer.name.zh}（{result.issuer.code}）"),
        ("签发日期 Issued", result.issued_on.isoformat()),
        ("有效期至 Valid until", result.valid_until.isoformat() if result.valid_until else "长期"),
        ("持证人 Holder", result.holder),
        ("电子证照标识 Identifier", result.identifier),
        ("核验时间 Checked", result.checked_at.isoformat(timespec="seconds")),
    ]
    items = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in rows)
    return f"{verdict}<p>签名已用发证机关公布的公钥验证。</p><dl>{items}</dl>"


@get(
    STYLESHEET_PATH,
    include_in_schema=False,
    media_type="text/css",
    name="license-verify-stylesheet",
    sync_to_thread=False,
)
def verify_stylesheet() -> str:
    """The verify page's stylesheet."""
    return _STYLE


@get(
    "/verify/{token:str}",
    dependencies={"licenses": Provide(context_from_state, sync_to_thread=False)},
    include_in_schema=False,
    name="license-verify-page",
)
async def verify_page(
    token: FromPath[str], licenses: NamedDependency[LicensesContext], db_session: DbSession
) -> Response[str]:
    try:
        result = await verify_token(db_session, licenses, token, now=datetime.now(UTC), via="page")
    except ProblemError as exc:
        status = exc.problem.status
        return _page(
            "证照核验 · 无效",
            '<h1 class="bad">✗ 无法核验 <small>Not verifiable</small></h1>'
            "<p>二维码签名无效或证照不存在。The QR code's signature does not verify, or no such"
            " license exists.</p>",
            status,
        )
    return _page("证照核验", _result(result), 200)
