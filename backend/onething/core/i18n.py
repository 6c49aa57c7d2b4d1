"""Caller-language negotiation: zh-CN by default, English when the caller prefers it."""

from __future__ import annotations

from typing import Literal

Language = Literal["zh-CN", "en"]
DEFAULT_LANGUAGE: Language = "zh-CN"


def negotiate_language(accept_language: str | None) -> Language:
    """Pick zh-CN or en from an Accept-Language header (RFC 9110 quality values)."""
    if not accept_language:
        return DEFAULT_LANGUAGE
    best: tuple[float, int, Language] | None = None
    for position, part in enumerate(accept_language.split(",")):
        tag, _, params = part.strip().partition(";")
        tag = tag.strip().lower()
        quality = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        language: Language | None = None
        if tag.startswith("zh"):
            language = "zh-CN"
        elif tag.startswith("en"):
            language = "en"
        if language is None or quality <= 0:
            continue
        # Higher quality wins; among equals, the earlier entry wins.
        candidate = (quality, -position, language)
        if best is None or candidate[:2] > best[:2]:
            best = candidate
    return best[2] if best else DEFAULT_LANGUAGE


def pick(language: Language, zh: str, en: str) -> str:
    return zh if language == "zh-CN" else en
