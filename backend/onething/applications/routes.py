"""The applications domain's route handlers under /api/v1."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from litestar.types import ControllerRouterHandler


def api_handlers() -> list[ControllerRouterHandler]:
    from onething.applications.co_applicant_controllers import (
        CoApplicantRequestController,
        DraftCoApplicantController,
    )
    from onething.applications.controllers import ApplicationController, DraftController
    from onething.applications.department_controllers import DepartmentTaskController
    from onething.applications.material_controllers import MaterialController

    return [
        DraftController,
        DraftCoApplicantController,
        ApplicationController,
        CoApplicantRequestController,
        MaterialController,
        DepartmentTaskController,
    ]
