"""License routes: public ones (issuers' keys, verification, status lists) and the issuing
department's status changes."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, Final

from litestar import Controller, Response, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, JSONBody

from onething.applications.access import READ, WRITE, department_of
from onething.applications.controllers import CallerDep
from onething.core.openapi_problems import problem_spec
from onething.identity.access import current_caller
from onething.identity.deps import DbSession
from onething.licenses.context import LicensesContext, context_from_state
from onething.licenses.keyring import published_jwks
from onething.licenses.reuse import licenses_for_task
from onething.licenses.schemas import StatusChange, StatusView, TaskLicense, VerificationResult
from onething.licenses.statuslist import StatusPurpose
from onething.licenses.verification import change_status, status_list, verify_token

Licenses = NamedDependency[LicensesContext]
NO_STORE: Final = {"Cache-Control": "no-store"}
PUBLIC_DEPENDENCIES: Final = {"licenses": Provide(context_from_state, sync_to_thread=False)}
DEPENDENCIES: Final = {**PUBLIC_DEPENDENCIES, "caller": Provide(current_caller)}


class PublicLicenseController(Controller):
    path = "/licenses"
    tags = ["licenses"]  # noqa: RUF012
    dependencies = PUBLIC_DEPENDENCIES

    @get("/keys", operation_id="getLicenseKeys", summary="Issuers' public keys (JWKS)")
    async def keys(self, db_session: DbSession) -> Response[dict[str, Any]]:
        """Every issuing department's Ed25519 public key as a JWK Set. `kid` reads
        `<issuer credit code>:<thumbprint>` and the extra member `iss` names the issuer, so a
        verifier holding only this document checks license signatures and QR tokens offline."""
        return Response(
            await published_jwks(db_session), headers={"Cache-Control": "public, max-age=300"}
        )

    @get(
        "/verify/{token:str}",
        operation_id="verifyLicense",
        summary="Verify a license's QR token (public)",
        responses={
            404: problem_spec("The token names no license of ours"),
            422: problem_spec("The token's signature does not verify"),
        },
    )
    async def verify(
        self, token: FromPath[str], licenses: Licenses, db_session: DbSession
    ) -> Response[VerificationResult]:
        """The token from a license's QR code: its signature is checked with the published
        keys, then the license's **current** status is read (a revocation shows at once).
        Answers validity, status, issuer and minimal facts — the holder's name masked, never
        an ID number. Every check is recorded."""
        result = await verify_token(db_session, licenses, token, now=datetime.now(UTC), via="api")
        return Response(result, headers=NO_STORE)

    @get(
        "/status-lists/{department:str}/{purpose:str}",
        operation_id="getLicenseStatusList",
        summary="An issuer's Bitstring Status List credential",
        responses={404: problem_spec("No such issuing department or purpose")},
    )
    async def status_list(
        self,
        department: FromPath[str],
        purpose: FromPath[str],
        licenses: Licenses,
        db_session: DbSession,
    ) -> Response[dict[str, Any]]:
        """W3C Bitstring Status List v1.0 (`revocation` or `suspension`), signed by the
        department (DataIntegrityProof, eddsa-jcs-2022). A license's `credentialStatus` names
        its list and index. Built on each request: never stale."""
        try:
            chosen = StatusPurpose(purpose)
        except ValueError as exc:
            from onething.core.errors import NOT_FOUND, ProblemError

            raise ProblemError(NOT_FOUND) from exc
        credential = await status_list(
            db_session, licenses, department, chosen, now=datetime.now(UTC)
        )
        return Response(credential, headers=NO_STORE)


class DepartmentLicenseController(Controller):
    path = "/department/licenses"
    tags = ["departments"]  # noqa: RUF012
    dependencies = DEPENDENCIES

    @post(
        "/{identifier:str}/status",
        operation_id="changeLicenseStatus",
        summary="Change a license's status (the issuing department only)",
        status_code=200,
        responses={
            403: problem_spec("Not a clerk or system of a department"),
            404: problem_spec("No license of this department with this identifier"),
            409: problem_spec("Not possible from the license's current status"),
            422: problem_spec("Invalid status or reason"),
        },
    )
    async def change(
        self,
        identifier: FromPath[str],
        data: JSONBody[StatusChange],
        caller: CallerDep,
        licenses: Licenses,
        db_session: DbSession,
    ) -> StatusView:
        """暂扣 suspend, 撤销 annul, 注销 cancel, 失效 expire, 吊销 revoke — or lift a
        suspension — with a reason. Verification and the status lists show it on the next
        request."""
        who = department_of(caller, licenses.catalog, scope=WRITE)
        return await change_status(
            db_session, licenses, who, identifier, data, now=datetime.now(UTC)
        )


class DepartmentTaskLicenseController(Controller):
    path = "/department/tasks"
    tags = ["departments"]  # noqa: RUF012
    dependencies = DEPENDENCIES

    @get(
        "/{task_id:uuid}/licenses",
        operation_id="listTaskLicenses",
        summary="E-licenses that come with a task",
        responses={
            403: problem_spec("Not a clerk or system of a department"),
            404: problem_spec("No such task in this department's inbox"),
        },
    )
    async def task_licenses(
        self,
        task_id: FromPath[uuid.UUID],
        caller: CallerDep,
        licenses: Licenses,
        db_session: DbSession,
    ) -> list[TaskLicense]:
        """Licenses the applicant used in place of this service's materials, and those issued
        upstream in the same application (`from_service`): face fields, issuer, current status
        and whether the issuer's signature verifies. Instead of paper copies."""
        who = department_of(caller, licenses.catalog, scope=READ)
        return await licenses_for_task(db_session, licenses, who, task_id)
