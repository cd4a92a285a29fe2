"""A short cut for the hot route: ``POST /s/{token}`` straight to its handler.

The survey submission is the busiest request of the public pages. Through the whole stack
it passes FastAPI's telemetry, body-limit, exception and exit-stack middlewares and the
router's match against every route; for this one plain Starlette endpoint (no dependencies,
no validation, no ``HTTPException``) none of them changes the answer. :class:`SubmitShortcut`
sits just inside Starlette's ``ServerErrorMiddleware`` (so an error is still a 500 page) and
hands ``POST /s/{token}`` to :func:`~cxlens.web.pages.survey.survey_submit` as the router
would; every other request goes down the normal stack.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from cxlens.web.pages.survey import survey_submit

PREFIX = "/s/"


class SubmitShortcut:
    """ASGI app: ``POST /s/{token}`` to :func:`survey_submit`, the rest to ``app``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve the submission here when the path is ``/s/{token}``, else pass it on."""
        if (
            scope["type"] == "http"
            and scope["method"] == "POST"
            and not scope.get("root_path")
            and scope["path"].startswith(PREFIX)
        ):
            token: str = scope["path"][len(PREFIX) :]
            if token and "/" not in token:
                scope["path_params"] = {"token": token}
                response = await survey_submit(Request(scope, receive, send))
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


__all__ = ["SubmitShortcut"]
