"""Structured JSON logs with national ID, phone and bank-card numbers masked everywhere."""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Mapping, MutableMapping
from typing import Final

import structlog
from structlog.typing import EventDict, Processor, WrappedLogger

# An 18-character resident ID number (GB 11643): 17 digits and a digit or X.
_ID_NUMBER: Final = re.compile(r"(?<![0-9A-Za-z])(\d{3})\d{11}(\d{3}[\dXx])(?![0-9A-Za-z])")
# A mainland mobile number, optionally with +86.
_MOBILE: Final = re.compile(r"(?<!\d)((?:\+?86)?1[3-9]\d)\d{4}(\d{4})(?!\d)")
# Any other long digit run (bank cards are 12-19 digits) keeps only its last 4 digits.
_LONG_DIGITS: Final = re.compile(r"(?<!\d)\d{8,15}(\d{4})(?!\d)")


def mask_text(text: str) -> str:
    """Mask personal numbers inside free text, keeping just enough to tell records apart."""
    text = _ID_NUMBER.sub(lambda m: f"{m.group(1)}{'*' * 11}{m.group(2)}", text)
    text = _MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(2)}", text)
    return _LONG_DIGITS.sub(lambda m: f"{'*' * (len(m.group(0)) - 4)}{m.group(1)}", text)


def _mask_value(value: object) -> object:
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, Mapping):
        return {k: _mask_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_mask_value(v) for v in value]
    return value


def mask_personal_data(_logger: WrappedLogger, _method: str, event_dict: EventDict) -> EventDict:
    """structlog processor: runs last before rendering so nothing escapes unmasked."""
    masked: MutableMapping[str, object] = {}
    for key, value in event_dict.items():
        masked[key] = _mask_value(value)
    return dict(masked)


def configure_logging(level: str = "INFO", *, json: bool = True) -> None:
    """Route structlog and the standard library through one masked renderer."""
    shared: list[Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.StackInfoRenderer(),
        structlog.processors.format_exc_info,
    ]
    renderer: Processor = (
        structlog.processors.JSONRenderer(ensure_ascii=False)
        if json
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    structlog.configure(
        # Drop below-level events before any processor runs (they would be paid for per request).
        processors=[
            structlog.stdlib.filter_by_level,
            *shared,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            mask_personal_data,
            renderer,
        ],
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("botocore", "boto3", "urllib3", "s3transfer", "asyncio"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
