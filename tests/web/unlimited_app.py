"""``uvicorn --factory unlimited_app:app``: the real app, rate limits out of reach.

For tests that drive the real server from many clients on one loopback address (the public
pages allow 5 requests a second per address and route, as designed). Settings come from the
``CXLENS_`` environment.
"""

from __future__ import annotations

from fastapi import FastAPI

from cxlens.core.ratelimit import RateLimiter
from cxlens.core.settings import Settings
from cxlens.web.app import create_app
from cxlens.web.pages.ratelimit import STATE_KEY


def app() -> FastAPI:
    """The app of ``Settings()``, with rate limiters that never refuse."""
    built = create_app(Settings())
    setattr(built.state, STATE_KEY, RateLimiter(rate=1e12, burst=10**12))
    built.state.api_limits.per_token = RateLimiter(rate=1e12, burst=10**12)
    built.state.api_limits.per_client = RateLimiter(rate=1e12, burst=10**12)
    return built
