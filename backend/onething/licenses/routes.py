"""The licenses domain's route handlers under /api/v1."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from litestar.types import ControllerRouterHandler


def api_handlers() -> list[ControllerRouterHandler]:
    from onething.licenses.controllers import (
        DepartmentLicenseController,
        DepartmentTaskLicenseController,
        PublicLicenseController,
    )
    from onething.licenses.stand_in_controllers import DraftMaterialController
    from onething.licenses.wallet_controllers import WalletController

    return [
        PublicLicenseController,
        DepartmentLicenseController,
        DepartmentTaskLicenseController,
        WalletController,
        DraftMaterialController,
    ]


def page_handlers() -> list[ControllerRouterHandler]:
    """Outside /api/v1: the verification page a phone opens from a license's QR code."""
    from onething.licenses.pages import verify_page, verify_stylesheet

    return [verify_page, verify_stylesheet]
