"""Saving answers as the respondent goes. Flushes, never commits.

One response per invitation: its ``(source, response_ref)`` is ``("invitation",
"invitation:<id>")``, unique in the database, so a double click, a replayed link or two
requests at once all land on the same response. Answers are upserted per question.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Table, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from cxlens.core.errors import InputError, Location
from cxlens.features.collection.counting import INVITATION_SOURCE as INVITATION_SOURCE
from cxlens.features.collection.counting import LINK_SOURCE as LINK_SOURCE
from cxlens.features.collection.forms import SurveyForm
from cxlens.features.collection.logic import AnswerValue, visible_questions
from cxlens.features.collection.state import InvitationState
from cxlens.features.surveys.schemas import CHOICE_TYPES, SCORE_TYPES
from cxlens.models import Answer, Invitation, Question, Response

MAX_TEXT = 5000


def _now() -> datetime:
    return datetime.now(UTC)


def dialect_insert(
    dialect: str, target: Table | type[Answer] | type[Response]
) -> postgresql.Insert | sqlite.Insert:
    """``INSERT`` into ``target`` in ``dialect`` (``postgresql``, else SQLite), so that
    ``on_conflict_do_nothing`` / ``on_conflict_do_update`` can be added."""
    if dialect == "postgresql":
        return postgresql.insert(target)
    return sqlite.insert(target)


def upsert(
    session: Session, model: type[Answer] | type[Response]
) -> postgresql.Insert | sqlite.Insert:
    """``INSERT`` into ``model``'s table in the session's dialect, ready for ``ON CONFLICT``."""
    return dialect_insert(session.get_bind().dialect.name, model)


def response_for_invitation(
    session: Session, invitation: Invitation, *, create: bool, language: str | None = None
) -> Response | None:
    """The invitation's one response; created (race-safe) when ``create`` and missing."""
    ref = f"invitation:{invitation.id}"
    query = select(Response).where(
        Response.source == INVITATION_SOURCE, Response.response_ref == ref
    )
    found = session.scalar(query)
    if found is not None or not create:
        return found
    hidden = getattr(invitation, "hidden_fields", None)
    insert = upsert(session, Response).values(
        survey_version_id=invitation.survey_version_id,
        invitation_id=invitation.id,
        customer_id=invitation.customer_id,
        response_ref=ref,
        content_hash="",
        source=INVITATION_SOURCE,
        channel=invitation.channel,
        language=language,
        touchpoint_id=invitation.touchpoint_id,
        dimensions=dict(hidden) if isinstance(hidden, Mapping) else {},
        created_at=_now(),
    )
    # another request may create it at the same time: theirs is kept, both use it
    session.execute(insert.on_conflict_do_nothing(index_elements=["source", "response_ref"]))
    return session.scalar(query)


def current_answers(
    session: Session, form: SurveyForm, response: Response | None
) -> dict[str, AnswerValue]:
    """The saved answers by question key (numbers for scores, texts otherwise)."""
    if response is None or response.id is None:
        return {}
    by_id = {q.id: q.key for q in form.questions}
    out: dict[str, AnswerValue] = {}
    rows = session.execute(
        select(Answer.question_id, Answer.value, Answer.text).where(
            Answer.response_id == response.id
        )
    )
    for question_id, value, text in rows:
        key = by_id.get(question_id)
        if key is None:
            continue
        if value is not None:
            out[key] = value
        elif text is not None:
            out[key] = text
    return out


def known_values(
    response: Response | InvitationState | None, answers: Mapping[str, AnswerValue]
) -> dict[str, AnswerValue]:
    """Answers plus the response's hidden fields: what conditional logic may test."""
    known: dict[str, AnswerValue] = {}
    if response is not None:
        known.update({k: str(v) for k, v in (response.dimensions or {}).items()})
    known.update(answers)
    return known


def parse_answer(form: SurveyForm, question: Question, raw: Sequence[str]) -> AnswerValue | None:
    """The stored value of a submitted answer; ``None`` when left blank.

    Raises ``InputError`` for a value the question does not accept, or a blank required one.
    """
    values = [v.strip() for v in raw if v is not None and v.strip()]
    required = bool((question.options or {}).get("required"))
    where = Location(field=question.key)
    if not values:
        if required:
            raise InputError("an answer is required", where, expected="an answer")
        return None
    if question.type in SCORE_TYPES:
        low, high = question.scale_low or 0, question.scale_high or 10
        try:
            score = int(values[0])
        except ValueError:
            score = low - 1
        if not low <= score <= high:
            raise InputError(f"{values[0]!r} is not a score", where, expected=f"{low}..{high}")
        return float(score)
    choice_keys = [k for k, _ in form.choices(question, form.default_language)]
    if question.type in CHOICE_TYPES or choice_keys:
        if any(v not in choice_keys for v in values):
            raise InputError("not one of the choices", where, expected=", ".join(choice_keys))
        if question.type == "multi_choice":
            return ";".join(k for k in choice_keys if k in values)
        return values[0]
    return values[0][:MAX_TEXT]


def save_answer(
    session: Session, response: Response, question: Question, value: AnswerValue | None
) -> None:
    """Upsert (or, for ``None``, remove) the response's answer to ``question``."""
    if value is None:
        session.execute(
            delete(Answer).where(
                Answer.response_id == response.id, Answer.question_id == question.id
            )
        )
    else:
        number = value if isinstance(value, float) else None
        text = value if isinstance(value, str) else None
        insert = upsert(session, Answer).values(
            response_id=response.id, question_id=question.id, value=number, text=text
        )
        session.execute(  # a concurrent request's answer to the same question is overwritten
            insert.on_conflict_do_update(
                index_elements=["response_id", "question_id"],
                set_={"value": insert.excluded.value, "text": insert.excluded.text},
            )
        )
    if response.started_at is None:
        response.started_at = _now()
    session.flush()


def hash_answers(answers: Mapping[str, AnswerValue]) -> str:
    """The content hash of a response with these answers (by question key)."""
    canonical = json.dumps(answers, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def refresh_hash(
    session: Session,
    form: SurveyForm,
    response: Response,
    answers: Mapping[str, AnswerValue] | None = None,
) -> None:
    """Recompute the response's content hash from its answers (read unless given)."""
    if answers is None:
        answers = current_answers(session, form, response)
    response.content_hash = hash_answers(answers)


def next_question(
    form: SurveyForm, known: Mapping[str, AnswerValue], after: str | None
) -> Question | None:
    """The visible question after ``after`` (the first one when ``None``); ``None`` at the end."""
    shown = visible_questions(form.questions, known)
    if after is None:
        return shown[0] if shown else None
    keys = [q.key for q in form.questions]
    if after not in keys:
        return shown[0] if shown else None
    position = keys.index(after)
    return next((q for q in shown if keys.index(q.key) > position), None)


def complete(
    session: Session,
    form: SurveyForm,
    response: Response,
    invitation: Invitation | None,
    answers: Mapping[str, AnswerValue] | None = None,
) -> None:
    """Mark the response submitted: answers to questions the logic now hides are dropped.

    ``answers`` are the response's saved answers when the caller has them (else read).
    """
    if answers is None:
        answers = current_answers(session, form, response)
    shown = {q.id for q in visible_questions(form.questions, known_values(response, answers))}
    hidden_ids = [q.id for q in form.questions if q.id not in shown and q.key in answers]
    if hidden_ids:
        session.execute(
            delete(Answer).where(
                Answer.response_id == response.id, Answer.question_id.in_(hidden_ids)
            )
        )
    now = _now()
    response.started_at = response.started_at or now
    response.submitted_at = response.submitted_at or now
    kept = {q.key for q in form.questions if q.id in shown}
    refresh_hash(session, form, response, {k: v for k, v in answers.items() if k in kept})
    if invitation is not None:
        invitation.started_at = invitation.started_at or now
        invitation.completed_at = invitation.completed_at or now
    session.flush()


def mark_started(invitation: Invitation) -> None:
    """Set the invitation's ``started_at`` (and ``opened_at``) if not yet set."""
    now = _now()
    invitation.opened_at = invitation.opened_at or now
    invitation.started_at = invitation.started_at or now


def to_data(answers: Mapping[str, AnswerValue]) -> dict[str, Any]:
    """Answers as JSON-friendly data."""
    return dict(answers)


def mark_opened(invitation: Invitation) -> None:
    """Set the invitation's ``opened_at`` if not yet set (the survey page was viewed)."""
    invitation.opened_at = invitation.opened_at or _now()
