"""Verification by anyone (the QR token, checked against the published keys and the current
status, each check recorded), status changes by the issuing department, and the issuers'
Bitstring Status Lists — read from the database on every request, so a revocation shows at
once."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Final

from sqlalchemy import select

from onething.core.errors import CONFLICT, NOT_FOUND, VALIDATION, FieldError, ProblemError
from onething.licenses.keyring import issuer_key, published_jwks
from onething.licenses.models import STATUS_LABELS, License, LicenseEvent, LicenseStatus
from onething.licenses.schemas import (
    Issuer,
    LocalText,
    StatusChange,
    StatusView,
    VerificationResult,
)
from onething.licenses.signing import add_data_integrity_proof, did_key, verify_qr_token
from onething.licenses.statuslist import FLAGGED, StatusPurpose, encode_bits, list_credential

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from onething.applications.access import DepartmentCaller
    from onething.catalog.model import Catalog
    from onething.licenses.context import LicensesContext

S = LicenseStatus
# 撤销, 注销, 失效 and 吊销 are final; 暂扣 can be lifted.
STATUS_CHANGES: Final[dict[LicenseStatus, frozenset[LicenseStatus]]] = {
    S.VALID: frozenset({S.SUSPENDED, S.ANNULLED, S.CANCELLED, S.EXPIRED, S.REVOKED}),
    S.SUSPENDED: frozenset({S.VALID, S.ANNULLED, S.CANCELLED, S.REVOKED}),
}

TOKEN_INVALID: Final = FieldError(
    field="token",
    code="license_token.invalid",
    message_zh="二维码无效：签名无法用发证机关公布的公钥验证",
    message_en="The QR code is not valid: its signature does not verify with the issuers' keys",
)


def status_label(status: LicenseStatus) -> LocalText:
    zh, en = STATUS_LABELS[status]
    return LocalText(zh=zh, en=en)


def issuer_of(catalog: Catalog, department: str) -> Issuer:
    dept = catalog.departments[department]
    return Issuer(
        department=dept.id, code=dept.code, name=LocalText(zh=dept.name.zh, en=dept.name.en)
    )


async def verify_token(
    session: AsyncSession, ctx: LicensesContext, token: str, *, now: dt.datetime, via: str
) -> VerificationResult:
    """Check the token as an offline verifier would (signature with the JWKS only), then add
    what only the issuer knows now: the license's current status. Records the check."""
    claims = verify_qr_token(token, await published_jwks(session))
    if claims is None:
        raise ProblemError(VALIDATION, errors=[TOKEN_INVALID])
    row = (
        await session.execute(select(License).where(License.identifier == claims.get("lid")))
    ).scalar_one_or_none()
    if row is None or row.issuer_code != claims.get("iss"):
        raise ProblemError(NOT_FOUND)
    status = LicenseStatus(row.status)
    session.add(
        LicenseEvent(
            license_id=row.id, at=now, kind="verified", detail={"via": via, "status": status}
        )
    )
    await session.commit()
    license_type = ctx.catalog.license_types[row.license_type]
    return VerificationResult(
        valid=status == LicenseStatus.VALID,
        signature_valid=True,
        status=status,
        status_label=status_label(status),
        identifier=row.identifier,
        license_type=row.license_type,
        name=LocalText(zh=license_type.name.zh, en=license_type.name.en),
        issuer=issuer_of(ctx.catalog, row.issuer_department),
        issued_on=row.issued_on,
        valid_from=row.valid_from,
        valid_until=row.valid_until,
        holder=str(claims.get("hn", "")),
        checked_at=now,
    )


def status_list_url(ctx: LicensesContext, department: str, purpose: StatusPurpose) -> str:
    return ctx.api_url(f"/licenses/status-lists/{department}/{purpose.value}")


async def change_status(
    session: AsyncSession,
    ctx: LicensesContext,
    who: DepartmentCaller,
    identifier: str,
    change: StatusChange,
    *,
    now: dt.datetime,
) -> StatusView:
    """The issuing department (only) changes a license's status, with a reason."""
    row = (
        await session.execute(
            select(License).where(License.identifier == identifier).with_for_update()
        )
    ).scalar_one_or_none()
    if row is None or row.issuer_department != who.department:
        raise ProblemError(NOT_FOUND)
    before = LicenseStatus(row.status)
    if change.status not in STATUS_CHANGES.get(before, frozenset()):
        zh, en = STATUS_LABELS[before]
        raise ProblemError(
            CONFLICT,
            detail_zh=f"证照当前状态为“{zh}”，不能改为“{STATUS_LABELS[change.status][0]}”",
            detail_en=f"The license is {en.lower()}; it cannot become {change.status.value}",
        )
    row.status = change.status.value
    row.status_changed_at = now
    row.status_reason = change.reason
    principal = who.caller.principal
    session.add(
        LicenseEvent(
            license_id=row.id,
            at=now,
            kind="status",
            actor_sub=principal.sub,
            client_id=principal.client_id,
            detail={"from": before, "to": change.status, "reason": change.reason},
        )
    )
    await session.commit()
    purpose = next(
        (p for p, flagged in FLAGGED.items() if change.status in flagged),
        StatusPurpose.REVOCATION,
    )
    return StatusView(
        identifier=row.identifier,
        status=change.status,
        status_label=status_label(change.status),
        changed_at=now,
        reason=change.reason,
        status_list=status_list_url(ctx, row.issuer_department, purpose),
        status_index=row.status_index,
    )


async def status_list(
    session: AsyncSession,
    ctx: LicensesContext,
    department: str,
    purpose: StatusPurpose,
    *,
    now: dt.datetime,
) -> dict[str, Any]:
    """The department's signed `BitstringStatusListCredential` for one purpose, as of now."""
    dept = ctx.catalog.departments.get(department)
    if dept is None:
        raise ProblemError(NOT_FOUND)
    flagged = [s.value for s in FLAGGED[purpose]]
    indexes = (
        await session.execute(
            select(License.status_index).where(
                License.issuer_department == department, License.status.in_(flagged)
            )
        )
    ).scalars()
    signer = await issuer_key(session, ctx, dept.id, dept.code, now)
    await session.commit()  # a key created just now must be kept
    stamp = now.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    credential = list_credential(
        url=status_list_url(ctx, department, purpose),
        issuer={"id": did_key(signer.public), "name": dept.name.zh},
        purpose=purpose,
        encoded_list=encode_bits(indexes),
        valid_from=stamp,
    )
    return await add_data_integrity_proof(credential, signer, created=stamp)
