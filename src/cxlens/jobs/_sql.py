"""Small SQL helpers shared by the queue, the ledger and the schedules (both backends)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import InstrumentedAttribute, Session

from cxlens.core.errors import ConfigurationError
from cxlens.models import Base


def insert_if_absent(
    session: Session,
    model: type[Base],
    values: dict[str, Any],
    unique: InstrumentedAttribute[Any] | Column[Any],
) -> int | None:
    """Insert one row unless a row with the same ``unique`` value exists.

    ``INSERT … ON CONFLICT DO NOTHING RETURNING id`` on SQLite and PostgreSQL: the id of the
    new row, or ``None`` when the row existed (on PostgreSQL a concurrent uncommitted insert
    of the same key is waited for, so two transactions never both insert).
    """
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        pg = (
            postgresql.insert(model)
            .values(**values)
            .on_conflict_do_nothing(index_elements=[unique])
        )
        row = session.execute(pg.returning(model.__table__.c.id)).first()
    elif dialect == "sqlite":
        lite = sqlite.insert(model).values(**values).on_conflict_do_nothing(index_elements=[unique])
        row = session.execute(lite.returning(model.__table__.c.id)).first()
    else:  # pragma: no cover - make_engine accepts only these two
        raise ConfigurationError(f"unsupported database {dialect!r} for the job queue")
    return None if row is None else int(row[0])
