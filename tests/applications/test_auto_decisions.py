"""Auto-decision rules (pure): a task of an `auto` service is approved by the platform only
when its upstream outputs are attached, the facts it needs from them are there, its required
materials are e-licenses (attached from upstream or standing in), and it produces no data."""

from __future__ import annotations

import uuid

from onething.applications.auto_decisions import evaluate
from onething.applications.models import Task
from onething.catalog.loader import REPO_CATALOG, load_catalog
from onething.catalog.merge import merge

CATALOG = load_catalog(REPO_CATALOG)
FORM = merge(CATALOG, "newborn-birth", {}, [])


def _task(service: str, attachments: list[dict[str, object]]) -> Task:
    return Task(
        id=uuid.uuid4(),
        service=service,
        waits_for=["hukou-birth-registration"] if service == "medical-insurance-enrolment" else [],
        attachments=attachments,
    )


HUKOU = {
    "service": "hukou-birth-registration",
    "task_id": str(uuid.uuid4()),
    "elements": ["child.id_number"],
    "license_type": "household-register",
}


def _failed(checks: list[object]) -> set[str]:
    return {c.rule for c in checks if not c.passed}  # type: ignore[attr-defined]


def test_enrolment_with_the_hukou_output_attached_passes_every_rule() -> None:
    checks = evaluate(
        CATALOG,
        FORM,
        _task("medical-insurance-enrolment", [HUKOU]),
        attached_elements={"child.id_number"},
        attached_licenses={"household-register"},
        licensed=set(),
    )
    assert _failed(checks) == set()


def test_without_the_id_number_or_the_household_register_the_platform_declines() -> None:
    checks = evaluate(
        CATALOG,
        FORM,
        _task("medical-insurance-enrolment", [{**HUKOU, "elements": [], "license_type": None}]),
        attached_elements=set(),
        attached_licenses=set(),
        licensed=set(),
    )
    assert _failed(checks) == {"produced_facts_present", "required_materials_present"}
    missing = next(c for c in checks if c.rule == "produced_facts_present")
    assert missing.detail == {"needed": ["child.id_number"], "missing": ["child.id_number"]}


def test_an_e_license_standing_in_replaces_a_license_not_attached() -> None:
    checks = evaluate(
        CATALOG,
        FORM,
        _task("medical-insurance-enrolment", [HUKOU]),
        attached_elements={"child.id_number"},
        attached_licenses=set(),
        licensed={"household-register"},
    )
    assert _failed(checks) == set()


def test_an_uploaded_scan_leaves_the_decision_to_a_clerk() -> None:
    # Only e-licenses count: the upload of the household register is not in `licensed`.
    checks = evaluate(
        CATALOG,
        FORM,
        _task("medical-insurance-enrolment", [HUKOU]),
        attached_elements={"child.id_number"},
        attached_licenses=set(),
        licensed=set(),
    )
    assert _failed(checks) == {"required_materials_present"}


def test_an_upstream_not_attached_is_a_reason_to_decline() -> None:
    checks = evaluate(
        CATALOG,
        FORM,
        _task("medical-insurance-enrolment", []),
        attached_elements={"child.id_number"},
        attached_licenses={"household-register"},
        licensed=set(),
    )
    assert _failed(checks) == {"upstream_outputs_attached"}


def test_a_service_that_produces_data_is_never_decided_by_the_platform() -> None:
    checks = evaluate(
        CATALOG,
        FORM,
        _task("hukou-birth-registration", []),
        attached_elements=set(),
        attached_licenses={"birth-medical-certificate"},
        licensed={
            "mother-id-card",
            "father-id-card",
            "household-register",
            "marriage-certificate",
        },
    )
    assert "produces_no_data" in _failed(checks)
