"""The order of an application's tasks: which wait for which, and when each is planned to end.

Pure: works on the bundle's `after` lists and the services the merged form kept.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from onething.applications.calendar import Deadline, WorkingCalendar
from onething.catalog.model import Bundle


def upstream_of(bundle: Bundle, active: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """For each active service, the active services it must wait for.

    A dependency the situations excluded is looked through: if C comes after B and B after A,
    and B is not part of this application, C waits for A. (The catalog asks the resident again
    for any fact B would have produced, so nothing of B's is awaited.)
    """
    chosen = set(active)
    after = {m.service: tuple(m.after) for m in bundle.services}

    def nearest(service: str, seen: frozenset[str]) -> set[str]:
        found: set[str] = set()
        for dependency in after.get(service, ()):
            if dependency in seen:  # the catalog forbids cycles; never loop if one slips in
                continue
            if dependency in chosen:
                found.add(dependency)
            else:
                found |= nearest(dependency, seen | {dependency})
        return found

    return {
        service: tuple(sorted(nearest(service, frozenset({service}))))
        for service in sorted(chosen)
        if service in after
    }


def downstream_of(upstream: Mapping[str, Iterable[str]], service: str) -> set[str]:
    """Every service that waits, directly or not, for `service`."""
    result: set[str] = set()
    frontier = {service}
    while frontier:
        frontier = {s for s, deps in upstream.items() if set(deps) & frontier} - result
        result |= frontier
    return result


def ready(upstream: Mapping[str, Iterable[str]], produced: set[str], waiting: set[str]) -> set[str]:
    """Waiting services whose every upstream has produced its output."""
    return {s for s in waiting if set(upstream.get(s, ())) <= produced}


def planned_deadlines(
    upstream: Mapping[str, Iterable[str]],
    time_limits: Mapping[str, int],
    start: dt.date,
    calendar: WorkingCalendar,
) -> dict[str, Deadline]:
    """When each task should end if every department uses its whole time limit: a task starts
    when its last upstream ends (the critical path through the bundle)."""
    plans: dict[str, Deadline] = {}

    def plan(service: str) -> Deadline:
        if service not in plans:
            before = [plan(d) for d in upstream.get(service, ())]
            begin = max((d.date for d in before), default=start)
            deadline = calendar.add_working_days(begin, time_limits[service])
            provisional = deadline.provisional or any(d.provisional for d in before)
            plans[service] = Deadline(deadline.date, provisional)
        return plans[service]

    for service in upstream:
        plan(service)
    return plans
