"""The write gate (across processes via flock) and the writer (group commit)."""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path

import pytest
from sqlalchemy import create_engine, event, text
from sqlalchemy.orm import Session

from cxlens.db import writes
from cxlens.db.writes import (
    SQLITE_AUTOCHECKPOINT,
    Checkpointer,
    WriteGate,
    Writer,
    gate_for,
    writer_for,
)


def test_two_gates_on_one_file_exclude_each_other(tmp_path: Path) -> None:
    lock = tmp_path / "db.sqlite-gate"
    first, second = WriteGate(lock), WriteGate(lock)  # as two worker processes would
    entered = threading.Event()

    def other() -> None:
        with second:
            entered.set()

    with first:
        thread = threading.Thread(target=other)
        thread.start()
        assert not entered.wait(0.3)  # blocked on the flock while the first holds it
    assert entered.wait(5)
    thread.join()


def _waiting_for_the_gate(lock: Path) -> bool:
    """Whether a gate on ``lock`` has a waiter (it holds the ``-next`` lock meanwhile)."""
    fd = os.open(lock.with_name(lock.name + "-next"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def _wait_until(condition: Callable[[], bool]) -> None:
    for _ in range(500):
        if condition():
            return
        time.sleep(0.01)
    raise AssertionError("still not so after 5 s")


def test_a_gate_left_goes_to_the_process_that_was_waiting(tmp_path: Path) -> None:
    lock = tmp_path / "db.sqlite-gate"
    first, second = WriteGate(lock), WriteGate(lock)  # as two worker processes would
    order: list[str] = []

    def other() -> None:
        with second:
            order.append("second")

    first.__enter__()
    thread = threading.Thread(target=other)
    thread.start()
    _wait_until(lambda: _waiting_for_the_gate(lock))
    first.__exit__(None, None, None)
    with first:  # straight back: it must wait for its turn, after the waiting one
        order.append("first")
    thread.join(5)
    assert order == ["second", "first"]


def test_jobs_that_came_while_the_gate_was_taken_commit_together_and_a_failure_fails_only_its_own(
    tmp_path: Path,
) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'q.db'}")
    with engine.begin() as c:
        c.execute(text("CREATE TABLE t (n INTEGER PRIMARY KEY)"))
    commits: list[int] = []
    event.listen(engine, "commit", lambda _conn: commits.append(1))
    lock = tmp_path / "q.db-gate"
    queue = Writer(engine, WriteGate(lock))

    def insert(n: int) -> Callable[[Session], int]:
        def job(session: Session) -> int:
            if n == 7:
                raise ValueError("bad job")
            session.execute(text("INSERT INTO t (n) VALUES (:n)"), {"n": n})
            return n

        return job

    with WriteGate(lock):  # another process writes meanwhile: the jobs queue up
        futures: list[Future[int]] = [queue.submit(insert(n)) for n in range(1, 11)]
        _wait_until(lambda: _waiting_for_the_gate(lock))
    with pytest.raises(ValueError, match="bad job"):
        futures[6].result(5)
    assert [f.result(5) for i, f in enumerate(futures) if i != 6] == [
        1, 2, 3, 4, 5, 6, 8, 9, 10
    ]  # fmt: skip
    with engine.connect() as c:
        stored = list(c.execute(text("SELECT n FROM t ORDER BY n")).scalars())
    assert stored == [1, 2, 3, 4, 5, 6, 8, 9, 10]  # the failed batch rolled back, then alone
    # the batch of all ten (rolled back), then nine good jobs alone
    assert len(commits) == 9
    engine.dispose()


def test_a_batch_of_waiting_jobs_is_one_commit(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'q.db'}")
    with engine.begin() as c:
        c.execute(text("CREATE TABLE t (n INTEGER PRIMARY KEY)"))
    commits: list[int] = []
    event.listen(engine, "commit", lambda _conn: commits.append(1))
    queue = Writer(engine, WriteGate(None))
    release = threading.Event()
    first = queue.submit(lambda session: release.wait(5))
    futures = [
        queue.submit(
            lambda session, n=n: (
                session.execute(text("INSERT INTO t (n) VALUES (:n)"), {"n": n}).rowcount  # type: ignore[attr-defined]
            )
        )
        for n in range(50)
    ]
    release.set()
    assert first.result(5) is True and [f.result(5) for f in futures] == [1] * 50
    assert len(commits) <= 2  # the 50 that waited share one commit (or the first job's)
    engine.dispose()


def test_the_checkpoint_thread_checkpoints_and_batches_leave_sqlites_default(
    tmp_path: Path,
) -> None:
    database = tmp_path / "w.db"
    engine = create_engine(f"sqlite:///{database}")
    with engine.begin() as c:
        c.exec_driver_sql("PRAGMA journal_mode=WAL")
        c.execute(text("CREATE TABLE t (n INTEGER PRIMARY KEY)"))
    queue = Writer(engine, WriteGate(tmp_path / "w.db-gate"))

    def insert(session: Session) -> int:
        session.execute(text("INSERT INTO t DEFAULT VALUES"))
        return 1

    assert sum(queue.submit(insert).result(5) for _ in range(5)) == 5
    with engine.connect() as c:  # the writer's pooled connection, autocheckpoint restored
        assert c.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == SQLITE_AUTOCHECKPOINT
    busy, frames, done = Checkpointer(database).checkpoint()
    assert (busy, done) == (0, frames) and frames > 0
    with engine.connect() as c:
        assert c.execute(text("SELECT count(*) FROM t")).scalar() == 5
    engine.dispose()


class _CountingGate:
    def __init__(self) -> None:
        self.entered = 0

    def __enter__(self) -> None:
        self.entered += 1

    def __exit__(self, *_exc: object) -> None:
        return None


def test_a_large_wal_is_checkpointed_behind_the_gate_and_starts_over(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = tmp_path / "w.db"
    engine = create_engine(f"sqlite:///{database}")
    with engine.begin() as c:
        c.exec_driver_sql("PRAGMA journal_mode=WAL")
        c.execute(text("CREATE TABLE t (n INTEGER PRIMARY KEY, s TEXT)"))
    for _ in range(20):
        with engine.begin() as c:
            c.execute(text("INSERT INTO t (s) VALUES (:s)"), {"s": "x" * 5000})
    gate = _CountingGate()
    checkpointer = Checkpointer(database, gate)
    busy, frames, done = checkpointer.checkpoint()  # a small WAL: beside the writers only
    assert gate.entered == 0 and (busy, done) == (0, frames) and frames > 20
    monkeypatch.setattr(writes, "WAL_RESET_BYTES", 0)
    busy, frames, done = checkpointer.checkpoint()
    assert gate.entered == 1 and (busy, done) == (0, frames)
    with engine.begin() as c:  # the next writer starts the WAL over
        c.execute(text("INSERT INTO t (s) VALUES ('y')"))
    assert Checkpointer(database).checkpoint()[1] < 5
    with engine.connect() as c:
        assert c.execute(text("SELECT count(*) FROM t")).scalar() == 21
    engine.dispose()


def test_no_gated_pass_when_the_wal_started_over_while_catching_up(tmp_path: Path) -> None:
    database = tmp_path / "w.db"
    connection = sqlite3.connect(database)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("CREATE TABLE t (n INTEGER PRIMARY KEY)")
    connection.commit()
    gate = _CountingGate()
    # a WAL said to hold more frames than it now does: it was started over meanwhile
    busy, frames, _ = writes._reset(connection, 10**6, gate)
    assert gate.entered == 0 and busy == 0 and frames < 10**6
    connection.close()


def test_one_gate_per_database_file_whatever_the_engines(tmp_path: Path) -> None:
    first = create_engine(f"sqlite:///{tmp_path / 'g.db'}")
    second = create_engine(f"sqlite:///{tmp_path / 'g.db'}")
    other = create_engine(f"sqlite:///{tmp_path / 'h.db'}")
    assert gate_for(first) is gate_for(second)
    assert gate_for(first) is not gate_for(other)
    assert writer_for(first) is writer_for(first) and writer_for(first) is not writer_for(second)
    for engine in (first, second, other):
        engine.dispose()


def test_a_write_is_committed_when_its_call_returns_and_a_failure_rolls_it_back(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'c.db'}"
    engine, reader = create_engine(url), create_engine(url)
    with engine.begin() as c:
        c.execute(text("CREATE TABLE t (n INTEGER PRIMARY KEY)"))
    writer = Writer(engine)

    def insert_then_fail(session: Session) -> None:
        session.execute(text("INSERT INTO t (n) VALUES (2)"))
        raise ValueError("refused")

    assert writer.write(lambda s: s.execute(text("INSERT INTO t (n) VALUES (1)")).rowcount) == 1  # type: ignore[attr-defined]
    with reader.connect() as c:  # another engine: another client of the database
        assert c.execute(text("SELECT n FROM t")).scalars().all() == [1]
    with pytest.raises(ValueError, match="refused"):
        writer.write(insert_then_fail)
    with reader.connect() as c:
        assert c.execute(text("SELECT n FROM t")).scalars().all() == [1]
    engine.dispose()
    reader.dispose()


def test_a_batch_waits_for_a_writer_outside_the_gate_instead_of_failing(tmp_path: Path) -> None:
    database = tmp_path / "b.db"
    engine = create_engine(f"sqlite:///{database}", connect_args={"timeout": 10})
    with engine.begin() as c:
        c.exec_driver_sql("PRAGMA journal_mode=WAL")
        c.execute(text("CREATE TABLE t (n INTEGER PRIMARY KEY)"))
    other = sqlite3.connect(database, isolation_level=None)  # e.g. the worker, no gate
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO t (n) VALUES (1)")
    writer = Writer(engine)

    def read_then_write(session: Session) -> int:
        count = int(session.execute(text("SELECT count(*) FROM t")).scalar_one())
        session.execute(text("INSERT INTO t (n) VALUES (2)"))
        return count

    future = writer.submit(read_then_write)
    time.sleep(0.3)
    assert not future.done()  # waiting in the busy handler for the other writer
    other.execute("COMMIT")
    assert future.result(10) == 1  # read after the other commit: BEGIN IMMEDIATE
    other.close()
    engine.dispose()
