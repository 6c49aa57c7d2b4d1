"""GB/T 36904-2018 electronic-license identifiers: build, parse and the ISO 7064 MOD 37,36 check.

An identifier reads ``1.2.156.3005.2.<type>.<issuer>.<serial>.<version>.<check>``: the type
code is the defining body's credit code plus a 3-digit sequence, the issuer code is the issuing
department's credit code, the version has 3 digits, and the check character (GB/T 17710, i.e.
ISO 7064 MOD 37,36) runs over type, issuer, serial and version with the dots left out.
Parsing accepts lowercase letters and returns the identifier upper-cased, as the credit-code
parser does; the embedded credit codes must pass their own GB 32100 check.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final

import msgspec

from onething.catalog.codes import CodeError, is_valid_credit_code

LICENSE_IDENTIFIER_PREFIX: Final = "1.2.156.3005.2."
_ALPHABET36: Final = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_VALUES36: Final = {c: i for i, c in enumerate(_ALPHABET36)}
_ALNUM: Final = re.compile(r"[0-9A-Z]+", re.ASCII)
_TYPE_SEQUENCE: Final = re.compile(r"[0-9]{3}", re.ASCII)
_VERSION: Final = re.compile(r"[0-9]{3}", re.ASCII)

ERROR_MESSAGES: Final[Mapping[str, tuple[str, str]]] = {
    "license_identifier.prefix": (
        "电子证照标识应以 1.2.156.3005.2. 开头",
        "An e-license identifier starts with 1.2.156.3005.2.",
    ),
    "license_identifier.shape": (
        "电子证照标识应由证照类型代码、颁发机构代码、流水号、版本号和校验位组成",
        "An e-license identifier has a type code, issuer code, serial, version and check character",
    ),
    "license_identifier.type_code": (
        "证照类型代码应为定义机构的统一社会信用代码加3位顺序号",
        "The license type code is the defining body's credit code plus a 3-digit sequence",
    ),
    "license_identifier.issuer_code": (
        "颁发机构代码应为有效的统一社会信用代码",
        "The issuer code must be a valid unified social credit code",
    ),
    "license_identifier.serial": (
        "证照流水号只能包含数字和大写字母",
        "The license serial may contain only digits and capital letters",
    ),
    "license_identifier.version": (
        "版本号应为3位数字",
        "The version is 3 digits",
    ),
    "license_identifier.check_char": (
        "电子证照标识校验位不正确，请核对标识",
        "The e-license identifier's check character is wrong; please check it",
    ),
}


def _error(code: str) -> CodeError:
    zh, en = ERROR_MESSAGES[code]
    return CodeError(code, zh, en)


class LicenseIdentifier(msgspec.Struct, frozen=True, kw_only=True):
    """The parts of a valid e-license identifier."""

    type_code: str
    issuer_code: str
    serial: str
    version: int
    check_char: str

    @property
    def defining_body_code(self) -> str:
        """Credit code of the body that defined the license type."""
        return self.type_code[:18]

    @property
    def type_sequence(self) -> str:
        """The 3-digit sequence the defining body gave this license type."""
        return self.type_code[18:]

    def __str__(self) -> str:
        return (
            f"{LICENSE_IDENTIFIER_PREFIX}{self.type_code}.{self.issuer_code}."
            f"{self.serial}.{self.version:03d}.{self.check_char}"
        )


def license_check_char(payload: str) -> str:
    """ISO 7064 MOD 37,36 check character over digits and capital letters."""
    if not _ALNUM.fullmatch(payload):
        raise _error("license_identifier.shape")
    p = 36
    for c in payload:
        p = (p + _VALUES36[c]) % 36 or 36
        p = p * 2 % 37
    return _ALPHABET36[(37 - p) % 36]


def _check_parts(type_code: str, issuer_code: str, serial: str) -> None:
    # The credit-code parser tolerates lowercase, but the check character is defined over
    # capital letters only, so the parts of an identifier must already be upper-case.
    if not (
        len(type_code) == 21
        and type_code == type_code.upper()
        and is_valid_credit_code(type_code[:18])
        and _TYPE_SEQUENCE.fullmatch(type_code[18:])
    ):
        raise _error("license_identifier.type_code")
    if not (issuer_code == issuer_code.upper() and is_valid_credit_code(issuer_code)):
        raise _error("license_identifier.issuer_code")
    if not _ALNUM.fullmatch(serial):
        raise _error("license_identifier.serial")


def make_license_identifier(type_code: str, issuer_code: str, serial: str, version: int) -> str:
    """Build ``1.2.156.3005.2.<type>.<issuer>.<serial>.<version:03d>.<check>``."""
    _check_parts(type_code, issuer_code, serial)
    if not 0 <= version <= 999:
        raise _error("license_identifier.version")
    payload = f"{type_code}{issuer_code}{serial}{version:03d}"
    return (
        f"{LICENSE_IDENTIFIER_PREFIX}{type_code}.{issuer_code}.{serial}.{version:03d}."
        f"{license_check_char(payload)}"
    )


def parse_license_identifier(value: str) -> LicenseIdentifier:
    """Validate an e-license identifier and return its parts (letters upper-cased)."""
    if not value.startswith(LICENSE_IDENTIFIER_PREFIX):
        raise _error("license_identifier.prefix")
    # Upper-case only after the ASCII check: str.upper() maps some non-ASCII letters into A-Z.
    if not value.isascii():
        raise _error("license_identifier.shape")
    parts = value[len(LICENSE_IDENTIFIER_PREFIX) :].upper().split(".")
    if len(parts) != 5:
        raise _error("license_identifier.shape")
    type_code, issuer_code, serial, version, check_char = parts
    _check_parts(type_code, issuer_code, serial)
    if not _VERSION.fullmatch(version):
        raise _error("license_identifier.version")
    if len(check_char) != 1 or check_char not in _VALUES36:
        raise _error("license_identifier.shape")
    if license_check_char(type_code + issuer_code + serial + version) != check_char:
        raise _error("license_identifier.check_char")
    return LicenseIdentifier(
        type_code=type_code,
        issuer_code=issuer_code,
        serial=serial,
        version=int(version),
        check_char=check_char,
    )


def is_valid_license_identifier(value: str) -> bool:
    """True when ``parse_license_identifier`` would accept the value."""
    try:
        parse_license_identifier(value)
    except CodeError:
        return False
    return True
