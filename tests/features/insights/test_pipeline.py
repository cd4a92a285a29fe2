"""The worker analyses new comments and keeps polling; the backfill resumes and is idempotent."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine, func, insert, select
from sqlalchemy.orm import Session

from cxlens.core.settings import Settings
from cxlens.db import unit_of_work
from cxlens.features.insights import ANALYZE, backfill, start_pipeline
from cxlens.features.insights.tasks import BATCH, register
from cxlens.jobs import HandlerRegistry
from cxlens.models import Answer, Job, JobStatus, Question, Response
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


OLD = datetime(2022, 3, 1, 9, 0, tzinfo=UTC)


def _backlog(session: Session, count: int, *, submitted: datetime) -> None:
    """``count`` stored comments (an import of old exports), inserted in bulk."""
    add_comments(session, ["seed comment"], start=-1)
    version = session.execute(select(Question.survey_version_id, Question.id)).one()
    responses = session.execute(
        insert(Response).returning(Response.id, sort_by_parameter_order=True),
        [
            {
                "survey_version_id": version[0],
                "response_ref": f"import-{i}",
                "content_hash": "h",
                "source": "import",
                "submitted_at": submitted,
            }
            for i in range(count)
        ],
    ).scalars()
    session.execute(
        insert(Answer),
        [
            {"response_id": rid, "question_id": version[1], "text": f"old comment number {i}"}
            for i, rid in enumerate(responses)
        ],
    )


def _analysed_ids(db: Engine) -> set[int]:
    with unit_of_work(db) as session:
        return set(session.execute(select(TextAnalysis.answer_id)).scalars())


def _worker(db: Engine) -> Worker:
    registry = HandlerRegistry()
    register(registry, Settings(), models=text_models())
    return Worker(db, registry=registry, seed=1)


def test_a_new_comment_overtakes_a_large_backlog(migrated_engine: Engine) -> None:
    with unit_of_work(migrated_engine) as session:
        _backlog(session, 3000, submitted=OLD)
        start_pipeline(session)
    worker = _worker(migrated_engine)
    assert worker.tick() >= 1  # the chain is working through the backlog ...
    assert 0 < len(_analysed_ids(migrated_engine)) <= BATCH
    with unit_of_work(migrated_engine) as session:
        [new] = add_comments(session, ["the checkout failed twice today"], start=5000)
    assert worker.tick() >= 1  # ... and its very next batch takes the new comment
    analysed = _analysed_ids(migrated_engine)
    assert new in analysed
    assert len(analysed) <= 2 * BATCH  # the backlog is still there: it did not go first


def test_an_import_of_old_comments_does_not_push_back_a_live_response(
    migrated_engine: Engine,
) -> None:
    with unit_of_work(migrated_engine) as session:
        [live] = add_comments(session, ["the app logs me out all the time"], start=7000)
        start_pipeline(session)
        _backlog(session, 500, submitted=OLD)  # stored after it: higher ids
    assert _worker(migrated_engine).tick() >= 1
    assert live in _analysed_ids(migrated_engine)
