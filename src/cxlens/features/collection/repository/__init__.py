"""Collection's SQL: forms, responses, incentive codes, vote clicks, answer changes.

Statements only (SQLAlchemy on the caller's session or connection); the rules are in
:mod:`~cxlens.features.collection.forms`, :mod:`~cxlens.features.collection.responses`,
:mod:`~cxlens.features.collection.incentives`, :mod:`~cxlens.features.collection.service`,
:mod:`~cxlens.features.collection.widget`, :mod:`~cxlens.features.collection.scanners`,
:mod:`~cxlens.features.collection.edits` and :mod:`~cxlens.features.collection.anonymous`.
The statements of :func:`~cxlens.features.collection.submission.submit_answers` (built once
per dialect) are in :mod:`~cxlens.features.collection.repository.submission`. Flushes,
never commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Connection, Table, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from cxlens.features.collection.counting_repository import LINK_SOURCE
from cxlens.features.collection.logic import AnswerValue
from cxlens.models import (
    Answer,
    AnswerChange,
    IncentiveCode,
    Invitation,
    Question,
    Response,
    SurveyVersion,
    VoteClick,
)

CHANGES = cast(Table, AnswerChange.__table__)
RESPONSES = cast(Table, Response.__table__)


def dialect_insert(
    dialect: str, target: Table | type[Answer] | type[Response]
) -> postgresql.Insert | sqlite.Insert:
    """``INSERT`` into ``target`` in ``dialect`` (``postgresql``, else SQLite), so that
    ``on_conflict_do_nothing`` / ``on_conflict_do_update`` can be added."""
    if dialect == "postgresql":
        return postgresql.insert(target)
    return sqlite.insert(target)


# ---------------------------------------------------------------- forms


def questions_of(session: Session, survey_version_id: int) -> list[Question]:
    """The questions of a survey version, in order."""
    return list(
        session.scalars(
            select(Question)
            .where(Question.survey_version_id == survey_version_id)
            .order_by(Question.position, Question.id)
        )
    )


# ---------------------------------------------------------------- invitations and responses


def mark_opened(session: Session, invitation_id: int, now: datetime) -> None:
    """Set the invitation's ``opened_at`` to ``now`` if not yet set."""
    session.execute(
        update(Invitation)
        .where(Invitation.id == invitation_id, Invitation.opened_at.is_(None))
        .values(opened_at=now)
        .execution_options(synchronize_session=False)
    )


def response_by_ref(session: Session, source: str, response_ref: str) -> Response | None:
    """The response stored under ``(source, response_ref)``, if any."""
    return session.scalar(
        select(Response).where(Response.source == source, Response.response_ref == response_ref)
    )


def add_response_if_missing(session: Session, **values: Any) -> None:
    """Insert a response of ``values`` unless one with its ``(source, response_ref)`` exists
    (created meanwhile by another request: theirs is kept)."""
    insert_ = dialect_insert(session.get_bind().dialect.name, Response).values(**values)
    session.execute(insert_.on_conflict_do_nothing(index_elements=["source", "response_ref"]))


def response_language(session: Session, response_id: int | None) -> str | None:
    """The response's language, if any."""
    return session.scalar(select(Response.language).where(Response.id == response_id))


# ---------------------------------------------------------------- incentive codes


def pool_codes(session: Session, pool: str) -> set[str]:
    """The codes in ``pool``."""
    return set(session.scalars(select(IncentiveCode.code).where(IncentiveCode.pool == pool)))


def code_of(session: Session, response_id: int) -> str | None:
    """The code the response was given, or ``None``."""
    return session.scalar(
        select(IncentiveCode.code).where(IncentiveCode.response_id == response_id)
    )


def first_free_code_id(session: Session, pool: str) -> int | None:
    """The id of the first code of ``pool`` given to no response, if any."""
    return session.scalar(
        select(IncentiveCode.id)
        .where(IncentiveCode.pool == pool, IncentiveCode.response_id.is_(None))
        .order_by(IncentiveCode.id)
        .limit(1)
    )


def take_code(session: Session, code_id: int, response_id: int, now: datetime) -> bool:
    """Give the code ``code_id`` to the response if it is still free (a conditional update:
    ``WHERE response_id IS NULL``); whether it was (``False``: another took it first)."""
    taken = session.execute(
        update(IncentiveCode)
        .where(IncentiveCode.id == code_id, IncentiveCode.response_id.is_(None))
        .values(response_id=response_id, assigned_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(taken, "rowcount", 0) == 1)


def code_by_id(session: Session, code_id: int) -> str | None:
    """The code with this id, if any."""
    return session.scalar(select(IncentiveCode.code).where(IncentiveCode.id == code_id))


# ---------------------------------------------------------------- vote clicks


def recent_scores(session: Session, invitation_id: int, since: datetime) -> list[int]:
    """The scores of the invitation's vote clicks since ``since`` (any outcome)."""
    return list(
        session.scalars(
            select(VoteClick.score).where(
                VoteClick.invitation_id == invitation_id, VoteClick.clicked_at >= since
            )
        )
    )


def add_click(
    session: Session, invitation_id: int, score: int, outcome: str, now: datetime
) -> None:
    """Keep one vote click with its outcome."""
    session.execute(
        insert(VoteClick).values(
            invitation_id=invitation_id, score=score, outcome=outcome, clicked_at=now
        )
    )


def mark_clicks(
    session: Session, invitation_id: int, since: datetime, *, outcome: str, to: str
) -> None:
    """Set the outcome of the invitation's clicks of ``outcome`` since ``since`` to ``to``."""
    session.execute(
        update(VoteClick)
        .where(
            VoteClick.invitation_id == invitation_id,
            VoteClick.clicked_at >= since,
            VoteClick.outcome == outcome,
        )
        .values(outcome=to)
        .execution_options(synchronize_session=False)
    )


def last_click_before(
    session: Session, invitation_id: int, before: datetime, *, outcome: str
) -> datetime | None:
    """When the invitation's last click of ``outcome`` before ``before`` was, if any."""
    return session.scalar(
        select(VoteClick.clicked_at)
        .where(
            VoteClick.invitation_id == invitation_id,
            VoteClick.clicked_at < before,
            VoteClick.outcome == outcome,
        )
        .order_by(VoteClick.clicked_at.desc())
        .limit(1)
    )


def set_voted_at(connection: Connection, response_id: int, voted_at: datetime | None) -> None:
    """Set the response's ``voted_at`` (``None``: no counted vote)."""
    connection.execute(
        update(RESPONSES).where(RESPONSES.c.id == response_id).values(voted_at=voted_at)
    )


# ---------------------------------------------------------------- answer changes


def _columns(value: AnswerValue | None) -> tuple[float | None, str | None]:
    if isinstance(value, float | int) and not isinstance(value, bool):
        return float(value), None
    return None, value if isinstance(value, str) else None


def insert_changes(
    connection: Connection,
    response_id: int,
    changes: Sequence[tuple[int, AnswerValue | None, AnswerValue | None, str]],
    now: datetime,
) -> None:
    """One ``answer_changes`` row per ``(question_id, old, new, via)``."""
    rows: list[dict[str, Any]] = []
    for question_id, old, new, via in changes:
        old_value, old_text = _columns(old)
        new_value, new_text = _columns(new)
        rows.append(
            {
                "response_id": response_id,
                "question_id": question_id,
                "old_value": old_value,
                "old_text": old_text,
                "new_value": new_value,
                "new_text": new_text,
                "via": via,
                "changed_at": now,
            }
        )
    if rows:
        connection.execute(insert(CHANGES), rows)


def first_change_since(
    session: Session, response_id: int, question_id: int, *, via: str, since: datetime
) -> AnswerChange | None:
    """The earliest change of ``via`` to the answer since ``since`` (what it was before)."""
    return session.scalar(
        select(AnswerChange)
        .where(
            AnswerChange.response_id == response_id,
            AnswerChange.question_id == question_id,
            AnswerChange.via == via,
            AnswerChange.changed_at >= since,
        )
        .order_by(AnswerChange.changed_at, AnswerChange.id)
        .limit(1)
    )


def changes_of(session: Session, response_id: int) -> list[AnswerChange]:
    """Every recorded change of a response, oldest first."""
    return list(
        session.scalars(
            select(AnswerChange)
            .where(AnswerChange.response_id == response_id)
            .order_by(AnswerChange.changed_at, AnswerChange.id)
        )
    )


# ---------------------------------------------------------------- anonymous responses


def link_response_id(session: Session, response_ref: str) -> int | None:
    """The id of the anonymous-link response stored under ``response_ref``, if any."""
    return session.scalar(
        select(Response.id).where(
            Response.source == LINK_SOURCE, Response.response_ref == response_ref
        )
    )


def latest_widget_invitation(
    session: Session, customer_id: int, survey_id: int, since: datetime
) -> tuple[Invitation, datetime | None] | None:
    """The customer's newest widget invitation to the survey shown since ``since``, with the
    ``submitted_at`` of its response (``None``: not submitted)."""
    row = session.execute(
        select(Invitation, Response.submitted_at)
        .join(SurveyVersion, SurveyVersion.id == Invitation.survey_version_id)
        .outerjoin(Response, Response.invitation_id == Invitation.id)
        .where(
            Invitation.customer_id == customer_id,
            Invitation.channel == "widget",
            SurveyVersion.survey_id == survey_id,
            Invitation.sent_at >= since,
        )
        .order_by(Invitation.id.desc())
        .limit(1)
    ).first()
    return None if row is None else (row[0], row[1])
