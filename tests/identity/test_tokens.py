"""Access-token verification answers a token seen before from its cache, yet still refuses it
once expired, once its key has left the ring, and for another audience."""

from __future__ import annotations

import time
from typing import Any

import pytest
from joserfc.jwk import ECKey

from onething.identity import tokens
from onething.identity.keys import KeyRing
from onething.identity.tokens import (
    LEEWAY_SECONDS,
    VERIFIED_CACHE_SIZE,
    TokenRejectedError,
    UnknownSigningKeyError,
    sign_access_token,
    verify_access_token,
)

ISSUER = "https://onething.example"
AUDIENCE = "https://onething.example/api"


def _ring(kid: str) -> KeyRing:
    key = ECKey.generate_key("P-256", private=True)
    return KeyRing(signing_kid=kid, signing_key=key, verifying={kid: key})


def _token(ring: KeyRing, now: int, **claims: Any) -> str:
    return sign_access_token(
        ring,
        {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "sub": "resident-1",
            "client_id": "onething-pwa",
            "jti": f"jti-{time.perf_counter_ns()}",
            "iat": now,
            "exp": now + 600,
            **claims,
        },
    )


def _verify(ring: KeyRing, token: str, now: int, audience: str = AUDIENCE) -> dict[str, Any]:
    return verify_access_token(ring, token, issuer=ISSUER, audience=audience, now=now)


@pytest.fixture
def decodes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every signature check joserfc makes (the real one, counted)."""
    seen: list[str] = []
    decode = tokens.jwt.decode

    def counted(value: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(str(value))
        return decode(value, *args, **kwargs)

    monkeypatch.setattr(tokens.jwt, "decode", counted)
    return seen


def test_a_token_seen_before_is_not_checked_again(decodes: list[str]) -> None:
    ring, now = _ring("k1"), int(time.time())
    token = _token(ring, now)
    first = _verify(ring, token, now)
    again = _verify(ring, token, now + 60)
    assert again == first
    assert decodes == [token]
    again["sub"] = "someone-else"  # a caller's copy: the cached claims stay as verified
    assert _verify(ring, token, now + 61)["sub"] == "resident-1"


def test_a_cached_token_still_expires(decodes: list[str]) -> None:
    ring, now = _ring("k1"), int(time.time())
    token = _token(ring, now)
    _verify(ring, token, now)
    assert _verify(ring, token, now + 600 + LEEWAY_SECONDS)["sub"] == "resident-1"
    with pytest.raises(TokenRejectedError):
        _verify(ring, token, now + 600 + LEEWAY_SECONDS + 1)


def test_a_cached_token_whose_key_left_the_ring_is_refused() -> None:
    ring, now = _ring("k1"), int(time.time())
    token = _token(ring, now)
    _verify(ring, token, now)
    rotated = _ring("k2")  # k1 retired: no longer published
    with pytest.raises(UnknownSigningKeyError):
        _verify(rotated, token, now)


def test_a_token_cached_for_one_audience_is_refused_for_another() -> None:
    ring, now = _ring("k1"), int(time.time())
    token = _token(ring, now)
    _verify(ring, token, now)
    with pytest.raises(TokenRejectedError):
        _verify(ring, token, now, audience="https://mini-app.example/api")


def test_the_cache_is_bounded() -> None:
    ring, now = _ring("k1"), int(time.time())
    first = _token(ring, now)
    _verify(ring, first, now)
    for _ in range(VERIFIED_CACHE_SIZE):
        _verify(ring, _token(ring, now), now)
    assert len(tokens._VERIFIED) <= VERIFIED_CACHE_SIZE
    assert (first, ISSUER, AUDIENCE) not in tokens._VERIFIED  # the oldest went first
