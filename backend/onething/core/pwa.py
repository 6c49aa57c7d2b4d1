"""Serving the built PWA: its static files, and its shell for client-side routes (/bundles/…)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from litestar import MediaType, Request, Response
from litestar.exceptions import NotFoundException
from litestar.static_files import create_static_files_router

from onething.core.errors import http_exception_response

if TYPE_CHECKING:
    from collections.abc import Callable

    from litestar import Router

# Paths that are never PWA routes: an unknown one there is a real 404 problem.
SERVER_PREFIXES: Final = (
    "/api/",
    "/oauth2/",
    "/.well-known/",
    "/metrics",
    "/healthz",
    "/readyz",
    "/assets/",
)


def pwa_router(pwa_dir: Path) -> Router:
    return create_static_files_router(
        path="/", directories=[pwa_dir], html_mode=True, include_in_schema=False, name="pwa"
    )


def shell_fallback(
    pwa_dir: Path,
) -> Callable[[Request[Any, Any, Any], NotFoundException], Response[Any]]:
    """404 handler: a browser navigating to a client-side route gets the app shell with 200."""
    shell = (pwa_dir / "index.html").read_bytes()

    def handle(request: Request[Any, Any, Any], exc: NotFoundException) -> Response[Any]:
        path = request.url.path
        navigating = request.method in {"GET", "HEAD"} and "text/html" in request.headers.get(
            "accept", ""
        )
        if navigating and not path.startswith(SERVER_PREFIXES):
            # no-cache: a new release's shell (new asset hashes) is picked up at once.
            return Response(shell, media_type=MediaType.HTML, headers={"Cache-Control": "no-cache"})
        return http_exception_response(request, exc)

    return handle
