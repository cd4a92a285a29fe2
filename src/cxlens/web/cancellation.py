"""Reads that stop when their client leaves or their time is up.

:func:`cancellable_read` runs ``fn(session)`` in a read-only session on a worker thread
while the event loop watches the request: when the client disconnects, or after
``timeout_s``, the running statement is cancelled (:class:`~cxlens.db.cancel.QueryCanceller`)
instead of running on for minutes with nobody waiting. A time-out answers 503
``query_timeout``; a client that left gets nothing (it is gone).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

import anyio
import anyio.to_thread
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from cxlens.core.errors import CxlensError
from cxlens.db import read_only
from cxlens.db.cancel import QueryCancelledError, QueryCanceller

T = TypeVar("T")

#: How often the loop asks whether the client is still there (seconds).
POLL_S = 0.1

CLIENT_GONE = "the client disconnected"
TIME_UP = "time limit"


class ClientDisconnectedError(CxlensError):
    """The client left before the answer was ready; its query was stopped (499, never seen)."""

    http_status = 499
    error_code = "client_disconnected"


class QueryTimeoutError(CxlensError):
    """A read ran past its time limit and was stopped (503)."""

    http_status = 503
    error_code = "query_timeout"


async def cancellable_read(
    engine: Engine,
    fn: Callable[[Session], T],
    *,
    is_disconnected: Callable[[], Awaitable[bool]],
    timeout_s: float,
) -> T:
    """``fn`` in a read-only session on a thread, cancelled when the client goes or time is up."""
    canceller = QueryCanceller()
    done = anyio.Event()
    result: list[T] = []
    failure: list[BaseException] = []

    def work() -> T:
        with read_only(engine) as session, canceller.armed(session):
            return fn(session)

    async def run() -> None:
        try:
            result.append(await anyio.to_thread.run_sync(work))
        except Exception as exc:  # raised below, outside the task group (no exception group)
            failure.append(exc)
        finally:
            done.set()

    async def watch() -> None:
        deadline = time.monotonic() + timeout_s
        while not done.is_set():
            with anyio.move_on_after(POLL_S):
                await done.wait()
            if done.is_set():
                return
            if time.monotonic() >= deadline:
                canceller.cancel(TIME_UP)
                return
            if await is_disconnected():
                canceller.cancel(CLIENT_GONE)
                return

    async with anyio.create_task_group() as group:
        group.start_soon(run)
        group.start_soon(watch)
    if failure:
        error = failure[0]
        if isinstance(error, QueryCancelledError):
            if error.reason == TIME_UP:
                raise QueryTimeoutError(
                    f"the query ran longer than {timeout_s:g} s and was stopped: ask for fewer "
                    "groups (fewer dimensions, a coarser period) or raise "
                    "CXLENS_METRICS_TIMEOUT_S"
                ) from None
            raise ClientDisconnectedError(
                "the client disconnected; its query was stopped"
            ) from None
        raise error
    return result[0]


__all__ = ["ClientDisconnectedError", "QueryTimeoutError", "cancellable_read"]
