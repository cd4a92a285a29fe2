from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from cxlens.models import Answer, Question, Response
from factories import add_response, add_survey_version
from models._helpers import rejected


def test_source_and_response_ref_are_unique_together(session: Session) -> None:
    sv = add_survey_version(session)
    add_response(session, sv, "r1", source="qualtrics")
    add_response(session, sv, "r1", source="typeform")  # same ref, other source: fine
    rejected(session, lambda: add_response(session, sv, "r1", source="qualtrics"))
    assert session.scalar(select(func.count()).select_from(Response)) == 2


def test_a_response_needs_an_existing_survey_version(session: Session) -> None:
    sv = add_survey_version(session)
    rejected(
        session,
        lambda: session.add(
            Response(survey_version_id=sv.id + 99, response_ref="x", content_hash="", source="t")
        ),
    )


def test_an_answer_needs_an_existing_response_and_question(session: Session) -> None:
    sv = add_survey_version(session)
    r = add_response(session, sv, "r1")
    qid = session.scalars(select(Question.id)).one()
    rejected(session, lambda: session.add(Answer(response_id=r.id + 99, question_id=qid)))
    rejected(session, lambda: session.add(Answer(response_id=r.id, question_id=qid + 99)))


def test_one_answer_per_response_and_question(session: Session) -> None:
    sv = add_survey_version(session)
    r = add_response(session, sv, "r1")
    qid = session.scalars(select(Question.id)).one()
    session.add(Answer(response_id=r.id, question_id=qid, value=9))
    session.flush()
    rejected(session, lambda: session.add(Answer(response_id=r.id, question_id=qid, value=3)))


def test_deleting_a_response_deletes_its_answers(session: Session) -> None:
    sv = add_survey_version(session)
    keep, gone = add_response(session, sv, "keep"), add_response(session, sv, "gone")
    qid = session.scalars(select(Question.id)).one()
    session.add_all(
        [
            Answer(response_id=keep.id, question_id=qid, value=9),
            Answer(response_id=gone.id, question_id=qid, value=2),
        ]
    )
    session.flush()
    session.execute(delete(Response).where(Response.id == gone.id))
    assert session.scalars(select(Answer.value)).all() == [9]
