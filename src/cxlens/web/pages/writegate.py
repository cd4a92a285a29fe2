"""One write transaction at a time per process on SQLite, queued on a lock.

SQLite lets one writer in at a time; the others wait in its busy handler, which sleeps in
growing steps (1, 2, 5 … 100 ms) instead of waking when the lock is free. Under many
concurrent submissions most of the time went to those sleeps. Taking this lock around the
whole unit of work (begin … commit, in one thread) makes the writers of this process queue
on a Python lock and start as soon as the previous one commits. Other processes (more
workers) still meet in SQLite's own lock. PostgreSQL needs no gate.
"""

from __future__ import annotations

import threading
from contextlib import AbstractContextManager, nullcontext

from fastapi import Request

STATE_KEY = "cxlens_sqlite_write_gate"
_CREATE = threading.Lock()


def write_gate(request: Request) -> AbstractContextManager[object]:
    """The app's SQLite write lock (made on first use), or a no-op on other databases."""
    state = request.app.state
    if state.engine.dialect.name != "sqlite":
        return nullcontext()
    with _CREATE:
        gate = getattr(state, STATE_KEY, None)
        if gate is None:
            gate = threading.Lock()
            setattr(state, STATE_KEY, gate)
    return gate
