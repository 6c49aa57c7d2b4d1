"""Identity fixtures: a cookie-isolated browser, the identity context, a registered PWA."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from identity_helpers import Browser, add_client
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onething.identity.context import IdentityContext
from onething.identity.keys import forget_cached_keys


@pytest.fixture
def ctx(app: Litestar) -> IdentityContext:
    context: IdentityContext = app.state.identity
    # Tables are truncated between tests; a key cached by an earlier test no longer exists.
    forget_cached_keys(context)
    return context


@pytest.fixture
async def browser(client: AsyncTestClient[Litestar], clean_db: None) -> AsyncIterator[Browser]:
    """The session client with an empty cookie jar (no SSO session leaks between tests)."""
    del clean_db
    client.cookies.clear()
    yield Browser(client)
    client.cookies.clear()


@pytest.fixture
async def pwa(sessionmaker: async_sessionmaker[AsyncSession], browser: Browser) -> str:
    del browser
    await add_client(sessionmaker)
    return "onething-pwa"
