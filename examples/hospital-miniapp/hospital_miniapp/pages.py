"""The mini-app's few HTML pages (zh-CN, no script): plain markup, every value escaped."""

from __future__ import annotations

from html import escape
from typing import Any

from hospital_miniapp.launch import DeliveryRecord

_SEX = {"male": "男", "female": "女"}
_STATES = {
    "submitted": "已提交",
    "waiting_upstream": "等待前序事项",
    "accepted": "已受理",
    "in_review": "审核中",
    "approved": "已办结",
    "issued": "已出证",
    "done": "已完成",
    "refused": "不予受理",
    "correction_requested": "需要补正",
}


def _page(title: str, body: str) -> bytes:
    return f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} · 市妇幼保健院</title>
<style>body{{font:18px/1.5 system-ui,sans-serif;margin:0 auto;max-width:36rem;padding:1rem}}
.button{{display:inline-block;padding:.8rem 1.2rem;background:#0b5cad;color:#fff;border:0;
border-radius:.4rem;font-size:1.1rem;text-decoration:none}}dt{{font-weight:600}}</style>
</head><body><header><p>市妇幼保健院 · City Maternity Hospital</p></header>
<main><h1>{escape(title)}</h1>{body}</main></body></html>""".encode()


def home(record: DeliveryRecord) -> bytes:
    born = record.birth_time.strftime("%Y年%m月%d日 %H:%M")
    return _page(
        "新生儿出生一件事",
        f"""<p>您在本院的分娩记录：</p>
<dl><dt>出生时间</dt><dd>{escape(born)}</dd>
<dt>性别</dt><dd>{escape(_SEX.get(record.sex, record.sex))}</dd>
<dt>体重 / 身长</dt><dd>{record.birth_weight} 克 / {record.birth_length} 厘米</dd>
<dt>接生机构</dt><dd>{escape(record.birth_facility)}</dd></dl>
<p>通过“一件事”平台一次办理出生医学证明、落户、医保、社保卡等事项。本院只提供以上出生信息，
其余信息由您在一件事应用中填写并提交。</p>
<p><a class="button" href="/start">用一件事办理</a></p>""",
    )


def launched(draft: dict[str, Any], continue_url: str, events: list[dict[str, Any]]) -> bytes:
    prefilled = sorted(draft.get("prefill") or {})
    items = "".join(f"<li>{escape(element)}</li>" for element in prefilled)
    progress = "".join(
        f"<li>{escape(str(e.get('type')))}：{escape(_state(e))}</li>" for e in events
    )
    return _page(
        "已为您创建申请草稿",
        f"""<p>本院提供的 {len(prefilled)} 项出生信息已预填，并标明来源为本院：</p>
<ul id="prefilled">{items}</ul>
<p>请到一件事应用中核对、补充其余信息并提交。</p>
<p><a class="button" id="continue" href="{escape(continue_url)}">到一件事应用继续</a></p>
<h2>办理进度</h2><ul id="progress">{progress or "<li>尚未提交</li>"}</ul>""",
    )


def _state(event: dict[str, Any]) -> str:
    data = event.get("data") or {}
    state = str(data.get("state") or data.get("status") or "")
    service = data.get("service")
    label = _STATES.get(state, state)
    return f"{service} {label}" if service else label


def problem(title: str, detail: str) -> bytes:
    return _page(title, f"<p>{escape(detail)}</p><p><a href='/'>返回</a></p>")
