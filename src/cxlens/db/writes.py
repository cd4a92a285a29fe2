"""Every write of the server goes here: one writer per process, one SQLite writer at a time.

This is the database layer's single way to write from a server (the web app): a route
hands a function of a :class:`~sqlalchemy.orm.Session` to :meth:`Writer.write` (or
``await`` :meth:`Writer.run`), and gets its result once the transaction that ran it has
committed. So nothing is acknowledged before it is durable, and later features can add
rows (a job, a case) in the same transaction as the change that causes them.

SQLite lets one writer in at a time; the others wait in its busy handler, which sleeps in
growing steps (1, 2, 5 … 100 ms) instead of waking when the lock is free. The *write gate*
makes writers queue instead: a lock per process and, for a database file, an exclusive
``flock`` on ``<database>-gate`` shared by all the server's worker processes, so a writer
starts as soon as the previous one commits. The gate is taken in turns: a writer first
takes ``<database>-gate-next`` and holds it while it waits for the gate, so a process that
has just left the gate cannot take it again before a process that was already waiting
(``flock`` alone wakes the waiter but lets the leaver barge back in). PostgreSQL needs no
gate (:func:`gate_for` is then a no-op).

The :class:`Writer` runs the write functions in one thread per process: once it holds the
gate it takes every function waiting (those that arrived while it waited for the gate too),
runs them one after the other in one transaction (one ``Session``; ``BEGIN IMMEDIATE`` on
SQLite, so the write lock is taken up front and a writer of another program waits in the
busy handler instead of failing the batch), and commits once (group commit); each caller
is answered only after that commit. A failed batch is rolled back and its functions are
run again one transaction each, so one failure fails only its own caller. Write functions
must be short: the gate is held while they run (long work goes to the worker, in batches).

On an SQLite file the writer's transactions skip SQLite's automatic WAL checkpoint (which
would copy the WAL into the database and ``fsync`` inside a commit, holding every waiting
write for tens of milliseconds); a :class:`Checkpointer` thread of the process runs a
``PASSIVE`` checkpoint every :data:`CHECKPOINT_EVERY` batches instead, beside the writers.
Under steady writes such a checkpoint never catches up with the end of the WAL, and SQLite
only starts the WAL over when a writer finds it wholly checkpointed, so the WAL would grow
without end (about 40 MB a second at 2,000 submissions a second). Once the WAL is larger
than :data:`WAL_RESET_BYTES`, the checkpoint thread passes again beside the writers until
they write little during a pass, then checkpoints *behind the gate*: only the frames written
since its last pass are left to copy (and two ``fsync``), and the next writer starts the WAL
over.

No web framework here: the web layer reaches its writer with :func:`writer_for` on the
app's engine.
"""

from __future__ import annotations

import asyncio
import os
import queue
import sqlite3
import threading
import weakref
from collections.abc import Callable
from concurrent.futures import Future
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

try:
    import fcntl
except ImportError:  # pragma: no cover - not on POSIX
    fcntl = None  # type: ignore[assignment]

#: Most write functions committed together.
MAX_BATCH = 256
#: A writer thread with nothing to do for this long stops (a new one starts on demand).
IDLE_SECONDS = 5.0
#: Batches committed between two WAL checkpoints of the checkpoint thread.
CHECKPOINT_EVERY = 64
#: SQLite's own default, restored on a connection once a batch has committed.
SQLITE_AUTOCHECKPOINT = 1000
#: A WAL larger than this is checkpointed behind the write gate, so that it starts over.
WAL_RESET_BYTES = 128 * 1024 * 1024
#: Before its gated pass, the checkpoint thread passes beside the writers until they wrote at
#: most this many frames during a pass (or it made this many passes).
GATED_FRAMES = 256
CATCH_UP_PASSES = 8
_FRAME_HEADER_BYTES = 24

T = TypeVar("T")
#: A write: a function of the batch's session (flush if you like; never commit).
WriteFunction = Callable[[Session], T]
_CREATE = threading.Lock()


class WriteGate:
    """A lock per process plus, for an SQLite file, an ``flock`` across processes.

    Processes take the ``flock`` in turns: a process waits for the gate while holding the
    ``<lock file>-next`` lock, which a process leaving the gate needs before it can wait
    again.
    """

    def __init__(self, lock_file: Path | None) -> None:
        self._lock = threading.Lock()
        self._path = lock_file
        self._next = None if lock_file is None else lock_file.with_name(lock_file.name + "-next")
        self._fd: int | None = None

    def __enter__(self) -> WriteGate:
        self._lock.acquire()
        if self._path is not None and self._next is not None and fcntl is not None:
            try:
                turn = _flock(self._next)  # the next turn is ours: later arrivals wait here
                try:
                    self._fd = _flock(self._path)
                finally:
                    os.close(turn)
            except BaseException:
                self._lock.release()
                raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if self._fd is not None:
                fd, self._fd = self._fd, None
                os.close(fd)  # releases the flock
        finally:
            self._lock.release()


def _flock(path: Path) -> int:
    """An open descriptor of ``path`` (created if missing), exclusively ``flock``-ed."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
    except BaseException:
        os.close(fd)
        raise
    return fd


class Checkpointer:
    """``PRAGMA wal_checkpoint(PASSIVE)`` of an SQLite file, in a thread of its own.

    A passive checkpoint neither waits for nor blocks the writers. When the WAL holds more
    than :data:`WAL_RESET_BYTES` of frames the thread passes again beside the writers,
    then checkpoints behind ``gate`` (no writer in, so this pass reaches the WAL's end and
    the next writer starts it over). The
    thread stops after :data:`IDLE_SECONDS` without a request and starts again on the next
    one.
    """

    def __init__(self, database: Path, gate: AbstractContextManager[object] | None = None) -> None:
        self._database = database
        self._gate = gate
        self._frame_bytes: int | None = None
        self._wanted = threading.Event()
        self._lock = threading.Lock()
        self._running = False

    def request(self) -> None:
        """Ask for a checkpoint soon (requests made meanwhile share one checkpoint)."""
        self._wanted.set()
        with self._lock:
            if not self._running:
                self._running = True
                threading.Thread(target=self._run, name="cxlens-checkpoint", daemon=True).start()

    def checkpoint(self) -> tuple[int, int, int]:
        """Checkpoint now: SQLite's ``(busy, WAL frames, frames checkpointed)``.

        Beside the writers; then, if the WAL holds more than :data:`WAL_RESET_BYTES` and
        there is a gate, to its end behind the gate after catching up (see :func:`_reset`;
        the gated pass's figures are the ones returned).
        """
        connection = sqlite3.connect(self._database, timeout=1.0)
        try:
            row = _passive(connection)
            if self._gate is not None and self._wal_bytes(connection, row[1]) > WAL_RESET_BYTES:
                row = _reset(connection, row[1], self._gate)
        finally:
            connection.close()
        return row

    def _wal_bytes(self, connection: sqlite3.Connection, frames: int) -> int:
        """The bytes of ``frames`` WAL frames (the file itself keeps its largest size)."""
        if self._frame_bytes is None:
            page_size = int(connection.execute("PRAGMA page_size").fetchone()[0])
            self._frame_bytes = page_size + _FRAME_HEADER_BYTES
        return frames * self._frame_bytes

    def _run(self) -> None:
        while True:
            if not self._wanted.wait(IDLE_SECONDS):
                with self._lock:
                    if not self._wanted.is_set():
                        self._running = False
                        return
                continue
            self._wanted.clear()
            try:
                self.checkpoint()
            except sqlite3.Error:  # pragma: no cover - the next request tries again
                continue


def _passive(connection: sqlite3.Connection) -> tuple[int, int, int]:
    """``PRAGMA wal_checkpoint(PASSIVE)``: ``(busy, WAL frames, frames checkpointed)``."""
    row = connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    return int(row[0]), int(row[1]), int(row[2])


def _reset(
    connection: sqlite3.Connection, frames: int, gate: AbstractContextManager[object]
) -> tuple[int, int, int]:
    """Checkpoint a WAL of ``frames`` frames to its end behind ``gate`` (it then starts over).

    First more passes beside the writers, each copying what they wrote during the one before,
    until that is at most :data:`GATED_FRAMES` (or after :data:`CATCH_UP_PASSES`): the gated
    pass then has only those frames to copy (plus its two ``fsync``).
    """
    for _ in range(CATCH_UP_PASSES):
        row = _passive(connection)
        if row[1] < frames:  # the WAL started over meanwhile: nothing left to do
            return row
        written, frames = row[1] - frames, row[1]
        if written <= GATED_FRAMES:
            break
    with gate:
        return _passive(connection)


def database_file(engine: Engine) -> Path | None:
    """The SQLite file of ``engine``; ``None`` for another database or an in-memory one."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        return None
    if database.startswith("file:"):
        return None
    return Path(database).expanduser()


_GATES: dict[Path, WriteGate] = {}


def gate_for(engine: Engine) -> AbstractContextManager[object]:
    """The write gate of ``engine``'s database in this process; a no-op off an SQLite file.

    One gate per database file and process, whatever the number of engines on it.
    """
    database = database_file(engine)
    if database is None:
        return nullcontext()
    path = database.resolve()
    with _CREATE:
        gate = _GATES.get(path)
        if gate is None:
            gate = _GATES[path] = WriteGate(path.with_name(path.name + "-gate"))
    return gate


_Item = tuple[WriteFunction[Any], Future[Any]]


class Writer:
    """Runs write functions in one thread, many per transaction, one commit per batch."""

    def __init__(self, engine: Engine, gate: AbstractContextManager[object] | None = None) -> None:
        self._engine = engine
        self._gate = gate if gate is not None else gate_for(engine)
        self._jobs: queue.SimpleQueue[_Item] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._running = False
        database = database_file(engine)
        self._sqlite = engine.dialect.name == "sqlite"
        self._checkpointer = None if database is None else Checkpointer(database, self._gate)
        self._batches = 0

    def submit(self, job: WriteFunction[T]) -> Future[T]:
        """Queue ``job``; its future resolves after the transaction that ran it committed."""
        future: Future[T] = Future()
        with self._lock:
            self._jobs.put((job, future))
            if not self._running:
                self._running = True
                threading.Thread(target=self._run, name="cxlens-writer", daemon=True).start()
        return future

    def write(self, job: WriteFunction[T]) -> T:
        """Run ``job`` in the writer and wait for its commit (from a thread, not the loop).

        Its exception, if it raised one, is raised here (its writes rolled back).
        """
        return self.submit(job).result()

    async def run(self, job: WriteFunction[T]) -> T:
        """:meth:`write` from the event loop: awaits the commit without blocking the loop."""
        return await asyncio.wrap_future(self.submit(job))

    def _run(self) -> None:
        while True:
            try:
                first = self._jobs.get(timeout=IDLE_SECONDS)
            except queue.Empty:
                with self._lock:
                    if self._jobs.empty():
                        self._running = False
                        return
                continue
            batch = [first]
            try:
                self._commit(batch)
            except BaseException as exc:  # pragma: no cover - a job raised past Exception
                for _, future in batch:  # no caller waits for ever; the thread goes on
                    if not future.done():
                        future.set_exception(exc)

    def _take_waiting(self, batch: list[_Item]) -> None:
        """Add the jobs waiting now to ``batch``, up to :data:`MAX_BATCH`."""
        while len(batch) < MAX_BATCH:
            try:
                batch.append(self._jobs.get_nowait())
            except queue.Empty:
                return

    def _begin(self, connection: Connection) -> None:
        """Begin the batch's transaction on ``connection``; the session joins it (and does
        not end it: the writer commits the connection)."""
        if self._sqlite:  # the write lock now: no deferred upgrade to fail half-way
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        elif not connection.in_transaction():
            connection.begin()

    def _commit(self, batch: list[_Item]) -> None:
        """Run ``batch`` plus the jobs waiting once the gate is ours; one commit."""
        checkpointer = self._checkpointer
        try:
            with self._gate, self._engine.connect() as connection:
                self._take_waiting(batch)  # those that came while we waited for the gate too
                if checkpointer is not None:  # the checkpoint thread does it, off this path
                    connection.exec_driver_sql("PRAGMA wal_autocheckpoint=0")
                try:
                    self._begin(connection)
                    with Session(bind=connection, expire_on_commit=False) as session:
                        results = [job(session) for job, _ in batch]
                        session.flush()
                    connection.commit()
                finally:
                    if connection.in_transaction():
                        connection.rollback()
                    if checkpointer is not None:  # back to SQLite's default for other users
                        connection.exec_driver_sql(
                            f"PRAGMA wal_autocheckpoint={SQLITE_AUTOCHECKPOINT}"
                        )
        except Exception as exc:
            if len(batch) == 1:
                batch[0][1].set_exception(exc)
                return
            for item in batch:  # find the failing job: each one alone, in its own transaction
                self._alone(item)
            return
        for (_, future), result in zip(batch, results, strict=True):
            future.set_result(result)
        if checkpointer is not None:
            self._batches += 1
            if self._batches % CHECKPOINT_EVERY == 0:
                checkpointer.request()

    def _alone(self, item: _Item) -> None:
        job, future = item
        try:
            with self._gate, self._engine.connect() as connection:
                try:
                    self._begin(connection)
                    with Session(bind=connection, expire_on_commit=False) as session:
                        result = job(session)
                        session.flush()
                    connection.commit()
                finally:
                    if connection.in_transaction():
                        connection.rollback()
        except BaseException as exc:  # handed to the caller that queued the job
            future.set_exception(exc)
        else:
            future.set_result(result)


_WRITERS: weakref.WeakKeyDictionary[Engine, Writer] = weakref.WeakKeyDictionary()


def writer_for(engine: Engine) -> Writer:
    """The writer of ``engine`` in this process (made on first use)."""
    with _CREATE:
        found = _WRITERS.get(engine)
    if found is not None:
        return found
    gate = gate_for(engine)
    with _CREATE:
        found = _WRITERS.get(engine)
        if found is None:
            found = _WRITERS[engine] = Writer(engine, gate)
    return found


__all__ = [
    "Checkpointer",
    "WriteFunction",
    "WriteGate",
    "Writer",
    "database_file",
    "gate_for",
    "writer_for",
]
