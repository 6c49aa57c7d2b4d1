"""Rows to response bodies (no I/O): the application with its tasks, and timeline events."""

from __future__ import annotations

from collections.abc import Sequence

from onething.applications.calendar import WorkingCalendar, china_date
from onething.applications.dag import planned_deadlines
from onething.applications.models import Application, Task, TimelineEvent
from onething.applications.schemas import ApplicationView, TaskView, TimelineEventView
from onething.applications.states import TaskState, application_status


def application_view(
    application: Application, tasks: Sequence[Task], calendar: WorkingCalendar
) -> ApplicationView:
    upstream = {t.service: tuple(t.waits_for) for t in tasks}
    limits = {t.service: t.time_limit_days for t in tasks}
    # An undispatched task shows when it would end if every task before it used its whole
    # time limit from the submission day (the critical path).
    start = china_date(application.submitted_at)
    plans = planned_deadlines(upstream, limits, start, calendar)
    ordered = sorted(tasks, key=lambda t: (len(t.waits_for), t.service))
    return ApplicationView(
        id=application.id,
        bundle=application.bundle,
        catalog_version=application.catalog_version,
        status=application_status(TaskState(t.state) for t in tasks).value,
        submitted_at=application.submitted_at,
        promised_on=application.promised_on,
        launched_by=application.launched_by,
        prefilled_by_client=sorted(application.prefill_sources),
        tasks=[
            TaskView(
                id=t.id,
                service=t.service,
                department=t.department,
                state=t.state,
                waits_for=list(t.waits_for),
                dispatched_at=t.dispatched_at,
                due_on=t.due_on or plans[t.service].date,
                due_planned=t.due_on is None,
                due_provisional=(
                    not calendar.covers(t.due_on)
                    if t.due_on is not None
                    else plans[t.service].provisional
                ),
                decided_at=t.decided_at,
            )
            for t in ordered
        ],
    )


def event_view(
    event: TimelineEvent, services: dict[object, str], agents: dict[str, str] | None = None
) -> TimelineEventView:
    return TimelineEventView(
        id=event.id,
        at=event.at,
        kind=event.kind,
        task_id=event.task_id,
        service=services.get(event.task_id) if event.task_id else None,
        from_state=event.from_state,
        to_state=event.to_state,
        actor_kind=event.actor_kind,
        actor=event.actor_sub,
        act=event.act_sub,
        act_name=(agents or {}).get(event.act_sub) if event.act_sub else None,
        detail=event.detail,
    )
