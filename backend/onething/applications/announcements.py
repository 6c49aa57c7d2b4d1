"""Changes a department's system hears about by webhook (dispatch, the resident's answers,
timers, withdrawal): ids and states only; the system reads the task's projection itself."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING

from onething.departments.webhooks import announce

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from onething.applications.models import Task


async def announce_task(
    session: AsyncSession, task: Task, kind: str, *, now: datetime
) -> uuid.UUID | None:
    """In the caller's transaction; nothing before dispatch (the task is not theirs yet)."""
    if task.dispatched_at is None:
        return None
    return await announce(
        session,
        department=task.department,
        kind=kind,
        data={
            "task_id": str(task.id),
            "application_id": str(task.application_id),
            "service": task.service,
            "state": task.state,
            "due_on": task.due_on.isoformat() if task.due_on else None,
        },
        now=now,
    )
