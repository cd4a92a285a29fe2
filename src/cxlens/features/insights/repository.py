"""All SQL of the insights feature: comments, analyses, hits, cached vectors, themes, labels,
and the lookups of its analysis chain in the job queue."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, exists, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from cxlens.features.customers.repository import ids_in_scope
from cxlens.models import Answer, Job, JobStatus, Question, Response, Schedule
from cxlens.models.text import (
    TextAnalysis,
    TextEmbedding,
    TextHead,
    TextLabel,
    TextTheme,
    TextThemeHit,
)


@dataclass(frozen=True, slots=True)
class Comment:
    """A text answer: its id, its text and the response's language (a hint)."""

    answer_id: int
    text: str
    language: str | None


def _comments() -> Any:
    return (
        select(Answer.id, Answer.text, Response.language)
        .join(Question, Question.id == Answer.question_id)
        .join(Response, Response.id == Answer.response_id)
        .where(Question.type == "text", Answer.text.is_not(None), Answer.text != "")
    )


def _unanalysed(model: str) -> Any:
    done = select(TextAnalysis.id).where(
        TextAnalysis.answer_id == Answer.id, TextAnalysis.model == model
    )
    return ~exists(done)


def pending_comments(
    session: Session, model: str, *, after_id: int, limit: int, newest_first: bool = False
) -> list[Comment]:
    """Up to ``limit`` comments with no analysis by ``model``, ids above ``after_id``.

    In id order, or with ``newest_first`` the most recent feedback first (by the response's
    submission time, else its storage time, then id): new responses go before a backlog,
    and an import of old exports goes after what customers are saying now.
    """
    query = _comments().where(Answer.id > after_id, _unanalysed(model))
    if newest_first:
        when = func.coalesce(Response.submitted_at, Response.created_at)
        query = query.order_by(when.desc(), Answer.id.desc())
    else:
        query = query.order_by(Answer.id)
    rows = session.execute(query.limit(limit)).all()
    return [Comment(int(r[0]), str(r[1]), r[2]) for r in rows]


def count_pending(session: Session, model: str) -> int:
    """How many comments have no analysis by ``model``."""
    query = _comments().where(_unanalysed(model)).with_only_columns(func.count())
    return int(session.execute(query).scalar_one())


def comments_by_id(session: Session, answer_ids: Sequence[int]) -> list[Comment]:
    """The comments with these answer ids (in id order)."""
    if not answer_ids:
        return []
    rows = session.execute(
        _comments().where(Answer.id.in_(list(answer_ids))).order_by(Answer.id)
    ).all()
    return [Comment(int(r[0]), str(r[1]), r[2]) for r in rows]


def insert_ignore(session: Session, model: type[Any], values: dict[str, Any]) -> int | None:
    """``INSERT … ON CONFLICT DO NOTHING RETURNING id``: the new id, or ``None`` if present."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(model).values(**values).on_conflict_do_nothing()
    row = session.execute(stmt.returning(model.__table__.c.id)).first()
    return None if row is None else int(row[0])


# --- cached embeddings ---------------------------------------------------------------------


def cached_vectors(
    session: Session, model: str, answer_ids: Sequence[int]
) -> dict[int, tuple[float, bytes]]:
    """The cached ``(scale, codes)`` of these answers under embedding ``model``."""
    found: dict[int, tuple[float, bytes]] = {}
    ids = list(answer_ids)
    for start in range(0, len(ids), 500):
        rows = session.execute(
            select(TextEmbedding.answer_id, TextEmbedding.scale, TextEmbedding.vector).where(
                TextEmbedding.model == model, TextEmbedding.answer_id.in_(ids[start : start + 500])
            )
        ).all()
        found.update({int(r[0]): (float(r[1]), bytes(r[2])) for r in rows})
    return found


def store_vector(
    session: Session, model: str, answer_id: int, dim: int, scale: float, codes: bytes
) -> None:
    """Cache one encoded vector (a second store of the same answer and model is ignored)."""
    insert_ignore(
        session,
        TextEmbedding,
        {
            "answer_id": answer_id,
            "model": model,
            "dim": dim,
            "encoding": "int8",
            "scale": scale,
            "vector": codes,
            "created_at": datetime.now().astimezone(),
        },
    )


def vector_batches(
    session: Session, model: str, *, batch: int = 2000
) -> Iterable[list[tuple[int, float, bytes]]]:
    """Every cached vector of ``model`` as ``(answer_id, scale, codes)``, in id batches."""
    after = 0
    while True:
        rows = vector_batch(session, model, after=after, limit=batch)
        if not rows:
            return
        yield rows
        after = rows[-1][0]


def vector_batch(
    session: Session, model: str, *, after: int, limit: int
) -> list[tuple[int, float, bytes]]:
    """The next ``limit`` cached vectors of ``model`` after answer id ``after``, in id order."""
    rows = session.execute(
        select(TextEmbedding.answer_id, TextEmbedding.scale, TextEmbedding.vector)
        .where(TextEmbedding.model == model, TextEmbedding.answer_id > after)
        .order_by(TextEmbedding.answer_id)
        .limit(limit)
    ).all()
    return [(int(r[0]), float(r[1]), bytes(r[2])) for r in rows]


def count_vectors(session: Session, model: str) -> int:
    """How many comments have a cached vector under ``model``."""
    query = select(func.count()).where(TextEmbedding.model == model)
    return int(session.execute(query).scalar_one())


# --- analyses and hits ---------------------------------------------------------------------


def insert_analysis(session: Session, values: dict[str, Any]) -> int | None:
    """Insert one analysis; ``None`` when this answer already has one by this model."""
    return insert_ignore(session, TextAnalysis, values)


def insert_hits(session: Session, analysis_id: int, hits: Iterable[dict[str, Any]]) -> None:
    """Add theme hits to an analysis."""
    for hit in hits:
        session.add(TextThemeHit(analysis_id=analysis_id, **hit))
    session.flush()


def latest_analyses(session: Session, answer_ids: Sequence[int]) -> dict[int, TextAnalysis]:
    """The most recent analysis of each answer (any model)."""
    if not answer_ids:
        return {}
    rows = session.execute(
        select(TextAnalysis)
        .where(TextAnalysis.answer_id.in_(list(answer_ids)))
        .order_by(TextAnalysis.answer_id, TextAnalysis.analysed_at, TextAnalysis.id)
    ).scalars()
    return {row.answer_id: row for row in rows}


def analyses_of_model(
    session: Session, model: str, answer_ids: Sequence[int]
) -> dict[int, TextAnalysis]:
    """The analyses by ``model`` of these answers."""
    if not answer_ids:
        return {}
    rows = session.execute(
        select(TextAnalysis).where(
            TextAnalysis.model == model, TextAnalysis.answer_id.in_(list(answer_ids))
        )
    ).scalars()
    return {row.answer_id: row for row in rows}


def hits_of(session: Session, analysis_ids: Sequence[int]) -> dict[int, list[TextThemeHit]]:
    """The theme hits of each analysis, best score first."""
    out: dict[int, list[TextThemeHit]] = {i: [] for i in analysis_ids}
    if not analysis_ids:
        return out
    rows = session.execute(
        select(TextThemeHit)
        .where(TextThemeHit.analysis_id.in_(list(analysis_ids)))
        .order_by(TextThemeHit.analysis_id, TextThemeHit.score.desc())
    ).scalars()
    for row in rows:
        out[row.analysis_id].append(row)
    return out


def replace_hits(session: Session, analysis_id: int, hits: Iterable[dict[str, Any]]) -> None:
    """Replace every theme hit of an analysis."""
    session.execute(delete(TextThemeHit).where(TextThemeHit.analysis_id == analysis_id))
    insert_hits(session, analysis_id, hits)


def latest_analysis_ids() -> Any:
    """A subquery: the id of the latest analysis of every answer."""
    latest = select(
        TextAnalysis.answer_id, func.max(TextAnalysis.id).label("analysis_id")
    ).group_by(TextAnalysis.answer_id)
    return latest


def list_comments(
    session: Session,
    *,
    language: str | None,
    theme: str | None,
    sentiment: str | None,
    limit: int,
    offset: int,
    scope: Mapping[str, Sequence[str]] | None = None,
) -> list[tuple[Comment, TextAnalysis | None]]:
    """Comments (newest answer first) with their latest analysis, filtered; with a data
    ``scope``, only comments of the customers it lets its user see."""
    latest = latest_analysis_ids().subquery()
    query = (
        _comments()
        .add_columns(TextAnalysis)
        .outerjoin(latest, latest.c.answer_id == Answer.id)
        .outerjoin(TextAnalysis, TextAnalysis.id == latest.c.analysis_id)
    )
    if language is not None:
        query = query.where(TextAnalysis.language == language)
    if sentiment is not None:
        query = query.where(TextAnalysis.sentiment == sentiment)
    if scope:
        query = query.where(Response.customer_id.in_(ids_in_scope(scope)))
    if theme is not None:
        hit = select(TextThemeHit.id).where(
            and_(TextThemeHit.analysis_id == TextAnalysis.id, TextThemeHit.theme_key == theme)
        )
        query = query.where(exists(hit))
    rows = session.execute(query.order_by(Answer.id.desc()).limit(limit).offset(offset)).all()
    return [(Comment(int(r[0]), str(r[1]), r[2]), r[3]) for r in rows]


# --- themes ---------------------------------------------------------------------------------


def themes(session: Session, *, status: str | None = "active") -> list[TextTheme]:
    """The company's themes (by default the active ones), in creation order."""
    query = select(TextTheme).order_by(TextTheme.id)
    if status is not None:
        query = query.where(TextTheme.status == status)
    return list(session.execute(query).scalars())


def theme_by_key(session: Session, key: str) -> TextTheme | None:
    """The theme with ``key``, or ``None``."""
    return session.execute(select(TextTheme).where(TextTheme.key == key)).scalar_one_or_none()


def count_themes(session: Session) -> int:
    """How many theme rows exist (any status)."""
    return int(session.execute(select(func.count()).select_from(TextTheme)).scalar_one())


def delete_hits_of_theme(session: Session, key: str) -> int:
    """Remove every hit of theme ``key``; how many."""
    result = session.execute(delete(TextThemeHit).where(TextThemeHit.theme_key == key))
    return int(getattr(result, "rowcount", 0) or 0)


# --- labels and heads -----------------------------------------------------------------------


def answer_exists(session: Session, answer_id: int) -> bool:
    """Whether a text answer with this id exists."""
    return session.execute(_comments().where(Answer.id == answer_id)).first() is not None


def latest_labels(session: Session) -> list[TextLabel]:
    """The most recent label of every labelled comment."""
    rows = session.execute(select(TextLabel).order_by(TextLabel.answer_id, TextLabel.id)).scalars()
    return list({row.answer_id: row for row in rows}.values())


def latest_head(session: Session, kind: str, embedder: str) -> TextHead | None:
    """The newest head of ``kind`` trained over ``embedder``, or ``None``."""
    return session.execute(
        select(TextHead)
        .where(TextHead.kind == kind, TextHead.embedder == embedder)
        .order_by(TextHead.version.desc())
        .limit(1)
    ).scalar_one_or_none()


def next_head_version(session: Session, kind: str) -> int:
    """The version the next head of ``kind`` gets."""
    found = session.execute(select(func.max(TextHead.version)).where(TextHead.kind == kind))
    return int(found.scalar_one() or 0) + 1


def unthemed_comments(session: Session) -> list[Comment]:
    """Comments whose latest analysis found no theme."""
    latest = latest_analysis_ids().subquery()
    hit = select(TextThemeHit.id).where(TextThemeHit.analysis_id == latest.c.analysis_id)
    rows = session.execute(
        _comments()
        .join(latest, latest.c.answer_id == Answer.id)
        .where(~exists(hit))
        .order_by(Answer.id)
    ).all()
    return [Comment(int(r[0]), str(r[1]), r[2]) for r in rows]


# --- the analysis chain's jobs ----------------------------------------------------------------


def queued_job_ids(session: Session, kind: str) -> list[int]:
    """The ids of the queued jobs of ``kind``."""
    return list(
        session.execute(
            select(Job.id).where(Job.kind == kind, Job.status == JobStatus.QUEUED.value)
        ).scalars()
    )


def schedule_exists(session: Session, name: str) -> bool:
    """Whether a schedule called ``name`` exists."""
    found = session.execute(select(Schedule.id).where(Schedule.name == name)).first()
    return found is not None


def live_job_other_than(session: Session, kind: str, job_id: int) -> bool:
    """Whether a job of ``kind`` other than ``job_id`` is queued or running."""
    live = (JobStatus.QUEUED.value, JobStatus.RUNNING.value)
    query = select(Job.id).where(Job.kind == kind, Job.status.in_(live), Job.id != job_id)
    return session.execute(query.limit(1)).first() is not None


def delete_done_jobs(session: Session, kind: str, finished_before: datetime) -> None:
    """Delete the done jobs of ``kind`` that finished before ``finished_before``."""
    session.execute(
        delete(Job).where(
            Job.kind == kind,
            Job.status == JobStatus.DONE.value,
            Job.finished_at < finished_before,
        )
    )
