"""Security headers on every response: API, documentation, widget script, errors, 404s.

A header a route set itself is kept (the survey pages' strict CSP, the vote page's script
hash, the widget's CORS headers); every response gets the rest:

* ``X-Content-Type-Options: nosniff`` and ``Referrer-Policy: no-referrer``;
* ``X-Frame-Options: DENY`` and a CSP with ``frame-ancestors 'none'`` (nothing of cxlens is
  framed: the widget is a script that builds its elements in the customer's page);
* ``Content-Security-Policy: default-src 'none'`` for what is not a page (JSON, scripts,
  errors); ``/docs`` and ``/redoc`` get one that lets the offline Swagger UI and ReDoc run —
  their own files (``'self'``), their one inline script by its hash, inline styles, ``data:``
  images and fonts, ReDoc's ``blob:`` worker;
* ``Cross-Origin-Resource-Policy: same-origin``, but ``cross-origin`` for what other sites
  load on purpose: the widget script and its endpoints, the e-mail open pixel (``/o/``);
* ``Strict-Transport-Security`` when ``public_base_url`` is ``https``.
"""

from __future__ import annotations

import base64
import hashlib
import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: The CSP of every response that sets none: it loads nothing, is never framed.
DEFAULT_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
#: The documentation pages (fastapi_offline): their inline script is allowed by its hash.
DOC_PAGES = ("/docs", "/redoc", "/docs/oauth2-redirect")
DOCS_CSP = (
    "default-src 'none'; script-src 'self' {hashes}; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
#: What other sites load on purpose: readable cross-origin.
CROSS_ORIGIN = ("/widget/", "/api/v1/widget/", "/o/")
HSTS = "max-age=31536000"
_INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\bsrc\s*=)[^>]*>(.*?)</script>", re.S | re.I)


def script_hashes(html: bytes) -> list[str]:
    """The CSP sources (``'sha256-…'``) of the inline scripts of ``html``."""
    return [
        "'sha256-" + base64.b64encode(hashlib.sha256(body).digest()).decode("ascii") + "'"
        for body in _INLINE_SCRIPT.findall(html)
    ]


class SecurityHeadersMiddleware:
    """ASGI middleware: the security headers a response lacks, added as it starts."""

    def __init__(self, app: ASGIApp, *, https: bool) -> None:
        self.app = app
        common = [
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"no-referrer"),
            (b"x-frame-options", b"DENY"),
        ]
        if https:
            common.append((b"strict-transport-security", HSTS.encode()))
        csp = (b"content-security-policy", DEFAULT_CSP.encode())
        self.same = (*common, csp, (b"cross-origin-resource-policy", b"same-origin"))
        self.cross = (*common, csp, (b"cross-origin-resource-policy", b"cross-origin"))

    def _complete(
        self, path: str, headers: list[tuple[bytes, bytes]], csp: bytes | None = None
    ) -> None:
        """Append to ``headers`` what they lack (``csp``: the page's, else the default)."""
        present = {key.lower() for key, _ in headers}
        wanted = self.cross if path.startswith(CROSS_ORIGIN) else self.same
        for key, value in wanted:
            if key not in present:
                if csp is not None and key == b"content-security-policy":
                    value = csp
                headers.append((key, value))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; complete the headers of its response."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        root = scope.get("root_path", "")
        if path.removeprefix(root) in DOC_PAGES:
            await self._documentation(scope, receive, send, path)
            return

        async def completed(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                self._complete(path, headers)
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, completed)

    async def _documentation(self, scope: Scope, receive: Receive, send: Send, path: str) -> None:
        """A documentation page: held until complete, its CSP naming its inline scripts."""
        start: Message | None = None
        chunks: list[bytes] = []

        async def held(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] != "http.response.body" or start is None:
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            body = b"".join(chunks)
            csp = DOCS_CSP.format(hashes=" ".join(script_hashes(body))).encode()
            headers = list(start.get("headers", ()))
            self._complete(path, headers, csp)
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, held)


__all__ = ["DEFAULT_CSP", "DOCS_CSP", "SecurityHeadersMiddleware", "script_hashes"]
