"""The certificate as a PDF (fpdf2, Noto Sans SC embedded and subset, QR code by segno), and
the annotated copy (加注件) a holder downloads: the same face with the reason of use, the date
and the expiry written across it. Pure: bytes in, bytes out; CPU-bound, so callers run it in a
worker thread."""

from __future__ import annotations

import datetime as dt
import functools
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import segno
from fpdf import FPDF
from fpdf.enums import XPos, YPos

FONT: Final = "noto-sans-sc"
PAGE_W: Final = 297.0  # A4 landscape, mm
PAGE_H: Final = 210.0


@functools.cache
def font_path() -> Path:
    """Noto Sans SC (SIL OFL 1.1), installed by `uv sync` from the pylopdf-fonts-zh-cn wheel:
    no OS font package is needed on a fresh machine."""
    import pylopdf_fonts_zh_cn

    path = Path(pylopdf_fonts_zh_cn.sans_path())
    if not path.is_file():  # pragma: no cover - a broken install
        msg = f"CJK font missing at {path}"
        raise FileNotFoundError(msg)
    return path


@dataclass(frozen=True)
class Annotation:
    """What makes a copy an annotated copy: why it was taken, when, and until when it counts."""

    reason: str
    made_on: dt.date
    expires_on: dt.date


@dataclass(frozen=True)
class Certificate:
    title_zh: str
    title_en: str
    rows: list[tuple[str, str]]  # (label, value) in face order
    issuer_name: str
    issued_on: dt.date
    number: str
    identifier: str
    verify_url: str
    annotation: Annotation | None = field(default=None)


def chinese_date(day: dt.date) -> str:
    return f"{day.year}年{day.month:02d}月{day.day:02d}日"


def render_certificate(cert: Certificate) -> bytes:
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_creation_date(dt.datetime.combine(cert.issued_on, dt.time(), tzinfo=dt.UTC))
    pdf.set_title(cert.title_zh)
    pdf.set_author(cert.issuer_name)
    pdf.set_subject(cert.identifier)
    pdf.set_auto_page_break(auto=False)
    pdf.add_font(FONT, fname=str(font_path()))
    pdf.add_page()
    _frame(pdf)
    _title(pdf, cert)
    _rows(pdf, cert.rows)
    _footer(pdf, cert)
    _qr(pdf, cert.verify_url)
    if cert.annotation is not None:
        _annotate(pdf, cert.annotation)
    return bytes(pdf.output())


def _frame(pdf: FPDF) -> None:
    pdf.set_draw_color(150, 30, 30)
    pdf.set_line_width(1.2)
    pdf.rect(8, 8, PAGE_W - 16, PAGE_H - 16)
    pdf.set_line_width(0.3)
    pdf.rect(11, 11, PAGE_W - 22, PAGE_H - 22)


def _title(pdf: FPDF, cert: Certificate) -> None:
    pdf.set_text_color(150, 30, 30)
    pdf.set_font(FONT, size=28)
    pdf.set_xy(11, 20)
    pdf.cell(PAGE_W - 22, 14, cert.title_zh, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, size=11)
    pdf.set_x(11)
    pdf.cell(PAGE_W - 22, 7, cert.title_en, align="C")


def _rows(pdf: FPDF, rows: list[tuple[str, str]]) -> None:
    pdf.set_text_color(20, 20, 20)
    top, line = 52.0, 8.5
    per_column = max(1, (len(rows) + 1) // 2) if len(rows) > 8 else len(rows)
    for i, (label, value) in enumerate(rows):
        column, row = divmod(i, per_column) if per_column else (0, i)
        x = 24 + column * 125
        y = top + row * line
        pdf.set_font(FONT, size=10)
        pdf.set_text_color(110, 110, 110)
        pdf.set_xy(x, y)
        pdf.cell(38, line, label)
        pdf.set_font(FONT, size=12)
        pdf.set_text_color(20, 20, 20)
        pdf.set_xy(x + 38, y)
        pdf.cell(82, line, _fit(pdf, value, 82))


def _fit(pdf: FPDF, text: str, width: float) -> str:
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text + "…"


def _footer(pdf: FPDF, cert: Certificate) -> None:
    pdf.set_text_color(20, 20, 20)
    pdf.set_font(FONT, size=11)
    lines = [
        f"发证机关  {cert.issuer_name}",
        f"签发日期  {chinese_date(cert.issued_on)}",
        f"证照编号  {cert.number}",
    ]
    for i, text in enumerate(lines):
        pdf.set_xy(24, 160 + i * 7)
        pdf.cell(200, 7, text)
    pdf.set_font(FONT, size=8)
    pdf.set_text_color(90, 90, 90)
    pdf.set_xy(24, 183)
    pdf.cell(200, 5, f"电子证照标识  {cert.identifier}")


def _qr(pdf: FPDF, url: str) -> None:
    image = io.BytesIO()
    segno.make(url, error="m").save(image, kind="png", scale=6, border=2)
    image.seek(0)
    pdf.image(image, x=PAGE_W - 68, y=140, w=44, h=44)
    pdf.set_font(FONT, size=8)
    pdf.set_text_color(90, 90, 90)
    pdf.set_xy(PAGE_W - 68, 184)
    pdf.cell(44, 5, "扫码核验 Scan to verify", align="C")


def _annotate(pdf: FPDF, note: Annotation) -> None:
    banner = (
        f"加注件  用途：{note.reason}  生成日期：{chinese_date(note.made_on)}  "
        f"有效期至：{chinese_date(note.expires_on)}"
    )
    pdf.set_font(FONT, size=10)
    pdf.set_text_color(200, 40, 40)
    pdf.set_xy(11, 12.5)
    pdf.cell(PAGE_W - 22, 6, banner, align="C")
    mark = f"仅供{note.reason}使用 有效期至{chinese_date(note.expires_on)}"
    pdf.set_font(FONT, size=20)
    pdf.set_text_color(235, 150, 150)
    with pdf.local_context(fill_opacity=0.35, stroke_opacity=0.35):
        for x, y in ((40, 120), (120, 170), (150, 90)):
            with pdf.rotation(25, x=x, y=y):
                pdf.set_xy(x, y)
                pdf.cell(160, 10, mark)
