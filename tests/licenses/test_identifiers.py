"""Specification of GB/T 36904-2018 e-license identifiers in onething.licenses.identifiers."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from onething.catalog.codes import CREDIT_CODE_ALPHABET, CodeError, credit_code_check_char
from onething.licenses.identifiers import (
    ERROR_MESSAGES,
    LICENSE_IDENTIFIER_PREFIX,
    LicenseIdentifier,
    is_valid_license_identifier,
    license_check_char,
    make_license_identifier,
    parse_license_identifier,
)

# The sample identifier given with GB/T 36904-2018.
SAMPLE = "1.2.156.3005.2.11100000000013338W032.11220000013544541J.2430599.001.F"
SAMPLE_PAYLOAD = "11100000000013338W032" + "11220000013544541J" + "2430599" + "001"
ALPHABET36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _error_code(call: Callable[[], object]) -> str:
    with pytest.raises(CodeError) as caught:
        call()
    return caught.value.code


def test_sample_identifier_parses_to_its_parts() -> None:
    parsed = parse_license_identifier(SAMPLE)
    assert parsed == LicenseIdentifier(
        type_code="11100000000013338W032",
        issuer_code="11220000013544541J",
        serial="2430599",
        version=1,
        check_char="F",
    )
    assert parsed.defining_body_code == "11100000000013338W"
    assert parsed.type_sequence == "032"


def test_parsed_identifier_prints_back_to_the_original() -> None:
    assert str(parse_license_identifier(SAMPLE)) == SAMPLE


def test_make_license_identifier_reproduces_the_sample() -> None:
    made = make_license_identifier("11100000000013338W032", "11220000013544541J", "2430599", 1)
    assert made == SAMPLE


def test_check_char_is_iso_7064_mod_37_36_over_the_payload_without_dots() -> None:
    assert license_check_char(SAMPLE_PAYLOAD) == "F"


def test_every_single_character_substitution_of_the_sample_is_rejected() -> None:
    for position, original in enumerate(SAMPLE):
        for replacement in ALPHABET36 + ".":
            if replacement != original:
                corrupted = SAMPLE[:position] + replacement + SAMPLE[position + 1 :]
                assert not is_valid_license_identifier(corrupted), corrupted


def test_mod_37_36_alone_detects_every_single_substitution_in_the_payload() -> None:
    for position, original in enumerate(SAMPLE_PAYLOAD):
        for replacement in ALPHABET36:
            if replacement != original:
                corrupted = SAMPLE_PAYLOAD[:position] + replacement + SAMPLE_PAYLOAD[position + 1 :]
                assert license_check_char(corrupted) != "F", corrupted


def test_lowercase_identifier_is_accepted_and_upper_cased() -> None:
    assert str(parse_license_identifier(SAMPLE.lower())) == SAMPLE


@pytest.mark.parametrize(
    "value",
    [
        "",
        "1.2.156.3005.1.11100000000013338W032.11220000013544541J.2430599.001.F",
        "11100000000013338W032.11220000013544541J.2430599.001.F",
        " " + SAMPLE,
    ],
)
def test_identifier_without_the_oid_prefix_is_rejected(value: str) -> None:
    assert _error_code(lambda: parse_license_identifier(value)) == "license_identifier.prefix"


@pytest.mark.parametrize(
    "value",
    [
        SAMPLE + ".F",
        SAMPLE[: -len(".F")],
        SAMPLE.replace(".001.F", ".001.FF"),
        SAMPLE.replace(".001.F", ".001."),
        SAMPLE + " ",
        SAMPLE.replace("2430599", "２430599"),
    ],
)
def test_identifier_of_the_wrong_shape_is_rejected(value: str) -> None:
    assert _error_code(lambda: parse_license_identifier(value)) == "license_identifier.shape"


@pytest.mark.parametrize("version", ["01", "0001", "0A1"])
def test_version_must_be_three_digits(version: str) -> None:
    value = SAMPLE.replace(".001.", f".{version}.")
    assert _error_code(lambda: parse_license_identifier(value)) == "license_identifier.version"


@pytest.mark.parametrize(
    "type_code", ["11100000000013338W03", "11100000000013338X032", "11100000000013338W03A"]
)
def test_type_code_must_be_a_valid_credit_code_and_3_digit_sequence(type_code: str) -> None:
    value = SAMPLE.replace("11100000000013338W032", type_code)
    assert _error_code(lambda: parse_license_identifier(value)) == "license_identifier.type_code"


def test_issuer_code_must_be_a_valid_credit_code() -> None:
    value = SAMPLE.replace("11220000013544541J", "11220000013544541K")
    assert _error_code(lambda: parse_license_identifier(value)) == "license_identifier.issuer_code"


@pytest.mark.parametrize("serial", ["", "24-0599", "2430 599"])
def test_serial_must_be_digits_and_capital_letters(serial: str) -> None:
    value = SAMPLE.replace("2430599", serial)
    assert _error_code(lambda: parse_license_identifier(value)) == "license_identifier.serial"


def test_wrong_check_char_is_rejected() -> None:
    value = SAMPLE[:-1] + "G"
    assert _error_code(lambda: parse_license_identifier(value)) == "license_identifier.check_char"


@pytest.mark.parametrize("version", [-1, 1000])
def test_make_rejects_versions_that_do_not_fit_three_digits(version: int) -> None:
    code = _error_code(
        lambda: make_license_identifier(
            "11100000000013338W032", "11220000013544541J", "2430599", version
        )
    )
    assert code == "license_identifier.version"


def test_make_rejects_lowercase_parts() -> None:
    code = _error_code(
        lambda: make_license_identifier("11100000000013338w032", "11220000013544541J", "2430599", 1)
    )
    assert code == "license_identifier.type_code"


credit_codes = (
    st.tuples(
        st.text(CREDIT_CODE_ALPHABET, min_size=2, max_size=2),
        st.text("0123456789", min_size=6, max_size=6),
        st.text(CREDIT_CODE_ALPHABET, min_size=9, max_size=9),
    )
    .map("".join)
    .map(lambda first17: first17 + credit_code_check_char(first17))
)


@given(
    defining_body=credit_codes,
    sequence=st.integers(0, 999),
    issuer=credit_codes,
    serial=st.text(ALPHABET36, min_size=1, max_size=40),
    version=st.integers(0, 999),
)
def test_any_made_identifier_parses_back_to_its_parts(
    defining_body: str, sequence: int, issuer: str, serial: str, version: int
) -> None:
    type_code = f"{defining_body}{sequence:03d}"
    made = make_license_identifier(type_code, issuer, serial, version)
    assert made.startswith(LICENSE_IDENTIFIER_PREFIX)
    parsed = parse_license_identifier(made)
    assert (parsed.type_code, parsed.issuer_code, parsed.serial, parsed.version) == (
        type_code,
        issuer,
        serial,
        version,
    )
    assert str(parsed) == made


@given(st.text(ALPHABET36, min_size=1, max_size=60), st.data())
def test_changing_any_one_payload_character_changes_the_check_char(
    payload: str, data: st.DataObject
) -> None:
    position = data.draw(st.integers(0, len(payload) - 1))
    replacement = data.draw(st.sampled_from(ALPHABET36).filter(lambda c: c != payload[position]))
    corrupted = payload[:position] + replacement + payload[position + 1 :]
    assert license_check_char(corrupted) != license_check_char(payload)


def test_every_error_code_has_chinese_and_english_messages() -> None:
    for code, (zh, en) in ERROR_MESSAGES.items():
        assert zh.strip(), code
        assert en.strip(), code


def test_every_error_code_is_raised_by_some_input() -> None:
    cases: list[Callable[[], object]] = [
        lambda: parse_license_identifier("2.1"),
        lambda: parse_license_identifier(SAMPLE + ".X"),
        lambda: parse_license_identifier(SAMPLE.replace("W032", "W03")),
        lambda: parse_license_identifier(SAMPLE.replace("541J", "541K")),
        lambda: parse_license_identifier(SAMPLE.replace("2430599", "2430-599")),
        lambda: parse_license_identifier(SAMPLE.replace(".001.", ".1.")),
        lambda: parse_license_identifier(SAMPLE[:-1] + "0"),
    ]
    assert {_error_code(case) for case in cases} == set(ERROR_MESSAGES)
