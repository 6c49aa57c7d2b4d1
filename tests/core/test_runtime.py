"""A server process freezes what its startup loaded out of the cyclic collector's reach
(`core/runtime.py`); a test process, which builds and drops many apps, does not."""

from __future__ import annotations

import dataclasses
import gc

from litestar.testing import AsyncTestClient

from onething.core.app import create_app
from onething.core.settings import Settings


async def test_the_app_freezes_its_long_lived_objects_at_startup(settings: Settings) -> None:
    served = dataclasses.replace(
        settings, app=dataclasses.replace(settings.app, environment="development")
    )
    app = create_app(served)
    gc.unfreeze()
    try:
        async with AsyncTestClient(app) as client:
            frozen = gc.get_freeze_count()
            # the app, its catalog and routes among them: thousands of objects
            assert frozen > 10_000
            assert (await client.get("/healthz")).status_code == 200
    finally:
        gc.unfreeze()


async def test_a_test_process_app_freezes_nothing(settings: Settings) -> None:
    gc.unfreeze()
    async with AsyncTestClient(create_app(settings)):
        assert gc.get_freeze_count() == 0
