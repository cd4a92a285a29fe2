"""How an edge middleware answers a request itself: through the app's one error map."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.types import Receive, Scope, Send

from cxlens.web.errors import respond


async def answer(
    scope: Scope,
    receive: Receive,
    send: Send,
    body: Mapping[str, Any],
    headers: Mapping[str, str] | None = None,
) -> None:
    """Send the problem ``body`` (a page for the public pages and browsers), as the routes'
    errors are sent (:func:`cxlens.web.errors.respond`)."""
    response = respond(Request(scope, receive), body, headers)
    await response(scope, receive, send)


__all__ = ["answer"]
