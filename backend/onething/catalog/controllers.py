"""Catalog API: bundles, their merged form, answer validation, services (public, no login)."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Controller, get, post
from litestar.datastructures import State
from litestar.params import FromPath, JSONBody

from onething.catalog.codes import RegionName, region_children, region_codes, region_name
from onething.catalog.form import MergedForm
from onething.catalog.merge import MergeError, merge
from onething.catalog.model import Bundle, Catalog
from onething.catalog.schemas import (
    BundleDetail,
    BundleSummary,
    FormRequest,
    FormResponse,
    RegionDetail,
    RegionItem,
    ServiceDetail,
    ValidateRequest,
    ValidateResponse,
)
from onething.catalog.stats import form_stats
from onething.catalog.validate import validate_answers
from onething.catalog.views import bundle_detail, bundle_summary, service_detail
from onething.core.errors import NOT_FOUND, VALIDATION, FieldError, ProblemError
from onething.core.openapi_problems import problem_spec

BundleId = Annotated[str, msgspec.Meta(max_length=64)]
ServiceId = Annotated[str, msgspec.Meta(max_length=64)]

_NOT_FOUND = problem_spec("No such bundle or service")
_INVALID = problem_spec("Field-level errors in zh-CN and en")


def _catalog(state: State) -> Catalog:
    catalog: Catalog = state.catalog
    return catalog


def _bundle(catalog: Catalog, bundle_id: str) -> Bundle:
    bundle = catalog.bundles.get(bundle_id)
    if bundle is None:
        raise ProblemError(
            NOT_FOUND,
            detail_zh=f"没有名为“{bundle_id}”的一件事",
            detail_en=f"There is no bundle {bundle_id!r}",
        )
    return bundle


def _merged(
    catalog: Catalog, bundle_id: str, answers: dict[str, str], optional: list[str]
) -> MergedForm:
    _bundle(catalog, bundle_id)
    try:
        return merge(catalog, bundle_id, answers, optional)
    except MergeError as exc:
        field = "optional_services" if "optional" in exc.code else "situation_answers"
        error = FieldError(
            field=field, code=exc.code, message_zh=exc.message_zh, message_en=exc.message_en
        )
        raise ProblemError(VALIDATION, errors=[error]) from exc


class CatalogController(Controller):
    tags = ["catalog"]  # noqa: RUF012 — Litestar declares it an instance attribute

    @get("/bundles", operation_id="listBundles", summary="List life events", sync_to_thread=False)
    def list_bundles(self, state: State) -> list[BundleSummary]:
        """Every bundle (一件事) with localized names, promised time limit and service count."""
        catalog = _catalog(state)
        return [bundle_summary(catalog, bundle) for bundle in catalog.bundles.values()]

    @get(
        "/bundles/{bundle_id:str}",
        operation_id="getBundle",
        summary="Bundle detail",
        responses={404: _NOT_FOUND},
        sync_to_thread=False,
    )
    def get_bundle(self, state: State, bundle_id: FromPath[BundleId]) -> BundleDetail:
        """The services a bundle includes, their departments and order, and its situations."""
        catalog = _catalog(state)
        return bundle_detail(catalog, _bundle(catalog, bundle_id))

    @post(
        "/bundles/{bundle_id:str}/form",
        operation_id="getMergedForm",
        summary="Merged form for situation answers",
        status_code=200,
        responses={404: _NOT_FOUND, 422: _INVALID},
        sync_to_thread=False,
    )
    def merged_form(
        self, state: State, bundle_id: FromPath[BundleId], data: JSONBody[FormRequest]
    ) -> FormResponse:
        """One form for the whole bundle (JSON Schema 2020-12 with `x-` annotations) plus how
        many fields the merge saves compared with filling each service's form."""
        catalog = _catalog(state)
        form = _merged(catalog, bundle_id, data.situation_answers, data.optional_services)
        return FormResponse(
            bundle=form.bundle,
            catalog_version=form.catalog_version,
            services=list(form.services),
            schema=msgspec.Raw(form.schema_json),
            effort=form_stats(catalog, form),
        )

    @post(
        "/bundles/{bundle_id:str}/validate",
        operation_id="validateAnswers",
        summary="Validate answers to the merged form",
        status_code=200,
        responses={404: _NOT_FOUND, 422: _INVALID},
        sync_to_thread=False,
    )
    def validate(
        self, state: State, bundle_id: FromPath[BundleId], data: JSONBody[ValidateRequest]
    ) -> ValidateResponse:
        """Checks every answer with the same rules departments rely on (ID numbers, credit
        codes, region codes, phones, dates, bank cards, names, cross-field rules); 422 lists
        every invalid field with messages in zh-CN and en."""
        catalog = _catalog(state)
        form = _merged(catalog, bundle_id, data.situation_answers, data.optional_services)
        errors = validate_answers(form, data.answers)
        if errors:
            raise ProblemError(VALIDATION, errors=errors)
        return ValidateResponse(valid=True, catalog_version=catalog.version)

    @get(
        "/services/{service_id:str}",
        operation_id="getService",
        summary="Service detail",
        responses={404: _NOT_FOUND},
        sync_to_thread=False,
    )
    def get_service(self, state: State, service_id: FromPath[ServiceId]) -> ServiceDetail:
        """One department's procedure: its form, materials, legal basis and what it produces."""
        catalog = _catalog(state)
        service = catalog.services.get(service_id)
        if service is None:
            raise ProblemError(
                NOT_FOUND,
                detail_zh=f"没有名为“{service_id}”的单项事项",
                detail_en=f"There is no service {service_id!r}",
            )
        return service_detail(catalog, service)


RegionCode = Annotated[str, msgspec.Meta(max_length=6)]


def _region_item(region: RegionName) -> RegionItem:
    return RegionItem(
        code=region.code, level=region.level, name=region.name, full_name=region.full_name
    )


class RegionController(Controller):
    tags = ["catalog"]  # noqa: RUF012 — Litestar declares it an instance attribute

    @get("/regions", operation_id="listProvinces", summary="Provinces", sync_to_thread=False)
    def list_provinces(self) -> list[RegionItem]:
        """Current province-level divisions (GB/T 2260), for address pickers."""
        provinces = (region_name(code) for code in sorted(region_codes("province")))
        return [_region_item(p) for p in provinces if p is not None]

    @get(
        "/regions/{code:str}",
        operation_id="getRegion",
        summary="A region and the regions under it",
        responses={404: _NOT_FOUND},
        sync_to_thread=False,
    )
    def get_region(self, code: FromPath[RegionCode]) -> RegionDetail:
        """Name of a GB/T 2260 code (abolished codes too, marked not current) and its current
        children: the cities of a province, the counties of a city."""
        if not (len(code) == 6 and code.isascii() and code.isdigit()):
            raise ProblemError(
                VALIDATION,
                errors=[
                    FieldError(
                        field="code",
                        code="region.format",
                        message_zh="行政区划代码应为 6 位数字",
                        message_en="A region code is 6 digits",
                    )
                ],
            )
        region = region_name(code)
        if region is None:
            raise ProblemError(
                NOT_FOUND,
                detail_zh=f"没有行政区划代码“{code}”",
                detail_en=f"There is no region code {code!r}",
            )
        return RegionDetail(
            region=_region_item(region),
            current=region.current,
            children=[_region_item(child) for child in region_children(code)],
        )
