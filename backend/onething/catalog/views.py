"""Pure mapping from the loaded catalog to the API's response Structs."""

from __future__ import annotations

from onething.catalog.model import Bundle, Catalog, Service, effective_time_limit
from onething.catalog.schemas import (
    BundleDetail,
    BundleServiceItem,
    BundleSummary,
    DepartmentRef,
    FormFieldItem,
    Localized,
    ServiceDetail,
    SituationItem,
    SituationOptionItem,
)


def _department(catalog: Catalog, department_id: str) -> DepartmentRef:
    department = catalog.departments[department_id]
    return DepartmentRef(id=department.id, code=department.code, name=Localized.of(department.name))


def bundle_summary(catalog: Catalog, bundle: Bundle) -> BundleSummary:
    services = [catalog.services[m.service] for m in bundle.services]
    return BundleSummary(
        id=bundle.id,
        name=Localized.of(bundle.name),
        description=Localized.of(bundle.description) if bundle.description else None,
        time_limit_days=bundle.time_limit_days,
        service_count=len(services),
        department_count=len({s.department for s in services}),
        catalog_version=catalog.version,
    )


def bundle_detail(catalog: Catalog, bundle: Bundle) -> BundleDetail:
    services = []
    for member in bundle.services:
        service = catalog.services[member.service]
        services.append(
            BundleServiceItem(
                id=service.id,
                name=Localized.of(service.name),
                department=_department(catalog, service.department),
                time_limit_days=effective_time_limit(member, service),
                mode=service.mode,
                optional=member.optional,
                after=list(member.after),
                produces_license=service.produces.license,
                mailed=service.produces.mail_paper,
            )
        )
    situations = [
        SituationItem(
            id=situation.id,
            question=Localized.of(situation.question),
            help=Localized.of(situation.help) if situation.help else None,
            default=str(situation.default),
            options=[
                SituationOptionItem(
                    value=str(option.value),
                    label=Localized.of(option.label),
                    excludes_services=list(option.exclude_services),
                )
                for option in situation.options
            ],
        )
        for situation in bundle.situations
    ]
    return BundleDetail(
        id=bundle.id,
        name=Localized.of(bundle.name),
        description=Localized.of(bundle.description) if bundle.description else None,
        time_limit_days=bundle.time_limit_days,
        catalog_version=catalog.version,
        services=services,
        situations=situations,
    )


def service_detail(catalog: Catalog, service: Service) -> ServiceDetail:
    return ServiceDetail(
        id=service.id,
        name=Localized.of(service.name),
        description=Localized.of(service.description) if service.description else None,
        department=_department(catalog, service.department),
        legal_basis=[Localized.of(text) for text in service.legal_basis],
        time_limit_days=service.time_limit_days,
        mode=service.mode,
        co_applicant_confirms=service.co_applicant_confirms,
        form=[
            FormFieldItem(
                element=field.element,
                label=Localized.of(catalog.elements[field.element].label),
                required=field.required,
            )
            for field in service.form
        ],
        materials=[ref.material for ref in service.materials],
        produces_elements=list(service.produces.elements),
        produces_license=service.produces.license,
        mailed=service.produces.mail_paper,
        catalog_version=catalog.version,
    )
