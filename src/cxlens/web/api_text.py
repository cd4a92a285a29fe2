"""REST API of text analytics: comments with their analyses, themes, discovery, labels."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from cxlens.db import read_only
from cxlens.features.accounts import AuditAction, Principal, record_audit
from cxlens.features.accounts.permissions import Permission
from cxlens.features.insights import repository, service
from cxlens.features.insights.discovery import find_clusters, store_proposals
from cxlens.features.insights.schemas import (
    AnalysisOut,
    CommentOut,
    LabelIn,
    LabelOut,
    MergeIn,
    ThemeHitOut,
    ThemeIn,
    ThemeOut,
    ThemePatch,
)
from cxlens.features.insights.tasks import enqueue_rescore
from cxlens.features.insights.text_models import TextModels, load_text_models
from cxlens.models.text import TextTheme
from cxlens.web.auth import Reader, requires
from cxlens.web.deps import WriterDep
from cxlens.web.errors import problem_responses

router = APIRouter(prefix="/api/v1", tags=["text"])


def get_text_models(request: Request) -> TextModels:
    """The app's text models (``app.state.text_models``; the default one, built once)."""
    models: TextModels | None = getattr(request.app.state, "text_models", None)
    if models is None:
        models = load_text_models()
        request.app.state.text_models = models
    return models


TextModelsDep = Annotated[TextModels, Depends(get_text_models)]
#: The caller of a route that edits themes or labels (recorded in the audit log).
Editor = Annotated[Principal, requires(Permission.EDIT_INSIGHTS)]


def _theme(row: TextTheme) -> ThemeOut:
    return ThemeOut(
        key=row.key,
        name=row.name,
        description=row.description,
        examples={k: list(v) for k, v in (row.examples or {}).items()},
        status=row.status,
        source=row.source,
        threshold=row.threshold,
        merged_into=row.merged_into,
        details=dict(row.details or {}),
    )


@router.get(
    "/comments",
    response_model=list[CommentOut],
    summary="Comments and analyses",
    responses=problem_responses(401, 403, 404, 422),
)
def get_comments(
    request: Request,
    writer: WriterDep,
    caller: Reader,
    language: str | None = None,
    theme: str | None = None,
    sentiment: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[CommentOut]:
    """Comments, newest first, with language, sentiment and themes of their latest analysis
    (a caller with a data scope sees only the comments of customers within it)."""
    engine = _seeded(request, writer) if theme is not None else request.app.state.engine
    with read_only(engine) as session:
        rows = service.comments_with_analyses(
            session,
            language=language,
            theme=theme,
            sentiment=sentiment,
            limit=limit,
            offset=offset,
            scope=caller.data_scope,
        )
    return [
        CommentOut(
            id=c.answer_id,
            text=c.text,
            analysis=None
            if a is None
            else AnalysisOut(
                language=a.language,
                language_confidence=a.language_confidence,
                sentiment=a.sentiment,
                sentiment_score=a.sentiment_score,
                themes=[ThemeHitOut(theme=k, score=s, sentiment=m) for k, s, m in hits],
                model=a.model,
            ),
        )
        for c, a, hits in rows
    ]


def _seeded(request: Request, writer: WriterDep) -> Engine:
    """The app's engine, once the default taxonomy is seeded (a write, the first time only).

    Routes that read themes call this before they open their read session: a read
    session is never held while waiting for the writer.
    """
    engine: Engine = request.app.state.engine
    with read_only(engine) as session:
        seeded = repository.count_themes(session) > 0
    if not seeded:
        writer.write(service.ensure_themes)
    return engine


@router.get(
    "/themes",
    response_model=list[ThemeOut],
    summary="The company's themes",
    responses=problem_responses(401, 403, 422),
    dependencies=[requires(Permission.READ)],
)
def get_themes(
    request: Request, writer: WriterDep, status: str | None = "active"
) -> list[ThemeOut]:
    """Themes (``status``: active, proposed, merged; empty for all)."""
    with read_only(_seeded(request, writer)) as session:
        return [_theme(t) for t in repository.themes(session, status=status or None)]


def _audit(
    session: Session, caller: Principal, action: AuditAction, target: str, **details: object
) -> None:
    record_audit(session, action, actor=caller, source="api", target=target, details=details)


def _edit(
    writer: WriterDep,
    caller: Principal,
    action: AuditAction,
    change: Callable[[Session], TextTheme],
    **details: object,
) -> ThemeOut:
    """Run a theme change, audit it and enqueue the re-scoring it needs, in one transaction.

    The worker re-scores in short batches (``insights.rescore``): the request does not
    hold the write lock for it.
    """

    def job(session: Session) -> ThemeOut:
        row = change(session)
        _audit(session, caller, action, row.key, **details)
        enqueue_rescore(session)
        return _theme(row)

    return writer.write(job)


@router.post(
    "/themes",
    response_model=ThemeOut,
    status_code=201,
    summary="Add a theme",
    responses=problem_responses(401, 403, 404, 422, 503),
)
def post_theme(body: ThemeIn, writer: WriterDep, caller: Editor) -> ThemeOut:
    """Add a theme; the worker then re-scores every comment from its cached embedding."""
    return _edit(
        writer,
        caller,
        AuditAction.THEME_ADDED,
        lambda s: service.add_theme(s, body.name, body.description, body.examples),
    )


@router.patch(
    "/themes/{key}",
    response_model=ThemeOut,
    summary="Edit or accept a theme",
    responses=problem_responses(401, 403, 404, 422, 503),
)
def patch_theme(key: str, body: ThemePatch, writer: WriterDep, caller: Editor) -> ThemeOut:
    """Change a theme's name, description or examples, or accept a proposed one (the worker
    then re-scores the comments)."""

    def change(session: Session) -> TextTheme:
        if body.accept:
            service.accept_theme(session, key)
        return service.edit_theme(
            session, key, name=body.name, description=body.description, examples=body.examples
        )

    return _edit(writer, caller, AuditAction.THEME_EDITED, change)


@router.delete(
    "/themes/{key}",
    status_code=204,
    summary="Delete a theme",
    responses=problem_responses(401, 403, 404, 422),
)
def delete_theme(key: str, writer: WriterDep, caller: Editor) -> None:
    """Delete a theme and its hits."""

    def job(session: Session) -> None:
        service.delete_theme(session, key)
        _audit(session, caller, AuditAction.THEME_DELETED, key)

    writer.write(job)


@router.post(
    "/themes/merge",
    response_model=ThemeOut,
    summary="Merge themes",
    responses=problem_responses(401, 403, 404, 422, 503),
)
def merge_themes(body: MergeIn, writer: WriterDep, caller: Editor) -> ThemeOut:
    """Fold themes into one; the worker then re-scores the comments from the cache."""
    return _edit(
        writer,
        caller,
        AuditAction.THEME_MERGED,
        lambda s: service.merge_themes(s, body.keys, into=body.into, name=body.name),
        merged=list(body.keys),
    )


@router.post(
    "/themes/discover",
    response_model=list[ThemeOut],
    summary="Discover themes",
    responses=problem_responses(401, 403, 503),
)
def discover_themes(
    request: Request, writer: WriterDep, models: TextModelsDep, caller: Editor
) -> list[ThemeOut]:
    """Cluster the comments no theme matched; proposals are stored, not applied.

    The clustering runs in a read session; only storing the proposals takes the writer, so
    submissions are never kept waiting behind it.
    """
    with read_only(_seeded(request, writer)) as session:
        found = find_clusters(session, models)

    def job(session: Session) -> list[ThemeOut]:
        store_proposals(session, models, found)
        _audit(
            session, caller, AuditAction.THEMES_DISCOVERED, "themes", proposals=len(found.proposals)
        )
        return [_theme(t) for t in repository.themes(session, status="proposed")]

    return writer.write(job)


@router.post(
    "/comments/{comment_id}/labels",
    response_model=LabelOut,
    status_code=201,
    summary="Label a comment",
    responses=problem_responses(401, 403, 404, 422),
)
def post_label(comment_id: int, body: LabelIn, writer: WriterDep, caller: Editor) -> LabelOut:
    """Label a comment's sentiment and/or themes (``cxlens text train`` learns from labels)."""

    def job(session: Session) -> LabelOut:
        row = service.add_label(
            session,
            comment_id,
            sentiment=body.sentiment,
            themes=body.themes,
            labelled_by=body.labelled_by or caller.email,
        )
        _audit(
            session,
            caller,
            AuditAction.COMMENT_LABELLED,
            str(comment_id),
            sentiment=body.sentiment,
            themes=None if body.themes is None else list(body.themes),
        )
        return LabelOut(
            id=row.id, comment_id=row.answer_id, sentiment=row.sentiment, themes=row.themes
        )

    return writer.write(job)
