"""The FastAPI application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import Depends, FastAPI
from fastapi_offline import FastAPIOffline
from sqlalchemy import text
from starlette.middleware.errors import ServerErrorMiddleware
from starlette.types import ASGIApp

from cxlens import __version__
from cxlens.core.clock import Clock, SystemClock
from cxlens.core.settings import Settings
from cxlens.db import current_revision, make_engine
from cxlens.features.distribution.pressure import widget_pressure
from cxlens.web import api, api_distribution, api_text, pages, staff, webhooks
from cxlens.web.edge import ApiLimits, inner_edge, outer_edge
from cxlens.web.errors import install_error_handlers
from cxlens.web.guards import reject_nul_bytes
from cxlens.web.heap import frozen_start_up_heap
from cxlens.web.logs import redact_access_log
from cxlens.web.pages.submit_shortcut import SubmitShortcut


def create_app(settings: Settings | None = None, *, clock: Clock | None = None) -> FastAPI:
    """Build the app: its settings, database engine and clock live on ``app.state``.

    ``clock`` (tests move it) is the system clock by default. ``/`` is the staff home page
    (sign-in first: ``/login``).

    The OpenAPI page (``/docs``) is served from files shipped in a package, so it works
    with no internet access.
    """
    settings = settings or Settings()
    engine = make_engine(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        with frozen_start_up_heap():  # no 100+ ms full GC walks of the start-up objects
            yield
        engine.dispose()

    app = FastAPIOffline(
        lifespan=lifespan,
        title="cxlens",
        version=__version__,
        description="Customer-experience analytics: NPS, CSAT, CES and CXi with 95% "
        "intervals, by touchpoint, segment and period. Errors are problem details "
        "(RFC 9457, `application/problem+json`) with a stable `code`.",
        dependencies=[Depends(reject_nul_bytes)],
    )
    install_error_handlers(app)
    redact_access_log()
    app.state.settings = settings
    app.state.engine = engine
    app.state.clock = clock or SystemClock()
    app.state.widget_pressure = widget_pressure
    app.state.api_limits = ApiLimits(settings)

    @app.get("/health", tags=["ops"], summary="Liveness and database check")
    def health() -> dict[str, Any]:
        """``ok`` when the database answers; the schema revision beside it."""
        engine = app.state.engine
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return {
            "status": "ok",
            "version": __version__,
            "database": engine.dialect.name,
            "revision": current_revision(engine),
        }

    app.include_router(api.router)
    app.include_router(pages.router)
    app.include_router(pages.widget_router)
    app.include_router(api_distribution.router)
    app.include_router(api_text.router)
    app.include_router(webhooks.router)
    app.include_router(staff.router)
    _serve_submit_directly(app, settings)
    return app


def _serve_submit_directly(app: FastAPI, settings: Settings) -> None:
    """Put :class:`SubmitShortcut` just inside the error middleware when the stack is built,
    and the edge checks (:mod:`cxlens.web.edge`) around both, so the fast path has them too."""
    build = app.build_middleware_stack

    def build_with_fast_path() -> ASGIApp:
        stack = build()
        if isinstance(stack, ServerErrorMiddleware):
            stack.app = inner_edge(SubmitShortcut(stack.app), settings)
        return outer_edge(stack, settings, app.state.api_limits)

    app.build_middleware_stack = build_with_fast_path  # type: ignore[method-assign]


def serve_options(settings: Settings) -> dict[str, Any]:
    """uvicorn's options for ``cxlens serve``: where to listen, and its own proxy-header
    handling off — it would take ``X-Forwarded-For`` from any ``127.0.0.1`` peer;
    :mod:`cxlens.web.edge.client` does it, for the ``trusted_proxies`` only."""
    return {
        "host": settings.host,
        "port": settings.port,
        "proxy_headers": False,
        "forwarded_allow_ips": "",
        "server_header": False,
        "log_level": "info",
    }
