"""Helpers every command group shares: errors, the store, settings, common options, tables."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from cxlens.cli.output import IDENTIFIERS as IDENTIFIERS
from cxlens.cli.output import print_error
from cxlens.cli.output import table as table
from cxlens.core.errors import CxlensError, InputError, Location

if TYPE_CHECKING:
    from pydantic import BaseModel
    from sqlalchemy.engine import Engine
    from sqlalchemy.orm import Session

    from cxlens.core.settings import Settings

# Each command imports what it uses inside its function, so ``cxlens --help`` and a light
# command never pay for pydantic-settings, SQLAlchemy, DuckDB, scipy or the text models
# (tests/cli/test_startup.py checks it, bench/cli_startup.py times it).

M = TypeVar("M", bound="BaseModel")


def fail(error: Exception) -> typer.Exit:
    """Print ``error`` on stderr; the exit to raise (2 for errors users cause, else 1)."""
    print_error(error)
    return typer.Exit(code=2 if isinstance(error, CxlensError) else 1)


def load_settings(min_n: int | None = None) -> Settings:
    """The settings (environment, ``.env``), with ``--min-n`` when given."""
    from cxlens.core.settings import Settings

    settings = Settings()
    if min_n is not None:
        settings = settings.model_copy(update={"min_n": min_n})
    return settings


@contextmanager
def store(settings: Settings, *, migrate: bool = False) -> Iterator[Engine]:
    """The store's engine, migrated to head when asked, disposed at the end."""
    from cxlens.db import make_engine, upgrade

    engine = make_engine(settings)
    try:
        if migrate:
            upgrade(engine)
        yield engine
    finally:
        engine.dispose()


@contextmanager
def store_session(settings: Settings | None = None) -> Iterator[Session]:
    """One unit of work on the store of ``settings`` (migrated to head first)."""
    from cxlens.db import unit_of_work

    with (
        store(settings or load_settings(), migrate=True) as engine,
        unit_of_work(engine) as session,
    ):
        yield session


class Channel(StrEnum):
    """The channels an invitation can be sent over from the command line."""

    email = "email"
    sms = "sms"
    web = "web"


JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON object.")]
SurveyOpt = Annotated[str, typer.Option("--survey", help="Survey key (see `survey list`).")]
ChannelOpt = Annotated[Channel, typer.Option("--channel", help="How to reach them.")]
TouchpointOpt = Annotated[
    str | None, typer.Option("--touchpoint", help="Touchpoint key (checkout, support ...).")
]
RemindersOpt = Annotated[
    int, typer.Option("--reminders", min=0, help="Reminders to send if there is no answer.")
]
IntervalOpt = Annotated[
    str, typer.Option("--reminder-interval", help="Time between reminders (3d, 36h ...).")
]


def short_time(moment: datetime | None) -> str:
    """``2030-01-01 10:00 UTC`` (a naive moment is UTC); ``–`` for none."""
    if moment is None:
        return "–"
    aware = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return f"{aware:%Y-%m-%d %H:%M} UTC"


def validated(model: type[M], **data: Any) -> M:
    """``model(**data)``; a validation error becomes an InputError naming the field."""
    from pydantic import ValidationError

    try:
        return model(**data)
    except ValidationError as error:
        first = error.errors()[0]
        raise InputError(
            str(first["msg"]), Location(field=".".join(str(p) for p in first["loc"]))
        ) from None
