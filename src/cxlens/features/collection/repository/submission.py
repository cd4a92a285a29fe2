"""The statements of :func:`~cxlens.features.collection.submission.submit_answers`.

SQLAlchemy Core on the caller's connection, built once per dialect (only parameters change):
the hosted survey page is the busiest write of the server. Reading a response's state is one
query; the writes are an insert of the response (race-safe: ``ON CONFLICT DO NOTHING``), an
insert or upsert per answer, a delete of the dropped answers and an update each of the
response and the invitation. The rules of what to write, and when, are in the service.
Never commits.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Connection, Table, and_, bindparam, delete, func, select, update
from sqlalchemy.orm import Session

from cxlens.features.collection.counting_repository import INVITATION_SOURCE
from cxlens.features.collection.repository import dialect_insert
from cxlens.features.collection.state import ResponseState, StoredValue
from cxlens.models import Answer, Invitation, Response

INVITATIONS = cast(Table, Invitation.__table__)
RESPONSES = cast(Table, Response.__table__)
ANSWERS = cast(Table, Answer.__table__)


def invitation_ref(invitation_id: int) -> str:
    """The ``response_ref`` of an invitation's one response."""
    return f"invitation:{invitation_id}"


_INVITATION_STATE = (
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

_LINK_STATE = (
    select(
        RESPONSES.c.id,
        RESPONSES.c.survey_version_id,
        RESPONSES.c.source,
        RESPONSES.c.response_ref,
        RESPONSES.c.channel,
        RESPONSES.c.dimensions,
        RESPONSES.c.started_at,
        RESPONSES.c.submitted_at,
        ANSWERS.c.question_id,
        ANSWERS.c.value,
        ANSWERS.c.text,
    )
    .select_from(RESPONSES)
    .outerjoin(ANSWERS, ANSWERS.c.response_id == RESPONSES.c.id)
    .where(RESPONSES.c.id == bindparam("response_id"))
)


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
            {c: bindparam(c, type_=RESPONSES.c[c].type) for c in RESPONSE_COLUMNS}
        )
        answer = dialect_insert(dialect, ANSWERS).values(
            response_id=bindparam("response_id"),
            question_id=bindparam("question_id"),
            value=bindparam("value", type_=ANSWERS.c.value.type),
            text=bindparam("text", type_=ANSWERS.c.text.type),
        )
        by_id = RESPONSES.c.id == bindparam("response_id")
        response_common = {
            "language": func.coalesce(
                bindparam("language", type_=RESPONSES.c.language.type), RESPONSES.c.language
            ),
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


#: The columns :func:`insert_response` takes (each a key of its ``row``).
RESPONSE_COLUMNS = (
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


# ---------------------------------------------------------------- reading the state


def _add_answer(state: ResponseState, question_id: Any, value: Any, text: Any) -> None:
    if question_id is not None:
        stored = value if value is not None else text
        if stored is not None:
            state.answers[question_id] = stored


def invitation_state(connection: Connection, invitation_id: int) -> ResponseState | None:
    """The invitation with its response and answers (one query); ``None`` if no invitation."""
    state: ResponseState | None = None
    rows = connection.execute(
        _INVITATION_STATE,
        {"invitation_id": invitation_id, "ref": invitation_ref(invitation_id)},
    )
    for row in rows:
        if state is None:
            state = ResponseState(
                survey_version_id=row[1],
                source=INVITATION_SOURCE,
                response_ref=invitation_ref(row[0]),
                channel=row[3],
                invitation_id=row[0],
                customer_id=row[2],
                touchpoint_id=row[4],
                opened_at=row[5],
                started_at=row[6],
                completed_at=row[7],
            )
            if row[8] is not None:
                state.response_id = row[8]
                state.dimensions = dict(row[9] or {})
                state.response_started_at, state.submitted_at = row[10], row[11]
        _add_answer(state, row[12], row[13], row[14])
    return state


def link_state(connection: Connection, response_id: int) -> ResponseState | None:
    """A response with no invitation (an anonymous link's) and its answers; ``None`` if none."""
    state: ResponseState | None = None
    for row in connection.execute(_LINK_STATE, {"response_id": response_id}):
        if state is None:
            state = ResponseState(
                survey_version_id=row[1],
                source=row[2],
                response_ref=row[3],
                channel=row[4],
                response_id=row[0],
                dimensions=dict(row[5] or {}),
                response_started_at=row[6],
                submitted_at=row[7],
            )
        _add_answer(state, row[8], row[9], row[10])
    return state


def saved_answers(
    db: Session | Connection, response_id: int
) -> Sequence[tuple[int, float | None, str | None]]:
    """``(question_id, value, text)`` of each saved answer of the response."""
    rows = db.execute(
        select(Answer.question_id, Answer.value, Answer.text).where(
            Answer.response_id == response_id
        )
    )
    return [(row[0], row[1], row[2]) for row in rows]


def reload_state(connection: Connection, state: ResponseState) -> None:
    """Read again the response another request created under ``state``'s reference."""
    query = select(
        RESPONSES.c.id, RESPONSES.c.dimensions, RESPONSES.c.started_at, RESPONSES.c.submitted_at
    ).where(RESPONSES.c.source == state.source, RESPONSES.c.response_ref == state.response_ref)
    found = connection.execute(query).first()
    if found is None:  # pragma: no cover - deleted meanwhile
        raise RuntimeError(f"the response {state.response_ref} vanished")
    state.response_id, state.dimensions = found[0], dict(found[1] or {})
    state.response_started_at, state.submitted_at = found[2], found[3]
    state.answers = {}
    for question_id, value, text in saved_answers(connection, found[0]):
        _add_answer(state, question_id, value, text)


# ---------------------------------------------------------------- writing


def insert_response(connection: Connection, row: Mapping[str, Any]) -> int | None:
    """Insert a response (``row``: every one of :data:`RESPONSE_COLUMNS`); its id, or
    ``None`` when one with its ``(source, response_ref)`` exists (created meanwhile)."""
    id_: int | None = connection.execute(_statements(connection).insert_response, row).scalar()
    return id_


def write_answer(
    connection: Connection, response_id: int, question_id: int, value: StoredValue, *, new: bool
) -> None:
    """Save an answer: an insert on a ``new`` response, else an upsert (an existing answer,
    a concurrent request's too, is overwritten)."""
    statements = _statements(connection)
    connection.execute(
        statements.insert_answer if new else statements.upsert_answer,
        {
            "response_id": response_id,
            "question_id": question_id,
            "value": value if isinstance(value, float) else None,
            "text": value if isinstance(value, str) else None,
        },
    )


def delete_answers(connection: Connection, response_id: int, question_ids: list[int]) -> None:
    """Delete the response's answers to ``question_ids``."""
    connection.execute(
        _statements(connection).delete_answers,
        {"response_id": response_id, "question_ids": question_ids},
    )


def update_response(
    connection: Connection,
    response_id: int,
    *,
    language: str | None,
    content_hash: str,
    finish: bool,
    now: datetime,
) -> None:
    """Set the response's ``content_hash``, its ``language`` (``None``: keep) and, when
    still empty, ``started_at`` and (``finish``) ``submitted_at`` to ``now``."""
    connection.execute(
        _statements(connection).update_response[finish],
        {
            "response_id": response_id,
            "language": language,
            "content_hash": content_hash,
            "now": now,
        },
    )


def update_invitation(
    connection: Connection, invitation_id: int, *, finish: bool, now: datetime
) -> None:
    """Set the invitation's ``opened_at``, ``started_at`` and (``finish``) ``completed_at``
    to ``now`` where still empty."""
    connection.execute(
        _statements(connection).update_invitation[finish],
        {"invitation_id": invitation_id, "now": now},
    )
