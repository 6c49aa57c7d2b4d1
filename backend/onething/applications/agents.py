"""The name of the agent who acted for a resident, as the timeline shows it to the two people
it concerns: the resident on their own phone and the agent under a delegated token."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING

from onething.identity.clients import PWA_CLIENT_ID
from onething.identity.services import display_names

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from onething.identity.access import Caller
    from onething.identity.crypto import FieldCipher


def names_visible_to(caller: Caller) -> bool:
    """Only the platform's own app, used by the resident (own token) or by the agent (their
    delegated token). A mini-app reading the same timeline for the resident gets no names:
    the agent's identity is not the mini-app's business (data minimisation)."""
    return caller.principal.client_id == PWA_CLIENT_ID


async def agent_names(
    session: AsyncSession, cipher: FieldCipher, caller: Caller, subs: Iterable[str | None]
) -> dict[str, str]:
    """Display names by account id of the agents among `subs` (an account without a recorded
    name is left out: the app then says only that an agent acted)."""
    if not names_visible_to(caller):
        return {}
    ids: set[uuid.UUID] = set()
    for sub in subs:
        if not sub:
            continue
        try:
            ids.add(uuid.UUID(sub))
        except ValueError:
            continue  # not an account (a client acting as itself)
    names = await display_names(session, cipher, ids, role="agent")
    return {str(account): name for account, name in names.items()}
