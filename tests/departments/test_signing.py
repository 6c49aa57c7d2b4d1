"""Webhook signatures: HMAC-SHA256 over timestamp and body; stale, forged, tampered refused."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from onething.departments.signing import SignatureRejectedError, signature, verify

SECRET = b"k" * 32
NOW = 1_800_000_000


def _verify(
    timestamp: str | None, sig: str | None, body: bytes, secrets: list[bytes] | None = None
) -> int:
    return verify(
        secrets or [SECRET],
        timestamp_header=timestamp,
        signature_header=sig,
        body=body,
        now=NOW,
        tolerance_seconds=300,
    )


@given(st.binary(max_size=512), st.integers(min_value=NOW - 300, max_value=NOW + 300))
def test_a_fresh_signed_body_verifies(body: bytes, timestamp: int) -> None:
    assert _verify(str(timestamp), signature(SECRET, timestamp, body), body) == timestamp


@given(st.binary(min_size=1, max_size=256), st.integers(min_value=0, max_value=255))
def test_any_change_to_the_body_is_refused(body: bytes, flip: int) -> None:
    sig = signature(SECRET, NOW, body)
    changed = bytes([body[0] ^ (flip or 1)]) + body[1:]
    with pytest.raises(SignatureRejectedError) as refused:
        _verify(str(NOW), sig, changed)
    assert refused.value.reason == "signature"


def test_the_timestamp_is_signed_too() -> None:
    sig = signature(SECRET, NOW, b"{}")
    with pytest.raises(SignatureRejectedError) as refused:
        _verify(str(NOW - 1), sig, b"{}")
    assert refused.value.reason == "signature"


def test_an_old_timestamp_is_refused_even_when_correctly_signed() -> None:
    old = NOW - 301
    with pytest.raises(SignatureRejectedError) as refused:
        _verify(str(old), signature(SECRET, old, b"{}"), b"{}")
    assert refused.value.reason == "stale"


def test_another_secret_is_refused_and_a_rotated_pair_is_accepted() -> None:
    other = b"o" * 32
    with pytest.raises(SignatureRejectedError):
        _verify(str(NOW), signature(other, NOW, b"{}"), b"{}")
    assert _verify(str(NOW), signature(other, NOW, b"{}"), b"{}", [SECRET, other]) == NOW


@pytest.mark.parametrize(
    ("timestamp", "sig"), [(None, "v1=00"), ("abc", "v1=00"), (str(NOW), None)]
)
def test_missing_or_malformed_headers_are_refused(timestamp: str | None, sig: str | None) -> None:
    with pytest.raises(SignatureRejectedError) as refused:
        _verify(timestamp, sig, b"{}")
    assert refused.value.reason == "malformed"
