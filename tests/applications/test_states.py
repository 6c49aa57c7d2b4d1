"""The task state machine: every (state, event, actor) is allowed or refused exactly as the
written specification below says; the application status is derived from the tasks."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from onething.applications.states import (
    OUTPUT_EXISTS,
    OUTPUT_NEVER,
    TERMINAL,
    Actor,
    ApplicationStatus,
    TaskEvent,
    TaskState,
    TransitionRefusedError,
    allowed,
    application_status,
    events_from,
    transition,
)

# The specification, written out independently of the module's table:
# state, event, next state, who may trigger it (r = resident, d = department, s = system).
SPEC = """
waiting_upstream           upstream_ready           submitted                  s
waiting_upstream           upstream_failed          cancelled                  s
waiting_upstream           withdraw                 withdrawn                  r
submitted                  accept                   accepted                   ds
submitted                  accept_pending_material  accepted_pending_material  d
submitted                  refuse                   refused                    d
submitted                  withdraw                 withdrawn                  r
accepted                   start_review             in_review                  ds
accepted                   cancel                   cancelled                  rs
accepted_pending_material  supply_material          accepted                   r
accepted_pending_material  deadline_missed          suspended                  s
accepted_pending_material  cancel                   cancelled                  rs
in_review                  request_correction       correction_requested       d
in_review                  approve                  approved                   ds
in_review                  refuse                   refused                    ds
in_review                  cancel                   cancelled                  rs
correction_requested       resubmit                 in_review                  r
correction_requested       deadline_missed          suspended                  s
correction_requested       cancel                   cancelled                  rs
suspended                  resume                   in_review                  d
suspended                  refuse                   refused                    d
suspended                  cancel                   cancelled                  rs
approved                   issue                    issued                     s
approved                   complete                 done                       s
issued                     complete                 done                       s
"""
_ACTORS = {"r": Actor.RESIDENT, "d": Actor.DEPARTMENT, "s": Actor.SYSTEM}


def _spec() -> dict[tuple[TaskState, TaskEvent, Actor], TaskState]:
    table = {}
    for line in SPEC.strip().splitlines():
        state, event, target, actors = line.split()
        for letter in actors:
            table[TaskState(state), TaskEvent(event), _ACTORS[letter]] = TaskState(target)
    return table


EXPECTED = _spec()
ALL_TRIPLES = list(itertools.product(TaskState, TaskEvent, Actor))


def test_the_specification_covers_a_real_share_of_all_triples() -> None:
    # Four actors: the service hall may change no task (a hand-over completes tasks through
    # the system), so every one of its triples must be refused.
    assert len(ALL_TRIPLES) == 13 * 16 * 4
    assert len(EXPECTED) == 34


@pytest.mark.parametrize(("state", "event", "actor"), ALL_TRIPLES, ids=str)
def test_every_state_event_and_actor_is_allowed_or_refused_as_specified(
    state: TaskState, event: TaskEvent, actor: Actor
) -> None:
    expected = EXPECTED.get((state, event, actor))
    assert allowed(state, event, actor) is (expected is not None)
    if expected is not None:
        assert transition(state, event, actor) is expected
    else:
        with pytest.raises(TransitionRefusedError) as refused:
            transition(state, event, actor)
        someone_may = any((state, event, a) in EXPECTED for a in Actor)
        assert refused.value.reason == ("actor" if someone_may else "state")


def test_terminal_states_have_no_way_out() -> None:
    for state in TERMINAL:
        for actor in Actor:
            assert events_from(state, actor) == []


def test_every_state_can_reach_an_end() -> None:
    ends: set[TaskState] = set(TERMINAL)
    changed = True
    while changed:
        changed = False
        for (state, _, _), target in EXPECTED.items():
            if target in ends and state not in ends:
                ends.add(state)
                changed = True
    assert ends == set(TaskState)


def test_every_state_is_reachable_from_where_tasks_start() -> None:
    reached = {TaskState.SUBMITTED, TaskState.WAITING_UPSTREAM}
    frontier = set(reached)
    while frontier:
        frontier = {t for (s, _, _), t in EXPECTED.items() if s in frontier} - reached
        reached |= frontier
    assert reached == set(TaskState)


def test_withdrawal_is_only_possible_before_intake() -> None:
    withdrawable = {s for s in TaskState if allowed(s, TaskEvent.WITHDRAW, Actor.RESIDENT)}
    assert withdrawable == {TaskState.SUBMITTED, TaskState.WAITING_UPSTREAM}


def test_only_a_department_or_the_platform_decides() -> None:
    for state in TaskState:
        assert not allowed(state, TaskEvent.APPROVE, Actor.RESIDENT)
        assert not allowed(state, TaskEvent.REFUSE, Actor.RESIDENT)


def test_output_sets_do_not_overlap_and_cover_the_ends() -> None:
    assert not OUTPUT_EXISTS & OUTPUT_NEVER
    assert TERMINAL <= OUTPUT_EXISTS | OUTPUT_NEVER


def test_events_from_lists_what_an_actor_may_do() -> None:
    assert set(events_from(TaskState.IN_REVIEW, Actor.DEPARTMENT)) == {
        TaskEvent.REQUEST_CORRECTION,
        TaskEvent.APPROVE,
        TaskEvent.REFUSE,
    }
    assert events_from(TaskState.CORRECTION_REQUESTED, Actor.RESIDENT) == [
        TaskEvent.RESUBMIT,
        TaskEvent.CANCEL,
    ]


# --- the application's derived status -------------------------------------------------------

states = st.lists(st.sampled_from(list(TaskState)), min_size=1, max_size=10)
S = TaskState


def test_status_examples() -> None:
    assert application_status([S.SUBMITTED, S.WAITING_UPSTREAM]) is ApplicationStatus.SUBMITTED
    assert application_status([S.ACCEPTED, S.WAITING_UPSTREAM]) is ApplicationStatus.IN_PROGRESS
    assert application_status([S.CORRECTION_REQUESTED, S.DONE]) is ApplicationStatus.ACTION_REQUIRED
    assert application_status([S.DONE, S.DONE]) is ApplicationStatus.COMPLETED
    assert application_status([S.DONE, S.REFUSED]) is ApplicationStatus.PARTIALLY_COMPLETED
    assert application_status([S.REFUSED, S.CANCELLED]) is ApplicationStatus.REFUSED
    assert application_status([S.WITHDRAWN, S.WITHDRAWN]) is ApplicationStatus.WITHDRAWN


def test_an_application_without_tasks_has_no_status() -> None:
    with pytest.raises(ValueError, match="at least one task"):
        application_status([])


@given(states)
def test_status_does_not_depend_on_task_order(task_states: list[TaskState]) -> None:
    assert application_status(task_states) is application_status(list(reversed(task_states)))


@given(states)
def test_an_application_is_closed_exactly_when_every_task_is(task_states: list[TaskState]) -> None:
    closed = {
        ApplicationStatus.COMPLETED,
        ApplicationStatus.PARTIALLY_COMPLETED,
        ApplicationStatus.REFUSED,
        ApplicationStatus.WITHDRAWN,
    }
    assert (application_status(task_states) in closed) is (set(task_states) <= TERMINAL)


@given(states)
def test_the_resident_is_asked_to_act_whenever_a_department_waits_for_them(
    task_states: list[TaskState],
) -> None:
    waits = bool({S.CORRECTION_REQUESTED, S.ACCEPTED_PENDING_MATERIAL} & set(task_states))
    assert (application_status(task_states) is ApplicationStatus.ACTION_REQUIRED) is waits
