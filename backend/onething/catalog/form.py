"""The merged form as data: fields, in-form situations and materials, plus its JSON Schema."""

from __future__ import annotations

import msgspec

from onething.catalog.constraints import Effective
from onething.catalog.model import ElementType, LocalText, section_of


class MergedField(msgspec.Struct, frozen=True, kw_only=True):
    """One data element as the merged form asks it."""

    element: str
    type: ElementType
    label: LocalText
    required: bool
    constraints: Effective
    services: tuple[str, ...]
    required_by: tuple[str, ...]

    @property
    def section(self) -> str:
        return section_of(self.element)

    @property
    def name(self) -> str:
        return self.element.partition(".")[2]


class OptionEffect(msgspec.Struct, frozen=True, kw_only=True):
    """What one answer to an in-form situation changes (only fields present in the form)."""

    require: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    # Full constraints of each affected field under this answer (base ∩ the answer's).
    constraints: dict[str, Effective] = {}
    exclude_materials: tuple[str, ...] = ()


class Condition(msgspec.Struct, frozen=True, kw_only=True):
    """An in-form situation: answered inside the form, its effects are if/then."""

    situation: str
    values: tuple[str, ...]
    default: str
    effects: dict[str, OptionEffect]


class MergedMaterial(msgspec.Struct, frozen=True, kw_only=True):
    """A material needed by some services of the form, asked of the resident at most once."""

    material: str
    services: tuple[str, ...]
    # False when every service needing it gets an e-license produced upstream in the bundle.
    asked: bool
    # True when some service that is not served automatically requires it.
    required: bool
    replaced_by: tuple[str, ...]
    # service -> the upstream service whose e-license is attached to it automatically
    attached_from: dict[str, str]


class MergedForm(msgspec.Struct, frozen=True, kw_only=True):
    """The merged form; ``schema`` is JSON Schema 2020-12 (treat it as read-only: it is cached)."""

    bundle: str
    catalog_version: str
    situation_answers: dict[str, str]
    optional_services: tuple[str, ...]
    services: tuple[str, ...]
    produced: tuple[str, ...]
    fields: dict[str, MergedField]
    conditions: tuple[Condition, ...]
    # Every situation of the bundle (gating and in-form), in the bundle's order.
    situation_questions: dict[str, LocalText]
    # Situation -> the services whose fields, materials or inclusion its answer affects.
    situation_services: dict[str, tuple[str, ...]]
    materials: tuple[MergedMaterial, ...]
    schema: dict[str, object]
    schema_json: bytes
