"""The outbox: enqueue in the caller's transaction; claim with leases; finish with a fence.

A claim sets ``status='running'``, a lease (``locked_by``, ``locked_until``) and bumps
``attempts``; ``(locked_by, attempts)`` is the fencing token that every later write checks,
so a worker whose lease expired and was taken over can no longer complete or fail the job.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Engine, and_, case, func, literal, or_, select, update
from sqlalchemy.orm import Session

from cxlens.core.clock import Clock, SystemClock, as_utc
from cxlens.jobs._sql import insert_if_absent
from cxlens.models import Job, JobStatus


class LeaseLost(Exception):
    """The job's lease expired and another worker took it over: this run must not count."""


@dataclass(frozen=True, slots=True)
class ClaimedJob:
    """A job this worker holds a lease on. ``attempt`` counts from 1 and is the fence."""

    id: int
    kind: str
    payload: dict[str, Any]
    attempt: int
    max_attempts: int
    worker_id: str
    locked_until: datetime


def enqueue(
    session: Session,
    kind: str,
    payload: dict[str, Any],
    *,
    run_at: datetime | None = None,
    idempotency_key: str | None = None,
    max_attempts: int = 8,
    clock: Clock | None = None,
) -> Job:
    """Add a job in the caller's transaction (outbox): it exists only if that commits.

    With ``idempotency_key`` a second enqueue of the same key adds nothing and returns the
    job already there (whatever its state). ``run_at`` (aware) delays the job; default now.
    """
    if not kind:
        raise ValueError("a job needs a kind")
    if max_attempts < 1:
        raise ValueError(f"max_attempts must be at least 1, not {max_attempts}")
    json.dumps(payload)  # a payload must be JSON: fail here, not in the worker
    when = as_utc(run_at) if run_at is not None else (clock or SystemClock()).now()
    values: dict[str, Any] = {
        "kind": kind,
        "payload": payload,
        "status": JobStatus.QUEUED.value,
        "run_at": when,
        "attempts": 0,
        "max_attempts": max_attempts,
        "idempotency_key": idempotency_key,
    }
    if idempotency_key is None:
        job = Job(**values)
        session.add(job)
        session.flush()
        return job
    new_id = insert_if_absent(session, Job, values, Job.idempotency_key)
    if new_id is not None:
        job = session.get_one(Job, new_id)
    else:
        job = session.execute(
            select(Job).where(Job.idempotency_key == idempotency_key)
        ).scalar_one()
    return job


def _due(now: datetime) -> ColumnElement[bool]:
    queued = and_(Job.status == JobStatus.QUEUED.value, Job.run_at <= now)
    expired = and_(Job.status == JobStatus.RUNNING.value, Job.locked_until < now)
    return or_(queued, expired)


def claim(
    engine: Engine,
    worker_id: str,
    kinds: Iterable[str],
    *,
    limit: int,
    lease: timedelta,
    clock: Clock,
) -> list[ClaimedJob]:
    """Lease up to ``limit`` due jobs of ``kinds`` to ``worker_id``, oldest ``run_at`` first.

    Due: queued with ``run_at <= now``, or running with an expired lease (its worker died),
    which makes delivery at-least-once. PostgreSQL picks rows with ``FOR UPDATE SKIP
    LOCKED``; SQLite runs the one ``UPDATE … RETURNING`` in a ``BEGIN IMMEDIATE``
    transaction. Either way two workers never get the same job from one expiry.
    """
    wanted = sorted(set(kinds))
    if limit <= 0 or not wanted:
        return []
    now = clock.now()
    until = now + lease
    pick = (
        select(Job.id)
        .where(_due(now), Job.kind.in_(wanted))
        .order_by(Job.run_at, Job.id)
        .limit(limit)
    )
    postgres = engine.dialect.name == "postgresql"
    if postgres:
        pick = pick.with_for_update(skip_locked=True)
    lost = literal("lease expired: worker ") + func.coalesce(Job.locked_by, "?") + " lost it"
    stmt = (
        update(Job)
        .where(Job.id.in_(pick))
        .values(
            status=JobStatus.RUNNING.value,
            locked_by=worker_id,
            locked_until=until,
            attempts=Job.attempts + 1,
            last_error=case((Job.status == JobStatus.RUNNING.value, lost), else_=Job.last_error),
        )
        .returning(Job.id, Job.kind, Job.payload, Job.attempts, Job.max_attempts)
    )
    with engine.connect() as connection:
        if not postgres:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        rows = connection.execute(stmt).all()
        connection.commit()
    claimed = [
        ClaimedJob(
            id=row.id,
            kind=row.kind,
            payload=dict(row.payload or {}),
            attempt=row.attempts,
            max_attempts=row.max_attempts,
            worker_id=worker_id,
            locked_until=until,
        )
        for row in rows
    ]
    claimed.sort(key=lambda c: c.id)
    return claimed


def _fence(claimed: ClaimedJob) -> ColumnElement[bool]:
    return and_(
        Job.id == claimed.id,
        Job.status == JobStatus.RUNNING.value,
        Job.locked_by == claimed.worker_id,
        Job.attempts == claimed.attempt,
    )


def hold(session: Session, claimed: ClaimedJob) -> None:
    """Check the lease is still ours at the start of the job's transaction.

    On PostgreSQL the row stays locked (``FOR UPDATE``) until the job commits, so no other
    worker can claim it even if the lease runs out meanwhile. Raises :class:`LeaseLost`.
    """
    found = session.execute(select(Job.id).where(_fence(claimed)).with_for_update()).first()
    if found is None:
        raise LeaseLost(f"job {claimed.id} attempt {claimed.attempt} is no longer ours")


def complete(session: Session, claimed: ClaimedJob, *, now: datetime) -> None:
    """Mark the job done in the job's transaction (commits with the handler's effects)."""
    done = session.execute(
        update(Job)
        .where(_fence(claimed))
        .values(
            status=JobStatus.DONE.value,
            locked_by=None,
            locked_until=None,
            finished_at=now,
        )
        .returning(Job.id)
        .execution_options(synchronize_session=False)
    ).first()
    if done is None:
        raise LeaseLost(f"job {claimed.id} attempt {claimed.attempt} is no longer ours")


def finish_failed(
    session: Session,
    claimed: ClaimedJob,
    *,
    status: JobStatus,
    error: str,
    now: datetime,
    retry_at: datetime | None = None,
) -> bool:
    """Record a failed attempt: back to queued at ``retry_at``, or ``failed``/``dead``.

    Returns ``False`` when the lease was lost meanwhile (nothing written).
    """
    values: dict[str, Any] = {
        "status": status.value,
        "last_error": error,
        "locked_by": None,
        "locked_until": None,
    }
    if status is JobStatus.QUEUED:
        values["run_at"] = retry_at or now
    else:
        values["finished_at"] = now
    row = session.execute(
        update(Job)
        .where(_fence(claimed))
        .values(**values)
        .returning(Job.id)
        .execution_options(synchronize_session=False)
    ).first()
    return row is not None
