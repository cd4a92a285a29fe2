"""All SQL of the store importers: look-ups of existing rows and bulk inserts/updates.

Bulk writes use SQLAlchemy Core ``insert()``/``update()`` with executemany, and for the
largest tables (responses, answers) :func:`bulk_insert`: PostgreSQL ``COPY`` or the SQLite
driver's ``executemany`` straight from Arrow columns. Nothing here commits (the caller's unit
of work does).
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, TypeVar

import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv
from sqlalchemy import JSON, Table, bindparam, delete, func, insert, select, text, update
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeEngine

from cxlens.models import (
    Account,
    Answer,
    Customer,
    LifecycleEvent,
    Question,
    Referral,
    Response,
    SupportCase,
    Survey,
    SurveyVersion,
    Touchpoint,
    utcnow,
)

#: SQLite page cache during a bulk import, in KiB (SQLite's default is 2 MiB).
SQLITE_IMPORT_CACHE_KIB = 128 * 1024
#: Values per ``IN (...)`` look-up: well under SQLite's bound-parameter limit.
LOOKUP_CHUNK = 5_000

T = TypeVar("T")


def chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """``items`` in consecutive slices of at most ``size``."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _table(model: type[Any]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


# --- surveys -------------------------------------------------------------------------------


def find_survey(session: Session, name: str) -> Survey | None:
    """The survey called ``name``, if any."""
    return session.scalars(select(Survey).where(Survey.name == name)).first()


def add_survey(session: Session, name: str) -> Survey:
    """A new survey (flushed, so it has an id)."""
    survey = Survey(name=name, created_at=utcnow())
    session.add(survey)
    session.flush()
    return survey


def find_version(session: Session, survey_id: int, signature: str) -> SurveyVersion | None:
    """The version of a survey whose question definitions hash to ``signature``."""
    return session.scalars(
        select(SurveyVersion)
        .where(SurveyVersion.survey_id == survey_id, SurveyVersion.signature == signature)
        .order_by(SurveyVersion.version.desc())
    ).first()


def add_version(
    session: Session, survey_id: int, signature: str, questions: Sequence[Mapping[str, Any]]
) -> SurveyVersion:
    """A new version (numbered after the latest) with its questions."""
    latest = session.scalar(
        select(func.max(SurveyVersion.version)).where(SurveyVersion.survey_id == survey_id)
    )
    version = SurveyVersion(
        survey_id=survey_id, version=(latest or 0) + 1, signature=signature, created_at=utcnow()
    )
    session.add(version)
    session.flush()
    session.add_all(Question(survey_version_id=version.id, **q) for q in questions)
    session.flush()
    return version


def question_ids(session: Session, version_id: int) -> dict[str, int]:
    """Question key → id for a survey version."""
    rows = session.execute(
        select(Question.key, Question.id).where(Question.survey_version_id == version_id)
    )
    return {key: qid for key, qid in rows}


# --- reference data (touchpoints, accounts, customers) ------------------------------------


def ensure_touchpoints(session: Session, keys: Iterable[str]) -> dict[str, int]:
    """Touchpoint key → id, creating unknown keys at the end of the journey."""
    wanted = sorted(set(keys))
    found = {k: i for k, i in session.execute(select(Touchpoint.key, Touchpoint.id))}
    missing = [k for k in wanted if k not in found]
    if missing:
        last = session.scalar(select(func.max(Touchpoint.position))) or 0
        for offset, key in enumerate(missing, start=1):
            tp = Touchpoint(
                key=key, name=key.replace("_", " ").capitalize(), position=last + offset
            )
            session.add(tp)
        session.flush()
        found = {k: i for k, i in session.execute(select(Touchpoint.key, Touchpoint.id))}
    return {k: found[k] for k in wanted}


def ensure_accounts(session: Session, refs: Iterable[str]) -> dict[str, int]:
    """Account ref → id, creating accounts for unknown refs."""
    wanted = sorted(set(refs))
    found = _ids_by_ref(session, Account.account_ref, Account.id, wanted)
    missing = [r for r in wanted if r not in found]
    if missing:
        now = utcnow()
        session.execute(
            insert(_table(Account)), [{"account_ref": r, "created_at": now} for r in missing]
        )
        found.update(_ids_by_ref(session, Account.account_ref, Account.id, missing))
    return found


def customer_ids(session: Session, refs: Sequence[str]) -> dict[str, int]:
    """Customer ref → id for the refs that exist."""
    return _ids_by_ref(session, Customer.customer_ref, Customer.id, refs)


def ensure_customers(
    session: Session, refs: Iterable[str], accounts: Mapping[str, int | None] | None = None
) -> tuple[dict[str, int], int]:
    """Customer ref → id, creating bare customers for unknown refs; also the number created.

    ``accounts`` gives the account id of a new customer by its ref.
    """
    wanted = sorted(set(refs))
    found = customer_ids(session, wanted)
    missing = [r for r in wanted if r not in found]
    if missing:
        now = pa.scalar(utcnow(), pa.timestamp("us", tz="UTC"))
        rows = pa.table(
            {
                "customer_ref": pa.array(missing, pa.string()),
                "account_id": pa.array([(accounts or {}).get(r) for r in missing], pa.int64()),
                "attributes": pa.repeat(pa.scalar("{}"), len(missing)),
                "created_at": pa.repeat(now, len(missing)),
            }
        )
        bulk_insert(session, "customers", rows)
        found.update(customer_ids(session, missing))
    return found, len(missing)


def _ids_by_ref(session: Session, ref_col: Any, id_col: Any, refs: Sequence[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for part in chunks(list(refs), LOOKUP_CHUNK):
        out.update(
            {r: i for r, i in session.execute(select(ref_col, id_col).where(ref_col.in_(part)))}
        )
    return out


# --- responses ----------------------------------------------------------------------------


def existing_responses(
    session: Session, source: str, refs: Sequence[str]
) -> dict[str, tuple[int, str, int]]:
    """Ref → (id, content hash, survey id) of the ``refs`` already stored for ``source``."""
    out: dict[str, tuple[int, str, int]] = {}
    for part in chunks(refs, LOOKUP_CHUNK):
        rows = session.execute(
            select(
                Response.response_ref, Response.id, Response.content_hash, SurveyVersion.survey_id
            )
            .join(SurveyVersion, SurveyVersion.id == Response.survey_version_id)
            .where(Response.source == source, Response.response_ref.in_(part))
        )
        out.update({ref: (rid, digest, survey) for ref, rid, digest, survey in rows})
    return out


def update_responses(session: Session, rows: pa.Table) -> None:
    """Set every column of ``rows`` but ``id`` on the response with that ``id`` (executemany).

    ``dimensions`` is JSON text, as :func:`bulk_insert` takes it.
    """
    if rows.num_rows == 0:
        return
    table = _table(Response)
    names = [n for n in rows.column_names if n != "id"]
    values: dict[str, Any] = {n: bindparam(f"v_{n}") for n in names}
    stmt = update(table).where(table.c.id == bindparam("b_id")).values(values)
    columns = {n: rows.column(n).to_pylist() for n in rows.column_names}
    columns["dimensions"] = [json.loads(d) for d in columns["dimensions"]]
    params = [
        {"b_id": rid, **{f"v_{n}": columns[n][i] for n in names}}
        for i, rid in enumerate(columns["id"])
    ]
    session.connection().execute(stmt, params)


def response_answers(
    session: Session, response_ids: Sequence[int]
) -> list[tuple[int, int, str, float | None, str | None]]:
    """(answer id, response id, question key, value, text) of the answers of these responses."""
    out: list[tuple[int, int, str, float | None, str | None]] = []
    for part in chunks(response_ids, LOOKUP_CHUNK):
        rows = session.execute(
            select(Answer.id, Answer.response_id, Question.key, Answer.value, Answer.text)
            .join(Question, Question.id == Answer.question_id)
            .where(Answer.response_id.in_(part))
        )
        out.extend((a, r, k, v, t) for a, r, k, v, t in rows)
    return out


def delete_answers(session: Session, answer_ids: Sequence[int]) -> None:
    """Delete answers (their text analyses and labels go with them)."""
    table = _table(Answer)
    for part in chunks(answer_ids, LOOKUP_CHUNK):
        session.connection().execute(delete(table).where(table.c.id.in_(part)))


def update_answers(session: Session, rows: Sequence[Mapping[str, Any]]) -> None:
    """Set ``question_id`` and ``value`` of answers by ``id`` (executemany)."""
    if not rows:
        return
    table = _table(Answer)
    stmt = (
        update(table)
        .where(table.c.id == bindparam("b_id"))
        .values(question_id=bindparam("v_question_id"), value=bindparam("v_value"))
    )
    params = [
        {"b_id": r["id"], "v_question_id": r["question_id"], "v_value": r["value"]} for r in rows
    ]
    session.connection().execute(stmt, params)


def has_responses(session: Session, source: str) -> bool:
    """Whether any response of ``source`` is stored."""
    stmt = select(Response.id).where(Response.source == source).limit(1)
    return session.scalar(stmt) is not None


def allocate_response_ids(session: Session, count: int) -> pa.Array:
    """``count`` new response ids (int64), in one round trip.

    PostgreSQL: drawn from the id sequence. SQLite: ``max(id) + 1`` onwards; SQLite has one
    writer at a time, so a concurrent writer makes the insert fail (primary key or busy
    snapshot) rather than mix ids, and the transaction rolls back whole.
    """
    if count <= 0:
        return pa.array([], pa.int64())
    if session.get_bind().dialect.name == "postgresql":
        ids = session.scalars(
            text(
                "SELECT nextval(pg_get_serial_sequence('responses', 'id')) "
                "FROM generate_series(1, :n)"
            ),
            {"n": count},
        ).all()
        return pa.array(ids, pa.int64())
    last = session.scalar(select(func.max(Response.id))) or 0
    return pa.array(np.arange(last + 1, last + 1 + count, dtype=np.int64))


@contextmanager
def large_page_cache(session: Session) -> Iterator[None]:
    """On SQLite, a page cache of :data:`SQLITE_IMPORT_CACHE_KIB` while the block runs.

    Index updates in random key order (response refs, customer ids) need the index pages
    in memory: with SQLite's default 2 MiB cache a bulk import spends most of its time
    re-reading them. The connection's previous setting is restored afterwards.
    """
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        yield
        return
    previous = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql(f"PRAGMA cache_size = -{SQLITE_IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size = {int(previous or -2000)}")


def bulk_insert(session: Session, table_name: str, rows: pa.Table) -> None:
    """Insert the rows of an Arrow table into ``table_name`` (columns matched by name).

    The fast path of the largest tables: PostgreSQL gets one ``COPY ... (FORMAT csv)`` of
    the table written by Arrow; SQLite gets the driver's ``executemany`` of rows zipped from
    whole columns (timestamps formatted as SQLAlchemy stores them). Either way it runs on
    the session's connection, inside its transaction; values are stored as given (JSON
    columns take JSON text).
    """
    if rows.num_rows == 0:
        return
    connection = session.connection()
    driver: Any = connection.connection.driver_connection
    names = ", ".join(rows.column_names)
    if connection.dialect.name == "postgresql":
        buffer = io.BytesIO()
        options = pa_csv.WriteOptions(include_header=False, quoting_style="all_valid")
        pa_csv.write_csv(rows, buffer, options)
        with (
            driver.cursor() as cursor,
            cursor.copy(f"COPY {table_name} ({names}) FROM STDIN (FORMAT csv)") as copy,
        ):
            copy.write(buffer.getbuffer())
        return
    columns = [_sqlite_values(rows.column(i)) for i in range(rows.num_columns)]
    marks = ", ".join("?" * rows.num_columns)
    cursor = driver.cursor()
    try:
        cursor.executemany(
            f"INSERT INTO {table_name} ({names}) VALUES ({marks})", zip(*columns, strict=True)
        )
    finally:
        cursor.close()


def _sqlite_values(column: pa.ChunkedArray) -> list[Any]:
    """Python values of a column as SQLAlchemy's SQLite types store them."""
    if pa.types.is_timestamp(column.type):
        return utc_text(column).to_pylist()  # type: ignore[no-any-return]
    return column.to_pylist()  # type: ignore[no-any-return]


def utc_text(column: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray | pa.Array:
    """Timestamps as ``YYYY-MM-DD HH:MM:SS.ffffff`` in UTC: SQLAlchemy's SQLite format.

    Cast through a naive microsecond timestamp (the UTC wall time), which Arrow formats
    about ten times faster than ``strftime`` on a zoned one.
    """
    return column.cast(pa.timestamp("us")).cast(pa.string())


# --- support cases ------------------------------------------------------------------------


def case_ids(session: Session, refs: Sequence[str]) -> dict[str, int]:
    """Case ref → id for the cases that exist."""
    return _ids_by_ref(session, SupportCase.case_ref, SupportCase.id, refs)


def insert_cases(session: Session, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert support cases (executemany)."""
    if rows:
        session.execute(insert(_table(SupportCase)), list(rows))


def update_cases(session: Session, rows: Sequence[Mapping[str, Any]]) -> None:
    """Update support cases by ``case_ref`` to the given last state (executemany)."""
    if not rows:
        return
    table = _table(SupportCase)
    values: dict[str, Any] = {k: bindparam(f"v_{k}") for k in rows[0] if k != "case_ref"}
    stmt = update(table).where(table.c.case_ref == bindparam("b_case_ref")).values(values)
    params = [{"b_case_ref": r["case_ref"], **{f"v_{k}": r[k] for k in values}} for r in rows]
    session.connection().execute(stmt, params)


# --- customers, lifecycle, referrals ------------------------------------------------------


def insert_customers(session: Session, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert customers (executemany)."""
    if rows:
        session.execute(insert(_table(Customer)), list(rows))


def customer_contacts(
    session: Session, refs: Sequence[str], fields: Sequence[str]
) -> dict[str, dict[str, Any]]:
    """Customer ref → its stored ``fields`` (contact columns), for the refs that exist."""
    table = _table(Customer)
    columns = [table.c[f] for f in fields]
    out: dict[str, dict[str, Any]] = {}
    for part in chunks(sorted(set(refs)), LOOKUP_CHUNK):
        rows = session.execute(
            select(table.c.customer_ref, *columns).where(table.c.customer_ref.in_(part))
        )
        for ref, *values in rows:
            out[ref] = dict(zip(fields, values, strict=True))
    return out


def update_customers(session: Session, rows: Sequence[Mapping[str, Any]]) -> None:
    """Update customers by ``customer_ref`` (executemany); a null never overwrites a value."""
    if not rows:
        return
    table = _table(Customer)
    values: dict[str, Any] = {
        k: func.coalesce(bindparam(f"v_{k}", type_=_nullable_type(table.c[k].type)), table.c[k])
        for k in rows[0]
        if k != "customer_ref"
    }
    stmt = update(table).where(table.c.customer_ref == bindparam("b_ref")).values(values)
    params = [{"b_ref": r["customer_ref"], **{f"v_{k}": r[k] for k in values}} for r in rows]
    session.connection().execute(stmt, params)


def existing_events(
    session: Session, customer_ids_: Sequence[int]
) -> set[tuple[int, str, datetime]]:
    """(customer id, kind, at) of the lifecycle events of these customers (``at`` naive UTC)."""
    out: set[tuple[int, str, datetime]] = set()
    for part in chunks(customer_ids_, LOOKUP_CHUNK):
        rows = session.execute(
            select(LifecycleEvent.customer_id, LifecycleEvent.kind, LifecycleEvent.at).where(
                LifecycleEvent.customer_id.in_(part)
            )
        )
        out.update((c, k, _naive_utc(a)) for c, k, a in rows)
    return out


def insert_events(session: Session, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert lifecycle events (executemany)."""
    if rows:
        session.execute(insert(_table(LifecycleEvent)), list(rows))


def existing_referrals(session: Session, referrer_ids: Sequence[int]) -> set[tuple[int, int]]:
    """(referrer id, referred id) pairs already stored for these referrers."""
    out: set[tuple[int, int]] = set()
    for part in chunks(referrer_ids, LOOKUP_CHUNK):
        rows = session.execute(
            select(Referral.referrer_id, Referral.referred_id).where(Referral.referrer_id.in_(part))
        )
        out.update((a, b) for a, b in rows)
    return out


def insert_referrals(session: Session, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert referrals (executemany)."""
    if rows:
        session.execute(insert(_table(Referral)), list(rows))


def _nullable_type(type_: TypeEngine[Any]) -> TypeEngine[Any]:
    """A JSON column binds ``None`` as SQL NULL (not JSON ``null``) so COALESCE keeps it."""
    return JSON(none_as_null=True) if isinstance(type_, JSON) else type_


def _naive_utc(moment: datetime) -> datetime:
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment
