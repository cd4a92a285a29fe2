"""The backfill and the re-scoring from the command line: batch by batch, a commit each.

Each batch commits on its own, so a backfill stopped anywhere (Ctrl-C, a crash) resumes
where it stopped, and running it twice, or beside the worker, analyses nothing twice; and
neither holds the database's write lock for more than one batch.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine

from cxlens.db import unit_of_work
from cxlens.features.insights.service import (
    RESCORE_BATCH,
    analyse_pending,
    pending_count,
    rescore_batch,
)
from cxlens.features.insights.text_models import TextModels


@dataclass(frozen=True, slots=True)
class BackfillReport:
    """What a backfill did: comments analysed, batches committed, the model used."""

    analysed: int
    batches: int
    model: str
    pending_before: int


def backfill(
    db: Engine,
    models: TextModels,
    *,
    batch: int = 256,
    on_start: Callable[[int, str], None] | None = None,
    on_batch: Callable[[int], None] | None = None,
    max_batches: int | None = None,
) -> BackfillReport:
    """Analyse every pending comment, ``batch`` at a time, one transaction per batch.

    ``on_start(pending, model)`` is called once, ``on_batch(analysed)`` after each commit
    (a progress bar). ``max_batches`` stops early (the rest stays pending: resumable).
    """
    if batch < 1:
        raise ValueError(f"batch must be at least 1, not {batch}")
    with unit_of_work(db) as session:
        pending, model = pending_count(session, models)
    if on_start is not None:
        on_start(pending, model)
    analysed = batches = 0
    after = 0
    while max_batches is None or batches < max_batches:
        with unit_of_work(db) as session:
            result = analyse_pending(session, models, batch=batch, after_id=after)
        if result.last_id == after:
            break
        after = result.last_id
        analysed += result.analysed
        batches += 1
        if on_batch is not None:
            on_batch(result.analysed)
    return BackfillReport(analysed=analysed, batches=batches, model=model, pending_before=pending)


def rescore_in_batches(db: Engine, engine: TextModels, *, batch: int = RESCORE_BATCH) -> int:
    """Re-score every comment's themes, ``batch`` comments per transaction; how many.

    For a theme change made from the command line, once that change has committed (the
    server's changes enqueue ``insights.rescore`` for the worker instead).
    """
    if batch < 1:
        raise ValueError(f"batch must be at least 1, not {batch}")
    done = 0
    after: int | None = 0
    while after is not None:
        with unit_of_work(db) as session:
            after, count = rescore_batch(session, engine, after=after, batch=batch)
        done += count
    return done
