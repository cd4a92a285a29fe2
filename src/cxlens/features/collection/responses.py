"""Responses as the respondent goes: reading them, parsing answers, what comes next.

One response per invitation: its ``(source, response_ref)`` is ``("invitation",
"invitation:<id>")``, unique in the database, so a double click, a replayed link or two
requests at once all land on the same response. Answers are written by one function only,
:func:`cxlens.features.collection.submission.submit_answers`. Flushes, never commits.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from cxlens.core.errors import InputError, Location
from cxlens.features.collection import repository
from cxlens.features.collection.counting_repository import INVITATION_SOURCE as INVITATION_SOURCE
from cxlens.features.collection.counting_repository import LINK_SOURCE as LINK_SOURCE
from cxlens.features.collection.forms import SurveyForm
from cxlens.features.collection.logic import AnswerValue, visible_questions
from cxlens.features.collection.repository.submission import invitation_ref, saved_answers
from cxlens.features.collection.state import ResponseState
from cxlens.features.surveys.schemas import CHOICE_TYPES, SCORE_TYPES
from cxlens.models import Invitation, Question, Response

#: The longest text answer taken (characters); a longer one is an error, never cut.
MAX_TEXT = 5000
#: The longest hidden-field value taken (characters); a longer one is an error, never cut.
MAX_HIDDEN = 200


def _now() -> datetime:
    return datetime.now(UTC)


def response_for_invitation(
    session: Session, invitation: Invitation, *, create: bool, language: str | None = None
) -> Response | None:
    """The invitation's one response; created (race-safe) when ``create`` and missing."""
    ref = invitation_ref(invitation.id)
    found = repository.response_by_ref(session, INVITATION_SOURCE, ref)
    if found is not None or not create:
        return found
    hidden = getattr(invitation, "hidden_fields", None)
    # another request may create it at the same time: theirs is kept, both use it
    repository.add_response_if_missing(
        session,
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
    return repository.response_by_ref(session, INVITATION_SOURCE, ref)


def current_answers(
    session: Session, form: SurveyForm, response: Response | None
) -> dict[str, AnswerValue]:
    """The saved answers by question key (numbers for scores, texts otherwise)."""
    if response is None or response.id is None:
        return {}
    by_id = {q.id: q.key for q in form.questions}
    out: dict[str, AnswerValue] = {}
    for question_id, value, text in saved_answers(session, response.id):
        key = by_id.get(question_id)
        if key is None:
            continue
        if value is not None:
            out[key] = value
        elif text is not None:
            out[key] = text
    return out


def hidden_dimensions(hidden: Mapping[str, object], keys: set[str]) -> dict[str, str]:
    """The hidden fields of ``keys`` as a response's dimensions (values as text).

    Raises ``InputError`` (``too_long``) for a value over :data:`MAX_HIDDEN` characters.
    """
    out = {k: str(v) for k, v in hidden.items() if k in keys}
    for key, value in out.items():
        if len(value) > MAX_HIDDEN:
            raise _too_long(key, len(value), MAX_HIDDEN)
    return out


def _too_long(field: str, length: int, limit: int) -> InputError:
    return InputError(
        f"too long ({length:,} characters; limit {limit:,})",
        Location(field=field),
        expected=f"at most {limit:,} characters",
        limit=limit,
        error_code="too_long",
    )


def known_values(
    response: Response | ResponseState | None, answers: Mapping[str, AnswerValue]
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
            raise InputError(
                "an answer is required", where, expected="an answer", error_code="answer_required"
            )
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
    if len(values[0]) > MAX_TEXT:
        raise _too_long(question.key, len(values[0]), MAX_TEXT)
    return values[0]


def hash_answers(answers: Mapping[str, AnswerValue]) -> str:
    """The content hash of a response with these answers (by question key)."""
    canonical = json.dumps(answers, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


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


def to_data(answers: Mapping[str, AnswerValue]) -> dict[str, Any]:
    """Answers as JSON-friendly data."""
    return dict(answers)
