"""Specification of the identifier and field-format checks in onething.catalog.codes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from onething.catalog.codes import (
    CREDIT_CODE_ALPHABET,
    ERROR_MESSAGES,
    CodeError,
    RegionLevel,
    china_today,
    credit_code_check_char,
    id_number_check_char,
    is_cjk_name,
    is_mainland_mobile,
    is_valid_bank_card,
    is_valid_credit_code,
    is_valid_id_number,
    is_valid_region_code,
    luhn_ok,
    make_id_number,
    parse_credit_code,
    parse_id_number,
    region_codes,
    region_name,
)

# The worked example printed in GB 11643-1999: 北京市朝阳区, born 1949-12-31, a woman.
STANDARD_ID_NUMBER = "11010519491231002X"
# Published codes whose check characters agree with GB 32100: 华为技术有限公司,
# 深圳市腾讯计算机系统有限公司, and the two bodies in the GB/T 36904 sample identifier.
REAL_CREDIT_CODES = (
    "914403001922038216",
    "91440300708461136T",
    "11100000000013338W",
    "11220000013544541J",
)
TODAY = dt.date(2025, 6, 1)


def _error_code(call: Callable[[], object]) -> str:
    with pytest.raises(CodeError) as caught:
        call()
    return caught.value.code


# --- GB 11643 ID numbers ----------------------------------------------------------------------


def test_standard_example_id_number_parses_to_its_parts() -> None:
    info = parse_id_number(STANDARD_ID_NUMBER)
    assert info.area_code == "110105"
    assert info.birth_date == dt.date(1949, 12, 31)
    assert info.sequence == 2
    assert info.sex == "female"
    assert info.check_char == "X"
    assert info.number == STANDARD_ID_NUMBER


def test_id_number_check_char_follows_the_weighted_mod_11_rule() -> None:
    assert id_number_check_char("11010519491231002") == "X"
    assert id_number_check_char("44190019900517123") == "2"


def test_every_single_character_substitution_of_an_id_number_is_rejected() -> None:
    for position, original in enumerate(STANDARD_ID_NUMBER):
        for replacement in "0123456789X":
            if replacement == original:
                continue
            corrupted = (
                STANDARD_ID_NUMBER[:position] + replacement + STANDARD_ID_NUMBER[position + 1 :]
            )
            assert not is_valid_id_number(corrupted), corrupted
            if position < 17 and replacement != "X":
                # The check character alone catches it, whatever the date and area checks say.
                assert id_number_check_char(corrupted[:17]) != corrupted[17]


def test_lowercase_x_is_accepted_and_normalised_to_capital_x() -> None:
    assert parse_id_number(STANDARD_ID_NUMBER.lower()).number == STANDARD_ID_NUMBER
    assert parse_id_number(STANDARD_ID_NUMBER.lower()).check_char == "X"


@pytest.mark.parametrize("value", ["", "1101051949123100", "11010519491231002X0"])
def test_id_number_of_wrong_length_is_rejected(value: str) -> None:
    assert _error_code(lambda: parse_id_number(value)) == "id_number.length"


@pytest.mark.parametrize(
    "value",
    [
        "1101051949123100XX",
        "11010519491231A02X",
        "11010519491231002Y",
        "１１０１０５１９４９１２３１００２X",
    ],
)
def test_id_number_with_non_digits_before_the_check_character_is_rejected(value: str) -> None:
    assert _error_code(lambda: parse_id_number(value)) == "id_number.format"


@pytest.mark.parametrize("birth", ["19990229", "19000229", "19491332", "19490001", "19491200"])
def test_birth_date_that_is_not_on_the_calendar_is_rejected(birth: str) -> None:
    first17 = f"110105{birth}002"
    value = first17 + id_number_check_char(first17)
    assert _error_code(lambda: parse_id_number(value)) == "id_number.birth_date"


def test_february_29_is_accepted_in_a_leap_year() -> None:
    info = parse_id_number(make_id_number("110105", dt.date(2000, 2, 29), 10))
    assert info.birth_date == dt.date(2000, 2, 29)


def test_birth_date_in_the_future_is_rejected() -> None:
    value = make_id_number("110105", TODAY + dt.timedelta(days=1), 1)
    assert _error_code(lambda: parse_id_number(value, today=TODAY)) == "id_number.birth_date"


def test_birth_tomorrow_in_china_is_rejected_by_default() -> None:
    value = make_id_number("110105", china_today() + dt.timedelta(days=1), 1)
    assert not is_valid_id_number(value)


def test_birth_today_is_accepted() -> None:
    assert parse_id_number(make_id_number("110105", TODAY, 1), today=TODAY).birth_date == TODAY


def test_birth_before_1900_is_rejected() -> None:
    value = make_id_number("110105", dt.date(1899, 12, 31), 1)
    assert _error_code(lambda: parse_id_number(value)) == "id_number.birth_date"


@pytest.mark.parametrize("area_code", ["990101", "000000", "720101", "110199"])
def test_id_number_with_unknown_area_code_is_rejected(area_code: str) -> None:
    value = make_id_number(area_code, dt.date(1990, 1, 1), 1)
    assert _error_code(lambda: parse_id_number(value)) == "id_number.area_code"


@pytest.mark.parametrize(
    ("area_code", "why"),
    [
        ("110228", "密云县, abolished in 2015 but printed on older IDs"),
        ("441900", "东莞市 has no counties, so its IDs carry the city code"),
        ("130101", "石家庄市市辖区, listed in printed GB/T 2260 editions"),
        ("653228", "和康县, created in 2024"),
    ],
)
def test_id_number_with_historical_or_special_area_code_is_accepted(
    area_code: str, why: str
) -> None:
    assert is_valid_id_number(make_id_number(area_code, dt.date(1980, 3, 4), 7)), why


def test_id_number_check_char_needs_17_ascii_digits() -> None:
    assert _error_code(lambda: id_number_check_char("1101051949123100")) == "id_number.format"


def test_make_id_number_rejects_a_sequence_outside_0_to_999() -> None:
    assert _error_code(lambda: make_id_number("110105", TODAY, 1000)) == "id_number.sequence"
    assert _error_code(lambda: make_id_number("110105", TODAY, -1)) == "id_number.sequence"


@st.composite
def id_parts(draw: st.DrawFn) -> tuple[str, dt.date, int]:
    area = draw(st.sampled_from(sorted(region_codes("county"))))
    birth = draw(st.dates(min_value=dt.date(1900, 1, 1), max_value=TODAY))
    return area, birth, draw(st.integers(0, 999))


@given(id_parts())
def test_generated_id_number_parses_back_to_its_parts(parts: tuple[str, dt.date, int]) -> None:
    area, birth, seq = parts
    info = parse_id_number(make_id_number(area, birth, seq), today=TODAY)
    assert (info.area_code, info.birth_date, info.sequence) == (area, birth, seq)


@given(st.integers(0, 999))
def test_odd_sequence_means_male_and_even_means_female(seq: int) -> None:
    info = parse_id_number(make_id_number("440106", dt.date(1990, 1, 1), seq))
    assert info.sex == ("male" if seq % 2 == 1 else "female")


# --- GB 32100 credit codes --------------------------------------------------------------------


@pytest.mark.parametrize("code", REAL_CREDIT_CODES)
def test_real_credit_codes_are_valid(code: str) -> None:
    assert parse_credit_code(code) == code
    assert credit_code_check_char(code[:17]) == code[17]


@pytest.mark.parametrize("code", REAL_CREDIT_CODES)
def test_every_single_character_substitution_of_a_credit_code_is_rejected(code: str) -> None:
    for position, original in enumerate(code):
        for replacement in CREDIT_CODE_ALPHABET:
            if replacement != original:
                assert not is_valid_credit_code(
                    code[:position] + replacement + code[position + 1 :]
                )


def test_lowercase_credit_code_is_accepted_and_upper_cased() -> None:
    assert parse_credit_code("91440300708461136t") == "91440300708461136T"


@pytest.mark.parametrize("letter", "IOZSV")
def test_letters_outside_the_credit_code_alphabet_are_rejected(letter: str) -> None:
    value = "91440300708461136" + letter
    assert _error_code(lambda: parse_credit_code(value)) == "credit_code.charset"


def test_credit_code_with_non_ascii_characters_is_rejected() -> None:
    assert _error_code(lambda: parse_credit_code("９1440300708461136T")) == "credit_code.charset"


def test_credit_code_with_letters_in_the_region_positions_is_rejected() -> None:
    first17 = "9144A300708461136"
    value = first17 + credit_code_check_char(first17)
    assert _error_code(lambda: parse_credit_code(value)) == "credit_code.region_code"


@pytest.mark.parametrize("value", ["", "91440300708461136", "91440300708461136TT"])
def test_credit_code_of_wrong_length_is_rejected(value: str) -> None:
    assert _error_code(lambda: parse_credit_code(value)) == "credit_code.length"


credit_bodies = st.tuples(
    st.text(CREDIT_CODE_ALPHABET, min_size=2, max_size=2),
    st.text("0123456789", min_size=6, max_size=6),
    st.text(CREDIT_CODE_ALPHABET, min_size=9, max_size=9),
).map("".join)


@given(credit_bodies)
def test_any_body_with_its_computed_check_char_is_a_valid_credit_code(first17: str) -> None:
    assert is_valid_credit_code(first17 + credit_code_check_char(first17))


# --- GB/T 2260 region codes -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "level", "name", "full_name"),
    [
        ("440000", "province", "广东省", "广东省"),
        ("442000", "city", "中山市", "广东省中山市"),
        ("440106", "county", "天河区", "广东省广州市天河区"),
        ("110101", "county", "东城区", "北京市东城区"),
        ("429004", "county", "仙桃市", "湖北省仙桃市"),
    ],
)
def test_region_name_gives_name_level_and_full_name(
    code: str, level: str, name: str, full_name: str
) -> None:
    region = region_name(code)
    assert region is not None
    assert (region.level, region.name, region.full_name, region.current) == (
        level,
        name,
        full_name,
        True,
    )


def test_region_name_still_names_an_abolished_code() -> None:
    region = region_name("110228")
    assert region is not None
    assert (region.name, region.current) == ("密云县", False)


@pytest.mark.parametrize("code", ["999999", "", "4401", "110199"])
def test_region_name_is_none_for_codes_never_used(code: str) -> None:
    assert region_name(code) is None


@pytest.mark.parametrize(
    ("code", "level"), [("440000", "province"), ("440100", "city"), ("440106", "county")]
)
def test_region_code_is_valid_at_its_own_level_and_for_any(code: str, level: RegionLevel) -> None:
    assert is_valid_region_code(code, level)
    assert is_valid_region_code(code)
    levels: tuple[RegionLevel, ...] = ("province", "city", "county")
    assert not any(is_valid_region_code(code, other) for other in levels if other != level)


@pytest.mark.parametrize("code", ["110100", "120100", "310100", "500100", "500200"])
def test_municipalities_have_city_level_codes(code: str) -> None:
    assert is_valid_region_code(code, "city")


def test_abolished_code_is_valid_only_when_history_is_included() -> None:
    assert not is_valid_region_code("110228")
    assert is_valid_region_code("110228", "county", include_historical=True)


@pytest.mark.parametrize("code", ["44010", "4401066", "44010a", "", "440106 "])
def test_malformed_region_codes_are_invalid(code: str) -> None:
    assert not is_valid_region_code(code, include_historical=True)


def test_region_data_covers_2024_changes_and_all_levels() -> None:
    assert is_valid_region_code("653229", "county")  # 和安县, December 2024
    assert len(region_codes("province")) == 34
    assert len(region_codes("city")) > 330
    assert len(region_codes("county")) > 2800


def test_every_county_code_sits_under_a_province_and_is_not_a_city_code() -> None:
    provinces = {code[:2] for code in region_codes("province")}
    for code in region_codes("county", include_historical=True):
        assert code[:2] in provinces, code
        assert code.isdigit(), code
        assert not code.endswith("00"), code


# --- phones, bank cards, names ----------------------------------------------------------------


@pytest.mark.parametrize("value", ["13800138000", "19912345678", "16600000000"])
def test_mainland_mobile_numbers_are_accepted(value: str) -> None:
    assert is_mainland_mobile(value)


@pytest.mark.parametrize(
    "value",
    [
        "12345678901",
        "1380013800",
        "138001380000",
        "+8613800138000",
        "138 0013 8000",
        "１３８００１３８０００",
    ],
)
def test_other_strings_are_not_mainland_mobile_numbers(value: str) -> None:
    assert not is_mainland_mobile(value)


@pytest.mark.parametrize("digits", ["4111111111111111", "79927398713", "0"])
def test_luhn_accepts_known_good_numbers(digits: str) -> None:
    assert luhn_ok(digits)


@pytest.mark.parametrize("digits", ["4111111111111112", "79927398710", "", "4111-1111", "４１"])
def test_luhn_rejects_bad_check_digits_and_non_digits(digits: str) -> None:
    assert not luhn_ok(digits)


@given(st.text("0123456789", min_size=1, max_size=30))
def test_exactly_one_final_digit_completes_any_luhn_prefix(prefix: str) -> None:
    assert sum(luhn_ok(prefix + d) for d in "0123456789") == 1


@given(st.integers(8, 22), st.data())
def test_bank_card_needs_12_to_19_digits_passing_luhn(length: int, data: st.DataObject) -> None:
    prefix = data.draw(st.text("0123456789", min_size=length - 1, max_size=length - 1))
    card = next(prefix + d for d in "0123456789" if luhn_ok(prefix + d))
    assert is_valid_bank_card(card) == (12 <= length <= 19)


def test_bank_card_with_bad_check_digit_is_rejected() -> None:
    assert is_valid_bank_card("4111111111111111")
    assert not is_valid_bank_card("4111111111111112")


@pytest.mark.parametrize(
    "value", ["张三", "欧阳娜娜", "阿依古丽·买买提", "\U00020000三", "㐀三", "张" * 30]
)
def test_chinese_names_are_accepted(value: str) -> None:
    assert is_cjk_name(value)


@pytest.mark.parametrize(
    "value",
    ["Zhang", "张", "张·", "·张", "张··三", "张 三", "张•三", "张・三", "张3", "张" * 31, ""],
)
def test_non_names_are_rejected(value: str) -> None:
    assert not is_cjk_name(value)


# --- error catalogue --------------------------------------------------------------------------


def test_every_error_code_has_chinese_and_english_messages() -> None:
    for code, (zh, en) in ERROR_MESSAGES.items():
        assert zh.strip(), code
        assert en.strip(), code
        assert any("\u4e00" <= c <= "\u9fff" for c in zh), code


def test_every_error_code_is_raised_by_some_input() -> None:
    cases: list[Callable[[], object]] = [
        lambda: parse_id_number("1"),
        lambda: parse_id_number("A" * 18),
        lambda: parse_id_number(make_id_number("110105", dt.date(1899, 1, 1), 1)),
        lambda: parse_id_number(make_id_number("990101", dt.date(1990, 1, 1), 1)),
        lambda: parse_id_number(STANDARD_ID_NUMBER[:17] + "1"),
        lambda: make_id_number("110105", TODAY, 1000),
        lambda: parse_credit_code("1"),
        lambda: parse_credit_code("I" * 18),
        lambda: parse_credit_code("91AA03007084611360"),
        lambda: parse_credit_code("914403001922038217"),
    ]
    raised = {_error_code(case) for case in cases}
    assert raised == set(ERROR_MESSAGES)


def test_code_error_is_a_value_error_carrying_both_messages() -> None:
    with pytest.raises(ValueError, match=r"id_number\.length") as caught:
        parse_id_number("")
    assert isinstance(caught.value, CodeError)
    assert (caught.value.message_zh, caught.value.message_en) == ERROR_MESSAGES["id_number.length"]
