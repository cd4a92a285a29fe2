"""The server's start-up heap, kept out of CPython's cyclic garbage collector.

A worker process holds about 150,000 GC-tracked objects once the app is built (modules,
classes, FastAPI routes, Pydantic and SQLAlchemy metadata) that live as long as the process.
CPython's oldest-generation collection walks all of them, and it runs every few seconds
under load (the requests' objects that are in flight when a younger collection runs are
promoted to the oldest generation): 100–300 ms with the GIL held, during which the process
serves nothing, and while its writer holds the SQLite write gate the other workers wait as
well. :func:`frozen_start_up_heap` moves the start-up objects to CPython's permanent
generation (``gc.freeze()``) for the life of the server, so a full collection walks only
what was made since: a millisecond or two. Reference counting still frees everything as
usual; only cycles among the frozen objects wait until :func:`gc.unfreeze` (at shutdown).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def frozen_start_up_heap() -> Iterator[None]:
    """Collect, then freeze every object tracked now until the block ends (then unfreeze).

    For an app's lifespan: entered once the app is built, left at shutdown, when the frozen
    objects become collectable again (so a process that builds many apps, a test run, does
    not keep their cycles for good).
    """
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


__all__ = ["frozen_start_up_heap"]
