"""Timeline events: every change of an application or task, with who acted (and for whom)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from onething.applications.models import TimelineEvent
from onething.applications.states import Actor as ActorKind
from onething.core.batch import WriteBatch

if TYPE_CHECKING:
    from onething.applications.access import Who
    from onething.core.db import Base


class Adds(Protocol):
    """Where new rows go: a session, or a `WriteBatch` that writes them in one statement."""

    def add(self, instance: Base) -> None: ...


def record(
    session: Adds,
    *,
    application_id: uuid.UUID,
    kind: str,
    actor_kind: ActorKind,
    now: datetime,
    who: Who | None = None,
    task_id: uuid.UUID | None = None,
    from_state: str | None = None,
    to_state: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    values: dict[str, object] = {
        "application_id": application_id,
        "task_id": task_id,
        "at": now,
        "kind": kind,
        "from_state": from_state,
        "to_state": to_state,
        "actor_kind": actor_kind.value,
        "actor_sub": who.sub if who else None,
        "act_sub": who.act_sub if who else None,
        "client_id": who.client_id if who else None,
        "detail": detail or {},
    }
    if isinstance(session, WriteBatch):
        session.insert(TimelineEvent, values)
    else:
        session.add(TimelineEvent(**values))
