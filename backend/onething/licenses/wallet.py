"""The holder's wallet (卡包): their licenses, their children's (as guardian) and those shared
with them; a license's detail; and the annotated copy (加注件) — the only file that ever
leaves, through a presigned GET of at most five minutes, always with a stated reason."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING, Final, Literal

import anyio.to_thread
from sqlalchemy import or_, select

from onething.applications.calendar import china_date
from onething.core.errors import NOT_FOUND, ProblemError
from onething.licenses import face as faces
from onething.licenses.grants import active_grant_for
from onething.licenses.issuance import holder_name, unseal_face, unseal_metadata
from onething.licenses.models import License, LicenseEvent, LicenseGrant, LicenseStatus
from onething.licenses.rendering import Annotation, Certificate, render_certificate
from onething.licenses.schemas import (
    AnnotatedCopy,
    CopyRequest,
    FaceField,
    LicenseDetail,
    LocalText,
    WalletItem,
)
from onething.licenses.signing import sha256_hex
from onething.licenses.verification import issuer_of, status_label

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from onething.identity.access import Caller
    from onething.licenses.context import LicensesContext

SCOPE: Final = "licenses:read"
COPY_URL_SECONDS: Final = 300  # the brief's ceiling: five minutes
COPIES_PREFIX: Final = "copies/"
Relation = Literal["holder", "guardian", "grantee"]


def wallet_owner(caller: Caller, *, acting: bool = False) -> uuid.UUID:
    """The resident whose wallet this is: their own token with scope `licenses:read` (an agent's
    delegated token does not open a wallet); 404 for anyone else, like a missing object.
    `acting` (share, copy, use): the resident through the platform's own app only — the
    scope lets a mini-app see the wallet, not act with it."""
    principal = caller.principal
    if (
        caller.user_id is None
        or caller.role != "resident"
        or principal.act is not None
        or SCOPE not in principal.scopes
        or (acting and caller.third_party)
    ):
        raise ProblemError(NOT_FOUND)
    return caller.user_id


def relation_of(row: License, user_id: uuid.UUID) -> Relation | None:
    if row.holder_user_id == user_id:
        return "holder"
    if user_id in row.guardian_ids:
        return "guardian"
    return None


def _item(ctx: LicensesContext, row: License, relation: Relation) -> WalletItem:
    license_type = ctx.catalog.license_types[row.license_type]
    status = LicenseStatus(row.status)
    return WalletItem(
        id=row.id,
        identifier=row.identifier,
        license_type=row.license_type,
        name=LocalText(zh=license_type.name.zh, en=license_type.name.en),
        number=row.number,
        holder_name=holder_name(ctx, row),
        relation=relation,
        issuer=issuer_of(ctx.catalog, row.issuer_department),
        issued_on=row.issued_on,
        valid_until=row.valid_until,
        status=status,
        status_label=status_label(status),
    )


async def list_wallet(
    session: AsyncSession, ctx: LicensesContext, caller: Caller, *, now: dt.datetime
) -> list[WalletItem]:
    user_id = wallet_owner(caller)
    own = (
        (
            await session.execute(
                select(License)
                .where(
                    or_(License.holder_user_id == user_id, License.guardian_ids.contains([user_id]))
                )
                .order_by(License.issued_at.desc(), License.id)
            )
        )
        .scalars()
        .all()
    )
    items = [_item(ctx, row, relation_of(row, user_id) or "holder") for row in own]
    shared = (
        (
            await session.execute(
                select(License)
                .join(LicenseGrant, LicenseGrant.license_id == License.id)
                .where(
                    LicenseGrant.grantee_user_id == user_id,
                    LicenseGrant.revoked_at.is_(None),
                    LicenseGrant.valid_from <= now,
                    LicenseGrant.valid_until > now,
                )
                .distinct()
            )
        )
        .scalars()
        .all()
    )
    seen = {row.id for row in own}
    items += [_item(ctx, row, "grantee") for row in shared if row.id not in seen]
    return items


async def visible_license(
    session: AsyncSession,
    ctx: LicensesContext,
    caller: Caller,
    license_id: uuid.UUID,
    *,
    now: dt.datetime,
    allow_grantee: bool,
) -> tuple[License, Relation]:
    user_id = wallet_owner(caller)
    row = await session.get(License, license_id)
    if row is None:
        raise ProblemError(NOT_FOUND)
    relation = relation_of(row, user_id)
    if relation is None and allow_grantee:
        grant = await active_grant_for(session, row.id, user_id=user_id, purpose=None, now=now)
        relation = "grantee" if grant is not None else None
    if relation is None:
        raise ProblemError(NOT_FOUND)
    return row, relation


async def license_detail(
    session: AsyncSession,
    ctx: LicensesContext,
    caller: Caller,
    license_id: uuid.UUID,
    *,
    now: dt.datetime,
) -> LicenseDetail:
    row, relation = await visible_license(
        session, ctx, caller, license_id, now=now, allow_grantee=True
    )
    face = unseal_face(ctx, row)
    return LicenseDetail(
        item=_item(ctx, row, relation),
        face=[
            FaceField(field=field, label=label, value=value)
            for field, (label, value) in zip(face, faces.face_rows(ctx.catalog, face), strict=True)
        ],
        qr_token=row.qr_token,
        verify_url=ctx.verify_url(row.qr_token),
        sha256=row.sha256,
        signature=row.signature,
        metadata=unseal_metadata(ctx, row),
    )


async def annotated_copy(
    session: AsyncSession,
    ctx: LicensesContext,
    caller: Caller,
    license_id: uuid.UUID,
    request: CopyRequest,
    *,
    now: dt.datetime,
) -> AnnotatedCopy:
    """Render the 加注件 (the face, plus reason, date and expiry across it), keep it under a
    server-made key and hand out a GET URL valid for five minutes. Holders and guardians only;
    a license that is not valid gives no copy."""
    wallet_owner(caller, acting=True)
    row, relation = await visible_license(
        session, ctx, caller, license_id, now=now, allow_grantee=False
    )
    if row.status != LicenseStatus.VALID:
        from onething.core.errors import CONFLICT

        raise ProblemError(
            CONFLICT,
            detail_zh="证照当前不是有效状态，不能生成加注件",
            detail_en="The license is not valid: no annotated copy can be made",
        )
    license_type = ctx.catalog.license_types[row.license_type]
    dept = ctx.catalog.departments[row.issuer_department]
    today = china_date(now)
    expires_on = today + dt.timedelta(days=request.valid_days)
    reason = request.reason.strip()
    face = unseal_face(ctx, row)
    pdf = await anyio.to_thread.run_sync(
        render_certificate,
        Certificate(
            title_zh=license_type.name.zh,
            title_en=license_type.name.en,
            rows=faces.face_rows(ctx.catalog, face),
            issuer_name=dept.name.zh,
            issued_on=row.issued_on,
            number=row.number,
            identifier=row.identifier,
            verify_url=ctx.verify_url(row.qr_token),
            annotation=Annotation(reason=reason, made_on=today, expires_on=expires_on),
        ),
    )
    key = f"{COPIES_PREFIX}{today:%Y/%m}/{uuid.uuid4().hex}.pdf"
    await ctx.storage.put_bytes(ctx.bucket, key, pdf, "application/pdf")
    principal = caller.principal
    digest = sha256_hex(pdf)
    session.add(
        LicenseEvent(
            license_id=row.id,
            at=now,
            kind="annotated_copy",
            actor_sub=principal.sub,
            client_id=principal.client_id,
            detail={
                "reason": reason,
                "relation": relation,
                "expires_on": expires_on.isoformat(),
                "object_key": key,
                "sha256": digest,
            },
        )
    )
    await session.commit()
    url = await ctx.storage.presigned_get(
        ctx.bucket, key, expires_in=COPY_URL_SECONDS, filename=f"{row.license_type}-copy.pdf"
    )
    return AnnotatedCopy(
        url=url,
        url_expires_at=now + dt.timedelta(seconds=COPY_URL_SECONDS),
        reason=reason,
        copy_expires_on=expires_on,
        sha256=digest,
    )


async def purge_copies(ctx: LicensesContext, *, retention: dt.timedelta, now: dt.datetime) -> int:
    """Delete annotated copies older than `retention` (never less than their URL's life, so a
    handed-out link keeps working): once the URL is dead nobody can fetch the object, and a
    copy of personal data kept without a use is a liability. The holder keeps what they
    downloaded; the copy's reason, expiry and SHA-256 stay in `license_events`."""
    kept = max(retention, dt.timedelta(seconds=COPY_URL_SECONDS))
    return await ctx.storage.delete_older_than(ctx.bucket, COPIES_PREFIX, now - kept)
