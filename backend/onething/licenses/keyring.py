"""Issuing departments' signing keys in the database: created on first need (dev and test),
private halves sealed with the platform's data key, public halves published as one JWKS."""

from __future__ import annotations

import json
import zlib
from datetime import datetime
from typing import TYPE_CHECKING, Any

from joserfc.jwk import OKPKey
from sqlalchemy import select, text

from onething.licenses.models import LicenseSigningKey
from onething.licenses.signing import ALG, IssuerKey, key_id, new_ed25519_key, public_jwk

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from onething.identity.crypto import FieldCipher


def _sealing_context(kid: str) -> str:
    return f"license_signing_keys:{kid}"


def _lock_key(department: str) -> int:
    # One advisory lock per department: two workers never create two current keys.
    return 0x11CE0000 + zlib.crc32(department.encode()) % 0xFFFF


async def issuer_key(
    session: AsyncSession, cipher: FieldCipher, department: str, issuer_code: str, now: datetime
) -> IssuerKey:
    """The department's current key; created (in the caller's transaction) when it has none."""
    row = await _current(session, department)
    if row is None:
        await session.execute(
            text("SELECT pg_advisory_xact_lock(:k)"), {"k": _lock_key(department)}
        )
        row = await _current(session, department)
    if row is None:
        key = new_ed25519_key()
        kid = key_id(issuer_code, key)
        row = LicenseSigningKey(
            kid=kid,
            department=department,
            issuer_code=issuer_code,
            alg=ALG,
            private_jwk_encrypted=cipher.encrypt(
                json.dumps(key.as_dict(private=True)), context=_sealing_context(kid)
            ),
            public_jwk=public_jwk(kid, key, issuer_code),
            created_at=now,
        )
        session.add(row)
        await session.flush()
        return IssuerKey(kid=kid, key=key, issuer_code=issuer_code)
    private = cipher.decrypt(row.private_jwk_encrypted, context=_sealing_context(row.kid))
    return IssuerKey(
        kid=row.kid, key=OKPKey.import_key(json.loads(private)), issuer_code=row.issuer_code
    )


async def _current(session: AsyncSession, department: str) -> LicenseSigningKey | None:
    return (
        await session.execute(
            select(LicenseSigningKey)
            .where(
                LicenseSigningKey.department == department, LicenseSigningKey.retired_at.is_(None)
            )
            .order_by(LicenseSigningKey.created_at.desc())
            .limit(1)
        )
    ).scalar_one_or_none()


async def published_jwks(session: AsyncSession) -> dict[str, Any]:
    """Every issuer key, retired ones included: licenses they signed stay verifiable."""
    rows = (
        await session.execute(select(LicenseSigningKey).order_by(LicenseSigningKey.kid))
    ).scalars()
    return {"keys": [dict(row.public_jwk) for row in rows]}
