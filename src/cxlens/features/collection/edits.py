"""Changing a response after the fact: a window, the logic re-applied, every change kept.

The policy (docs/collection.md):

- A response may be changed while it is partial, and for ``response_edit_hours`` (24 h by
  default) after it was first submitted; after that its links show the thank-you page and
  a posted answer is refused. Its submission time stays the first one.
- Every change to a submitted response re-applies the survey's logic: answers to questions
  the new answers hide are dropped (recorded with ``via = "logic"``).
- Every change of an answer once given is recorded in ``answer_changes`` with the old and
  the new value and the time (``via``: ``page``, ``vote``, ``logic`` or ``scan``).

Pure rules first, then the statements (Core on a ``Session`` or a ``Connection``: the hot
path of the survey page works on a connection). Flushes, never commits.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import Connection, Table, insert, select
from sqlalchemy.orm import Session

from cxlens.core.settings import Settings
from cxlens.features.collection.forms import SurveyForm
from cxlens.features.collection.logic import AnswerValue, visible_questions
from cxlens.models import AnswerChange

CHANGES = cast(Table, AnswerChange.__table__)

VIA_PAGE = "page"
VIA_VOTE = "vote"
VIA_LOGIC = "logic"
VIA_SCAN = "scan"


@dataclass(frozen=True, slots=True)
class Change:
    """One answer's change: ``None`` on either side means no answer."""

    question_id: int
    old: AnswerValue | None
    new: AnswerValue | None


def edit_window(settings: Settings) -> timedelta:
    """How long after its first submission a response may still be changed."""
    return timedelta(hours=settings.response_edit_hours)


def may_edit(submitted_at: datetime | None, now: datetime, window: timedelta) -> bool:
    """Whether a response submitted at ``submitted_at`` (``None``: not yet) may change now."""
    if submitted_at is None:
        return True
    if submitted_at.tzinfo is None:  # SQLite returns naive UTC
        submitted_at = submitted_at.replace(tzinfo=UTC)
    return now < submitted_at + window


def hidden_by_logic(
    form: SurveyForm,
    known: Mapping[str, AnswerValue],
    answers: Mapping[int, AnswerValue],
) -> list[Change]:
    """The answers (by question id) that the logic hides once ``known`` holds: to drop."""
    shown = {q.id for q in visible_questions(form.questions, known)}
    return [
        Change(q.id, answers[q.id], None)
        for q in form.questions
        if q.id in answers and q.id not in shown
    ]


def _columns(value: AnswerValue | None) -> tuple[float | None, str | None]:
    if isinstance(value, float | int) and not isinstance(value, bool):
        return float(value), None
    return None, value if isinstance(value, str) else None


def record_changes(
    bind: Session | Connection,
    response_id: int,
    changes: Sequence[Change],
    *,
    via: str,
    now: datetime,
) -> None:
    """Insert one ``answer_changes`` row per change whose old and new value differ."""
    rows: list[dict[str, Any]] = []
    for change in changes:
        if change.old == change.new:
            continue
        old_value, old_text = _columns(change.old)
        new_value, new_text = _columns(change.new)
        rows.append(
            {
                "response_id": response_id,
                "question_id": change.question_id,
                "old_value": old_value,
                "old_text": old_text,
                "new_value": new_value,
                "new_text": new_text,
                "via": via,
                "changed_at": now,
            }
        )
    if rows:
        bind.execute(insert(CHANGES), rows)


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


def old_value(change: AnswerChange) -> AnswerValue | None:
    """The value an answer had before ``change``."""
    return change.old_value if change.old_value is not None else change.old_text


def page_changes(
    form: SurveyForm,
    known_base: Mapping[str, AnswerValue],
    before: Mapping[str, AnswerValue],
    question_id: int,
    question_key: str,
    value: AnswerValue | None,
    *,
    finish: bool,
) -> tuple[list[Change], list[Change]]:
    """What saving one page changes: the answer edited (if one was given before) and, when
    the response is submitted by it or already was (``finish``), the answers the logic now
    hides. ``known_base`` is what the logic knows besides the answers (hidden fields);
    ``before`` the saved answers by question key.
    """
    after = {k: v for k, v in before.items() if k != question_key}
    if value is not None:
        after[question_key] = value
    edited = [Change(question_id, before[question_key], value)] if question_key in before else []
    if not finish:
        return edited, []
    by_id = {q.id: after[q.key] for q in form.questions if q.key in after}
    return edited, hidden_by_logic(form, {**known_base, **after}, by_id)
