from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from cxlens.core.clock import ManualClock
from cxlens.db import unit_of_work
from cxlens.jobs import (
    HandlerRegistry,
    JobContext,
    PermanentJobError,
    RetryPolicy,
    claim,
    enqueue,
    once,
    run_claimed,
)
from cxlens.models import Delivery, Job, JobStatus

LEASE = timedelta(minutes=1)
POLICY = RetryPolicy(base=timedelta(seconds=10), cap=timedelta(minutes=10), jitter=0.5)


def _run_next(engine: Engine, registry: HandlerRegistry, clock: ManualClock) -> JobStatus | None:
    (claimed,) = claim(engine, "w", registry.kinds(), limit=1, lease=LEASE, clock=clock)
    return run_claimed(engine, claimed, registry, clock=clock, retry=POLICY, rng=random.Random(3))


def _job(engine: Engine, job_id: int) -> Job:
    with unit_of_work(engine) as session:
        return session.get_one(Job, job_id)


def _keys(engine: Engine) -> list[str]:
    with unit_of_work(engine) as session:
        return list(session.execute(select(Delivery.key).order_by(Delivery.key)).scalars())


def test_the_handler_effects_and_the_completion_commit_together(
    migrated_engine: Engine, clock: ManualClock, registry: HandlerRegistry
) -> None:
    seen: list[tuple[dict[str, Any], int]] = []

    @registry.handler("note")
    def note(session: Session, payload: dict[str, Any], context: JobContext) -> None:
        seen.append((payload, context.attempt))
        once(session, f"note:{payload['n']}", job_id=context.job_id)

    with unit_of_work(migrated_engine) as session:
        job_id = enqueue(session, "note", {"n": 1}, clock=clock).id
    assert _run_next(migrated_engine, registry, clock) is JobStatus.DONE
    assert seen == [({"n": 1}, 1)]
    assert _keys(migrated_engine) == ["note:1"]
    job = _job(migrated_engine, job_id)
    assert (job.status, job.attempts, job.locked_by) == ("done", 1, None)
    assert job.finished_at is not None


def test_a_failure_rolls_back_and_retries_with_backoff(
    migrated_engine: Engine, clock: ManualClock, registry: HandlerRegistry
) -> None:
    @registry.handler("flaky")
    def flaky(session: Session, payload: dict[str, Any], context: JobContext) -> None:
        once(session, f"flaky:{context.attempt}")
        if context.attempt < 3:
            raise ConnectionError(f"smtp down on attempt {context.attempt}")

    with unit_of_work(migrated_engine) as session:
        job_id = enqueue(session, "flaky", {}, clock=clock).id
    for attempt in (1, 2):
        failed_at = clock.now()
        assert _run_next(migrated_engine, registry, clock) is JobStatus.QUEUED
        job = _job(migrated_engine, job_id)
        assert job.attempts == attempt
        assert f"smtp down on attempt {attempt}" in (job.last_error or "")
        raw = POLICY.raw_delay(attempt)
        wait = job.run_at.replace(tzinfo=failed_at.tzinfo) - failed_at
        assert raw / 2 <= wait <= raw
        assert claim(migrated_engine, "w", {"flaky"}, limit=1, lease=LEASE, clock=clock) == []
        clock.advance(wait)
    assert _run_next(migrated_engine, registry, clock) is JobStatus.DONE
    assert _keys(migrated_engine) == ["flaky:3"]  # the failed attempts' writes rolled back


def test_the_last_failed_attempt_makes_the_job_dead_with_its_error(
    migrated_engine: Engine, clock: ManualClock, registry: HandlerRegistry
) -> None:
    @registry.handler("broken")
    def broken(session: Session, payload: dict[str, Any], context: JobContext) -> None:
        raise ValueError("template missing")

    with unit_of_work(migrated_engine) as session:
        job_id = enqueue(session, "broken", {}, max_attempts=3, clock=clock).id
    outcomes = []
    for _ in range(3):
        outcomes.append(_run_next(migrated_engine, registry, clock))
        clock.advance(timedelta(hours=1))
    assert outcomes == [JobStatus.QUEUED, JobStatus.QUEUED, JobStatus.DEAD]
    job = _job(migrated_engine, job_id)
    assert (job.status, job.attempts) == ("dead", 3)
    assert "ValueError: template missing" in (job.last_error or "")
    assert claim(migrated_engine, "w", {"broken"}, limit=1, lease=LEASE, clock=clock) == []


def test_a_permanent_error_fails_at_once(
    migrated_engine: Engine, clock: ManualClock, registry: HandlerRegistry
) -> None:
    @registry.handler("bad.address")
    def bad(session: Session, payload: dict[str, Any], context: JobContext) -> None:
        raise PermanentJobError("no such mailbox")

    with unit_of_work(migrated_engine) as session:
        job_id = enqueue(session, "bad.address", {}, clock=clock).id
    assert _run_next(migrated_engine, registry, clock) is JobStatus.FAILED
    job = _job(migrated_engine, job_id)
    assert (job.status, job.attempts) == ("failed", 1)
    assert "no such mailbox" in (job.last_error or "")


def test_a_job_whose_workers_keep_dying_ends_dead_without_running_again(
    migrated_engine: Engine, clock: ManualClock, registry: HandlerRegistry
) -> None:
    runs: list[int] = []

    @registry.handler("poison")
    def poison(session: Session, payload: dict[str, Any], context: JobContext) -> None:
        runs.append(context.attempt)

    with unit_of_work(migrated_engine) as session:
        job_id = enqueue(session, "poison", {}, max_attempts=2, clock=clock).id
    for _ in range(2):  # two workers claim it and die (never run, never finish)
        assert claim(migrated_engine, "w", {"poison"}, limit=1, lease=LEASE, clock=clock)
        clock.advance(LEASE * 2)
    assert _run_next(migrated_engine, registry, clock) is JobStatus.DEAD
    assert runs == []
    job = _job(migrated_engine, job_id)
    assert job.status == "dead"
    assert "lease expired" in (job.last_error or "")


def test_a_run_whose_lease_expires_mid_job_never_counts_twice(
    migrated_engine: Engine, clock: ManualClock, registry: HandlerRegistry
) -> None:
    postgres = migrated_engine.dialect.name == "postgresql"
    taken_over: list[bool] = []

    @registry.handler("slow")
    def slow(session: Session, payload: dict[str, Any], context: JobContext) -> None:
        if context.attempt == 1:  # the lease runs out while the handler works
            clock.advance(LEASE * 2)
            other = claim(migrated_engine, "other", {"slow"}, limit=1, lease=LEASE, clock=clock)
            taken_over.append(bool(other))
        once(session, f"slow:{context.attempt}")

    with unit_of_work(migrated_engine) as session:
        job_id = enqueue(session, "slow", {}, clock=clock).id
    outcome = _run_next(migrated_engine, registry, clock)
    if postgres:  # the running job's row lock (FOR UPDATE) keeps SKIP LOCKED claimers away
        assert (taken_over, outcome, _keys(migrated_engine)) == ([False], "done", ["slow:1"])
    else:  # SQLite: the fence at completion rolls the stale run back
        assert (taken_over, outcome, _keys(migrated_engine)) == ([True], None, [])
        assert _job(migrated_engine, job_id).locked_by == "other"
