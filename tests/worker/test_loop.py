from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from cxlens.core.clock import ManualClock
from cxlens.core.errors import ConfigurationError
from cxlens.core.settings import Settings
from cxlens.db import unit_of_work
from cxlens.jobs import HandlerRegistry, JobContext, add_schedule, enqueue
from cxlens.models import Job
from cxlens.worker import Worker, run_worker


def _statuses(engine: Engine) -> Counter[str]:
    with unit_of_work(engine) as session:
        return Counter(session.execute(select(Job.status)).scalars())


def test_two_workers_in_threads_never_run_a_job_twice(migrated_engine: Engine) -> None:
    registry = HandlerRegistry()
    lock = threading.Lock()
    runs: Counter[int] = Counter()
    active: set[int] = set()
    overlaps: list[int] = []

    @registry.handler("count")
    def count(session: Session, payload: dict[str, Any], context: JobContext) -> None:
        with lock:
            if context.job_id in active:
                overlaps.append(context.job_id)
            active.add(context.job_id)
            runs[context.job_id] += 1
        time.sleep(0.002)
        with lock:
            active.discard(context.job_id)

    with unit_of_work(migrated_engine) as session:
        for i in range(40):
            enqueue(session, "count", {"i": i})
    stop = threading.Event()
    workers = [Worker(migrated_engine, registry=registry, worker_id=f"w{n}") for n in (1, 2)]
    threads = [
        threading.Thread(
            target=w.run, args=(stop,), kwargs={"poll_interval": 0.02, "concurrency": 2}
        )
        for w in workers
    ]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 20
    while _statuses(migrated_engine) != Counter({"done": 40}) and time.monotonic() < deadline:
        time.sleep(0.05)
    stop.set()
    for t in threads:
        t.join(timeout=20)
    assert _statuses(migrated_engine) == Counter({"done": 40})
    assert overlaps == []
    assert set(runs.values()) == {1}
    assert len(runs) == 40


def test_tick_enqueues_due_schedules_and_runs_them(migrated_engine: Engine) -> None:
    clock = ManualClock()
    registry = HandlerRegistry()
    seen: list[str] = []

    @registry.handler("campaign.cold")
    def cold(session: Session, payload: dict[str, Any], context: JobContext) -> None:
        seen.append(payload["scheduled_for"])

    with unit_of_work(migrated_engine) as session:
        add_schedule(
            session, "barometer", "campaign.cold", "FREQ=MONTHLY;INTERVAL=3", dtstart=clock.now()
        )
    worker = Worker(migrated_engine, registry=registry, clock=clock, seed=1)
    assert worker.drain() == 1
    assert worker.drain() == 0
    clock.advance(timedelta(days=95))
    assert worker.drain() == 1
    assert seen == ["2030-01-01T00:00:00+00:00", "2030-04-01T00:00:00+00:00"]


def test_run_worker_refuses_an_unmigrated_database(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'empty.db'}")
    with pytest.raises(ConfigurationError, match="cxlens db upgrade"):
        run_worker(settings, stop=threading.Event())


def test_run_worker_returns_when_stopped(
    migrated_engine: Engine, migrated_database_url: str
) -> None:
    registry = HandlerRegistry()
    done = threading.Event()

    @registry.handler("ping")
    def ping(session: Session, payload: dict[str, Any], context: JobContext) -> None:
        done.set()

    with unit_of_work(migrated_engine) as session:
        enqueue(session, "ping", {})
    stop = threading.Event()
    thread = threading.Thread(
        target=run_worker,
        args=(Settings(database_url=migrated_database_url),),
        kwargs={"stop": stop, "registry": registry, "poll_interval": 0.02},
    )
    thread.start()
    assert done.wait(timeout=20)
    stop.set()
    thread.join(timeout=20)
    assert not thread.is_alive()
    assert _statuses(migrated_engine) == Counter({"done": 1})
