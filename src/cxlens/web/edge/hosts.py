"""The Host allow-list: a request naming another host is refused before any route runs.

A ``Host`` the server does not answer for is how DNS rebinding reaches a server bound to
``127.0.0.1`` and how links built from the request would point elsewhere. Allowed: the
setting ``allowed_hosts`` (``*.example.com`` matches its subdomains, ``*`` any host), by
default the host of ``public_base_url``, ``localhost``, ``127.0.0.1``, ``::1`` and the bind
address (:meth:`~cxlens.core.settings.Settings.resolved_allowed_hosts`). Refused: 400
``invalid_host`` through the error map (Starlette's ``TrustedHostMiddleware`` answers in
plain text).
"""

from __future__ import annotations

from collections.abc import Iterable

from starlette.types import ASGIApp, Receive, Scope, Send

from cxlens.web.edge.answer import answer
from cxlens.web.errors import problem

CODE = "invalid_host"
#: How many distinct ``Host`` headers the check remembers its answer for.
SEEN = 256


def host_name(header: str) -> str:
    """The host of a ``Host`` header, without its port, lower-case (``[::1]:80`` → ``::1``)."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1 : header.find("]")] if "]" in header else header[1:]
    if header.count(":") == 1:
        header = header.split(":", 1)[0]
    return header.rstrip(".")


class HostCheckMiddleware:
    """ASGI middleware: 400 ``invalid_host`` unless the ``Host`` header is allowed."""

    def __init__(self, app: ASGIApp, allowed: Iterable[str]) -> None:
        self.app = app
        names = [name.strip().lower() for name in allowed if name.strip()]
        self.any = "*" in names
        self.exact = frozenset(n.strip("[]") for n in names if not n.startswith("*"))
        self.suffixes = tuple(n[1:] for n in names if n.startswith("*."))
        self._seen: dict[bytes, bool] = {}  # Host header → allowed, the first SEEN of them

    def allows(self, host: str) -> bool:
        """Whether a request may name ``host`` (a host name without port)."""
        return self.any or host in self.exact or (bool(host) and host.endswith(self.suffixes))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass an allowed request on; answer another one here."""
        if scope["type"] not in ("http", "websocket") or self.any:
            await self.app(scope, receive, send)
            return
        header = b""
        for key, value in scope["headers"]:
            if key == b"host":
                header = value
                break
        allowed = self._seen.get(header)
        if allowed is None:
            allowed = self.allows(host_name(header.decode("latin-1")))
            if len(self._seen) < SEEN:
                self._seen[header] = allowed
        if allowed:
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        detail = "this server does not answer for the host the request names"
        await answer(scope, receive, send, problem(400, CODE, detail))


__all__ = ["HostCheckMiddleware", "host_name"]
