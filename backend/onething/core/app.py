"""The application factory: wires settings, database, storage, errors, logging, metrics, PWA."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import urlsplit

from litestar import Litestar, Router
from litestar.config.compression import CompressionConfig
from litestar.di import Provide
from litestar.exceptions import NotFoundException
from litestar.openapi.config import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.openapi.spec import Components, Contact, Server, Tag
from litestar.plugins.prometheus import PrometheusConfig, PrometheusController

from onething.catalog.loader import load_catalog
from onething.core.db import create_engine, create_sessionmaker, provide_db_session
from onething.core.errors import exception_handlers
from onething.core.health import HealthController
from onething.core.logging import configure_logging
from onething.core.middleware import RequestContextMiddleware
from onething.core.openapi import OAUTH2, document_security, security_scheme
from onething.core.openapi_examples import (
    StructExamplesPlugin,
    document_operation_examples,
    operation_examples,
    struct_examples,
)
from onething.core.openapi_problems import document_problems
from onething.core.pwa import pwa_router, shell_fallback
from onething.core.routes import API_PREFIX, api_route_handlers
from onething.core.runtime import freeze_long_lived_objects
from onething.core.settings import Settings
from onething.core.storage import ObjectStorage
from onething.identity.context import IdentityContext
from onething.identity.routes import provider_route_handlers
from onething.licenses.routes import page_handlers as license_page_handlers

API_VERSION = "1.0.0"


class MetricsController(PrometheusController):
    path = "/metrics"
    include_in_schema = False


def _openapi_config() -> OpenAPIConfig:
    return OpenAPIConfig(
        title="OneThing API",
        version=API_VERSION,
        description=(
            "一件事 — one application for a whole life event. Residents, agents, department "
            "systems and mini-apps use this API; errors are RFC 9457 problem details."
        ),
        contact=Contact(name="OneThing platform team"),
        servers=[Server(url="/", description="This deployment")],
        tags=[
            Tag(name="catalog", description="Life events (bundles), services and merged forms"),
            Tag(name="applications", description="Drafts, materials, submission and progress"),
            Tag(name="departments", description="Department inboxes and decisions on tasks"),
            Tag(
                name="licenses",
                description="E-licenses: wallet, verification, status lists, sharing grants",
            ),
            Tag(name="identity", description="The signed-in caller, delegations (帮办代办)"),
            Tag(name="delivery", description="Mail-home choice, parcels, courier tracking"),
            Tag(name="notifications", description="In-app messages, Web Push, SMS preferences"),
            Tag(name="operations", description="Health and readiness probes"),
            Tag(
                name="admin",
                description="Platform administration: department webhook endpoints, dead letters",
            ),
        ],
        components=Components(security_schemes={OAUTH2: security_scheme()}),
        path="/api/schema",
        render_plugins=[JsonRenderPlugin()],
        use_handler_docstrings=True,
        create_examples=False,
    )


def create_app(settings: Settings | None = None) -> Litestar:
    """Build the ASGI app; the only place where components are wired together."""
    settings = settings or Settings.from_env()
    configure_logging(settings.app.log_level, json=settings.app.log_json)

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        if not settings.app.is_dev:
            app.state.identity.check()
        engine = create_engine(settings.database)
        app.state.engine = engine
        app.state.sessionmaker = create_sessionmaker(engine)
        app.state.storage = ObjectStorage(settings.s3)
        # The catalog is immutable for the life of the process; a new release means a restart.
        app.state.catalog = load_catalog(settings.app.catalog_dir)
        freeze_long_lived_objects(settings.app.environment)
        try:
            yield
        finally:
            await engine.dispose()

    prometheus = PrometheusConfig(app_name="onething", group_path=True, exclude=["/metrics"])
    route_handlers: list[object] = [
        HealthController,
        MetricsController,
        Router(path=API_PREFIX, route_handlers=api_route_handlers()),
        *provider_route_handlers(settings),
        *license_page_handlers(),
    ]
    handlers = exception_handlers()
    if (settings.app.pwa_dir / "index.html").is_file():
        route_handlers.append(pwa_router(settings.app.pwa_dir))
        handlers[NotFoundException] = shell_fallback(settings.app.pwa_dir)
    app = Litestar(
        route_handlers=route_handlers,  # type: ignore[arg-type]
        lifespan=[lifespan],
        dependencies={"db_session": Provide(provide_db_session)},
        middleware=[prometheus.middleware],
        exception_handlers=handlers,
        compression_config=CompressionConfig(backend="gzip", minimum_size=512),
        openapi_config=_openapi_config(),
        plugins=[StructExamplesPlugin(struct_examples())],
        logging_config=None,
        debug=False,
    )
    document_security(app)
    document_problems(app)
    document_operation_examples(app, operation_examples())
    app.state.settings = settings
    app.state.identity = IdentityContext.from_settings(settings)
    # Litestar's `middleware` runs per route, so unknown paths (404) would escape it; wrapping
    # the app's outermost handler gives every response a request id and the security headers.
    app.asgi_handler = RequestContextMiddleware(
        app.asgi_handler,
        https_only=settings.app.public_url.startswith("https://"),
        upload_origin=origin_of(settings.s3.endpoint_url),
    )
    return app


def origin_of(url: str) -> str | None:
    """`scheme://host[:port]` of a URL, or None when it has none (S3 not configured)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None
