"""Logs are JSON and never carry a full national ID number, phone number or bank card."""

from __future__ import annotations

import json
import logging

import pytest
import structlog

from onething.core.logging import configure_logging, mask_text


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("11010519491231002X", "110***********002X"),
        ("id=440105199003071234;", "id=440***********1234;"),
        ("call 13812345678 now", "call 138****5678 now"),
        ("+8613812345678", "+86138****5678"),
        ("card 6222021234567890123", "card ***************0123"),
        ("order 2026", "order 2026"),
    ],
)
def test_personal_numbers_are_masked_in_text(raw: str, masked: str) -> None:
    assert mask_text(raw) == masked


def test_structured_and_stdlib_logs_are_masked_json(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("INFO", json=True)
    structlog.get_logger("t").info(
        "applicant", id_number="11010519491231002X", contact={"phone": "13912345678"}
    )
    logging.getLogger("library").warning("lookup for 11010519491231002X failed")
    lines = [json.loads(line) for line in capsys.readouterr().err.strip().splitlines()]
    assert lines[0]["id_number"] == "110***********002X"
    assert lines[0]["contact"] == {"phone": "139****5678"}
    assert lines[1]["event"] == "lookup for 110***********002X failed"
    assert all("11010519491231002X" not in json.dumps(line) for line in lines)


def test_events_below_the_level_are_dropped(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("WARNING", json=True)
    structlog.get_logger("t").info("routine", detail="x")
    structlog.get_logger("t").warning("unusual", detail="y")
    lines = [json.loads(line) for line in capsys.readouterr().err.strip().splitlines()]
    assert [line["event"] for line in lines] == ["unusual"]
