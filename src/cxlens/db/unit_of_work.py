"""One transaction per request, command or job: committed at the edge, rolled back on error."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker


@contextmanager
def unit_of_work(engine: Engine) -> Iterator[Session]:
    """A session whose transaction commits when the block succeeds and rolls back on error.

    Services flush, never commit: everything done in the block is one transaction.
    """
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    session = factory()
    try:
        with session.begin():
            yield session
    finally:
        session.close()
