"""The web server's access log without capabilities or customer data.

A survey link's token (``/s/<token>``, ``/v/``, ``/u/``, ``/o/``) lets whoever holds it answer
or unsubscribe, and a query string can carry hidden fields (an e-mail, an order number): the
access log keeps the route, the method and the status, and writes ``…`` for the token and
the query string.
"""

from __future__ import annotations

import logging
import re

#: The path segment after these prefixes is a signed token.
TOKEN_PATH = re.compile(r"^(/(?:s|v|u|o)/)[^/?]+")
ACCESS_LOGGER = "uvicorn.access"


def redact_path(path: str) -> str:
    """``path`` with its token and its query string replaced by ``…``."""
    bare, question, _ = path.partition("?")
    bare = TOKEN_PATH.sub(r"\1…", bare)
    return bare + ("?…" if question else "")


class AccessLogRedactor(logging.Filter):
    """Rewrites uvicorn's access-log records (``client, method, path, version, status``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Mask the path argument; the record is always kept."""
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], redact_path(args[2]), *args[3:])
        return True


def redact_access_log() -> None:
    """Install :class:`AccessLogRedactor` on uvicorn's access logger (once)."""
    logger = logging.getLogger(ACCESS_LOGGER)
    if not any(isinstance(f, AccessLogRedactor) for f in logger.filters):
        logger.addFilter(AccessLogRedactor())


__all__ = ["AccessLogRedactor", "redact_access_log", "redact_path"]
