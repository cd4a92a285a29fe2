"""``cxlens text`` commands on the store: backfill, label, train, themes, discover.

The integrator adds them to the ``text`` group with :func:`register_commands`. Each parses
its options, calls the insights feature, and renders the result.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from cxlens.cli.common import fail, load_settings, store, store_session
from cxlens.cli.output import DataTable, console, print_json, say, show
from cxlens.core.errors import CxlensError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from cxlens.features.insights.text_models import TextModels

themes_app = typer.Typer(
    rich_markup_mode=None, help="The company's themes: list, add, edit, merge, delete, accept."
)
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON object.")]

#: Tests (and embedders) set this to use other text models than the default ones.
TEXT_MODELS: list[TextModels] = []


def _text_models() -> TextModels:
    from cxlens.features.insights.text_models import load_text_models

    if not TEXT_MODELS:
        TEXT_MODELS.append(load_text_models())
    return TEXT_MODELS[0]


class BackfillBackend(StrEnum):
    """Where a backfill embeds comments."""

    default = "default"
    gpu = "gpu"


def backfill(
    batch: Annotated[int, typer.Option("--batch", min=1)] = 256,
    backend: Annotated[
        BackfillBackend,
        typer.Option(
            "--backend",
            help="default: CPU. gpu: the same model on a CUDA GPU (pip install 'cxlens[gpu]'),"
            " same results and model stamp, for very large backfills.",
        ),
    ] = BackfillBackend.default,
) -> None:
    """Analyse every comment not yet analysed by the current model (resumable)."""
    from cxlens.db import make_engine, upgrade
    from cxlens.features.insights import backfill as run
    from cxlens.features.insights.text_models import load_text_models

    try:
        models = _text_models() if backend is BackfillBackend.default else load_text_models("gpu")
    except CxlensError as exc:
        raise fail(exc) from None
    db = make_engine(load_settings())
    try:
        upgrade(db)
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
        )

        with Progress(
            TextColumn("analysing comments"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=console,
        ) as progress:
            task = progress.add_task("comments", total=None)

            def start(pending: int, model: str) -> None:
                progress.update(task, total=pending)

            report = run(
                db,
                models,
                batch=batch,
                on_start=start,
                on_batch=lambda n: progress.advance(task, n),
            )
    except CxlensError as exc:
        raise fail(exc) from exc
    finally:
        db.dispose()
    say(f"{report.analysed} comments analysed with {report.model}")


def label(
    comment_id: int,
    sentiment: Annotated[str | None, typer.Option("--sentiment")] = None,
    theme: Annotated[list[str] | None, typer.Option("--theme")] = None,
    by: Annotated[str | None, typer.Option("--by", help="Who labels.")] = None,
) -> None:
    """Label a comment's sentiment and/or themes."""
    from cxlens.features.accounts import AuditAction, record_audit
    from cxlens.features.insights import add_label

    try:
        with store_session() as session:
            add_label(session, comment_id, sentiment=sentiment, themes=theme, labelled_by=by)
            details = {"sentiment": sentiment, "themes": theme}
            record_audit(
                session, AuditAction.COMMENT_LABELLED, target=str(comment_id), details=details
            )
    except CxlensError as exc:
        raise fail(exc) from exc
    say(f"comment {comment_id} labelled")


def train_command(json_output: JsonOpt = False) -> None:
    """Learn from the team's labels: a company sentiment head, theme thresholds."""
    from cxlens.features.insights import train

    try:
        with store_session() as session:
            report = train(session, _text_models())
    except CxlensError as exc:
        raise fail(exc) from exc
    data = {
        "labels": report.labels,
        "head_version": report.head_version,
        "head_active": report.head_active,
        "accuracy_base": report.accuracy_base,
        "accuracy_head": report.accuracy_head,
        "thresholds": report.thresholds,
    }
    if json_output:
        print_json(data)
        return
    for key, value in data.items():
        say(f"{key}: {value}")


def discover_command(json_output: JsonOpt = False) -> None:
    """Propose new themes from the comments no theme matched."""
    from cxlens.db import read_only, unit_of_work
    from cxlens.features.insights import ensure_themes, find_clusters, store_proposals

    try:
        with store(load_settings(), migrate=True) as db:
            with unit_of_work(db) as session:
                ensure_themes(session)
            with read_only(db) as session:  # the slow part holds no write lock
                clusters = find_clusters(session, _text_models())
            with unit_of_work(db) as session:
                found = store_proposals(session, _text_models(), clusters)
    except CxlensError as exc:
        raise fail(exc) from exc
    if json_output:
        print_json(
            {
                "proposals": [
                    {
                        "key": p.key,
                        "keywords": list(p.keywords),
                        "size": p.size,
                        "verbatims": list(p.verbatims),
                    }
                    for p in found
                ]
            }
        )
        return
    for p in found:
        say((p.key, "bold"), f" ({p.size}): {', '.join(p.keywords)}")
        for verbatim in p.verbatims:
            say(f"  “{verbatim}”")


@themes_app.command("list")
def themes_list(
    status: Annotated[str, typer.Option("--status")] = "active", json_output: JsonOpt = False
) -> None:
    """List themes (active, proposed or merged)."""
    from cxlens.features.insights import repository
    from cxlens.features.insights.service import ensure_themes

    with store_session() as session:
        ensure_themes(session)
        rows = [
            (t.key, t.name, t.source, t.status) for t in repository.themes(session, status=status)
        ]
    if json_output:
        print_json(
            {
                "themes": [
                    dict(zip(("key", "name", "source", "status"), r, strict=True)) for r in rows
                ]
            }
        )
        return
    table = DataTable(title="Themes", title_justify="left")
    for column in ("key", "name", "source", "status"):
        table.add_column(column)
    for row in rows:
        table.add_row(*row)
    show(table)


@contextmanager
def _then_rescore() -> Iterator[tuple[Session, list[int]]]:
    """A unit of work for a theme change; once it committed, every comment re-scored in
    short transactions (``rescore_in_batches``: the write lock is never held for all of
    them). The list given receives the number re-scored."""
    from cxlens.db import unit_of_work
    from cxlens.features.insights import rescore_in_batches

    rescored: list[int] = []
    with store(load_settings(), migrate=True) as db:
        with unit_of_work(db) as session:
            yield session, rescored
        rescored.append(rescore_in_batches(db, _text_models()))


@themes_app.command("add")
def themes_add(
    name: str,
    description: Annotated[str, typer.Option("--description")] = "",
    example: Annotated[list[str] | None, typer.Option("--example")] = None,
) -> None:
    """Add a theme; comments are re-scored from their cached embeddings."""
    from cxlens.features.accounts import AuditAction, record_audit
    from cxlens.features.insights import add_theme

    try:
        with _then_rescore() as (session, rescored):
            row = add_theme(session, name, description, list(example or []))
            key = row.key
            record_audit(session, AuditAction.THEME_ADDED, target=key)
        count = rescored[0]
    except CxlensError as exc:
        raise fail(exc) from exc
    say(f"theme {key} added; {count} comments re-scored")


@themes_app.command("edit")
def themes_edit(
    key: str,
    name: Annotated[str | None, typer.Option("--name")] = None,
    description: Annotated[str | None, typer.Option("--description")] = None,
    example: Annotated[list[str] | None, typer.Option("--example")] = None,
    accept: Annotated[bool, typer.Option("--accept", help="Apply a proposed theme.")] = False,
) -> None:
    """Edit a theme (or accept a proposed one); comments are re-scored."""
    from cxlens.features.accounts import AuditAction, record_audit
    from cxlens.features.insights import accept_theme, edit_theme

    try:
        with _then_rescore() as (session, _):
            if accept:
                accept_theme(session, key)
            edit_theme(session, key, name=name, description=description, examples=example)
            record_audit(session, AuditAction.THEME_EDITED, target=key)
    except CxlensError as exc:
        raise fail(exc) from exc
    say(f"theme {key} saved")


@themes_app.command("merge")
def themes_merge(
    keys: list[str],
    into: Annotated[str, typer.Option("--into")],
    name: Annotated[str | None, typer.Option("--name")] = None,
) -> None:
    """Merge themes into one; comments are re-scored."""
    from cxlens.features.accounts import AuditAction, record_audit
    from cxlens.features.insights import merge_themes

    try:
        with _then_rescore() as (session, _):
            merge_themes(session, keys, into=into, name=name)
            details = {"merged": list(keys)}
            record_audit(session, AuditAction.THEME_MERGED, target=into, details=details)
    except CxlensError as exc:
        raise fail(exc) from exc
    say(f"merged into {into}")


@themes_app.command("delete")
def themes_delete(key: str) -> None:
    """Delete a theme and its hits."""
    from cxlens.features.accounts import AuditAction, record_audit
    from cxlens.features.insights import delete_theme

    try:
        with store_session() as session:
            delete_theme(session, key)
            record_audit(session, AuditAction.THEME_DELETED, target=key)
    except CxlensError as exc:
        raise fail(exc) from exc
    say(f"theme {key} deleted")


def register_commands(text_app: typer.Typer) -> None:
    """Add backfill, label, train, discover and the ``themes`` group to ``text_app``."""
    text_app.command("backfill")(backfill)
    text_app.command("label")(label)
    text_app.command("train")(train_command)
    text_app.command("discover")(discover_command)
    text_app.add_typer(themes_app, name="themes")


insights_app = typer.Typer(
    rich_markup_mode=None, help="Text analytics in the store.", no_args_is_help=True
)
register_commands(insights_app)
