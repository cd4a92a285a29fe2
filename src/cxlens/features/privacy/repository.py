"""The SQL of privacy: rows reached through the customer map, their deletion, and the
clean-up of the file afterwards (SQLite secure delete and checkpoint, PostgreSQL VACUUM).

Tables are taken by name from the models' metadata (the map in :mod:`.datamap` names them),
so one small set of functions serves every table. Ids go into ``IN (...)`` in chunks, well
under every backend's parameter limit.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from typing import Any

from sqlalchemy import (
    Column,
    Engine,
    String,
    Table,
    cast,
    delete,
    func,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.orm import Session

from cxlens.models import AuditEntry, Base, Delivery, Job
from cxlens.models.text import TextTheme

#: Ids per ``IN (...)`` query.
CHUNK = 500


def table(name: str) -> Table:
    """The table called ``name`` (a ``KeyError`` when no model defines it)."""
    return Base.metadata.tables[name]


def primary_key(name: str) -> Column[Any]:
    """The one primary-key column of table ``name``."""
    (column,) = table(name).primary_key.columns
    return column


def _chunks(ids: Iterable[Any]) -> Iterable[list[Any]]:
    values = sorted(set(ids))
    for i in range(0, len(values), CHUNK):
        yield values[i : i + CHUNK]


def ids_pointing_at(
    session: Session, name: str, column: str, parent_ids: Collection[Any]
) -> set[Any]:
    """The primary keys of the rows of ``name`` whose ``column`` is one of ``parent_ids``."""
    t = table(name)
    pk = primary_key(name)
    found: set[Any] = set()
    for part in _chunks(parent_ids):
        found.update(session.execute(select(pk).where(t.c[column].in_(part))).scalars())
    return found


def rows_by_id(session: Session, name: str, ids: Collection[Any]) -> list[dict[str, Any]]:
    """The rows of ``name`` with these primary keys, every column, in key order."""
    t = table(name)
    pk = primary_key(name)
    rows: list[dict[str, Any]] = []
    for part in _chunks(ids):
        result = session.execute(select(t).where(pk.in_(part)).order_by(pk))
        rows.extend(dict(r) for r in result.mappings())
    return rows


def delete_by_id(session: Session, name: str, ids: Collection[Any]) -> int:
    """Delete the rows of ``name`` with these primary keys; how many went."""
    pk = primary_key(name)
    deleted = 0
    for part in _chunks(ids):
        result = session.execute(delete(table(name)).where(pk.in_(part)))
        deleted += int(getattr(result, "rowcount", 0) or 0)
    return deleted


def clear_pointer(session: Session, name: str, column: str, parent_ids: Collection[Any]) -> int:
    """Set ``column`` to NULL in the rows of ``name`` pointing at ``parent_ids``; how many."""
    t = table(name)
    cleared = 0
    for part in _chunks(parent_ids):
        result = session.execute(update(t).where(t.c[column].in_(part)).values({column: None}))
        cleared += int(getattr(result, "rowcount", 0) or 0)
    return cleared


def send_jobs(session: Session, kinds: Sequence[str], invitation_ids: Collection[int]) -> list[Job]:
    """The jobs of ``kinds`` (send jobs) whose payload names one of ``invitation_ids``."""
    found: list[Job] = []
    named = Job.payload["invitation_id"].as_integer()
    for part in _chunks(invitation_ids):
        query = select(Job).where(Job.kind.in_(list(kinds)), named.in_(part)).order_by(Job.id)
        found.extend(session.execute(query).scalars())
    return found


def deliveries_of_invitations(session: Session, invitation_ids: Collection[int]) -> list[Delivery]:
    """The delivery-ledger entries keyed by one of ``invitation_ids``.

    A send's key is ``<channel>:invitation:<id>:<attempt>`` (see the distribution tasks).
    """
    found: list[Delivery] = []
    values = sorted(set(invitation_ids))
    for i in range(0, len(values), 100):
        patterns = [Delivery.key.like(f"%:invitation:{v}:%") for v in values[i : i + 100]]
        found.extend(session.execute(select(Delivery).where(or_(*patterns))).scalars())
    return sorted(found, key=lambda d: d.id)


def themes(session: Session) -> list[TextTheme]:
    """Every theme of the taxonomy (a small table), in id order."""
    return list(session.execute(select(TextTheme).order_by(TextTheme.id)).scalars())


def _like(needle: str) -> str:
    escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def audit_entries_mentioning(session: Session, needles: Sequence[str]) -> list[AuditEntry]:
    """Audit entries whose target or details contain one of ``needles`` (in any case)."""
    wanted = [n for n in needles if n]
    if not wanted:
        return []
    details = func.lower(cast(AuditEntry.details, String))
    target = func.lower(AuditEntry.target)
    clauses = []
    for needle in wanted:
        pattern = _like(needle.lower())
        clauses.append(target.like(pattern, escape="\\"))
        clauses.append(details.like(pattern, escape="\\"))
    query = select(AuditEntry).where(or_(*clauses)).order_by(AuditEntry.id)
    return list(session.execute(query).scalars())


def set_secure_delete(session: Session, on: bool) -> bool | None:
    """SQLite: overwrite deleted content with zeros on this session's connection from now
    on (``PRAGMA secure_delete``); returns the setting before. Other backends: ``None``."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return None
    before = connection.exec_driver_sql("PRAGMA secure_delete").scalar()
    connection.exec_driver_sql(f"PRAGMA secure_delete={1 if on else 0}")
    return bool(before)


def foreign_key_violations(session: Session) -> list[tuple[Any, ...]]:
    """SQLite: the rows ``PRAGMA foreign_key_check`` reports (PostgreSQL enforces every
    foreign key at once, so there is nothing to report: an empty list)."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return []
    return [tuple(r) for r in connection.exec_driver_sql("PRAGMA foreign_key_check")]


def reclaim(engine: Engine, tables: Sequence[str]) -> str:
    """After a committed erasure, make the freed space unreadable; says what was done.

    SQLite: ``PRAGMA wal_checkpoint(TRUNCATE)`` copies the zeroed pages into the database
    file and empties the WAL, where the older versions of those pages still were (it
    cannot finish while another connection reads an older snapshot: then it says so).
    PostgreSQL: ``VACUUM`` of ``tables``, outside any transaction, so the dead row
    versions are reclaimed now rather than by autovacuum later.
    """
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:
            busy, _log, _done = connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
        if busy:
            return "WAL checkpoint could not finish (a reader is open): run it again later"
        return "WAL checkpointed and truncated"
    names = ", ".join(engine.dialect.identifier_preparer.quote(table(n).name) for n in tables)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(f"VACUUM {names}"))
    return f"VACUUM of {len(tables)} tables"
