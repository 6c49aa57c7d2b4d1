"""W3C Bitstring Status List v1.0: the bitstring of an issuer's licenses for one purpose, GZIP
compressed and multibase base64url-encoded, and the list credential around it. Pure."""

from __future__ import annotations

import base64
import gzip
from collections.abc import Iterable
from enum import StrEnum
from typing import Any, Final

from onething.licenses.models import LicenseStatus

# The spec's minimum: 16 KiB of bits, so a list does not reveal how many licenses exist.
MIN_BITS: Final = 131_072
VC_CONTEXT: Final = "https://www.w3.org/ns/credentials/v2"


class StatusPurpose(StrEnum):
    REVOCATION = "revocation"
    SUSPENSION = "suspension"


# Which license statuses set the bit of each list (a revocation bit is never unset).
FLAGGED: Final[dict[StatusPurpose, frozenset[LicenseStatus]]] = {
    StatusPurpose.REVOCATION: frozenset(
        {
            LicenseStatus.ANNULLED,
            LicenseStatus.CANCELLED,
            LicenseStatus.EXPIRED,
            LicenseStatus.REVOKED,
        }
    ),
    StatusPurpose.SUSPENSION: frozenset({LicenseStatus.SUSPENDED}),
}


def encode_bits(set_indexes: Iterable[int], size: int = MIN_BITS) -> str:
    """Index 0 is the left-most bit of the first byte (the spec's order)."""
    indexes = list(set_indexes)
    length = max(size, max(indexes, default=-1) + 1)
    bits = bytearray((length + 7) // 8)
    for index in indexes:
        bits[index // 8] |= 0x80 >> (index % 8)
    compressed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode("ascii")


def bit_is_set(encoded_list: str, index: int) -> bool:
    """What a verifier does with a fetched list."""
    if not encoded_list.startswith("u"):
        msg = "expected multibase base64url (prefix u)"
        raise ValueError(msg)
    body = encoded_list[1:]
    bits = gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def list_credential(
    *, url: str, issuer: dict[str, Any], purpose: StatusPurpose, encoded_list: str, valid_from: str
) -> dict[str, Any]:
    """A `BitstringStatusListCredential`, unsigned (the caller adds the proof)."""
    return {
        "@context": [VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": valid_from,
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": purpose.value,
            "encodedList": encoded_list,
        },
    }
