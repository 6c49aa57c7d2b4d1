"""Status events for mini-apps: the client that launched an application hears by webhook of
its submission and of every change of a task's state — only while the resident's consent for
it (with `applications:read`) stands, only for the event types it subscribed to. Written in
the change's transaction through the department webhooks' outbox (same signing, backoff, dead
letters and replay); ids and states only, never answers or names."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from sqlalchemy import select

from onething.applications.access import READ
from onething.applications.models import Application, Task
from onething.applications.states import TaskState, application_status
from onething.departments.webhooks import announce_to_client
from onething.identity.client_webhooks import APPLICATION_SUBMITTED, TASK_STATUS_CHANGED
from onething.identity.models import Consent, OAuthClient

if TYPE_CHECKING:
    from datetime import datetime

    from sqlalchemy.ext.asyncio import AsyncSession

__all__: Final = ["application_submitted", "task_changed"]


async def _subscriber(session: AsyncSession, application: Application, kind: str) -> str | None:
    """The launching client when it should hear of `kind` now, else None."""
    if application.launched_by is None:
        return None
    client = await session.get(OAuthClient, application.launched_by)
    if (
        client is None
        or client.disabled_at is not None
        or client.webhook_url is None
        or kind not in client.webhook_events
    ):
        return None
    consent = await session.get(Consent, (application.owner_id, client.client_id))
    if consent is None or READ not in consent.scopes:
        return None
    return client.client_id


async def application_submitted(
    session: AsyncSession, application: Application, tasks: list[Task], *, now: datetime
) -> None:
    """In the submission's transaction (no statement at all for an application no mini-app
    launched)."""
    client = await _subscriber(session, application, APPLICATION_SUBMITTED)
    if client is None:
        return
    await announce_to_client(
        session,
        client_id=client,
        kind=APPLICATION_SUBMITTED,
        data={
            "application_id": str(application.id),
            "bundle": application.bundle,
            "status": application_status(TaskState(t.state) for t in tasks).value,
            "tasks": [
                {"task_id": str(t.id), "service": t.service, "state": t.state} for t in tasks
            ],
        },
        now=now,
    )


async def task_changed(session: AsyncSession, task: Task, *, now: datetime) -> None:
    """After a task moved to a new state, in the same transaction: the application's status
    is derived from all its tasks, as everywhere."""
    application = await session.get(Application, task.application_id)
    if application is None or application.launched_by is None:
        return
    client = await _subscriber(session, application, TASK_STATUS_CHANGED)
    if client is None:
        return
    states = (
        await session.execute(select(Task.state).where(Task.application_id == application.id))
    ).scalars()
    await announce_to_client(
        session,
        client_id=client,
        kind=TASK_STATUS_CHANGED,
        data={
            "application_id": str(application.id),
            "task_id": str(task.id),
            "service": task.service,
            "state": task.state,
            "application_status": application_status(TaskState(s) for s in states).value,
        },
        now=now,
    )
