"""The merge engine: a bundle, situation answers and chosen optional services -> one form.

Pure and deterministic: the same catalog version and inputs give byte-identical JSON, whatever
the order of services in the bundle file. Results are cached per (catalog version, bundle,
gating answers, optional services); answers to in-form situations do not change the form
(they are if/then inside it), so they are not part of the key.
"""

from __future__ import annotations

import heapq
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from typing import Final

import msgspec

from onething.catalog.constraints import base_constraints, intersect
from onething.catalog.form import Condition, MergedField, MergedForm, MergedMaterial, OptionEffect
from onething.catalog.form_schema import build_schema
from onething.catalog.model import Bundle, Catalog, Service, Situation


class MergeError(ValueError):
    """The caller asked for something the bundle does not offer (a 4xx, not a catalog bug)."""

    def __init__(self, code: str, message_zh: str, message_en: str) -> None:
        super().__init__(f"{code}: {message_en}")
        self.code = code
        self.message_zh = message_zh
        self.message_en = message_en


CacheKey = tuple[str, str, tuple[tuple[str, str], ...], tuple[str, ...]]


class _LRU:
    def __init__(self, size: int) -> None:
        self.size = size
        self.items: OrderedDict[CacheKey, MergedForm] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: CacheKey) -> MergedForm | None:
        with self.lock:
            found = self.items.get(key)
            if found is not None:
                self.items.move_to_end(key)
            return found

    def put(self, key: CacheKey, form: MergedForm) -> None:
        with self.lock:
            self.items[key] = form
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.items.clear()


CACHE_SIZE: Final = 1024
_cache = _LRU(CACHE_SIZE)


def clear_cache() -> None:
    _cache.clear()


def merge(
    catalog: Catalog,
    bundle_id: str,
    answers: Mapping[str, str] | None = None,
    optional_services: Iterable[str] = (),
) -> MergedForm:
    """The merged form of a bundle for these situation answers and chosen optional services.

    Unanswered situations take their default. Raises MergeError for an unknown bundle,
    situation, answer or optional service.
    """
    bundle = catalog.bundles.get(bundle_id)
    if bundle is None:
        raise MergeError(
            "bundle.unknown", f"没有名为“{bundle_id}”的一件事", f"No bundle {bundle_id!r}"
        )
    gating = _gating_answers(bundle, answers or {})
    chosen = _chosen_optional(bundle, optional_services)
    key: CacheKey = (catalog.version, bundle.id, tuple(sorted(gating.items())), chosen)
    form = _cache.get(key)
    if form is None:
        form = _merge(catalog, bundle, gating, chosen)
        _cache.put(key, form)
    return form


def _gating_answers(bundle: Bundle, answers: Mapping[str, str]) -> dict[str, str]:
    situations = {s.id: s for s in bundle.situations}
    for situation_id, value in answers.items():
        situation = situations.get(situation_id)
        if situation is None:
            raise MergeError(
                "situation.unknown",
                f"“{bundle.name.zh}”没有情形“{situation_id}”",
                f"{bundle.name.en} has no situation {situation_id!r}",
            )
        if value not in {o.value for o in situation.options}:
            raise MergeError(
                "situation.answer",
                f"“{situation.question.zh}”的回答“{value}”无效",
                f"{value!r} is not an answer to “{situation.question.en}”",
            )
    return {s.id: answers.get(s.id, s.default) for s in bundle.situations if s.gating}


def _chosen_optional(bundle: Bundle, optional_services: Iterable[str]) -> tuple[str, ...]:
    offered = {m.service for m in bundle.services if m.optional}
    chosen = tuple(sorted(set(optional_services)))
    for service_id in chosen:
        if service_id not in offered:
            raise MergeError(
                "optional_service.unknown",
                f"“{bundle.name.zh}”没有可选事项“{service_id}”",
                f"{service_id!r} is not an optional service of {bundle.name.en}",
            )
    return chosen


def service_order(bundle: Bundle) -> list[str]:
    """Topological order of the bundle's services; ties broken by id, never by file order."""
    after = {m.service: set(m.after) for m in bundle.services}
    waiting = {service: len(deps) for service, deps in after.items()}
    users: dict[str, list[str]] = {service: [] for service in after}
    for service, deps in after.items():
        for dependency in deps:
            users[dependency].append(service)
    ready = [service for service, count in waiting.items() if count == 0]
    heapq.heapify(ready)
    order: list[str] = []
    while ready:
        service = heapq.heappop(ready)
        order.append(service)
        for user in users[service]:
            waiting[user] -= 1
            if waiting[user] == 0:
                heapq.heappush(ready, user)
    return order


def _chosen_options(bundle: Bundle, gating: Mapping[str, str]) -> list[tuple[Situation, str]]:
    return [(s, gating[s.id]) for s in bundle.situations if s.gating]


def _merge(
    catalog: Catalog, bundle: Bundle, gating: dict[str, str], chosen: tuple[str, ...]
) -> MergedForm:
    options = [
        next(o for o in situation.options if o.value == value)
        for situation, value in _chosen_options(bundle, gating)
    ]
    excluded_services = {s for o in options for s in o.exclude_services}
    members = {m.service: m for m in bundle.services}
    active = [
        service_id
        for service_id in service_order(bundle)
        if service_id not in excluded_services
        and (not members[service_id].optional or service_id in chosen)
    ]
    services = [catalog.services[s] for s in active]
    produced = {e: s.id for s in services for e in s.produces.elements}
    license_producers = {
        s.produces.license: s.id for s in services if s.produces.license is not None
    }
    fields = _merge_fields(catalog, services, produced)
    excluded = {e for o in options for e in o.exclude_elements}
    for option in options:
        for element_id in option.require_elements:
            if element_id in fields:
                fields[element_id] = msgspec.structs.replace(fields[element_id], required=True)
        for rule in option.constrain:
            if rule.element in fields:
                field = fields[rule.element]
                tighter = intersect(field.constraints, rule.constraints)
                fields[rule.element] = msgspec.structs.replace(field, constraints=tighter)
    ordered = {
        e: fields[e]
        for e in sorted(fields, key=catalog.element_order.__getitem__)
        if e not in excluded
    }
    conditions = tuple(
        _condition(situation, ordered) for situation in bundle.situations if not situation.gating
    )
    dropped_materials = {m for o in options for m in o.exclude_materials}
    materials = _merge_materials(catalog, services, license_producers, dropped_materials)
    form = MergedForm(
        bundle=bundle.id,
        catalog_version=catalog.version,
        situation_answers=gating,
        optional_services=chosen,
        services=tuple(active),
        produced=tuple(
            sorted(
                {f.element for s in services for f in s.form if f.element in produced},
                key=catalog.element_order.__getitem__,
            )
        ),
        fields=ordered,
        conditions=conditions,
        situation_questions={s.id: s.question for s in bundle.situations},
        situation_services={s.id: _affected_services(s, services) for s in bundle.situations},
        materials=materials,
        schema={},
        schema_json=b"",
    )
    schema = build_schema(catalog, bundle, form)
    return msgspec.structs.replace(form, schema=schema, schema_json=msgspec.json.encode(schema))


def _merge_fields(
    catalog: Catalog, services: list[Service], produced: Mapping[str, str]
) -> dict[str, MergedField]:
    """Union by element; required is the OR; constraints are intersected; produced are skipped."""
    fields: dict[str, MergedField] = {}
    for service in services:
        for form_field in service.form:
            element_id = form_field.element
            if element_id in produced:
                continue
            current = fields.get(element_id)
            if current is None:
                element = catalog.elements[element_id]
                current = MergedField(
                    element=element_id,
                    type=element.type,
                    label=element.label,
                    required=False,
                    constraints=base_constraints(element),
                    services=(),
                    required_by=(),
                )
            fields[element_id] = MergedField(
                element=element_id,
                type=current.type,
                label=current.label,
                required=current.required or form_field.required,
                constraints=intersect(current.constraints, form_field.constraints),
                services=(*current.services, service.id),
                required_by=(*current.required_by, service.id)
                if form_field.required
                else current.required_by,
            )
    return fields


def _affected_services(situation: Situation, services: list[Service]) -> tuple[str, ...]:
    """Services to which the answer matters: it includes them or touches their fields."""
    touched_elements: set[str] = set()
    touched_materials: set[str] = set()
    touched_services: set[str] = set()
    for option in situation.options:
        touched_elements.update(option.exclude_elements, option.require_elements)
        touched_elements.update(rule.element for rule in option.constrain)
        touched_materials.update(option.exclude_materials)
        touched_services.update(option.exclude_services)
    return tuple(
        s.id
        for s in services
        if s.id in touched_services
        or any(f.element in touched_elements for f in s.form)
        or any(m.material in touched_materials for m in s.materials)
    )


def _condition(situation: Situation, fields: Mapping[str, MergedField]) -> Condition:
    effects: dict[str, OptionEffect] = {}
    for option in situation.options:
        constraints = {
            rule.element: intersect(fields[rule.element].constraints, rule.constraints)
            for rule in option.constrain
            if rule.element in fields
        }
        effects[option.value] = OptionEffect(
            require=tuple(e for e in option.require_elements if e in fields),
            exclude=tuple(e for e in option.exclude_elements if e in fields),
            constraints=constraints,
            exclude_materials=tuple(option.exclude_materials),
        )
    return Condition(
        situation=situation.id,
        values=tuple(o.value for o in situation.options),
        default=situation.default,
        effects=effects,
    )


def _merge_materials(
    catalog: Catalog,
    services: list[Service],
    license_producers: Mapping[str, str],
    dropped: set[str],
) -> tuple[MergedMaterial, ...]:
    """Union by material; an e-license produced upstream is attached, never asked for."""
    needs: dict[str, list[tuple[str, bool, str | None]]] = {}
    for service in services:
        for ref in service.materials:
            if ref.material in dropped:
                continue
            producer = next(
                (
                    license_producers[lic]
                    for lic in catalog.materials[ref.material].replaced_by
                    if license_producers.get(lic) not in (None, service.id)
                ),
                None,
            )
            needs.setdefault(ref.material, []).append((service.id, ref.required, producer))
    return tuple(
        MergedMaterial(
            material=material_id,
            services=tuple(service_id for service_id, _, _ in uses),
            asked=any(producer is None for _, _, producer in uses),
            required=any(required and producer is None for _, required, producer in uses),
            replaced_by=tuple(catalog.materials[material_id].replaced_by),
            attached_from={s: p for s, _, p in uses if p is not None},
        )
        for material_id, uses in sorted(needs.items())
    )
