"""Stopping a running query from another thread: the one place that knows each driver's way.

:class:`QueryCanceller` is armed with a session's connection in the thread that runs the
query; :meth:`QueryCanceller.cancel` may be called from any thread (the web server's event
loop, when the client has gone or a time limit passed). SQLite's ``interrupt()`` and
psycopg's ``cancel_safe()`` both stop the statement at once; the query then raises
:class:`QueryCancelledError` in its own thread instead of the driver's error.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

T = TypeVar("T")


class QueryCancelledError(Exception):
    """The query was stopped by :meth:`QueryCanceller.cancel` (``reason`` says why)."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"the query was cancelled: {reason}")
        self.reason = reason


class QueryCanceller:
    """Cancels the statement running on the connection it was armed with."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._connection: Any = None
        self.reason: str | None = None

    @contextmanager
    def armed(self, session: Session) -> Iterator[None]:
        """Within the block, :meth:`cancel` stops what ``session`` runs (any thread)."""
        raw = session.connection().connection.dbapi_connection
        with self._lock:
            if self.reason is not None:
                raise QueryCancelledError(self.reason)
            self._connection = raw
        try:
            yield
        except DBAPIError as exc:
            if self.reason is not None:
                raise QueryCancelledError(self.reason) from exc
            raise
        finally:
            with self._lock:
                self._connection = None
        if self.reason is not None:
            raise QueryCancelledError(self.reason)

    def cancel(self, reason: str) -> None:
        """Stop the running statement (if any) and every later one: ``reason`` is kept."""
        with self._lock:
            if self.reason is None:
                self.reason = reason
            raw = self._connection
        if raw is None:
            return
        interrupt: Callable[[], object] | None = getattr(raw, "interrupt", None)  # sqlite3
        if interrupt is None:
            interrupt = getattr(raw, "cancel_safe", None) or getattr(raw, "cancel", None)
        if interrupt is not None:
            interrupt()


__all__ = ["QueryCancelledError", "QueryCanceller"]
