"""Answers and outputs at rest: one AES-GCM-sealed JSON document per row, bound to the row."""

from __future__ import annotations

import uuid
from typing import Any

import msgspec

from onething.identity.crypto import FieldCipher


def _context(table: str, row_id: uuid.UUID) -> str:
    # Bound to table and row: a sealed value copied into another row does not open.
    return f"{table}:{row_id}"


def seal(cipher: FieldCipher, value: object, *, table: str, row_id: uuid.UUID) -> str:
    plain = msgspec.json.encode(value).decode("utf-8")
    return cipher.encrypt(plain, context=_context(table, row_id))


def unseal(cipher: FieldCipher, sealed: str, *, table: str, row_id: uuid.UUID) -> dict[str, Any]:
    plain = cipher.decrypt(sealed, context=_context(table, row_id))
    value = msgspec.json.decode(plain)
    if not isinstance(value, dict):
        msg = "a sealed document is a JSON object"
        raise TypeError(msg)
    return value
