"""The committed OpenAPI document is generated from the app, byte for byte reproducibly."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from litestar import Litestar


def render_openapi(app: Litestar | None = None) -> bytes:
    """OpenAPI 3.1 JSON with sorted keys and a trailing newline (stable diffs)."""
    if app is None:
        from onething.core.app import create_app
        from onething.core.settings import Settings

        app = create_app(Settings())
    schema = app.openapi_schema.to_schema()
    return (json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()
