"""Run one claimed job: its handler and its completion in one unit of work."""

from __future__ import annotations

import logging
import random
import time
import traceback
from datetime import datetime

from sqlalchemy import Engine

from cxlens.core.clock import Clock
from cxlens.core.redact import redact
from cxlens.db import unit_of_work
from cxlens.jobs.context import JobContext
from cxlens.jobs.queue import ClaimedJob, LeaseLost, complete, finish_failed, hold
from cxlens.jobs.registry import HandlerRegistry, PermanentJobError
from cxlens.jobs.retry import RetryPolicy
from cxlens.models import JobStatus

log = logging.getLogger("cxlens.jobs")  # messages via redact(): no customer data in logs

#: How much of a traceback ``last_error`` keeps (its end, where the error is).
MAX_ERROR_CHARS = 4000


def describe(exc: BaseException) -> str:
    """``last_error`` text: the exception and the end of its traceback."""
    text = "".join(traceback.format_exception(exc)).strip()
    return text[-MAX_ERROR_CHARS:]


def run_claimed(
    engine: Engine,
    claimed: ClaimedJob,
    registry: HandlerRegistry,
    *,
    clock: Clock,
    retry: RetryPolicy,
    rng: random.Random,
) -> JobStatus | None:
    """Run ``claimed`` and record the outcome; ``None`` when the lease was lost.

    The handler runs in its own unit of work, which also marks the job done: its effects
    and the completion commit together, or neither does. On an exception the job goes back
    to queued after a backoff, to ``dead`` after its last attempt, or to ``failed`` at
    once for :class:`PermanentJobError`. A job whose attempts ran out while leased (its
    workers kept dying) is dead without running again.
    """
    if claimed.attempt > claimed.max_attempts:
        error = f"lease expired on the last of {claimed.max_attempts} attempts"
        return _record(engine, claimed, JobStatus.DEAD, error, clock=clock)
    fn = registry.get(claimed.kind)
    started = time.monotonic()
    try:
        if fn is None:
            raise LookupError(f"no handler for job kind {claimed.kind!r}")
        context = JobContext(
            job_id=claimed.id,
            kind=claimed.kind,
            attempt=claimed.attempt,
            max_attempts=claimed.max_attempts,
            worker_id=claimed.worker_id,
            engine=engine,
            clock=clock,
        )
        with unit_of_work(engine) as session:
            hold(session, claimed)
            fn(session, dict(claimed.payload), context)
            complete(session, claimed, now=clock.now())
    except LeaseLost as exc:
        log.warning(
            "job %s (%s): %s; its work was rolled back", claimed.id, claimed.kind, redact(str(exc))
        )
        return None
    except PermanentJobError as exc:
        log.error("job %s (%s) failed for good: %s", claimed.id, claimed.kind, redact(str(exc)))
        return _record(engine, claimed, JobStatus.FAILED, describe(exc), clock=clock)
    except Exception as exc:
        if claimed.attempt >= claimed.max_attempts:
            log.error(
                "job %s (%s) is dead after %d attempts: %s",
                claimed.id,
                claimed.kind,
                claimed.attempt,
                redact(str(exc)),
            )
            return _record(engine, claimed, JobStatus.DEAD, describe(exc), clock=clock)
        delay = retry.delay(claimed.attempt, rng)
        log.warning(
            "job %s (%s) attempt %d failed, retry in %.1f s: %s",
            claimed.id,
            claimed.kind,
            claimed.attempt,
            delay.total_seconds(),
            redact(str(exc)),
        )
        retry_at = clock.now() + delay
        return _record(
            engine, claimed, JobStatus.QUEUED, describe(exc), clock=clock, retry_at=retry_at
        )
    log.info(
        "job %s (%s) done in %.3f s (attempt %d)",
        claimed.id,
        claimed.kind,
        time.monotonic() - started,
        claimed.attempt,
    )
    return JobStatus.DONE


def _record(
    engine: Engine,
    claimed: ClaimedJob,
    status: JobStatus,
    error: str,
    *,
    clock: Clock,
    retry_at: datetime | None = None,
) -> JobStatus | None:
    now = clock.now()
    with unit_of_work(engine) as session:
        kept = finish_failed(
            session, claimed, status=status, error=error, now=now, retry_at=retry_at
        )
    if not kept:
        log.warning(
            "job %s (%s): lease lost before its failure was recorded", claimed.id, claimed.kind
        )
        return None
    return status
