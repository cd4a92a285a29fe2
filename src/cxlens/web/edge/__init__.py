"""The HTTP edge: what every request passes before any route runs, all pure ASGI.

From the outside in (see :func:`cxlens.web.app.create_app`)::

    SecurityHeadersMiddleware     headers on every answer, 500s and 400s included
      HostCheckMiddleware         400 invalid_host for a Host not allowed
        ClientAddressMiddleware   the client behind a trusted proxy
          ApiRateLimitMiddleware  429 rate_limited on /api/ per token / per client
            ServerErrorMiddleware (Starlette's: a 500 through the error map)
              BodyLimitMiddleware 413 too_large
                SubmitShortcut    POST /s/{token} straight to its handler
                  … FastAPI's stack and the routes

The survey submission's fast path sits inside all of them, so no request escapes a check.
Operators' view: docs/security.md.
"""

from __future__ import annotations

from starlette.types import ASGIApp

from cxlens.core.settings import Settings
from cxlens.web.edge.client import ClientAddressMiddleware, client_address
from cxlens.web.edge.headers import SecurityHeadersMiddleware
from cxlens.web.edge.hosts import HostCheckMiddleware
from cxlens.web.edge.limits import (
    ApiLimits,
    ApiRateLimitMiddleware,
    BodyLimitMiddleware,
    body_limits,
)


def outer_edge(app: ASGIApp, settings: Settings, limits: ApiLimits) -> ASGIApp:
    """``app`` (the server-error middleware) inside the checks that answer for themselves."""
    limited = ApiRateLimitMiddleware(app, limits)
    resolved = ClientAddressMiddleware(limited, settings.trusted_proxies)
    hosts = HostCheckMiddleware(resolved, settings.resolved_allowed_hosts())
    https = settings.public_base_url.lower().startswith("https://")
    return SecurityHeadersMiddleware(hosts, https=https)


def inner_edge(app: ASGIApp, settings: Settings) -> ASGIApp:
    """``app`` inside the body limit (just inside the server-error middleware, which it
    needs no help from: a body over the limit raises and is answered here)."""
    return BodyLimitMiddleware(app, settings.max_body_bytes, body_limits(settings))


__all__ = ["ApiLimits", "client_address", "inner_edge", "outer_edge"]
