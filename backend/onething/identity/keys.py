"""The provider's signing keys (ES256): created on first need, stored encrypted, rotated with
an overlap during which a retired key is still published and still verifies."""

from __future__ import annotations

import json
import threading
import time
import weakref
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Final

from joserfc.jwk import ECKey
from sqlalchemy import or_, select, text, update

from onething.identity import events
from onething.identity.context import SIGNING_ALG, IdentityContext
from onething.identity.events import record_event
from onething.identity.models import SigningKey

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

CACHE_SECONDS: Final = 60.0
# Longer than any token signed by a key lives (access and ID tokens: ≤ 10 minutes).
DEFAULT_OVERLAP: Final = timedelta(hours=1)
_ADVISORY_LOCK: Final = 0x1D5161  # serialises key creation across processes


@dataclass(frozen=True)
class KeyRing:
    """The key that signs now, and every key a verifier should still accept."""

    signing_kid: str
    signing_key: ECKey
    verifying: dict[str, ECKey]

    def jwks(self) -> dict[str, Any]:
        """Public halves only; there are no symmetric keys to leak."""
        keys = []
        for kid, key in sorted(self.verifying.items()):
            public = key.as_dict(private=False)
            public.update(kid=kid, use="sig", alg=SIGNING_ALG)
            keys.append(public)
        return {"keys": keys}


@dataclass
class KeyCache:
    """Per-process cache of the key ring; refreshed every minute and on an unknown `kid`."""

    ring: KeyRing | None = None
    loaded_at: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def fresh(self) -> KeyRing | None:
        with self.lock:
            if self.ring and time.monotonic() - self.loaded_at < CACHE_SECONDS:
                return self.ring
            return None

    def store(self, ring: KeyRing) -> None:
        with self.lock:
            self.ring, self.loaded_at = ring, time.monotonic()

    def clear(self) -> None:
        with self.lock:
            self.ring = None


_CACHES: weakref.WeakKeyDictionary[IdentityContext, KeyCache] = weakref.WeakKeyDictionary()


def _cache_for(ctx: IdentityContext) -> KeyCache:
    cache = _CACHES.get(ctx)
    if cache is None:
        cache = _CACHES.setdefault(ctx, KeyCache())
    return cache


def _new_key_row(ctx: IdentityContext, now: datetime) -> SigningKey:
    key = ECKey.generate_key("P-256", private=True)
    kid = key.thumbprint()
    private = json.dumps(key.as_dict(private=True))
    return SigningKey(
        kid=kid,
        alg=SIGNING_ALG,
        private_jwk_encrypted=ctx.cipher.encrypt(private, context=f"signing_keys:{kid}"),
        public_jwk=key.as_dict(private=False),
        activated_at=now,
    )


def _ring(ctx: IdentityContext, rows: list[SigningKey], now: datetime) -> KeyRing | None:
    signing = [r for r in rows if r.retired_at is None and r.activated_at <= now]
    if not signing:
        return None
    current = max(signing, key=lambda r: r.activated_at)
    private = ctx.cipher.decrypt(
        current.private_jwk_encrypted, context=f"signing_keys:{current.kid}"
    )
    return KeyRing(
        signing_kid=current.kid,
        signing_key=ECKey.import_key(json.loads(private)),
        verifying={r.kid: ECKey.import_key(r.public_jwk) for r in rows},
    )


async def _published_rows(db: AsyncSession, now: datetime) -> list[SigningKey]:
    result = await db.execute(
        select(SigningKey).where(or_(SigningKey.expires_at.is_(None), SigningKey.expires_at > now))
    )
    return list(result.scalars())


async def load_keyring(
    db: AsyncSession, ctx: IdentityContext, *, now: datetime, refresh: bool = False
) -> KeyRing:
    """The current ring. When there is no key yet, the first one is created and committed at
    once (call this before other writes): a ring must never hold a key the database lost."""
    cache = _cache_for(ctx)
    if not refresh and (ring := cache.fresh()) is not None:
        return ring
    ring = _ring(ctx, await _published_rows(db, now), now)
    if ring is None:
        await db.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _ADVISORY_LOCK})
        ring = _ring(ctx, await _published_rows(db, now), now)
        if ring is None:
            db.add(_new_key_row(ctx, now))
            await db.commit()
            ring = _ring(ctx, await _published_rows(db, now), now)
            if ring is None:  # pragma: no cover - the row was just added
                msg = "no signing key after creating one"
                raise RuntimeError(msg)
    cache.store(ring)
    return ring


async def rotate_signing_key(
    db: AsyncSession, ctx: IdentityContext, *, now: datetime, overlap: timedelta = DEFAULT_OVERLAP
) -> str:
    """Start signing with a new key; keys signing until now stay published for `overlap`."""
    await db.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _ADVISORY_LOCK})
    await db.execute(
        update(SigningKey)
        .where(SigningKey.retired_at.is_(None))
        .values(retired_at=now, expires_at=now + overlap)
    )
    row = _new_key_row(ctx, now)
    db.add(row)
    record_event(db, events.SIGNING_KEY_ROTATED, detail={"kid": row.kid})
    await db.flush()
    _cache_for(ctx).clear()
    return row.kid


def forget_cached_keys(ctx: IdentityContext) -> None:
    """Drop this process's cached ring (after keys change underneath, e.g. a test truncation)."""
    _cache_for(ctx).clear()
