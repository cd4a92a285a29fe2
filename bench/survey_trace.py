"""A trace of the survey benchmark's server: GC pauses, write batches, the WAL's size.

Turned on by ``bench/survey_submit.py --trace DIR`` (the ``CXLENS_BENCH_TRACE`` variable in
the server's environment). Each worker process writes ``DIR/<pid>.tsv``, one event a line:

    gc     <start s> <ms> <generation> <objects collected> [objects in generation 2]
    batch  <start s> <ms> <jobs> <ms waiting for the gate>
    checkpoint <start s> <ms> <busy> <WAL frames> <frames checkpointed>
    gated-checkpoint <start s> <ms the checkpoint thread held the gate>
    wal    <time s>  <bytes of the -wal file>

Times are ``time.perf_counter()`` seconds (the same clock in every process on Linux), so the
events line up with the client's request times. Tracing code only: the app is unchanged
apart from the functions wrapped here.
"""

from __future__ import annotations

import atexit
import collections
import contextlib
import gc
import os
import threading
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine


class Trace:
    """Events of one process, written to a file in a background thread."""

    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self._file = (directory / f"{os.getpid()}.tsv").open("a", buffering=1 << 16)
        self._lines: list[str] = []
        self._lock = threading.Lock()
        self._gc_start = 0.0
        self._counts: collections.Counter[str] = collections.Counter()
        atexit.register(self.flush)
        threading.Thread(target=self._flusher, daemon=True, name="bench-trace").start()

    def event(self, *fields: object) -> None:
        line = "\t".join(f"{f:.6f}" if isinstance(f, float) else str(f) for f in fields)
        with self._lock:
            self._lines.append(line)

    def flush(self) -> None:
        with self._lock:
            lines, self._lines = self._lines, []
        if lines:
            self._file.write("\n".join(lines) + "\n")
            self._file.flush()

    def _flusher(self) -> None:
        while True:
            time.sleep(0.5)
            self.flush()

    def gc_callback(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._gc_start = time.perf_counter()
        else:
            took = (time.perf_counter() - self._gc_start) * 1000
            generation = info["generation"]
            # how many objects the next collection of that generation walks
            walked = len(gc.get_objects(generation)) if generation == 2 else ""
            self.event("gc", self._gc_start, took, generation, info["collected"], walked)
            if generation == 2 and os.environ.get("CXLENS_BENCH_TRACE_TYPES"):
                self._types()

    def _types(self) -> None:
        """The types whose count in generation 2 grew most since the last time (costly)."""
        counts = collections.Counter(type(o).__qualname__ for o in gc.get_objects(2))
        grown = (counts - self._counts).most_common(8)
        self._counts = counts
        self.event("types", time.perf_counter(), " ".join(f"{k}:+{n}" for k, n in grown))


def install(app: Any, directory: Path) -> None:
    """Trace ``app``'s process: GC pauses, the write queue's batches, the WAL's size."""
    from cxlens.db import writes as writegate

    trace = Trace(directory)
    gc.callbacks.append(trace.gc_callback)

    commit = writegate.Writer._commit
    gate_enter = writegate.WriteGate.__enter__
    waits = threading.local()

    gate_exit = writegate.WriteGate.__exit__

    def traced_enter(self: writegate.WriteGate) -> writegate.WriteGate:
        t0 = time.perf_counter()
        try:
            return gate_enter(self)
        finally:
            waits.entered = time.perf_counter()
            waits.gate = waits.entered - t0

    def traced_exit(self: writegate.WriteGate, *exc: Any) -> None:
        gate_exit(self, *exc)
        if threading.current_thread().name == "cxlens-checkpoint":
            held = (time.perf_counter() - waits.entered) * 1000
            trace.event("gated-checkpoint", waits.entered, held)

    def traced_commit(self: writegate.Writer, batch: list[Any]) -> None:
        waits.gate = 0.0
        t0 = time.perf_counter()
        commit(self, batch)
        took = (time.perf_counter() - t0) * 1000
        trace.event("batch", t0, took, len(batch), waits.gate * 1000)

    checkpoint = writegate.Checkpointer.checkpoint

    def traced_checkpoint(self: writegate.Checkpointer) -> tuple[int, int, int]:
        t0 = time.perf_counter()
        result = checkpoint(self)
        trace.event("checkpoint", t0, (time.perf_counter() - t0) * 1000, *result)
        return result

    writegate.Checkpointer.checkpoint = traced_checkpoint  # type: ignore[method-assign]
    writegate.WriteGate.__enter__ = traced_enter  # type: ignore[method-assign]
    writegate.WriteGate.__exit__ = traced_exit  # type: ignore[method-assign]
    writegate.Writer._commit = traced_commit  # type: ignore[method-assign]

    engine: Engine = app.state.engine
    database = engine.url.database
    if engine.dialect.name == "sqlite" and database:
        wal = Path(database + "-wal")

        def watch() -> None:
            while True:
                time.sleep(0.25)
                with contextlib.suppress(OSError):
                    trace.event("wal", time.perf_counter(), wal.stat().st_size)

        threading.Thread(target=watch, daemon=True, name="bench-wal").start()
