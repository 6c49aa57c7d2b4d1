"""Bundle rules: members exist, dependencies form a DAG, situations refer to real things,
services agree on shared elements, produced facts flow downstream instead of being asked, and
the bundle's promised time limit can be kept."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from collections.abc import Set as AbstractSet

from onething.catalog.checks import Entry, Index, check_constraints, duplicates_in, element_base
from onething.catalog.constraints import ConstraintConflict, Effective, intersect
from onething.catalog.model import (
    Bundle,
    Constraints,
    FormField,
    Service,
    SituationOption,
    effective_time_limit,
)
from onething.catalog.sources import CatalogError, KeyPath


def check_bundles(
    bundles: list[Entry[Bundle]], index: Index, *, unread_services: AbstractSet[str] = frozenset()
) -> list[CatalogError]:
    """``unread_services``: files that failed to decode (already reported), not unknown ids."""
    errors: list[CatalogError] = []
    for entry in bundles:
        if any(m.service in unread_services for m in entry.value.services):
            continue
        found = _check_members(entry, index)
        if not found:
            found = _find_cycles(entry)
        if not found:
            found = _check_situations(entry, index)
        if not found:
            # Deeper rules need every reference resolved and an acyclic graph.
            found = (
                _check_conflicts(entry, index)
                + _check_produced(entry, index)
                + _check_time_limits(entry, index)
            )
        errors += found
    return errors


def _check_members(entry: Entry[Bundle], index: Index) -> list[CatalogError]:
    bundle = entry.value
    members = [s.service for s in bundle.services]
    errors = duplicates_in(entry, members, ("services",), "service")
    for i, member in enumerate(bundle.services):
        if member.service not in index.services:
            message = f"unknown service `{member.service}`"
            errors.append(entry.error("unknown_service", message, "services", i, "service"))
        for j, dependency in enumerate(member.after):
            if dependency not in members:
                message = f"`{dependency}` in `after` is not a service of bundle `{bundle.id}`"
                errors.append(entry.error("unknown_service", message, "services", i, "after", j))
    return errors


def _find_cycles(entry: Entry[Bundle]) -> list[CatalogError]:
    """Depth-first search; each cycle is reported once, at the edge that closes it."""
    bundle = entry.value
    position = {member.service: i for i, member in enumerate(bundle.services)}
    after = {member.service: member.after for member in bundle.services}
    state: dict[str, str] = {}
    seen_cycles: set[frozenset[str]] = set()
    errors: list[CatalogError] = []

    def visit(node: str, stack: list[str]) -> None:
        state[node] = "open"
        stack.append(node)
        for j, dependency in enumerate(after[node]):
            if state.get(dependency) == "open":
                cycle = [*stack[stack.index(dependency) :], dependency]
                if frozenset(cycle) not in seen_cycles:
                    seen_cycles.add(frozenset(cycle))
                    message = "dependency cycle: " + " → ".join(cycle)
                    errors.append(
                        entry.error(
                            "dependency_cycle", message, "services", position[node], "after", j
                        )
                    )
            elif dependency not in state:
                visit(dependency, stack)
        stack.pop()
        state[node] = "done"

    for member in bundle.services:
        if member.service not in state:
            visit(member.service, [])
    return errors


def _check_situations(entry: Entry[Bundle], index: Index) -> list[CatalogError]:
    bundle = entry.value
    errors = duplicates_in(entry, (s.id for s in bundle.situations), ("situations",), "situation")
    scope = _Scope(bundle, index)
    for i, situation in enumerate(bundle.situations):
        here = ("situations", i)
        values = [o.value for o in situation.options]
        errors += duplicates_in(entry, values, (*here, "options"), "option value")
        if situation.default not in values:
            message = f"default `{situation.default}` is not one of the options {values}"
            errors.append(entry.error("unknown_option", message, *here, "default"))
        for j, option in enumerate(situation.options):
            errors += _check_option(entry, option, (*here, "options", j), scope, index)
    return errors


class _Scope:
    """What a bundle's services ask for and need, for checking situation effects."""

    def __init__(self, bundle: Bundle, index: Index) -> None:
        services = [index.services[m.service].value for m in bundle.services]
        self.bundle_id = bundle.id
        self.members = {m.service for m in bundle.services}
        self.asked = {f.element for service in services for f in service.form}
        self.needed = {m.material for service in services for m in service.materials}


def _check_option(
    entry: Entry[Bundle],
    option: SituationOption,
    at: tuple[str | int, ...],
    scope: _Scope,
    index: Index,
) -> list[CatalogError]:
    errors: list[CatalogError] = []
    for k, service_id in enumerate(option.exclude_services):
        if service_id not in scope.members:
            message = f"`{service_id}` is not a service of bundle `{scope.bundle_id}`"
            errors.append(entry.error("unknown_service", message, *at, "exclude_services", k))
    for key in ("exclude_elements", "require_elements"):
        for k, element_id in enumerate(getattr(option, key)):
            if element_id not in scope.asked:
                errors.append(_not_asked(entry, element_id, scope.bundle_id, (*at, key, k)))
    for k, material_id in enumerate(option.exclude_materials):
        if material_id not in scope.needed:
            message = f"no service of bundle `{scope.bundle_id}` needs material `{material_id}`"
            errors.append(entry.error("unknown_material", message, *at, "exclude_materials", k))
    for k, rule in enumerate(option.constrain):
        if rule.element not in scope.asked:
            errors.append(_not_asked(entry, rule.element, scope.bundle_id, (*at, "constrain", k)))
        elif rule.element in index.elements:  # else the service asking for it is in error
            element = index.elements[rule.element].value
            path = (*at, "constrain", k, "constraints")
            errors += check_constraints(entry, element, rule.constraints, path, index)
    return errors


def _not_asked(
    entry: Entry[Bundle], element_id: str, bundle_id: str, path: tuple[str | int, ...]
) -> CatalogError:
    message = f"unknown element `{element_id}`: no service of bundle `{bundle_id}` asks for it"
    return entry.error("unknown_element", message, *path)


def _form_refs(
    entry: Entry[Bundle], index: Index
) -> Iterator[tuple[Entry[Service], int, FormField]]:
    for member in entry.value.services:
        service = index.services[member.service]
        for i, form_field in enumerate(service.value.form):
            yield service, i, form_field


def _check_conflicts(entry: Entry[Bundle], index: Index) -> list[CatalogError]:
    """All services of the bundle together (any subset is then fine), plus each situation."""
    bundle = entry.value
    errors: list[CatalogError] = []
    by_element: dict[str, list[tuple[Entry[Service], int, FormField]]] = {}
    for service, i, form_field in _form_refs(entry, index):
        by_element.setdefault(form_field.element, []).append((service, i, form_field))
    totals: dict[str, Effective] = {}
    for element_id, refs in by_element.items():
        known = index.elements.get(element_id)
        base = element_base(known.value) if known else None
        if base is None:
            continue  # an unknown element or bad element constraints, reported elsewhere
        total = base
        for n, (service, i, form_field) in enumerate(refs):
            if not _fits(base, form_field):
                continue  # conflicts with the element itself: reported with the service
            try:
                total = intersect(total, form_field.constraints)
            except ConstraintConflict as exc:
                other = _first_clash(base, refs[:n], form_field)
                message = (
                    f"constraint conflict on `{element_id}` in bundle `{bundle.id}`: "
                    f"`{service.value.id}` and {other} disagree ({exc})"
                )
                errors.append(
                    service.error("constraint_conflict", message, "form", i, "constraints")
                )
                break
        totals[element_id] = total
    errors += _situation_conflicts(entry, totals)
    return errors


def _fits(base: Effective, form_field: FormField) -> bool:
    try:
        intersect(base, form_field.constraints)
    except (ConstraintConflict, ValueError):
        return False
    return True


def _first_clash(
    base: Effective, earlier: list[tuple[Entry[Service], int, FormField]], form_field: FormField
) -> str:
    for service, _, other in earlier:
        try:
            intersect(intersect(base, other.constraints), form_field.constraints)
        except ConstraintConflict:
            return f"`{service.value.id}` ({service.where('form')})"
    return "the element's own constraints"


def _situation_conflicts(entry: Entry[Bundle], totals: dict[str, Effective]) -> list[CatalogError]:
    """Every combination of answers (one per situation) must leave each element a value."""
    # element -> per situation: the (path, answer, constraints) of options that constrain it
    rules: dict[str, dict[str, list[tuple[KeyPath, str, Constraints | None]]]] = {}
    for i, situation in enumerate(entry.value.situations):
        for j, option in enumerate(situation.options):
            for k, rule in enumerate(option.constrain):
                path: KeyPath = ("situations", i, "options", j, "constrain", k)
                per_situation = rules.setdefault(rule.element, {})
                per_situation.setdefault(situation.id, []).append(
                    (path, f"{situation.id}={option.value}", rule.constraints)
                )
    errors: list[CatalogError] = []
    for element_id, per_situation in rules.items():
        total = totals.get(element_id)
        if total is None:
            continue
        # An answer that does not constrain the element is the "no extra limit" choice.
        choices = [[*options, ((), "", None)] for options in per_situation.values()]
        for combination in itertools.product(*choices):
            constrained = [c for c in combination if c[2] is not None]
            try:
                _check_combination(total, constrained)
            except ConstraintConflict as exc:
                where, _, _ = constrained[-1]
                answers = ", ".join(answer for _, answer, _ in constrained)
                message = (
                    f"constraint conflict on `{element_id}`: the answers {answers} "
                    f"leave no valid value ({exc})"
                )
                errors.append(entry.error("constraint_conflict", message, *where))
                break
    return errors


def _check_combination(
    total: Effective, constrained: list[tuple[KeyPath, str, Constraints | None]]
) -> None:
    for _, _, constraints in constrained:
        if constraints is not None:
            total = intersect(total, constraints)


def _ancestors(bundle: Bundle) -> dict[str, set[str]]:
    after = {member.service: member.after for member in bundle.services}
    memo: dict[str, set[str]] = {}

    def collect(node: str) -> set[str]:
        if node not in memo:
            found: set[str] = set()
            for dependency in after[node]:
                found |= {dependency, *collect(dependency)}
            memo[node] = found
        return memo[node]

    return {member.service: collect(member.service) for member in bundle.services}


def _check_produced(entry: Entry[Bundle], index: Index) -> list[CatalogError]:
    """A fact or e-license produced inside the bundle must reach its users through `after`."""
    bundle = entry.value
    errors: list[CatalogError] = []
    position = {member.service: i for i, member in enumerate(bundle.services)}
    element_producer: dict[str, str] = {}
    license_producer: dict[str, str] = {}
    for member in bundle.services:
        produces = index.services[member.service].value.produces
        for element_id in produces.elements:
            if element_id in element_producer:
                message = (
                    f"`{element_id}` is produced by both `{element_producer[element_id]}` and "
                    f"`{member.service}` in bundle `{bundle.id}`"
                )
                errors.append(
                    entry.error("produced_twice", message, "services", position[member.service])
                )
            element_producer.setdefault(element_id, member.service)
        if produces.license is not None:
            license_producer.setdefault(produces.license, member.service)
    ancestors = _ancestors(bundle)
    for member in bundle.services:
        service = index.services[member.service].value
        needs = [(f.element, f"asks for `{f.element}`", element_producer) for f in service.form]
        needs.extend(
            (license_id, f"needs material `{ref.material}`", license_producer)
            for ref in service.materials
            if ref.material in index.materials
            for license_id in index.materials[ref.material].value.replaced_by
        )
        for key, what, producers in needs:
            producer = producers.get(key)
            if producer is None or producer == member.service:
                continue
            if producer not in ancestors[member.service]:
                message = (
                    f"`{member.service}` {what}, which `{producer}` produces in bundle "
                    f"`{bundle.id}`, but it does not come after `{producer}`: add `{producer}` "
                    "to its `after` so the produced value is passed on instead of asked"
                )
                path = ("services", position[member.service])
                errors.append(entry.error("produced_not_upstream", message, *path))
    return errors


def _check_time_limits(entry: Entry[Bundle], index: Index) -> list[CatalogError]:
    """The bundle's promise must hold when every department uses its whole time: no chain of
    services along `after` may need more working days than the bundle promises. A bundle may
    shorten a service's limit for its members (联办时限), never lengthen it."""
    bundle = entry.value
    errors: list[CatalogError] = []
    limits: dict[str, int] = {}
    for i, member in enumerate(bundle.services):
        service = index.services[member.service].value
        if member.time_limit_days is not None and member.time_limit_days > service.time_limit_days:
            message = (
                f"`{member.service}` has {member.time_limit_days} working days in bundle "
                f"`{bundle.id}`, more than its own limit of {service.time_limit_days}: a bundle "
                "may only shorten a service's time limit"
            )
            errors.append(entry.error("time_limit", message, "services", i, "time_limit_days"))
        limits[member.service] = effective_time_limit(member, service)
    after = {member.service: member.after for member in bundle.services}
    longest: dict[str, tuple[int, list[str]]] = {}

    def chain(node: str) -> tuple[int, list[str]]:
        if node not in longest:
            before = max((chain(d) for d in after[node]), default=(0, []), key=lambda c: c[0])
            longest[node] = (before[0] + limits[node], [*before[1], node])
        return longest[node]

    days, path = max((chain(m.service) for m in bundle.services), key=lambda c: c[0])
    if days > bundle.time_limit_days:
        steps = " → ".join(f"{s} ({limits[s]})" for s in path)
        message = (
            f"bundle `{bundle.id}` promises {bundle.time_limit_days} working days, but the chain "
            f"{steps} takes {days}: give its services shorter limits in this bundle "
            "(`time_limit_days` on the member) or promise more"
        )
        errors.append(entry.error("time_limit", message, "time_limit_days"))
    return errors
