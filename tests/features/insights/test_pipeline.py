"""The worker analyses new comments and keeps polling; the backfill resumes and is idempotent."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine, func, insert, select
from sqlalchemy.orm import Session

from cxlens.core.settings import Settings
from cxlens.db import unit_of_work
from cxlens.features.insights import (
    ANALYZE,
    RESCORE,
    add_theme,
    analyse_pending,
    backfill,
    enqueue_rescore,
    rescore_in_batches,
    start_pipeline,
)
from cxlens.features.insights import repository as repo
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


def test_a_theme_edit_is_re_scored_by_the_worker_in_short_batches(migrated_engine: Engine) -> None:
    text = text_models()
    with unit_of_work(migrated_engine) as session:
        ids = add_comments(session, OTHER + PARKING)
        analyse_pending(session, text, batch=100)
    with unit_of_work(migrated_engine) as session:
        add_theme(session, "Parking", "parking the car", ["parking lot full", "no parking"])
        job = enqueue_rescore(session)
        assert job is not None
        job.payload = {"after": 0, "batch": 3}  # 8 comments: three jobs of at most 3
        assert enqueue_rescore(session) is None  # one waiting from the start is enough
    registry = HandlerRegistry()
    register(registry, Settings(), models=text)
    ran = Worker(migrated_engine, registry=registry).drain()  # one transaction per job
    with unit_of_work(migrated_engine) as session:
        done = session.execute(select(Job).where(Job.kind == RESCORE)).scalars().all()
        assert [j.payload.get("after") for j in sorted(done, key=lambda j: j.id)] == [
            0,
            ids[2],
            ids[5],
            ids[7],
        ]
        assert all(j.status == JobStatus.DONE.value for j in done)
        latest = repo.latest_analyses(session, ids)
        hits = repo.hits_of(session, [a.id for a in latest.values()])
        with_parking = {
            a.answer_id
            for a in latest.values()
            if any(h.theme_key == "parking" for h in hits[a.id])
        }
    assert ran == 4  # three batches, and the last job finds nothing left
    assert with_parking == set(ids[len(OTHER) :])


def test_the_command_lines_re_scoring_commits_batch_by_batch(migrated_engine: Engine) -> None:
    from sqlalchemy import event

    text = text_models()
    with unit_of_work(migrated_engine) as session:
        ids = add_comments(session, OTHER + PARKING)
        analyse_pending(session, text, batch=100)
        add_theme(session, "Parking", "parking the car", ["parking lot full", "no parking"])
    commits: list[int] = []
    event.listen(migrated_engine, "commit", lambda _connection: commits.append(1))
    assert rescore_in_batches(migrated_engine, text, batch=3) == len(ids)
    assert len(commits) == 4  # 3 + 3 + 2 comments, then the look that finds none left
    with unit_of_work(migrated_engine) as session:
        latest = repo.latest_analyses(session, ids)
        hits = repo.hits_of(session, [a.id for a in latest.values()])
    parking = {
        a.answer_id for a in latest.values() if any(h.theme_key == "parking" for h in hits[a.id])
    }
    assert parking == set(ids[len(OTHER) :])
