"""Routes of "use my e-license instead" on a draft (tokens with `applications:read` to list,
`applications:write` to link or unlink: the resident, or their agent for the bundle — see
`stand_ins`)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated

from litestar import Controller, Response, delete, get, put
from litestar.params import FromPath, JSONBody, PathParameter

from onething.applications.controllers import CallerDep, problem_spec
from onething.identity.deps import DbSession
from onething.licenses.controllers import DEPENDENCIES, NO_STORE, Licenses
from onething.licenses.schemas import DraftLicenseLink, DraftMaterial
from onething.licenses.stand_ins import draft_materials, link_license, unlink_license

MaterialId = Annotated[
    str, PathParameter(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$", description="A catalog material")
]
_NO_DRAFT = {404: problem_spec("No such draft of yours")}


class DraftMaterialController(Controller):
    path = "/drafts/{draft_id:uuid}/materials"
    tags = ["applications"]  # noqa: RUF012
    dependencies = DEPENDENCIES

    @get(
        operation_id="listDraftMaterials",
        summary="A draft's materials and e-license choices",
        responses=_NO_DRAFT,
    )
    async def list_materials(
        self,
        draft_id: FromPath[uuid.UUID],
        caller: CallerDep,
        licenses: Licenses,
        db_session: DbSession,
    ) -> Response[list[DraftMaterial]]:
        """Each material the draft's form asks for under its saved answers: whether it is
        required, the e-license standing in for it (and whether it may still be used), and
        the licenses that could (`choices`: mine, my children's, those shared with me for
        this bundle, valid, of a type that replaces it)."""
        views = await draft_materials(db_session, licenses, caller, draft_id, now=datetime.now(UTC))
        return Response(views, headers=NO_STORE)

    @put(
        "/{material:str}/license",
        operation_id="linkDraftLicense",
        summary="Use my e-license instead of uploading a material",
        responses={
            404: problem_spec("No such draft of yours, or no such license usable by you"),
            422: problem_spec(
                "The form asks for no such material, or this license cannot replace it"
            ),
        },
    )
    async def link(
        self,
        *,
        draft_id: FromPath[uuid.UUID],
        material: MaterialId,
        data: JSONBody[DraftLicenseLink],
        caller: CallerDep,
        licenses: Licenses,
        db_session: DbSession,
    ) -> Response[DraftMaterial]:
        """The license stands in for the material when the draft is submitted (replacing an
        earlier choice). Only a valid license I hold, hold as a guardian, or that was shared
        with me for this bundle, and only for a material it can replace (`replaced_by`).
        Submission checks it again."""
        view = await link_license(
            db_session, licenses, caller, draft_id, data, material=material, now=datetime.now(UTC)
        )
        return Response(view, headers=NO_STORE)

    @delete(
        "/{material:str}/license",
        operation_id="unlinkDraftLicense",
        summary="Upload the material after all",
        responses=_NO_DRAFT,
    )
    async def unlink(
        self,
        draft_id: FromPath[uuid.UUID],
        material: MaterialId,
        caller: CallerDep,
        licenses: Licenses,
        db_session: DbSession,
    ) -> None:
        """No license stands in for the material any more (nothing happens when none did)."""
        await unlink_license(db_session, licenses, caller, draft_id, material)
