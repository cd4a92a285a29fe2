"""The worker loop: schedules → claim → run, until told to stop."""

from __future__ import annotations

import logging
import os
import random
import socket
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from datetime import timedelta

from sqlalchemy import Engine

from cxlens.core.clock import Clock, SystemClock
from cxlens.core.errors import ConfigurationError
from cxlens.core.redact import redact
from cxlens.core.settings import Settings
from cxlens.db import current_revision, head_revision, make_engine, unit_of_work
from cxlens.jobs import (
    ClaimedJob,
    HandlerRegistry,
    RetryPolicy,
    claim,
    default_registry,
    enqueue_due,
    run_claimed,
)
from cxlens.models import JobStatus
from cxlens.worker.signals import stop_on_signals

log = logging.getLogger("cxlens.worker")

#: Default lease: a handler must finish within it, or another worker may run the job too.
DEFAULT_LEASE = timedelta(minutes=5)


def new_worker_id() -> str:
    """A worker id that is unique across hosts, processes and restarts."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Worker:
    """Claims due jobs and runs them; enqueues due schedule occurrences.

    One instance may be used from several threads (``run`` with ``concurrency > 1``).
    """

    def __init__(
        self,
        engine: Engine,
        *,
        registry: HandlerRegistry | None = None,
        clock: Clock | None = None,
        worker_id: str | None = None,
        lease: timedelta = DEFAULT_LEASE,
        retry: RetryPolicy | None = None,
        seed: int | None = None,
    ) -> None:
        if lease <= timedelta(0):
            raise ValueError("the lease must be positive")
        self.engine = engine
        self.registry = registry if registry is not None else default_registry
        self.clock: Clock = clock or SystemClock()
        self.worker_id = worker_id or new_worker_id()
        self.lease = lease
        self.retry = retry or RetryPolicy()
        self._rng = random.Random(seed)
        self._rng_lock = threading.Lock()

    def enqueue_schedules(self) -> int:
        """Enqueue the schedule occurrences due now; how many jobs that added (or found)."""
        with unit_of_work(self.engine) as session:
            return len(enqueue_due(session, now=self.clock.now()))

    def claim(self, limit: int) -> list[ClaimedJob]:
        """Lease up to ``limit`` due jobs of the kinds this worker has handlers for."""
        return claim(
            self.engine,
            self.worker_id,
            self.registry.kinds(),
            limit=limit,
            lease=self.lease,
            clock=self.clock,
        )

    def run_job(self, claimed: ClaimedJob) -> JobStatus | None:
        """Run one claimed job and record its outcome (``None``: lease lost)."""
        with self._rng_lock:
            rng = random.Random(self._rng.random())
        return run_claimed(
            self.engine, claimed, self.registry, clock=self.clock, retry=self.retry, rng=rng
        )

    def tick(self, batch: int = 20) -> int:
        """Enqueue due schedules, then claim and run up to ``batch`` jobs in this thread."""
        self.enqueue_schedules()
        claimed = self.claim(batch)
        for job in claimed:
            self.run_job(job)
        return len(claimed)

    def drain(self, batch: int = 20, max_rounds: int = 1000) -> int:
        """Tick until nothing is due; how many jobs ran. For tests and one-shot runs."""
        total = 0
        for _ in range(max_rounds):
            ran = self.tick(batch)
            total += ran
            if ran == 0:
                break
        return total

    def run(
        self,
        stop: threading.Event,
        *,
        poll_interval: float = 0.5,
        batch: int = 20,
        concurrency: int = 1,
    ) -> None:
        """Loop until ``stop`` is set, then finish the running jobs and return.

        Each round enqueues due schedules and claims at most ``min(batch, free slots)``
        jobs, so a claimed job starts at once and its lease is not spent waiting. When
        nothing is due it sleeps ``poll_interval`` seconds. Database errors are logged and
        retried after ``poll_interval``: the worker survives a database restart.
        """
        if concurrency < 1 or batch < 1:
            raise ValueError("concurrency and batch must be at least 1")
        log.info(
            "worker %s started: kinds %s, concurrency %d",
            self.worker_id,
            ", ".join(sorted(self.registry.kinds())) or "(none)",
            concurrency,
        )
        running: set[Future[JobStatus | None]] = set()
        with ThreadPoolExecutor(concurrency, thread_name_prefix="cxlens-job") as pool:
            while not stop.is_set():
                finished = {f for f in running if f.done()}
                for future in finished:
                    _log_crash(future)
                running -= finished
                free = concurrency - len(running)
                if free == 0:
                    wait(running, timeout=poll_interval, return_when=FIRST_COMPLETED)
                    continue
                try:
                    self.enqueue_schedules()
                    claimed = self.claim(min(batch, free))
                except Exception:
                    log.exception("worker %s: cannot reach the queue", self.worker_id)
                    stop.wait(poll_interval)
                    continue
                for job in claimed:
                    running.add(pool.submit(self.run_job, job))
                if not claimed:
                    stop.wait(poll_interval)
            if running:
                log.info("worker %s: finishing %d running job(s)", self.worker_id, len(running))
            for future in wait(running).done:
                _log_crash(future)
        log.info("worker %s stopped", self.worker_id)


def _log_crash(future: Future[JobStatus | None]) -> None:
    exc = future.exception()
    if exc is not None:
        log.error("a job run crashed outside its handler: %s", redact(repr(exc)))


def run_worker(
    settings: Settings,
    *,
    stop: threading.Event | None = None,
    poll_interval: float = 0.5,
    batch: int = 20,
    concurrency: int = 1,
    registry: HandlerRegistry | None = None,
    clock: Clock | None = None,
    lease: timedelta = DEFAULT_LEASE,
    retry: RetryPolicy | None = None,
    worker_id: str | None = None,
    handle_signals: bool = True,
    on_start: Callable[[Engine], None] | None = None,
) -> None:
    """Run a worker on the database of ``settings`` until ``stop`` is set or SIGINT/SIGTERM.

    ``on_start`` runs once, after the schema check and before the first claim (the CLI
    passes the features' start-up hooks, e.g. the text-analysis chain).

    On a signal the worker claims nothing more, finishes the jobs it runs and returns.
    The database must be migrated (``cxlens db upgrade``); the handlers are those of
    ``registry`` (default: :data:`cxlens.jobs.default_registry`, filled by the feature
    packages' ``tasks`` modules, which the caller imports).
    """
    engine = make_engine(settings)
    try:
        current, head = current_revision(engine), head_revision()
        if current != head:
            raise ConfigurationError(
                f"the database is at revision {current or 'none'}, not {head}: "
                "run `cxlens db upgrade` first"
            )
        if on_start is not None:
            on_start(engine)
        stop = stop or threading.Event()
        worker = Worker(
            engine,
            registry=registry,
            clock=clock,
            worker_id=worker_id,
            lease=lease,
            retry=retry,
        )
        if handle_signals:
            with stop_on_signals(stop):
                worker.run(stop, poll_interval=poll_interval, batch=batch, concurrency=concurrency)
        else:
            worker.run(stop, poll_interval=poll_interval, batch=batch, concurrency=concurrency)
    finally:
        engine.dispose()
