"""All SQL of the store importers: look-ups of existing rows and bulk inserts/updates.

Bulk writes use SQLAlchemy Core ``insert()``/``update()`` with executemany; nothing here
commits (the caller's unit of work does).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import JSON, Table, bindparam, func, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeEngine

from cxlens.models import (
    Account,
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
        now = utcnow()
        rows: list[dict[str, Any]] = [
            {
                "customer_ref": r,
                "account_id": (accounts or {}).get(r),
                "attributes": {},
                "created_at": now,
            }
            for r in missing
        ]
        session.execute(insert(_table(Customer)), rows)
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


def existing_response_refs(session: Session, source: str, refs: Sequence[str]) -> set[str]:
    """Which of ``refs`` already exist for ``source``."""
    out: set[str] = set()
    for part in chunks(refs, LOOKUP_CHUNK):
        out.update(
            session.scalars(
                select(Response.response_ref).where(
                    Response.source == source, Response.response_ref.in_(part)
                )
            )
        )
    return out


def insert_responses(session: Session, rows: Sequence[Mapping[str, Any]]) -> list[int]:
    """Insert responses (executemany); their ids in the order of ``rows``.

    Ids are read back by the unique ``(source, response_ref)``: a plain executemany is
    much faster on SQLite than one INSERT ... RETURNING per row.
    """
    if not rows:
        return []
    session.execute(insert(_table(Response)), list(rows))
    ids: dict[tuple[str, str], int] = {}
    by_source: dict[str, list[str]] = {}
    for row in rows:
        by_source.setdefault(row["source"], []).append(row["response_ref"])
    for source, refs in by_source.items():
        for part in chunks(refs, LOOKUP_CHUNK):
            found = session.execute(
                select(Response.response_ref, Response.id).where(
                    Response.source == source, Response.response_ref.in_(part)
                )
            )
            ids.update(((source, ref), rid) for ref, rid in found)
    return [ids[(row["source"], row["response_ref"])] for row in rows]


def insert_answers(
    session: Session, rows: Sequence[tuple[int, int, float | None, str | None]]
) -> None:
    """Insert answers ``(response_id, question_id, value, text)`` with the driver's executemany.

    Answers are the largest table and hold only plain numbers and text, so they skip
    SQLAlchemy's per-row parameter processing.
    """
    if not rows:
        return
    connection = session.connection()
    mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    sql = (
        "INSERT INTO answers (response_id, question_id, value, text) "
        f"VALUES ({mark}, {mark}, {mark}, {mark})"
    )
    connection.exec_driver_sql(sql, list(rows))


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
