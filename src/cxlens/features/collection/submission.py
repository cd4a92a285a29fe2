"""The one way a response is written: :func:`submit_answers`, in the caller's session.

Every way in — the hosted survey page (``POST /s/{token}``), an anonymous link (``/a/``),
the on-site widget and a vote link in an email — reads the response with
:func:`load_state` (invitations) or :func:`load_link_state` (anonymous links), parses the
answers, and calls :func:`submit_answers`, which holds the rules:

- answers are upserted per question, a blank one (``None``) removes the saved answer;
- one response per ``(source, response_ref)``, whatever the concurrency: a response created
  meanwhile by another request is reused (its answers read again);
- submitting (``finish``) drops the answers to questions the survey logic now hides, sets
  the response's ``submitted_at`` and the invitation's ``completed_at`` (first time only),
  and gives the response its incentive code when the survey has one;
- the response's ``content_hash`` is the hash of its answers after the change; the
  invitation's ``opened_at`` and ``started_at`` are set when still empty;
- a submitted response changes only within the edit window (``edit_window``; else
  :class:`~cxlens.features.collection.errors.ResponseClosedError`), and each change of it
  submits again: the logic drops what it now hides (:mod:`~cxlens.features.collection.edits`);
- every change of an answer once given (and a vote's first answer) is recorded in
  ``answer_changes`` with how it came (``via``), the answers the logic drops as ``logic``;
- a vote (``voted_at``) sets the response's vote time: a voted response is counted
  (:mod:`~cxlens.features.collection.counting_repository`).

It works in the caller's unit of work (a ``Session``) and never commits: the writer commits
(:mod:`cxlens.db.writes`), so a feature may add its own rows — a job, a case — in the same
transaction. The statements are SQLAlchemy Core on the session's connection, built once per
dialect (:mod:`cxlens.features.collection.repository.submission`): the hosted page is the
busiest write of the server.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from enum import Enum
from typing import Any, Final, Literal

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from cxlens.features.collection import repository
from cxlens.features.collection.edits import (
    VIA_LOGIC,
    VIA_PAGE,
    may_edit,
    records_first_answer,
)
from cxlens.features.collection.errors import ResponseClosedError
from cxlens.features.collection.forms import SurveyForm
from cxlens.features.collection.incentives import incentive_code
from cxlens.features.collection.logic import AnswerValue, visible_questions
from cxlens.features.collection.repository import submission as store
from cxlens.features.collection.responses import hash_answers, known_values
from cxlens.features.collection.state import ResponseState, StoredValue
from cxlens.models import Question


def load_state(session: Session, invitation_id: int) -> ResponseState | None:
    """The invitation with its response and answers (one query); ``None`` if no invitation."""
    return store.invitation_state(session.connection(), invitation_id)


def load_link_state(session: Session, response_id: int) -> ResponseState | None:
    """A response with no invitation (an anonymous link's) and its answers; ``None`` if none."""
    return store.link_state(session.connection(), response_id)


def answers_by_key(form: SurveyForm, answers: Mapping[int, StoredValue]) -> dict[str, AnswerValue]:
    """Saved answers (by question id) keyed by question key; other versions' ignored."""
    return {q.key: answers[q.id] for q in form.questions if q.id in answers}


#: What a submission brings: each question with its new value (``None``: left blank).
Given = Iterable[tuple[Question, AnswerValue | None]]


class _Keep(Enum):
    KEEP = "keep"


#: ``voted_at`` of :func:`submit_answers` that leaves the response's vote time as it is.
KEEP_VOTE: Final = _Keep.KEEP


def submit_answers(
    session: Session,
    form: SurveyForm,
    state: ResponseState,
    given: Given,
    *,
    language: str | None,
    finish: bool,
    via: str = VIA_PAGE,
    edit_window: timedelta | None = None,
    voted_at: datetime | Literal[_Keep.KEEP] | None = KEEP_VOTE,
    now: datetime | None = None,
) -> int:
    """Save ``given`` answers on the response of ``state`` and, when ``finish``, submit it.

    The rules of every way in (module docstring). ``language`` (``None``: keep) is the
    response's. ``via`` names the way in for ``answer_changes``; ``edit_window`` (``None``:
    no limit) how long a submitted response may change (else ``ResponseClosedError``,
    nothing written); ``voted_at`` the vote time to set (:data:`KEEP_VOTE`: keep);
    ``now`` the time of the change (default: the clock). ``state`` is updated to what is
    stored now. Returns the response's id. Flushes nothing of the ORM and never commits:
    the caller's unit of work does.
    """
    now = now or datetime.now(UTC)
    if edit_window is not None and not may_edit(state.submitted_at, now, edit_window):
        raise ResponseClosedError("this response can no longer be changed")
    # an edit of a submitted response submits it again: the logic applies to what is new
    finish = finish or state.submitted_at is not None
    changes = list({question.id: (question, value) for question, value in given}.values())
    existed = state.response_id is not None
    before = dict(state.answers)
    connection = session.connection()
    if state.response_id is None:
        _create_response(connection, form, state, changes, language, finish, now)
    else:
        _update_response(connection, form, state, changes, language, finish, now)
    if state.invitation_id is not None and (
        state.opened_at is None
        or state.started_at is None
        or (finish and state.completed_at is None)
    ):
        store.update_invitation(connection, state.invitation_id, finish=finish, now=now)
        state.opened_at = state.opened_at or now
        state.started_at = state.started_at or now
        if finish:
            state.completed_at = state.completed_at or now
    response_id = state.response_id
    assert response_id is not None
    _record_changes(connection, response_id, changes, before, state, existed, via, now)
    if voted_at is not KEEP_VOTE:
        repository.set_voted_at(connection, response_id, voted_at)
    incentive = None if form.definition is None else form.definition.incentive
    if finish and incentive is not None:
        incentive_code(session, incentive.code_pool, response_id)
    return response_id


def _record_changes(
    connection: Connection,
    response_id: int,
    changes: list[tuple[Question, Any]],
    before: Mapping[int, StoredValue],
    state: ResponseState,
    existed: bool,
    via: str,
    now: datetime,
) -> None:
    """Keep each change of an answer once given (``via``) and each answer the logic
    dropped (``logic``) in ``answer_changes``. ``before``: the answers before the change."""
    given_ids: set[int] = set()
    rows: list[tuple[int, Any, Any, str]] = []
    for question, _value in changes:
        given_ids.add(question.id)
        old = before.get(question.id)
        new = state.answers.get(question.id)
        if old == new or (old is None and not records_first_answer(via)):
            continue
        rows.append((question.id, old, new, via))
    if existed:
        rows.extend(
            (question_id, old, None, VIA_LOGIC)
            for question_id, old in before.items()
            if question_id not in given_ids and question_id not in state.answers
        )
    repository.insert_changes(connection, response_id, rows, now)


def _after(
    form: SurveyForm, state: ResponseState, changes: list[tuple[Question, Any]], finish: bool
) -> tuple[dict[int, StoredValue], list[int]]:
    """The answers after this submission (by question id) and the ids of those to drop."""
    answers = dict(state.answers)
    for question, value in changes:
        if value is None:
            answers.pop(question.id, None)
        else:
            answers[question.id] = value
    drop = [q.id for q, v in changes if v is None and q.id in state.answers]
    if finish:  # the one rule: what the survey logic now hides is not submitted
        known = known_values(state, answers_by_key(form, answers))
        shown = {q.id for q in visible_questions(form.questions, known)}
        hidden = [q.id for q in form.questions if q.id in answers and q.id not in shown]
        for question_id in hidden:
            del answers[question_id]
        drop.extend(hidden)
    return answers, sorted(set(drop))


def _create_response(
    connection: Connection,
    form: SurveyForm,
    state: ResponseState,
    changes: list[tuple[Question, Any]],
    language: str | None,
    finish: bool,
    now: datetime,
) -> None:
    answers, _ = _after(form, state, changes, finish)
    row: dict[str, Any] = {
        "survey_version_id": state.survey_version_id,
        "invitation_id": state.invitation_id,
        "customer_id": state.customer_id,
        "response_ref": state.response_ref,
        "content_hash": hash_answers(answers_by_key(form, answers)),
        "source": state.source,
        "channel": state.channel,
        "language": language,
        "touchpoint_id": state.touchpoint_id,
        "dimensions": dict(state.dimensions),
        "started_at": now,
        "submitted_at": now if finish else None,
        "created_at": now,
    }
    response_id = store.insert_response(connection, row)
    if response_id is None:  # another request created it meanwhile: continue on theirs
        store.reload_state(connection, state)
        _update_response(connection, form, state, changes, language, finish, now)
        return
    state.response_id = response_id
    state.response_started_at = now
    state.submitted_at = now if finish else None
    for question, _value in changes:
        if question.id in answers:
            store.write_answer(connection, response_id, question.id, answers[question.id], new=True)
    state.answers = answers


def _update_response(
    connection: Connection,
    form: SurveyForm,
    state: ResponseState,
    changes: list[tuple[Question, Any]],
    language: str | None,
    finish: bool,
    now: datetime,
) -> None:
    response_id = state.response_id
    assert response_id is not None
    answers, drop = _after(form, state, changes, finish)
    for question, _value in changes:
        if question.id in answers:
            store.write_answer(
                connection, response_id, question.id, answers[question.id], new=False
            )
    if drop:
        store.delete_answers(connection, response_id, drop)
    store.update_response(
        connection,
        response_id,
        language=language,
        content_hash=hash_answers(answers_by_key(form, answers)),
        finish=finish,
        now=now,
    )
    state.response_started_at = state.response_started_at or now
    if finish:
        state.submitted_at = state.submitted_at or now
    state.answers = answers
