"""Wallet routes (卡包) for a resident's own token with scope `licenses`: licenses, detail,
annotated copies, the W3C VC export, and sharing grants."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from litestar import Controller, Response, get, post
from litestar.params import FromPath, FromQuery, JSONBody

from onething.applications.controllers import CallerDep
from onething.core.openapi_problems import problem_spec
from onething.identity.deps import DbSession
from onething.licenses.controllers import DEPENDENCIES, NO_STORE, Licenses
from onething.licenses.credentials import export_credential
from onething.licenses.grants import create_grant, list_grants, revoke_grant
from onething.licenses.prefill import Prefill, prefill_for
from onething.licenses.reuse import use_license
from onething.licenses.schemas import (
    AnnotatedCopy,
    CopyRequest,
    GrantCreate,
    GrantView,
    LicenseDetail,
    LicenseUseCreate,
    LicenseUseView,
    WalletItem,
)
from onething.licenses.wallet import annotated_copy, license_detail, list_wallet, wallet_owner

_NOT_YOURS = {404: problem_spec("No such license in your wallet")}
# wallet_owner: like a missing object, so a token learns nothing about a wallet it may not open
_NO_WALLET = {404: problem_spec("Not a resident's own token with scope `licenses`")}


class WalletController(Controller):
    path = "/wallet"
    tags = ["licenses"]  # noqa: RUF012
    dependencies = DEPENDENCIES

    @get(
        "/licenses",
        operation_id="listWalletLicenses",
        summary="My licenses (卡包)",
        responses=_NO_WALLET,
    )
    async def list_licenses(
        self, caller: CallerDep, licenses: Licenses, db_session: DbSession
    ) -> Response[list[WalletItem]]:
        """Licenses I hold, those of children I am guardian of, and those shared with me by an
        active grant (`relation`: holder, guardian, grantee)."""
        items = await list_wallet(db_session, licenses, caller, now=datetime.now(UTC))
        return Response(items, headers=NO_STORE)

    @get(
        "/licenses/{license_id:uuid}",
        operation_id="getWalletLicense",
        summary="A license's detail",
        responses=_NOT_YOURS,
    )
    async def detail(
        self,
        license_id: FromPath[uuid.UUID],
        caller: CallerDep,
        licenses: Licenses,
        db_session: DbSession,
    ) -> Response[LicenseDetail]:
        """The face fields, the QR token and its verify URL, the signed metadata, the file's
        SHA-256 and the detached signature. The original file itself is never downloadable."""
        detail = await license_detail(
            db_session, licenses, caller, license_id, now=datetime.now(UTC)
        )
        return Response(detail, headers=NO_STORE)

    @post(
        "/licenses/{license_id:uuid}/copies",
        operation_id="createAnnotatedCopy",
        summary="An annotated copy (加注件) for a stated reason",
        responses={
            **_NOT_YOURS,
            409: problem_spec("The license is not valid"),
            422: problem_spec("Reason missing or too long"),
        },
    )
    async def copy(
        self,
        license_id: FromPath[uuid.UUID],
        data: JSONBody[CopyRequest],
        caller: CallerDep,
        licenses: Licenses,
        db_session: DbSession,
    ) -> Response[AnnotatedCopy]:
        """A copy marked with the reason of use (事由), the date and its expiry, downloadable
        through a presigned GET URL that lives five minutes. Holders and guardians only."""
        made = await annotated_copy(
            db_session, licenses, caller, license_id, data, now=datetime.now(UTC)
        )
        return Response(made, status_code=201, headers=NO_STORE)

    @get(
        "/licenses/{license_id:uuid}/credential",
        operation_id="exportLicenseCredential",
        summary="The license as a W3C Verifiable Credential 2.0",
        responses=_NOT_YOURS,
    )
    async def credential(
        self,
        license_id: FromPath[uuid.UUID],
        caller: CallerDep,
        licenses: Licenses,
        db_session: DbSession,
    ) -> Response[dict[str, Any]]:
        """VC 2.0 JSON signed by the issuing department (DataIntegrityProof, eddsa-jcs-2022,
        a `did:key` verification method), with a `BitstringStatusListEntry`."""
        document = await export_credential(
            db_session, licenses, caller, license_id, now=datetime.now(UTC)
        )
        return Response(document, headers=NO_STORE, media_type="application/vc+ld+json")

    @post(
        "/licenses/{license_id:uuid}/grants",
        operation_id="createLicenseGrant",
        summary="Share a license for a purpose and period",
        responses={**_NOT_YOURS, 422: problem_spec("Invalid purpose, period or grantee")},
    )
    async def grant(
        self,
        license_id: FromPath[uuid.UUID],
        data: JSONBody[GrantCreate],
        caller: CallerDep,
        licenses: Licenses,
        db_session: DbSession,
    ) -> Response[GrantView]:
        """The holder (or a child's guardian) lets a person — named by the ID number of their
        verified account — or a mini-app client use this license for one bundle until
        `valid_until` (at most a year)."""
        user_id = wallet_owner(caller, acting=True)
        view = await create_grant(
            db_session,
            licenses,
            grantor=user_id,
            caller=caller,
            license_id=license_id,
            data=data,
            now=datetime.now(UTC),
        )
        return Response(view, status_code=201)

    @get(
        "/grants",
        operation_id="listLicenseGrants",
        summary="Grants I made or received",
        responses=_NO_WALLET,
    )
    async def grants(self, caller: CallerDep, db_session: DbSession) -> list[GrantView]:
        """Every grant made by me or to me, with whether it is in force now."""
        return await list_grants(db_session, wallet_owner(caller), now=datetime.now(UTC))

    @post(
        "/grants/{grant_id:uuid}/revoke",
        operation_id="revokeLicenseGrant",
        summary="End a grant now",
        status_code=200,
        responses={404: problem_spec("No such grant of yours")},
    )
    async def revoke(
        self, grant_id: FromPath[uuid.UUID], caller: CallerDep, db_session: DbSession
    ) -> GrantView:
        """The grantor revokes a grant; the license stops being usable by the grantee at once."""
        return await revoke_grant(
            db_session, caller, wallet_owner(caller, acting=True), grant_id, now=datetime.now(UTC)
        )

    @post(
        "/licenses/{license_id:uuid}/uses",
        operation_id="useLicenseAsMaterial",
        summary="Use my e-license instead of uploading a material",
        responses={
            404: problem_spec("No such license usable by you for this application"),
            422: problem_spec(
                "The bundle needs no such material, or this license cannot replace it"
            ),
        },
    )
    async def use(
        self,
        license_id: FromPath[uuid.UUID],
        data: JSONBody[LicenseUseCreate],
        caller: CallerDep,
        licenses: Licenses,
        db_session: DbSession,
    ) -> Response[LicenseUseView]:
        """The license stands in for the material in my application: only a valid license I
        hold, hold as a guardian, or that was shared with me for this bundle; only for a
        material it can replace (`replaced_by` in the catalog). The department sees it with
        the task (`GET /department/tasks/{id}/licenses`)."""
        used = await use_license(
            db_session, licenses, caller, license_id, data, now=datetime.now(UTC)
        )
        return Response(used, status_code=201)

    @get(
        "/prefill",
        operation_id="prefillFromWallet",
        summary="Form values from my licenses for a bundle",
        responses={**_NO_WALLET, 422: problem_spec("Unknown bundle")},
    )
    async def prefill(
        self, bundle: FromQuery[str], caller: CallerDep, licenses: Licenses, db_session: DbSession
    ) -> Response[Prefill]:
        """Data elements of the bundle's forms filled from the licenses I may use for it (mine,
        my children's, those shared with me for this bundle), each with the license and field
        it came from. The catalog's `prefill` mapping says which field fills which element."""
        filled = await prefill_for(db_session, licenses, caller, bundle, now=datetime.now(UTC))
        return Response(filled, headers=NO_STORE)
