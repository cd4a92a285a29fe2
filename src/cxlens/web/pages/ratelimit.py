"""The rate-limit dependency of the public endpoints (token bucket per client and route)."""

from __future__ import annotations

from fastapi import Request

from cxlens.core.ratelimit import RateLimiter
from cxlens.web.edge.client import client_address

STATE_KEY = "cxlens_rate_limiter"


def limiter(request: Request) -> RateLimiter:
    """The app's limiter (``app.state.cxlens_rate_limiter``), made on first use."""
    found = getattr(request.app.state, STATE_KEY, None)
    if not isinstance(found, RateLimiter):
        found = RateLimiter()
        setattr(request.app.state, STATE_KEY, found)
    return found


def allowed(request: Request, route: str) -> bool:
    """Whether this client (IP address) may make one more request on ``route``."""
    return limiter(request).allow(f"{client_address(request)}|{route}")
