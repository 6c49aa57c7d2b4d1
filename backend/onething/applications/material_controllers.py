"""Upload routes: a presigned S3 POST per file, then confirmation and the check's result."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Final

from litestar import Controller, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, JSONBody

from onething.applications import materials
from onething.applications.context import storage_from_state
from onething.applications.controllers import DEPENDENCIES, Apps, CallerDep
from onething.applications.schemas import MaterialView, UploadRequest, UploadTicket
from onething.core.openapi_problems import problem_spec
from onething.core.storage import ObjectStorage
from onething.identity.deps import DbSession

Storage = NamedDependency[ObjectStorage]
_DEPENDENCIES: Final = {
    **DEPENDENCIES,
    "storage": Provide(storage_from_state, sync_to_thread=False),
}


class MaterialController(Controller):
    path = "/materials"
    tags = ["applications"]  # noqa: RUF012
    dependencies = _DEPENDENCIES

    @post(
        operation_id="requestUpload",
        summary="Request a presigned upload for a material",
        responses={
            403: problem_spec("Not the resident or their agent"),
            422: problem_spec("Invalid"),
        },
    )
    async def request_upload(
        self,
        *,
        data: JSONBody[UploadRequest],
        caller: CallerDep,
        apps: Apps,
        storage: Storage,
        db_session: DbSession,
    ) -> UploadTicket:
        """A POST policy for S3, valid 10 minutes, bound to a key the server chose, the
        declared content type and the material's size limit. Upload the file there
        directly, then confirm."""
        return await materials.request_upload(
            db_session, apps, storage, caller, data, now=datetime.now(UTC)
        )

    @post(
        "/{material_id:uuid}/confirm",
        operation_id="confirmUpload",
        summary="Confirm an upload; the file is checked in the background",
        status_code=202,
        responses={404: problem_spec("No such upload of yours"), 409: problem_spec("Refused")},
    )
    async def confirm(
        self, material_id: FromPath[uuid.UUID], caller: CallerDep, db_session: DbSession
    ) -> MaterialView:
        """Starts the check of size, file type (magic bytes) and SHA-256; poll the material
        until it is `verified` or `refused` (a refused file is deleted)."""
        return await materials.confirm_upload(db_session, caller, material_id)

    @get(
        "/{material_id:uuid}",
        operation_id="getMaterial",
        summary="An upload and the result of its check",
        responses={404: problem_spec("No such upload of yours")},
    )
    async def get_material(
        self, material_id: FromPath[uuid.UUID], caller: CallerDep, db_session: DbSession
    ) -> MaterialView:
        """Status `requested`, `verifying`, `verified` (with size and SHA-256) or `refused`
        (with the reason: not_uploaded, too_large, content_mismatch, checksum_mismatch)."""
        return await materials.get_material(db_session, caller, material_id)
