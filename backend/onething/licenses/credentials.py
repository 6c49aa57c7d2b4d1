"""A license as a W3C Verifiable Credential 2.0: the signed GB/T 36903 metadata as the
subject, the issuer's status list entry, and a Data Integrity proof (eddsa-jcs-2022) by the
issuing department's key."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING, Any, Final

from onething.licenses.issuance import unseal_metadata
from onething.licenses.keyring import issuer_key
from onething.licenses.signing import add_data_integrity_proof, did_key
from onething.licenses.statuslist import VC_CONTEXT, StatusPurpose
from onething.licenses.verification import status_list_url
from onething.licenses.wallet import visible_license

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from onething.identity.access import Caller
    from onething.licenses.context import LicensesContext

CREDENTIAL_TYPE: Final = "ElectronicLicenseCredential"


def _stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


async def export_credential(
    session: AsyncSession,
    ctx: LicensesContext,
    caller: Caller,
    license_id: uuid.UUID,
    *,
    now: dt.datetime,
) -> dict[str, Any]:
    row, _ = await visible_license(session, ctx, caller, license_id, now=now, allow_grantee=True)
    dept = ctx.catalog.departments[row.issuer_department]
    license_type = ctx.catalog.license_types[row.license_type]
    signer = await issuer_key(session, ctx, dept.id, dept.code, now)
    await session.commit()  # a key created just now must be kept
    metadata = unseal_metadata(ctx, row)
    list_url = status_list_url(ctx, dept.id, StatusPurpose.REVOCATION)
    credential: dict[str, Any] = {
        "@context": [VC_CONTEXT],
        "id": f"urn:uuid:{row.id}",
        "type": ["VerifiableCredential", CREDENTIAL_TYPE],
        "name": license_type.name.zh,
        "issuer": {"id": did_key(signer.public), "name": dept.name.zh},
        "validFrom": _stamp(row.issued_at),
        "credentialSubject": {
            "type": "LicenseHolder",
            "name": metadata["holder_name"],
            "license": metadata,
            "fileSha256": row.sha256,
        },
        "credentialStatus": {
            "id": f"{list_url}#{row.status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": StatusPurpose.REVOCATION.value,
            "statusListIndex": str(row.status_index),
            "statusListCredential": list_url,
        },
    }
    if row.valid_until is not None:
        credential["validUntil"] = _stamp(
            dt.datetime.combine(row.valid_until, dt.time(23, 59, 59), tzinfo=dt.UTC)
        )
    return await add_data_integrity_proof(credential, signer, created=_stamp(now))
