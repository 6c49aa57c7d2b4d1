"""Co-applicant confirmation at submission: the confirmation the submitted answers rest on
(the newest request of the draft not superseded, confirmed, with the same facts), and, once
the application exists, the draft's requests bound to it with their history on its timeline.
The requests are read, locked, by `submission_reads`; asking and confirming is
`co_applicants`."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from onething.applications.access import Who
from onething.applications.co_applicants import digest, facts_of
from onething.applications.states import Actor
from onething.applications.timeline import record
from onething.core.errors import FieldError

if TYPE_CHECKING:
    from onething.applications.context import ApplicationsContext
    from onething.applications.submission_reads import RequestRow
    from onething.catalog.form import MergedForm
    from onething.core.batch import WriteBatch


def _missing(code: str, zh: str, en: str) -> FieldError:
    return FieldError(field="co_applicant", code=code, message_zh=zh, message_en=en)


def confirmation_for(
    ctx: ApplicationsContext,
    form: MergedForm,
    answers: Mapping[str, Any],
    services: list[str],
    requests: list[RequestRow],
) -> tuple[RequestRow | None, list[FieldError]]:
    """The confirmation a submission of these answers rests on (among the draft's requests
    not yet attached, oldest first; `services` are `co_applicants.co_signed_services`), or
    the errors saying why there is none yet."""
    if not services:
        return None, []
    current = [r for r in requests if r.superseded_at is None]
    row = current[-1] if current else None
    if row is None:
        return None, [
            _missing(
                "co_applicant.missing",
                "另一方父母（共同申请人）需在其本人账户中确认后，才能提交",
                "The other parent must confirm from their own account before you submit",
            )
        ]
    if row.status == "pending":
        return None, [
            _missing(
                "co_applicant.pending",
                "正在等待另一方父母确认，确认后即可提交",
                "Waiting for the other parent to confirm; you can submit once they have",
            )
        ]
    if row.status == "declined":
        return None, [
            _missing(
                "co_applicant.declined",
                f"另一方父母未确认：{row.reason}。请核对后重新请其确认",
                f"The other parent declined: {row.reason}. Check and ask again",
            )
        ]
    if row.facts_digest != digest(ctx, facts_of(form, answers, services)):
        return None, [
            _missing(
                "co_applicant.stale",
                "您修改了另一方父母已确认的信息，请重新请其确认",
                "You changed facts the other parent confirmed; ask them to confirm again",
            )
        ]
    return row, []


def attach(batch: WriteBatch, requests: list[RequestRow], application_id: uuid.UUID) -> None:
    """The draft's requests not yet attached now belong to the application (in the submission's
    batch), and their history goes onto its timeline in the order it happened, each step
    with who acted (a request is superseded by whoever asked again)."""
    if not requests:
        return
    batch.also(
        "UPDATE co_applicant_requests SET application_id = {0} WHERE id = ANY({1}::uuid[])",
        application_id,
        [row.id for row in requests],
    )
    steps: list[tuple[datetime, str, Who, dict[str, Any]]] = []
    for row, following in zip(requests, [*requests[1:], None], strict=True):
        ref: dict[str, Any] = {"request": str(row.id)}
        asker = Who(row.requested_by, row.requested_act, row.requested_client)
        steps.append((row.created_at, "requested", asker, {**ref, "services": list(row.services)}))
        if row.decided_at is not None and row.decided_by and row.decided_client:
            decider = Who(row.decided_by, row.decided_act, row.decided_client)
            reason = {"reason": row.reason} if row.reason else {}
            steps.append((row.decided_at, row.status, decider, {**ref, **reason}))
        if row.superseded_at is not None and following is not None:
            again = Who(following.requested_by, following.requested_act, following.requested_client)
            steps.append((row.superseded_at, "superseded", again, ref))
    for at, step, who, detail in sorted(steps, key=lambda s: s[0]):
        record(
            batch,
            application_id=application_id,
            kind=f"co_applicant.{step}",
            actor_kind=Actor.RESIDENT,
            now=at,
            who=who,
            detail=detail,
        )
