"""The worker analyses new comments and keeps polling; the backfill resumes and is idempotent."""

from __future__ import annotations

from sqlalchemy import Engine, func, select

from cxlens.core.settings import Settings
from cxlens.db import unit_of_work
from cxlens.features.insights import ANALYZE, backfill, start_pipeline
from cxlens.features.insights.tasks import register
from cxlens.jobs import HandlerRegistry
from cxlens.models import Job, JobStatus
from cxlens.models.text import TextAnalysis
from cxlens.worker import Worker

from .helpers import OTHER, PARKING, add_comments, text_models


def _analysed(db: Engine) -> int:
    with unit_of_work(db) as session:
        return int(session.execute(select(func.count()).select_from(TextAnalysis)).scalar_one())


def test_the_worker_analyses_new_comments_and_polls_again(migrated_engine: Engine) -> None:
    registry = HandlerRegistry()
    register(registry, Settings(), models=text_models())
    with unit_of_work(migrated_engine) as session:
        add_comments(session, OTHER)
        start_pipeline(session)
        start_pipeline(session)  # idempotent: one chain
    Worker(migrated_engine, registry=registry).drain()
    assert _analysed(migrated_engine) == len(OTHER)
    with unit_of_work(migrated_engine) as session:
        queued = (
            session.execute(
                select(Job).where(Job.kind == ANALYZE, Job.status == JobStatus.QUEUED.value)
            )
            .scalars()
            .all()
        )
        assert len(queued) == 1  # the successor polls again after a few seconds
        add_comments(session, PARKING, start=100)
        queued[0].run_at = queued[0].created_at  # due now
    Worker(migrated_engine, registry=registry).drain()
    assert _analysed(migrated_engine) == len(OTHER) + len(PARKING)


def test_backfill_is_batched_resumable_and_safe_twice(migrated_engine: Engine) -> None:
    with unit_of_work(migrated_engine) as session:
        add_comments(session, OTHER + PARKING)
    text = text_models()
    seen: list[int] = []
    first = backfill(migrated_engine, text, batch=3, max_batches=1, on_batch=seen.append)
    assert (first.analysed, first.batches, first.pending_before) == (3, 1, 8)
    assert _analysed(migrated_engine) == 3  # committed: a stop here loses nothing
    rest = backfill(migrated_engine, text, batch=3, on_batch=seen.append)
    assert rest.pending_before == 5 and rest.analysed == 5 and seen == [3, 3, 2]
    again = backfill(migrated_engine, text, batch=3)
    assert again.analysed == 0 and _analysed(migrated_engine) == 8
