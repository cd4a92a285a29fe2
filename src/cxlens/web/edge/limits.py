"""Limits at the edge: request bodies on every route, request rates on ``/api/v1``.

:class:`BodyLimitMiddleware` refuses a body over its limit with 413 ``too_large``: at once
when ``Content-Length`` says so, and while it streams in otherwise (a chunked body is
counted as it is read, and reading it stops at the limit). The limit is the setting
``max_body_bytes``, ``max_bounce_bytes`` for ``POST /api/v1/inbound/bounces`` (a returned
email carries the original message).

:class:`ApiRateLimitMiddleware` keeps one token bucket per API token (the key is a hash of
the ``Authorization: Bearer …`` value; whether the token is valid is the route's business)
and one per client address for calls without a token, and answers 429 ``rate_limited``
with ``Retry-After`` when it is empty. The widget's endpoints keep their own per-client
limits (their answers carry the CORS headers the embedding site needs).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cxlens.core.ratelimit import RateLimiter
from cxlens.core.settings import Settings
from cxlens.web.edge.answer import answer
from cxlens.web.edge.client import client_address
from cxlens.web.errors import BodyTooLarge, problem, wants_page

BOUNCES = ("POST", "/api/v1/inbound/bounces")
API_PREFIX = "/api/"
#: Paths under the API with limits of their own (the widget: per client, with CORS).
OWN_LIMITS = ("/api/v1/widget/",)


def body_limits(settings: Settings) -> dict[tuple[str, str], int]:
    """The routes (method, path) whose body limit is not ``max_body_bytes``."""
    return {BOUNCES: settings.max_bounce_bytes}


def _content_length(scope: Scope) -> int | None:
    for key, value in scope["headers"]:
        if key == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None  # the server refuses it before the app sees it
    return None


class BodyLimitMiddleware:
    """ASGI middleware: 413 ``too_large`` for a request body over its route's limit."""

    def __init__(
        self, app: ASGIApp, default: int, larger: Mapping[tuple[str, str], int] | None = None
    ) -> None:
        self.app = app
        self.default = default
        self.larger = dict(larger or {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass a request on with its body counted; answer 413 when it passes the limit."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.larger.get((scope["method"], scope["path"]), self.default)
        declared = _content_length(scope)
        if declared is not None:
            if declared > limit:
                await _too_large(scope, receive, send, limit)
            else:  # the server delivers exactly the declared length: nothing to count
                await self.app(scope, receive, send)
            return
        received = 0
        started = False

        async def counted() -> Message:
            nonlocal received
            if received > limit:
                raise BodyTooLarge(limit)
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except BodyTooLarge:
            if started:
                raise
            await _too_large(scope, receive, send, limit)


async def _too_large(scope: Scope, receive: Receive, send: Send, limit: int) -> None:
    error = BodyTooLarge(limit)
    body = problem(413, "too_large", str(error.detail))
    if not wants_page(Request(scope)):
        body["limit"] = limit  # in bytes: the page speaks of an answer's characters
    await answer(scope, receive, send, body)


class ApiLimits:
    """The buckets of ``/api/v1``: one per API token, one per client address without one.

    Kept on ``app.state.api_limits``; a test may swap either limiter.
    """

    def __init__(self, settings: Settings) -> None:
        self.per_token = RateLimiter(
            rate=settings.api_token_requests_per_second, burst=settings.api_token_burst
        )
        self.per_client = RateLimiter(
            rate=settings.api_client_requests_per_second, burst=settings.api_client_burst
        )

    def wait(self, scope: Scope) -> float:
        """Take one call of this request's caller: ``0.0``, or the seconds to wait."""
        authorization = next((v for k, v in scope["headers"] if k == b"authorization"), None)
        if authorization is not None and authorization[:7].lower() == b"bearer ":
            key = hashlib.sha256(authorization[7:].strip()).hexdigest()
            return self.per_token.take(key)
        return self.per_client.take(client_address(scope))


class ApiRateLimitMiddleware:
    """ASGI middleware: 429 ``rate_limited`` with ``Retry-After`` past the ``/api/`` limits."""

    def __init__(self, app: ASGIApp, limits: ApiLimits) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Count an API call against its caller's bucket; answer 429 when it is empty."""
        path: str = scope.get("path", "")
        if (
            scope["type"] == "http"
            and path.startswith(API_PREFIX)
            and scope["method"] != "OPTIONS"
            and not path.startswith(OWN_LIMITS)
        ):
            wait = self.limits.wait(scope)
            if wait > 0:
                seconds = max(1, math.ceil(min(wait, 86_400.0)))
                detail = f"too many requests from this caller: try again in {seconds} s"
                body = problem(429, "rate_limited", detail)
                await answer(scope, receive, send, body, {"Retry-After": str(seconds)})
                return
        await self.app(scope, receive, send)


__all__ = [
    "ApiLimits",
    "ApiRateLimitMiddleware",
    "BodyLimitMiddleware",
    "body_limits",
]
