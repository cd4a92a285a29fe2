"""Text analytics in the store: analyse comments, keep the company's themes, re-score.

Comments are embedded once; the vectors are cached (int8) and every later step — theme
edits, discovery, training — works from the cache. Functions flush, never commit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
from sqlalchemy.orm import Session

from cxlens.core.errors import InputError, Location, NotFoundError
from cxlens.features.insights import repository as repo
from cxlens.features.insights.codec import decode_many, encode
from cxlens.features.insights.text_models import TextModels
from cxlens.models.text import TextAnalysis, TextLabel, TextTheme
from cxlens.text import (
    SENTIMENTS,
    DefaultAnalyzer,
    Embedded,
    SentimentHead,
    Taxonomy,
    Theme,
    default_taxonomy,
    embed_taxonomy,
    score_themes,
    split_clauses,
    theme_hits,
    theme_key,
)
from cxlens.text.language import detect_language
from cxlens.text.types import Vectors

#: At most this many themes are stored per comment.
MAX_THEMES = 4
SENTIMENT_HEAD = "sentiment"


def now() -> datetime:
    """The current time (UTC)."""
    return datetime.now(UTC)


# --- the company's taxonomy ----------------------------------------------------------------


def ensure_themes(session: Session) -> None:
    """Seed the default CX taxonomy the first time the company's themes are needed."""
    if repo.count_themes(session) > 0:
        return
    for theme in default_taxonomy().themes:
        session.add(
            TextTheme(
                key=theme.key,
                name=theme.name,
                description=theme.description,
                examples={k: list(v) for k, v in theme.examples.items()},
                status="active",
                source="default",
                threshold=theme.threshold,
                details={},
                created_at=now(),
                updated_at=now(),
            )
        )
    session.flush()


def to_theme(row: TextTheme) -> Theme:
    """The :class:`cxlens.text.Theme` of a stored theme."""
    examples = {str(k): tuple(str(e) for e in v) for k, v in (row.examples or {}).items()}
    return Theme(
        key=row.key,
        name=row.name,
        description=row.description,
        examples=examples,
        threshold=row.threshold,
    )


def company_taxonomy(session: Session) -> Taxonomy:
    """The company's active themes as a :class:`Taxonomy` (seeded with the default)."""
    ensure_themes(session)
    return Taxonomy([to_theme(row) for row in repo.themes(session)])


def company_head(session: Session, models: TextModels) -> SentimentHead | None:
    """The newest sentiment head trained on the team's labels for this embedder, if any."""
    row = repo.latest_head(session, SENTIMENT_HEAD, models.embedding_model)
    if row is None or not row.parameters.get("active", True):
        return None
    weights = np.asarray(row.parameters["weights"], dtype=np.float32)
    bias = np.asarray(row.parameters["bias"], dtype=np.float32)
    return SentimentHead(weights=weights, bias=bias, version=f"company-{row.version}")


def current_analyzer(session: Session, models: TextModels) -> DefaultAnalyzer:
    """The analyzer new results come from: company themes, and the company head if trained."""
    return models.analyzer(company_taxonomy(session), company_head(session, models))


# --- analysing comments --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BatchResult:
    """One batch of the pipeline: how many comments were analysed, the last answer id seen."""

    analysed: int
    last_id: int
    model: str


#: Vectors embedded in this batch and not cached yet: ``(answer_id, scale, codes)``.
Fresh = list[tuple[int, float, bytes]]


def vectors_to_cache(
    session: Session, models: TextModels, comments: Sequence[repo.Comment]
) -> tuple[Vectors, Fresh]:
    """The vectors of ``comments``: cached ones read, missing ones embedded (not yet stored:
    the caller stores them with :func:`store_vectors`, after the slow part)."""
    dim = models.embedder.dim
    cached = repo.cached_vectors(session, models.embedding_model, [c.answer_id for c in comments])
    missing = [c for c in comments if c.answer_id not in cached]
    fresh: Fresh = []
    if missing:
        embedded = models.embedder.embed([c.text for c in missing], kind="query")
        for comment, vector in zip(missing, embedded, strict=True):
            scale, codes = encode(vector)
            fresh.append((comment.answer_id, scale, codes))
            cached[comment.answer_id] = (scale, codes)
    return decode_many([cached[c.answer_id] for c in comments], dim), fresh


def store_vectors(session: Session, models: TextModels, fresh: Fresh) -> None:
    """Cache the vectors :func:`vectors_to_cache` embedded."""
    for answer_id, scale, codes in fresh:
        repo.store_vector(
            session, models.embedding_model, answer_id, models.embedder.dim, scale, codes
        )


def comment_vectors(
    session: Session, models: TextModels, comments: Sequence[repo.Comment]
) -> Vectors:
    """The vectors of ``comments`` from the cache; missing ones are embedded and cached."""
    vectors, fresh = vectors_to_cache(session, models, comments)
    store_vectors(session, models, fresh)
    return vectors


def _embedded(
    session: Session,
    models: TextModels,
    comments: Sequence[repo.Comment],
    languages: list[str | None],
) -> tuple[Embedded, Fresh]:
    """Comment vectors (cached or fresh) and clause vectors of multi-clause comments; the
    fresh comment vectors are the caller's to store (after the slow part: see below)."""
    vectors, fresh = vectors_to_cache(session, models, comments)
    clause_texts: list[str] = []
    owner: list[int] = []
    for index, (comment, language) in enumerate(zip(comments, languages, strict=True)):
        clauses = split_clauses(comment.text, language)
        if len(clauses) > 1:
            clause_texts.extend(clauses)
            owner.extend([index] * len(clauses))
    clause_vectors = (
        models.embedder.embed(clause_texts, kind="query")
        if clause_texts
        else np.zeros((0, models.embedder.dim), dtype=np.float32)
    )
    embedded = Embedded(
        comments=vectors, clauses=clause_vectors, clause_owner=np.asarray(owner, dtype=np.intp)
    )
    return embedded, fresh


def analyse_comments(
    session: Session,
    models: TextModels,
    comments: Sequence[repo.Comment],
    analyzer: DefaultAnalyzer | None = None,
) -> int:
    """Analyse and store ``comments`` (skipping those this model already analysed).

    Everything slow (embedding, scoring) runs before the first write, so on SQLite the
    write lock is held only for the inserts, never for the model: a backfill batch does
    not make the worker's analysis of a new comment, or a survey submission, wait.
    """
    if not comments:
        return 0
    analyzer = analyzer or current_analyzer(session, models)
    guesses = [detect_language(c.text) for c in comments]
    embedded, fresh = _embedded(session, models, comments, [g.language for g in guesses])
    results = analyzer.analyze_embedded(guesses, embedded)
    store_vectors(session, models, fresh)
    keys = {t.name: t.key for t in analyzer.taxonomy.themes}
    stored = 0
    for comment, result in zip(comments, results, strict=True):
        analysis_id = repo.insert_analysis(
            session,
            {
                "answer_id": comment.answer_id,
                "model": result.model,
                "language": result.language,
                "language_confidence": float(result.language_confidence),
                "sentiment": result.sentiment,
                "sentiment_score": float(result.sentiment_score),
                "analysed_at": now(),
            },
        )
        if analysis_id is None:
            continue
        stored += 1
        repo.insert_hits(
            session,
            analysis_id,
            [
                {
                    "theme_key": keys.get(hit.theme, theme_key(hit.theme)),
                    "score": float(hit.score),
                    "sentiment": hit.sentiment,
                    "sentiment_score": float(hit.sentiment_score),
                }
                for hit in result.themes
            ],
        )
    return stored


def analyse_pending(
    session: Session,
    models: TextModels,
    *,
    batch: int = 64,
    after_id: int = 0,
    newest_first: bool = False,
) -> BatchResult:
    """Analyse the next ``batch`` comments the current model has not analysed yet.

    The watermark is the analyses themselves (a comment is pending until the current model
    analysed it), so a run that stops anywhere resumes where it stopped, and a second run,
    or two at once, adds nothing twice. ``after_id`` only skips ahead within one run.
    ``newest_first`` takes the most recent feedback first (the worker's chain: a new
    response is analysed in the next batch even behind a backlog of thousands).
    """
    analyzer = current_analyzer(session, models)
    comments = repo.pending_comments(
        session, analyzer.model, after_id=after_id, limit=batch, newest_first=newest_first
    )
    analysed = analyse_comments(session, models, comments, analyzer)
    last = comments[-1].answer_id if comments else after_id
    return BatchResult(analysed=analysed, last_id=last, model=analyzer.model)


def pending_count(session: Session, models: TextModels) -> tuple[int, str]:
    """How many comments the current model has yet to analyse, and the model."""
    model = current_analyzer(session, models).model
    return repo.count_pending(session, model), model


# --- re-scoring themes from the cache ------------------------------------------------------


#: Comments re-scored per transaction by the worker's ``insights.rescore`` job: a short
#: write each (a theme edit once re-scored every comment in one transaction, 11–30 s).
RESCORE_BATCH = 500


def rescore(session: Session, engine: TextModels, *, batch: int = 2000) -> int:
    """Re-score every comment's themes against the company's taxonomy from CACHED vectors.

    Only the theme texts are embedded (those not embedded before); comments never are. A
    hit keeps the aspect sentiment it had; a new hit takes the comment's sentiment. Returns
    how many analyses were re-scored. All in the caller's transaction: the server does
    not call this (a theme edit enqueues ``insights.rescore``, which the worker runs in
    batches, :func:`rescore_batch`); the CLI and training do.
    """
    done = 0
    after: int | None = 0
    while after is not None:
        after, count = rescore_batch(session, engine, after=after, batch=batch)
        done += count
    return done


def rescore_batch(
    session: Session, engine: TextModels, *, after: int, batch: int = RESCORE_BATCH
) -> tuple[int | None, int]:
    """Re-score the next ``batch`` cached comments after answer id ``after``.

    Returns the last answer id done (``None`` when none was left) and how many analyses
    were re-scored.
    """
    rows = repo.vector_batch(session, engine.embedding_model, after=after, limit=batch)
    if not rows:
        return None, 0
    taxonomy = company_taxonomy(session)
    vectors = embed_taxonomy(taxonomy, engine.embedder, cache=engine.theme_cache)
    last = rows[-1][0]
    analyses = repo.latest_analyses(session, [r[0] for r in rows])
    rows = [r for r in rows if r[0] in analyses]
    if not rows:
        return last, 0
    matrix = decode_many([(r[1], r[2]) for r in rows], engine.embedder.dim)
    found = theme_hits(score_themes(matrix, vectors), taxonomy.keys, limit=MAX_THEMES)
    previous = repo.hits_of(session, [analyses[r[0]].id for r in rows])
    for row, hits in zip(rows, found, strict=True):
        analysis = analyses[row[0]]
        before = {h.theme_key: h for h in previous[analysis.id]}
        repo.replace_hits(
            session,
            analysis.id,
            [_hit(key, score, before.get(key), analysis) for key, score in hits],
        )
    return last, len(rows)


def _hit(key: str, score: float, old: object, analysis: TextAnalysis) -> dict[str, object]:
    sentiment = getattr(old, "sentiment", None) or analysis.sentiment
    value = getattr(old, "sentiment_score", None)
    return {
        "theme_key": key,
        "score": float(score),
        "sentiment": sentiment,
        "sentiment_score": float(value if value is not None else analysis.sentiment_score),
    }


# --- theme management ----------------------------------------------------------------------


def _examples(examples: dict[str, list[str]] | list[str] | None) -> dict[str, list[str]]:
    if examples is None:
        return {}
    if isinstance(examples, list):
        return {"any": [e for e in examples if e.strip()]} if examples else {}
    return {str(k): [str(e) for e in v if str(e).strip()] for k, v in examples.items()}


def get_theme(session: Session, key: str) -> TextTheme:
    """The theme ``key`` (or the theme with that name); NotFoundError when none."""
    ensure_themes(session)
    row = repo.theme_by_key(session, key) or repo.theme_by_key(session, theme_key(key))
    if row is None:
        raise NotFoundError(f"no theme {key!r}")
    return row


def add_theme(
    session: Session,
    name: str,
    description: str = "",
    examples: dict[str, list[str]] | list[str] | None = None,
    *,
    status: str = "active",
    source: str = "user",
    details: dict[str, object] | None = None,
    key: str | None = None,
) -> TextTheme:
    """Add a theme to the company's taxonomy (re-score afterwards to apply it)."""
    ensure_themes(session)
    checked = Theme.create(name, description, _examples(examples), key=key)
    existing = repo.theme_by_key(session, checked.key)
    if existing is not None and existing.status != "merged":
        raise InputError(
            f"a theme {checked.key!r} exists already",
            Location(field="name"),
            expected="a new theme name (or edit the existing theme)",
        )
    if existing is not None:  # re-adding a name that was merged away
        session.delete(existing)
        session.flush()
    row = TextTheme(
        key=checked.key,
        name=checked.name,
        description=checked.description,
        examples=_examples(examples),
        status=status,
        source=source,
        threshold=None,
        details=dict(details or {}),
        created_at=now(),
        updated_at=now(),
    )
    session.add(row)
    session.flush()
    return row


def edit_theme(
    session: Session,
    key: str,
    *,
    name: str | None = None,
    description: str | None = None,
    examples: dict[str, list[str]] | list[str] | None = None,
) -> TextTheme:
    """Change a theme's name, description or examples (its key stays)."""
    row = get_theme(session, key)
    if name is not None:
        if not name.strip():
            raise InputError("a theme needs a name", Location(field="name"), expected="a name")
        row.name = name.strip()
    if description is not None:
        row.description = description.strip()
    if examples is not None:
        row.examples = _examples(examples)
    row.threshold = None  # the texts changed: the learned threshold no longer applies
    row.updated_at = now()
    session.flush()
    return row


def accept_theme(session: Session, key: str) -> TextTheme:
    """Apply a theme proposed by discovery."""
    row = get_theme(session, key)
    row.status = "active"
    row.updated_at = now()
    session.flush()
    return row


def merge_themes(
    session: Session, keys: Sequence[str], *, into: str, name: str | None = None
) -> TextTheme:
    """Fold themes ``keys`` into ``into``: examples pooled, the others marked merged."""
    target = get_theme(session, into)
    sources = [get_theme(session, k) for k in keys]
    taxonomy = Taxonomy([to_theme(target), *(to_theme(s) for s in sources if s.key != target.key)])
    merged = taxonomy.merge([s.key for s in sources], into=target.key, name=name).get(target.key)
    target.name = merged.name
    target.description = merged.description
    target.examples = {k: list(v) for k, v in merged.examples.items()}
    target.threshold = None
    target.updated_at = now()
    for source in sources:
        if source.key == target.key:
            continue
        source.status = "merged"
        source.merged_into = target.key
        source.updated_at = now()
        repo.delete_hits_of_theme(session, source.key)
    session.flush()
    return target


def delete_theme(session: Session, key: str) -> None:
    """Delete a theme and its hits."""
    row = get_theme(session, key)
    repo.delete_hits_of_theme(session, row.key)
    session.delete(row)
    session.flush()


# --- labels --------------------------------------------------------------------------------


def add_label(
    session: Session,
    answer_id: int,
    *,
    sentiment: str | None = None,
    themes: Sequence[str] | None = None,
    labelled_by: str | None = None,
) -> TextLabel:
    """Record the team's label of a comment (its sentiment and/or its themes)."""
    if sentiment is None and themes is None:
        raise InputError(
            "a label needs a sentiment or themes",
            Location(field="sentiment"),
            expected="--sentiment and/or --theme",
        )
    if sentiment is not None and sentiment not in SENTIMENTS:
        raise InputError(
            f"unknown sentiment {sentiment!r}",
            Location(field="sentiment"),
            expected=" or ".join(SENTIMENTS),
        )
    if not repo.answer_exists(session, answer_id):
        raise NotFoundError(f"no comment {answer_id}")
    keys = None if themes is None else [get_theme(session, t).key for t in themes]
    row = TextLabel(
        answer_id=answer_id,
        sentiment=sentiment,
        themes=keys,
        labelled_by=labelled_by,
        labelled_at=now(),
    )
    session.add(row)
    session.flush()
    return row


# --- reading -------------------------------------------------------------------------------


def comments_with_analyses(
    session: Session,
    *,
    language: str | None = None,
    theme: str | None = None,
    sentiment: str | None = None,
    limit: int = 50,
    offset: int = 0,
    scope: Mapping[str, Sequence[str]] | None = None,
) -> list[tuple[repo.Comment, TextAnalysis | None, list[tuple[str, float, str | None]]]]:
    """Comments (newest first) with their latest analysis and its theme hits (only those of
    customers within ``scope``, a user's data scope, when given)."""
    key = get_theme(session, theme).key if theme is not None else None
    rows = repo.list_comments(
        session,
        language=language,
        theme=key,
        sentiment=sentiment,
        limit=limit,
        offset=offset,
        scope=scope,
    )
    hits = repo.hits_of(session, [a.id for _, a in rows if a is not None])
    return [
        (c, a, [(h.theme_key, h.score, h.sentiment) for h in hits[a.id]] if a else [])
        for c, a in rows
    ]
