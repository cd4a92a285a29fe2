"""Request-scoped dependencies: a read-only session per request, and the process's writer.

Reads run in :data:`ReadSession` (a read-only transaction, closed before the response goes
out). Every write goes through :data:`WriterDep`: the route hands its write to
``writer.write(fn)`` (``await writer.run(fn)`` from an ``async`` route), which returns
once the transaction that ran ``fn`` committed, so a response never acknowledges a write
that is not in the database. There is no session that writes and commits after the
response.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from cxlens.core.clock import Clock, SystemClock
from cxlens.core.settings import Settings
from cxlens.db import Writer, read_only, writer_for


def get_settings(request: Request) -> Settings:
    """The settings the app was built with."""
    settings: Settings = request.app.state.settings
    return settings


def get_read_session(request: Request) -> Iterator[Session]:
    """A read-only session for the request (a write in it fails: use the writer)."""
    engine: Engine = request.app.state.engine
    with read_only(engine) as session:
        yield session


def get_writer(request: Request) -> Writer:
    """The writer of the app's database in this process (group commit, SQLite gate)."""
    engine: Engine = request.app.state.engine
    return writer_for(engine)


def get_clock(request: Request) -> Clock:
    """The app's clock (``create_app(clock=…)``; the system clock by default)."""
    clock: Clock | None = getattr(request.app.state, "clock", None)
    return clock or SystemClock()


#: The request's read-only session; ``scope="function"``: closed before the response is sent.
ReadSession = Annotated[Session, Depends(get_read_session, scope="function")]
WriterDep = Annotated[Writer, Depends(get_writer)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
ClockDep = Annotated[Clock, Depends(get_clock)]
