from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from cxlens.models import Question, Response, Survey, SurveyVersion
from factories import add_response, add_survey_version
from models._helpers import rejected


def test_question_type_is_checked(session: Session) -> None:
    sv = add_survey_version(session)
    rejected(
        session,
        lambda: session.add(Question(survey_version_id=sv.id, key="q2", type="happiness")),
    )
    session.add(Question(survey_version_id=sv.id, key="q3", type="csat"))
    session.flush()


def test_question_keys_and_version_numbers_are_unique(session: Session) -> None:
    sv = add_survey_version(session)
    rejected(session, lambda: session.add(Question(survey_version_id=sv.id, key="nps", type="nps")))
    rejected(
        session,
        lambda: session.add(SurveyVersion(survey_id=sv.survey_id, version=1, signature="other")),
    )


def test_a_new_version_keeps_old_responses_on_their_version(session: Session) -> None:
    v1 = add_survey_version(session, "Barometer", 1)
    old = add_response(session, v1, "old")
    v2 = add_survey_version(session, "Barometer", 2)
    new = add_response(session, v2, "new")
    session.expire_all()
    rows = session.execute(
        select(Response.response_ref, SurveyVersion.version)
        .join(SurveyVersion, Response.survey_version_id == SurveyVersion.id)
        .order_by(Response.response_ref)
    ).all()
    assert [tuple(r) for r in rows] == [("new", 2), ("old", 1)]
    assert old.survey_version_id != new.survey_version_id
    assert session.scalar(select(func.count()).select_from(Question)) == 2  # one per version


def test_a_survey_with_responses_cannot_be_deleted(session: Session) -> None:
    sv = add_survey_version(session)
    add_response(session, sv, "r1")
    rejected(session, lambda: session.execute(delete(Survey).where(Survey.id == sv.survey_id)))
    assert session.scalar(select(func.count()).select_from(Response)) == 1


def test_deleting_a_survey_without_responses_deletes_its_versions_and_questions(
    session: Session,
) -> None:
    sv = add_survey_version(session, "Draft")
    other = add_survey_version(session, "Other")
    session.execute(delete(Survey).where(Survey.id == sv.survey_id))
    session.expire_all()
    assert session.scalars(select(SurveyVersion.id)).all() == [other.id]
    assert session.scalars(select(Question.survey_version_id)).all() == [other.id]
