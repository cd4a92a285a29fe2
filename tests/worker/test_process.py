"""Worker processes: SIGKILL mid-job, SIGTERM (graceful), two processes on one queue."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from cxlens.db import unit_of_work
from cxlens.jobs import enqueue
from cxlens.models import Delivery, Job, JobStatus

SCRIPT = Path(__file__).with_name("worker_process.py")
TIMEOUT_S = 20.0


@contextmanager
def _worker(
    url: str, outbox: Path, mode: str, lease_s: float = 60
) -> Iterator[subprocess.Popen[bytes]]:
    process = subprocess.Popen(
        [sys.executable, str(SCRIPT), url, str(outbox), mode, str(lease_s)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=TIMEOUT_S)
        if process.stderr is not None:
            process.stderr.close()


def _wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + TIMEOUT_S
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def _statuses(engine: Engine) -> list[str]:
    with unit_of_work(engine) as session:
        return list(session.execute(select(Job.status).order_by(Job.id)).scalars())


def _lines(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


@pytest.mark.parametrize("window", ["before_send", "after_send"])
def test_a_worker_killed_mid_send_is_rerun_and_the_mail_arrives_once(
    migrated_engine: Engine, migrated_database_url: str, tmp_path: Path, window: str
) -> None:
    outbox = tmp_path / "smtp.txt"
    with unit_of_work(migrated_engine) as session:
        enqueue(session, "mail.send", {"to": "ana@example.org"})
    with _worker(migrated_database_url, outbox, window, lease_s=0.5) as first:
        _wait_for(lambda: outbox.with_name("smtp.txt.hung").exists(), "the first attempt")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=TIMEOUT_S)
    assert _statuses(migrated_engine) == ["running"]
    with _worker(migrated_database_url, outbox, "none", lease_s=0.5) as second:
        _wait_for(lambda: _statuses(migrated_engine) == ["done"], "the re-run after the lease")
        second.send_signal(signal.SIGTERM)
        assert second.wait(timeout=TIMEOUT_S) == 0
    received = _lines(outbox)
    # before the send: one message; after it: the re-send carries the same Message-ID,
    # which the receiving server deduplicates (effectively once)
    assert len(received) == (1 if window == "before_send" else 2)
    assert len({line.split()[0] for line in received}) == 1
    with unit_of_work(migrated_engine) as session:
        delivery = session.execute(select(Delivery)).scalar_one()
        assert (delivery.state, delivery.attempts) == ("sent", 2)
        assert session.execute(select(Job.attempts)).scalar_one() == 2


def test_sigterm_finishes_the_current_job_then_exits(
    migrated_engine: Engine, migrated_database_url: str, tmp_path: Path
) -> None:
    outbox = tmp_path / "smtp.txt"
    with unit_of_work(migrated_engine) as session:
        enqueue(session, "mail.send", {"to": "bo@example.org"})
        enqueue(session, "mail.send", {"to": "cy@example.org"})
    with _worker(migrated_database_url, outbox, "slow") as process:
        _wait_for(lambda: outbox.with_name("smtp.txt.hung").exists(), "the first job")
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=TIMEOUT_S) == 0
    assert _statuses(migrated_engine) == [JobStatus.DONE, JobStatus.QUEUED]
    assert len(_lines(outbox)) == 1


def test_two_worker_processes_run_every_job_exactly_once(
    migrated_engine: Engine, migrated_database_url: str, tmp_path: Path
) -> None:
    outbox = tmp_path / "runs.txt"
    with unit_of_work(migrated_engine) as session:
        for i in range(60):
            enqueue(session, "count", {"i": i})
    with (
        _worker(migrated_database_url, outbox, "none") as a,
        _worker(migrated_database_url, outbox, "none") as b,
    ):

        def all_done() -> bool:
            with unit_of_work(migrated_engine) as session:
                left = session.execute(
                    select(func.count()).select_from(Job).where(Job.status != "done")
                ).scalar_one()
            return left == 0

        _wait_for(all_done, "every job to be done")
        for process in (a, b):
            process.send_signal(signal.SIGTERM)
        assert a.wait(timeout=TIMEOUT_S) == 0
        assert b.wait(timeout=TIMEOUT_S) == 0
    runs = Counter(int(line.split()[0]) for line in _lines(outbox))
    assert len(runs) == 60
    assert set(runs.values()) == {1}
