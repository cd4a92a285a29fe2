"""Request-scoped dependencies: one unit of work (transaction) per request."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import Request
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from cxlens.core.settings import Settings
from cxlens.db import unit_of_work


def get_settings(request: Request) -> Settings:
    """The settings the app was built with."""
    settings: Settings = request.app.state.settings
    return settings


def get_session(request: Request) -> Iterator[Session]:
    """A session inside one transaction, committed when the request succeeds."""
    engine: Engine = request.app.state.engine
    with unit_of_work(engine) as session:
        yield session
