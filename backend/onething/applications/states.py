"""Task (子办件) state machine: the one table of allowed transitions, and who may trigger each.

Pure: no I/O. Services call `transition(state, event, actor)` and write the result together
with a timeline event; nothing else in the code base changes a task's state.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Final


class TaskState(StrEnum):
    WAITING_UPSTREAM = "waiting_upstream"  # an upstream service's output does not exist yet
    SUBMITTED = "submitted"  # in the department's inbox, intake not decided
    ACCEPTED = "accepted"  # 受理
    ACCEPTED_PENDING_MATERIAL = "accepted_pending_material"  # 容缺受理
    REFUSED = "refused"  # 不予受理 at intake, or 不予许可 after review
    IN_REVIEW = "in_review"
    CORRECTION_REQUESTED = "correction_requested"  # 补正: waits for the resident
    SUSPENDED = "suspended"  # a promised material or correction did not come in time
    APPROVED = "approved"  # decided; output data recorded
    ISSUED = "issued"  # the e-license exists
    DONE = "done"
    WITHDRAWN = "withdrawn"  # by the resident, before intake
    CANCELLED = "cancelled"  # after intake by the resident, or by the platform


class TaskEvent(StrEnum):
    UPSTREAM_READY = "upstream_ready"
    UPSTREAM_FAILED = "upstream_failed"
    ACCEPT = "accept"
    ACCEPT_PENDING_MATERIAL = "accept_pending_material"
    REFUSE = "refuse"
    START_REVIEW = "start_review"
    SUPPLY_MATERIAL = "supply_material"
    REQUEST_CORRECTION = "request_correction"
    RESUBMIT = "resubmit"
    DEADLINE_MISSED = "deadline_missed"
    RESUME = "resume"
    APPROVE = "approve"
    ISSUE = "issue"
    COMPLETE = "complete"
    WITHDRAW = "withdraw"
    CANCEL = "cancel"


class Actor(StrEnum):
    RESIDENT = "resident"  # the applicant, or an agent acting within a delegation
    DEPARTMENT = "department"  # a clerk of the task's department, or its system
    SYSTEM = "system"  # the platform itself (worker jobs, timers, the licenses domain)
    SERVICE_HALL = "service_hall"  # staff at a hall's collection window (hands parcels over)


S = TaskState
E = TaskEvent
_R, _D, _Y = Actor.RESIDENT, Actor.DEPARTMENT, Actor.SYSTEM


@dataclass(frozen=True, slots=True)
class Transition:
    source: TaskState
    event: TaskEvent
    target: TaskState
    actors: frozenset[Actor]


def _t(source: TaskState, event: TaskEvent, target: TaskState, *actors: Actor) -> Transition:
    return Transition(source, event, target, frozenset(actors))


# The whole machine. A (state, event) pair not listed here is refused.
TRANSITIONS: Final[tuple[Transition, ...]] = (
    _t(S.WAITING_UPSTREAM, E.UPSTREAM_READY, S.SUBMITTED, _Y),
    _t(S.WAITING_UPSTREAM, E.UPSTREAM_FAILED, S.CANCELLED, _Y),
    _t(S.WAITING_UPSTREAM, E.WITHDRAW, S.WITHDRAWN, _R),
    _t(S.SUBMITTED, E.ACCEPT, S.ACCEPTED, _D, _Y),  # system: auto-decided services
    _t(S.SUBMITTED, E.ACCEPT_PENDING_MATERIAL, S.ACCEPTED_PENDING_MATERIAL, _D),
    _t(S.SUBMITTED, E.REFUSE, S.REFUSED, _D),
    _t(S.SUBMITTED, E.WITHDRAW, S.WITHDRAWN, _R),
    _t(S.ACCEPTED, E.START_REVIEW, S.IN_REVIEW, _D, _Y),
    _t(S.ACCEPTED, E.CANCEL, S.CANCELLED, _R, _Y),
    _t(S.ACCEPTED_PENDING_MATERIAL, E.SUPPLY_MATERIAL, S.ACCEPTED, _R),
    _t(S.ACCEPTED_PENDING_MATERIAL, E.DEADLINE_MISSED, S.SUSPENDED, _Y),
    _t(S.ACCEPTED_PENDING_MATERIAL, E.CANCEL, S.CANCELLED, _R, _Y),
    _t(S.IN_REVIEW, E.REQUEST_CORRECTION, S.CORRECTION_REQUESTED, _D),
    _t(S.IN_REVIEW, E.APPROVE, S.APPROVED, _D, _Y),  # system: auto-decided services
    _t(S.IN_REVIEW, E.REFUSE, S.REFUSED, _D, _Y),
    _t(S.IN_REVIEW, E.CANCEL, S.CANCELLED, _R, _Y),
    _t(S.CORRECTION_REQUESTED, E.RESUBMIT, S.IN_REVIEW, _R),
    _t(S.CORRECTION_REQUESTED, E.DEADLINE_MISSED, S.SUSPENDED, _Y),
    _t(S.CORRECTION_REQUESTED, E.CANCEL, S.CANCELLED, _R, _Y),
    _t(S.SUSPENDED, E.RESUME, S.IN_REVIEW, _D),
    _t(S.SUSPENDED, E.REFUSE, S.REFUSED, _D),
    _t(S.SUSPENDED, E.CANCEL, S.CANCELLED, _R, _Y),
    _t(S.APPROVED, E.ISSUE, S.ISSUED, _Y),
    _t(S.APPROVED, E.COMPLETE, S.DONE, _Y),  # nothing to issue (an enrolment, a payment)
    _t(S.ISSUED, E.COMPLETE, S.DONE, _Y),
)

_TABLE: Final[dict[tuple[TaskState, TaskEvent], Transition]] = {
    (t.source, t.event): t for t in TRANSITIONS
}

TERMINAL: Final = frozenset({S.REFUSED, S.DONE, S.WITHDRAWN, S.CANCELLED})
# The upstream output (produced data, the license to be) exists: downstream tasks may start.
OUTPUT_EXISTS: Final = frozenset({S.APPROVED, S.ISSUED, S.DONE})
# The upstream will never produce anything: downstream tasks are cancelled.
OUTPUT_NEVER: Final = frozenset({S.REFUSED, S.WITHDRAWN, S.CANCELLED})
# Visible in a department's inbox (dispatched and not yet decided).
UNDECIDED: Final = frozenset(
    {
        S.SUBMITTED,
        S.ACCEPTED,
        S.ACCEPTED_PENDING_MATERIAL,
        S.IN_REVIEW,
        S.CORRECTION_REQUESTED,
        S.SUSPENDED,
    }
)
WAITS_FOR_RESIDENT: Final = frozenset({S.CORRECTION_REQUESTED, S.ACCEPTED_PENDING_MATERIAL})


class TransitionRefusedError(Exception):
    """The event is not allowed in this state, or not for this actor."""

    def __init__(self, state: TaskState, event: TaskEvent, actor: Actor, *, reason: str) -> None:
        super().__init__(f"{event} by {actor} is not allowed in state {state}: {reason}")
        self.state = state
        self.event = event
        self.actor = actor
        self.reason = reason  # "state" (never from here) or "actor" (not by this party)


def allowed(state: TaskState, event: TaskEvent, actor: Actor) -> bool:
    found = _TABLE.get((state, event))
    return found is not None and actor in found.actors


def transition(state: TaskState, event: TaskEvent, actor: Actor) -> TaskState:
    """The state after `event`, or TransitionRefusedError."""
    found = _TABLE.get((state, event))
    if found is None:
        raise TransitionRefusedError(state, event, actor, reason="state")
    if actor not in found.actors:
        raise TransitionRefusedError(state, event, actor, reason="actor")
    return found.target


def events_from(state: TaskState, actor: Actor) -> list[TaskEvent]:
    """What this actor may do now (for the UI's buttons and the department API's links)."""
    return [t.event for t in TRANSITIONS if t.source == state and actor in t.actors]


class ApplicationStatus(StrEnum):
    """Derived from the tasks on every read; never stored."""

    SUBMITTED = "submitted"  # no department has taken anything on yet
    IN_PROGRESS = "in_progress"
    ACTION_REQUIRED = "action_required"  # some department waits for the resident
    COMPLETED = "completed"  # every task done
    PARTIALLY_COMPLETED = "partially_completed"  # all closed, some done, some not
    REFUSED = "refused"  # all closed, none done, some refused
    WITHDRAWN = "withdrawn"  # all closed by the resident or the platform, none decided


_NOT_STARTED: Final = frozenset({S.SUBMITTED, S.WAITING_UPSTREAM})


def application_status(states: Iterable[TaskState]) -> ApplicationStatus:
    """The application's status as the resident sees it, from its tasks' states alone."""
    present = set(states)
    if not present:
        msg = "an application has at least one task"
        raise ValueError(msg)
    if present & WAITS_FOR_RESIDENT:
        return ApplicationStatus.ACTION_REQUIRED
    if not present <= TERMINAL:
        started = not present <= _NOT_STARTED
        return ApplicationStatus.IN_PROGRESS if started else ApplicationStatus.SUBMITTED
    return _closed_status(present)


def _closed_status(present: set[TaskState]) -> ApplicationStatus:
    if S.DONE in present:
        complete = present == {S.DONE}
        return ApplicationStatus.COMPLETED if complete else ApplicationStatus.PARTIALLY_COMPLETED
    if S.REFUSED in present:
        return ApplicationStatus.REFUSED
    return ApplicationStatus.WITHDRAWN
