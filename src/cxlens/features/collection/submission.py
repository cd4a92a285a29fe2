"""The hot path of the hosted survey page: one page of an invitation's survey, saved.

A submission reads the invitation, its response and the answers in one query
(:func:`load_state`), works on them in memory, and writes what changed: the response
(``INSERT … ON CONFLICT DO NOTHING`` when new, else one ``UPDATE``), the answer
(``INSERT … ON CONFLICT DO UPDATE``), answers that conditional logic now hides (``DELETE``)
and the invitation (one ``UPDATE``, only when a timestamp is still empty). Core statements
on a connection: no ORM unit of work. Commits are the caller's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Connection, Table, and_, bindparam, delete, func, select, update

from cxlens.features.collection.forms import SurveyForm
from cxlens.features.collection.logic import AnswerValue, visible_questions
from cxlens.features.collection.responses import (
    INVITATION_SOURCE,
    dialect_insert,
    hash_answers,
    known_values,
)
from cxlens.features.collection.state import InvitationState, StoredValue
from cxlens.models import Answer, Invitation, Question, Response

INVITATIONS = cast(Table, Invitation.__table__)
RESPONSES = cast(Table, Response.__table__)
ANSWERS = cast(Table, Answer.__table__)

_STATE = (
    select(
        INVITATIONS.c.id,
        INVITATIONS.c.survey_version_id,
        INVITATIONS.c.customer_id,
        INVITATIONS.c.channel,
        INVITATIONS.c.touchpoint_id,
        INVITATIONS.c.opened_at,
        INVITATIONS.c.started_at,
        INVITATIONS.c.completed_at,
        RESPONSES.c.id,
        RESPONSES.c.dimensions,
        RESPONSES.c.started_at,
        RESPONSES.c.submitted_at,
        ANSWERS.c.question_id,
        ANSWERS.c.value,
        ANSWERS.c.text,
    )
    .select_from(INVITATIONS)
    .outerjoin(
        RESPONSES,
        and_(
            RESPONSES.c.source == INVITATION_SOURCE,
            RESPONSES.c.response_ref == bindparam("ref"),
        ),
    )
    .outerjoin(ANSWERS, ANSWERS.c.response_id == RESPONSES.c.id)
    .where(INVITATIONS.c.id == bindparam("invitation_id"))
)


def invitation_ref(invitation_id: int) -> str:
    """The ``response_ref`` of an invitation's one response."""
    return f"invitation:{invitation_id}"


def _coalesce_now(column: Any) -> Any:
    return func.coalesce(column, bindparam("now", type_=column.type))


@dataclass(frozen=True)
class _Statements:
    """The writes of a submission, built once per dialect (only parameters change)."""

    insert_response: Any
    insert_answer: Any
    upsert_answer: Any
    delete_answers: Any
    update_response: dict[bool, Any]
    update_invitation: dict[bool, Any]

    @classmethod
    def build(cls, dialect: str) -> _Statements:
        new_response = dialect_insert(dialect, RESPONSES).values(
            {c: bindparam(c, type_=RESPONSES.c[c].type) for c in _RESPONSE_COLUMNS}
        )
        answer = dialect_insert(dialect, ANSWERS).values(
            response_id=bindparam("response_id"),
            question_id=bindparam("question_id"),
            value=bindparam("value", type_=ANSWERS.c.value.type),
            text=bindparam("text", type_=ANSWERS.c.text.type),
        )
        by_id = RESPONSES.c.id == bindparam("response_id")
        response_common = {
            "language": bindparam("language"),
            "content_hash": bindparam("content_hash"),
            "started_at": _coalesce_now(RESPONSES.c.started_at),
        }
        invitation = update(INVITATIONS).where(INVITATIONS.c.id == bindparam("invitation_id"))
        invitation_common = {
            "opened_at": _coalesce_now(INVITATIONS.c.opened_at),
            "started_at": _coalesce_now(INVITATIONS.c.started_at),
        }
        return cls(
            insert_response=new_response.on_conflict_do_nothing(
                index_elements=["source", "response_ref"]
            ).returning(RESPONSES.c.id),
            insert_answer=answer,
            upsert_answer=answer.on_conflict_do_update(
                index_elements=["response_id", "question_id"],
                set_={"value": answer.excluded.value, "text": answer.excluded.text},
            ),
            delete_answers=delete(ANSWERS).where(
                ANSWERS.c.response_id == bindparam("response_id"),
                ANSWERS.c.question_id.in_(bindparam("question_ids", expanding=True)),
            ),
            update_response={
                False: update(RESPONSES).where(by_id).values(response_common),
                True: update(RESPONSES)
                .where(by_id)
                .values(
                    {**response_common, "submitted_at": _coalesce_now(RESPONSES.c.submitted_at)}
                ),
            },
            update_invitation={
                False: invitation.values(invitation_common),
                True: invitation.values(
                    {**invitation_common, "completed_at": _coalesce_now(INVITATIONS.c.completed_at)}
                ),
            },
        )


_RESPONSE_COLUMNS = (
    "survey_version_id",
    "invitation_id",
    "customer_id",
    "response_ref",
    "content_hash",
    "source",
    "channel",
    "language",
    "touchpoint_id",
    "dimensions",
    "started_at",
    "submitted_at",
    "created_at",
)
_BY_DIALECT: dict[str, _Statements] = {}


def _statements(connection: Connection) -> _Statements:
    name = connection.dialect.name
    found = _BY_DIALECT.get(name)
    if found is None:
        found = _BY_DIALECT[name] = _Statements.build(name)
    return found


def load_state(connection: Connection, invitation_id: int) -> InvitationState | None:
    """The invitation with its response and answers (one query); ``None`` if no invitation."""
    state: InvitationState | None = None
    rows = connection.execute(
        _STATE, {"invitation_id": invitation_id, "ref": invitation_ref(invitation_id)}
    )
    for row in rows:
        if state is None:
            state = InvitationState(*row[:8])
            if row[8] is not None:
                state.response_id = row[8]
                state.dimensions = dict(row[9] or {})
                state.response_started_at, state.submitted_at = row[10], row[11]
        if row[12] is not None:
            value = row[13] if row[13] is not None else row[14]
            if value is not None:
                state.answers[row[12]] = value
    return state


def answers_by_key(form: SurveyForm, answers: Mapping[int, StoredValue]) -> dict[str, AnswerValue]:
    """Saved answers (by question id) keyed by question key; other versions' ignored."""
    return {q.key: answers[q.id] for q in form.questions if q.id in answers}


def save_page(
    connection: Connection,
    form: SurveyForm,
    state: InvitationState,
    question: Question,
    value: AnswerValue | None,
    *,
    language: str,
    finish: bool,
) -> None:
    """Save one page's answer (``None``: left blank) and, when ``finish``, submit.

    Submitting drops the answers to questions the logic now hides, and sets the response's
    ``submitted_at`` and the invitation's ``completed_at`` (first time only). The response's
    ``content_hash`` is the hash of its answers after the change. One response per
    invitation, whatever the concurrency: a response created meanwhile by another request is
    reused (its answers read again).
    """
    now = datetime.now(UTC)
    if state.response_id is None:
        _create_response(connection, form, state, question, value, language, finish, now)
    else:
        _update_response(connection, form, state, question, value, language, finish, now)
    if (
        state.opened_at is None
        or state.started_at is None
        or (finish and state.completed_at is None)
    ):
        connection.execute(
            _statements(connection).update_invitation[finish],
            {"invitation_id": state.invitation_id, "now": now},
        )


def _after(
    form: SurveyForm,
    state: InvitationState,
    question: Question,
    value: AnswerValue | None,
    finish: bool,
) -> tuple[dict[int, StoredValue], list[int]]:
    """The answers after this page (by question id) and the ids of those to drop."""
    answers = dict(state.answers)
    if value is None:
        answers.pop(question.id, None)
    else:
        answers[question.id] = value
    if not finish:
        return answers, []
    known = known_values(state, answers_by_key(form, answers))
    shown = {q.id for q in visible_questions(form.questions, known)}
    hidden = [q.id for q in form.questions if q.id in answers and q.id not in shown]
    for question_id in hidden:
        del answers[question_id]
    return answers, hidden


def _create_response(
    connection: Connection,
    form: SurveyForm,
    state: InvitationState,
    question: Question,
    value: AnswerValue | None,
    language: str,
    finish: bool,
    now: datetime,
) -> None:
    answers, _ = _after(form, state, question, value, finish)
    row: dict[str, Any] = {
        "survey_version_id": state.survey_version_id,
        "invitation_id": state.invitation_id,
        "customer_id": state.customer_id,
        "response_ref": invitation_ref(state.invitation_id),
        "content_hash": hash_answers(answers_by_key(form, answers)),
        "source": INVITATION_SOURCE,
        "channel": state.channel,
        "language": language,
        "touchpoint_id": state.touchpoint_id,
        "dimensions": {},
        "started_at": now,
        "submitted_at": now if finish else None,
        "created_at": now,
    }
    response_id = connection.execute(_statements(connection).insert_response, row).scalar()
    if response_id is None:  # another request created it meanwhile: continue on theirs
        fresh = load_state(connection, state.invitation_id)
        if fresh is None or fresh.response_id is None:  # pragma: no cover - deleted meanwhile
            raise RuntimeError(f"the response of invitation {state.invitation_id} vanished")
        state.response_id, state.dimensions = fresh.response_id, fresh.dimensions
        state.response_started_at = fresh.response_started_at
        state.submitted_at = fresh.submitted_at
        state.answers = fresh.answers
        _update_response(connection, form, state, question, value, language, finish, now)
        return
    state.response_id = response_id
    if question.id in answers:
        _upsert_answer(connection, response_id, question.id, answers[question.id], new=True)


def _update_response(
    connection: Connection,
    form: SurveyForm,
    state: InvitationState,
    question: Question,
    value: AnswerValue | None,
    language: str,
    finish: bool,
    now: datetime,
) -> None:
    response_id = state.response_id
    assert response_id is not None
    answers, hidden = _after(form, state, question, value, finish)
    if question.id in answers:
        _upsert_answer(connection, response_id, question.id, answers[question.id], new=False)
    drop = [*hidden, *([question.id] if value is None and question.id in state.answers else [])]
    statements = _statements(connection)
    if drop:
        connection.execute(
            statements.delete_answers, {"response_id": response_id, "question_ids": drop}
        )
    connection.execute(
        statements.update_response[finish],
        {
            "response_id": response_id,
            "language": language,
            "content_hash": hash_answers(answers_by_key(form, answers)),
            "now": now,
        },
    )


def _upsert_answer(
    connection: Connection, response_id: int, question_id: int, value: StoredValue, *, new: bool
) -> None:
    statements = _statements(connection)
    # an existing answer (a concurrent request's too) is overwritten
    connection.execute(
        statements.insert_answer if new else statements.upsert_answer,
        {
            "response_id": response_id,
            "question_id": question_id,
            "value": value if isinstance(value, float) else None,
            "text": value if isinstance(value, str) else None,
        },
    )
