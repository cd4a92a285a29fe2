"""Jobs of the insights feature: new comments analysed by the worker within seconds.

``insights.analyze`` analyses one batch of pending comments, then enqueues its successor
in the same transaction: at once when it filled its batch, otherwise after
:data:`POLL_SECONDS` (a watermark poll: comments stored by any feature — imports, survey
pages — are picked up without those features knowing about text analytics). A feature
that stores comments may also call :func:`enqueue_analysis` in its own transaction.
An hourly schedule (seeded by :func:`ensure_schedule`) restarts the chain should it stop.

First things first: each batch takes the most recent feedback first (by submission time),
and a batch is small (:data:`BATCH`), so a backlog — an import of 85,000 old comments, a
new model — is worked through in short jobs that a new response's comment overtakes: it is
in the next batch, whatever the backlog. With the default CPU model (≈ 50 comments/s on
two cores) a batch takes ≈ 0.6 s, so a new comment is analysed within about two batches
plus the worker's poll interval while a backlog runs, and within :data:`POLL_SECONDS` plus
one batch when the chain is idle (docs/worker.md).

``insights.rescore`` re-scores the comments' themes after the taxonomy changed, one short
transaction of :data:`~cxlens.features.insights.service.RESCORE_BATCH` comments per job,
each job enqueueing the next (``{"after": last answer id}``). A theme edit calls
:func:`enqueue_rescore` in its own transaction, so the re-scoring exists only if the edit
committed, and the edit's request never holds the write lock for the re-scoring.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from cxlens.core.settings import Settings
from cxlens.features.insights import repository as repo
from cxlens.features.insights.service import RESCORE_BATCH, analyse_pending, rescore_batch
from cxlens.features.insights.text_models import TextModels, load_text_models
from cxlens.jobs import HandlerRegistry, JobContext, add_schedule, enqueue
from cxlens.models import Job

ANALYZE = "insights.analyze"
RESCORE = "insights.rescore"
#: How long the chain waits when no comment is pending.
POLL_SECONDS = 2
#: Comments per job: small, so that new feedback never waits long behind a backlog.
BATCH = 32
#: Finished poll jobs older than this are deleted by the chain itself.
KEEP_DONE = timedelta(hours=1)
SCHEDULE_NAME = "insights: restart text analysis"


def enqueue_analysis(session: Session, *, key: str | None = None) -> Job:
    """Ask the worker to analyse pending comments now (in the caller's transaction)."""
    return enqueue(session, ANALYZE, {}, idempotency_key=key)


def enqueue_rescore(session: Session) -> Job | None:
    """Ask the worker to re-score every comment's themes (in the caller's transaction).

    Nothing is added when a re-scoring from the start is already waiting (it will read the
    taxonomy as it is when it runs); ``None`` then.
    """
    for job_id in repo.queued_job_ids(session, RESCORE):
        job = session.get(Job, job_id)
        if job is not None and int((job.payload or {}).get("after", 0)) == 0:
            return None
    return enqueue(session, RESCORE, {"after": 0})


def rescore_job(
    session: Session, payload: dict[str, Any], context: JobContext, engine: TextModels
) -> None:
    """One batch of the re-scoring, then the job for the next one (none after the last)."""
    batch = int(payload.get("batch", RESCORE_BATCH))
    last, _ = rescore_batch(session, engine, after=int(payload.get("after", 0)), batch=batch)
    if last is not None:
        enqueue(
            session,
            RESCORE,
            {"after": last, "batch": batch},
            idempotency_key=f"{RESCORE}:after:{context.job_id}",
        )


def ensure_schedule(session: Session) -> None:
    """Create the hourly schedule that (re)starts the analysis chain, once."""
    if not repo.schedule_exists(session, SCHEDULE_NAME):
        start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
        add_schedule(session, SCHEDULE_NAME, ANALYZE, "FREQ=HOURLY", dtstart=start)


def _other_chain_job(session: Session, job_id: int) -> bool:
    return repo.live_job_other_than(session, ANALYZE, job_id)


def analyze_job(
    session: Session, payload: dict[str, Any], context: JobContext, models: TextModels
) -> None:
    """One batch, then the successor job (at once when busy, else after the poll delay)."""
    now = context.clock.now()
    if payload.get("scheduled_for") and _other_chain_job(session, context.job_id):
        return  # the chain is alive: the hourly kick has nothing to do
    result = analyse_pending(
        session, models, batch=int(payload.get("batch", BATCH)), newest_first=True
    )
    busy = result.analysed > 0 and result.analysed >= int(payload.get("batch", BATCH))
    delay = timedelta(0) if busy else timedelta(seconds=POLL_SECONDS)
    enqueue(
        session,
        ANALYZE,
        {"batch": int(payload.get("batch", BATCH))},
        run_at=now + delay,
        idempotency_key=f"{ANALYZE}:after:{context.job_id}",
    )
    repo.delete_done_jobs(session, ANALYZE, now - KEEP_DONE)


def register(
    registry: HandlerRegistry, settings: Settings, *, models: TextModels | None = None
) -> None:
    """Register ``insights.analyze`` and ``insights.rescore`` (the text models load lazily)."""
    holder: list[TextModels] = [] if models is None else [models]

    def text_models() -> TextModels:
        if not holder:
            holder.append(load_text_models())
        return holder[0]

    def analyze(session: Session, payload: dict[str, Any], context: JobContext) -> None:
        analyze_job(session, payload, context, text_models())

    def rescore(session: Session, payload: dict[str, Any], context: JobContext) -> None:
        rescore_job(session, payload, context, text_models())

    registry.register(ANALYZE, analyze)
    registry.register(RESCORE, rescore)


def start_pipeline(session: Session) -> None:
    """Make sure the analysis chain runs: the hourly restart schedule and, unless a chain
    job is queued or running, a job now. Call it when the worker starts (idempotent)."""
    ensure_schedule(session)
    if not _other_chain_job(session, -1):
        enqueue_analysis(session)


def on_worker_start(session: Session) -> None:
    """The worker's start-up hook (``cxlens.worker.handlers``): keep the analysis chain running."""
    start_pipeline(session)
