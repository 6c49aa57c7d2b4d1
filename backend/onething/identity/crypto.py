"""Field encryption (AES-GCM with key ids) and keyed blind indexes for personal data at rest."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import secrets
import unicodedata
from dataclasses import dataclass
from typing import Final

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

# Ciphertexts read `v1.<kid>.<base64url(nonce || ciphertext+tag)>`: the key id lets old rows
# decrypt after the current key changes, and the version leaves room for another scheme.
_VERSION: Final = "v1"
_NONCE_BYTES: Final = 12
_KEY_BYTES: Final = 32


class KeyConfigurationError(ValueError):
    """The configured keys are missing or malformed (a deployment error, not a user error)."""


class DecryptionError(ValueError):
    """A ciphertext was tampered with, moved to another row, or its key is unknown."""


def _b64decode(text: str) -> bytes:
    padded = text + "=" * (-len(text) % 4)
    return base64.urlsafe_b64decode(padded.encode("ascii"))


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def generate_key() -> str:
    """A fresh 256-bit key, base64url without padding (what the settings hold)."""
    return _b64encode(secrets.token_bytes(_KEY_BYTES))


def parse_key(text: str, what: str) -> bytes:
    try:
        key = _b64decode(text.strip())
    except (binascii.Error, ValueError) as exc:
        msg = f"{what} is not valid base64"
        raise KeyConfigurationError(msg) from exc
    if len(key) != _KEY_BYTES:
        msg = f"{what} must be {_KEY_BYTES} bytes, got {len(key)}"
        raise KeyConfigurationError(msg)
    return key


@dataclass(frozen=True, slots=True)
class FieldCipher:
    """AES-256-GCM for single column values; the first key encrypts, every key decrypts."""

    keys: dict[str, bytes]
    current_kid: str

    @classmethod
    def from_config(cls, config: str) -> FieldCipher:
        """Parse `kid:key[,kid:key...]`; the first entry is the current key."""
        keys: dict[str, bytes] = {}
        current = ""
        for entry in (part.strip() for part in config.split(",")):
            if not entry:
                continue
            kid, sep, encoded = entry.partition(":")
            if not sep or not kid or "." in kid:
                msg = "IDENTITY_DATA_KEYS entries look like kid:base64key"
                raise KeyConfigurationError(msg)
            keys[kid] = parse_key(encoded, f"data key {kid!r}")
            current = current or kid
        if not keys:
            msg = "IDENTITY_DATA_KEYS is not set"
            raise KeyConfigurationError(msg)
        return cls(keys=keys, current_kid=current)

    def encrypt(self, plaintext: str, *, context: str) -> str:
        """Encrypt bound to `context` (e.g. `users.id_number:<user id>`): a ciphertext copied
        into another row or column no longer decrypts."""
        nonce = os.urandom(_NONCE_BYTES)
        sealed = AESGCM(self.keys[self.current_kid]).encrypt(
            nonce, plaintext.encode("utf-8"), context.encode("utf-8")
        )
        return f"{_VERSION}.{self.current_kid}.{_b64encode(nonce + sealed)}"

    def decrypt(self, ciphertext: str, *, context: str) -> str:
        version, _, rest = ciphertext.partition(".")
        kid, _, body = rest.partition(".")
        key = self.keys.get(kid)
        if version != _VERSION or key is None or not body:
            msg = "unknown ciphertext format or key id"
            raise DecryptionError(msg)
        try:
            raw = _b64decode(body)
            plain = AESGCM(key).decrypt(
                raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], context.encode("utf-8")
            )
        except (InvalidTag, binascii.Error, ValueError) as exc:
            msg = "ciphertext does not authenticate"
            raise DecryptionError(msg) from exc
        return plain.decode("utf-8")

    def key_id_of(self, ciphertext: str) -> str:
        """Which key sealed a value: rows not under the current key are due for re-encryption."""
        return ciphertext.split(".", 2)[1]


def normalise_id_number(value: str) -> str:
    """The canonical form indexed and stored: NFKC, no spaces, upper-case check character."""
    return unicodedata.normalize("NFKC", value).replace(" ", "").upper()


def normalise_phone(value: str) -> str:
    """Mainland mobile numbers as 11 digits (a +86 / 0086 prefix and separators dropped)."""
    digits = "".join(ch for ch in unicodedata.normalize("NFKC", value) if ch.isdigit())
    for prefix in ("0086", "86"):
        if len(digits) == len(prefix) + 11 and digits.startswith(prefix):
            digits = digits[len(prefix) :]
    return digits


@dataclass(frozen=True, slots=True)
class BlindIndexer:
    """HMAC-SHA256 over a purpose and a normalised value: equal inputs give equal indexes, and
    without the key the index reveals nothing (a plain hash of an ID number is brute-forced in
    minutes: the space is small)."""

    key: bytes

    @classmethod
    def from_config(cls, config: str) -> BlindIndexer:
        if not config.strip():
            msg = "IDENTITY_BLIND_INDEX_KEY is not set"
            raise KeyConfigurationError(msg)
        return cls(parse_key(config, "IDENTITY_BLIND_INDEX_KEY"))

    def index(self, purpose: str, value: str) -> str:
        mac = hmac.new(self.key, f"{purpose}\x00{value}".encode(), hashlib.sha256)
        return mac.hexdigest()

    def verify(self, purpose: str, value: str, expected: str) -> bool:
        return hmac.compare_digest(self.index(purpose, value), expected)


def token_hash(token: str) -> str:
    """Stored form of high-entropy bearer secrets (session ids, codes, refresh tokens)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)
