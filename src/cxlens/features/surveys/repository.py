"""All SQL of surveys: look-ups, versions with their questions, counts. Nothing commits."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from cxlens.features.collection.counting_repository import counted_response
from cxlens.models import Invitation, Question, Response, Survey, SurveyVersion, utcnow


def find_by_key(session: Session, key: str) -> Survey | None:
    """The survey whose definition key is ``key``."""
    return session.scalars(select(Survey).where(Survey.key == key)).first()


def find_by_name(session: Session, name: str) -> Survey | None:
    """The survey called ``name`` (imported surveys are found by name)."""
    return session.scalars(select(Survey).where(Survey.name == name)).first()


def add_survey(
    session: Session, *, key: str, name: str, kind: str, description: str | None
) -> Survey:
    """A new survey (flushed, so it has an id)."""
    survey = Survey(key=key, name=name, kind=kind, description=description, created_at=utcnow())
    session.add(survey)
    session.flush()
    return survey


def latest_version(session: Session, survey_id: int) -> SurveyVersion | None:
    """The highest-numbered version of a survey."""
    return session.scalars(
        select(SurveyVersion)
        .where(SurveyVersion.survey_id == survey_id)
        .order_by(SurveyVersion.version.desc())
        .limit(1)
    ).first()


def latest_version_id(session: Session, survey_id: int) -> int | None:
    """The id of the survey's latest version, if it has one."""
    return session.scalar(
        select(SurveyVersion.id)
        .where(SurveyVersion.survey_id == survey_id)
        .order_by(SurveyVersion.version.desc())
        .limit(1)
    )


def get_version(session: Session, survey_id: int, version: int) -> SurveyVersion | None:
    """Version number ``version`` of a survey."""
    return session.scalars(
        select(SurveyVersion).where(
            SurveyVersion.survey_id == survey_id, SurveyVersion.version == version
        )
    ).first()


def version_in_use(session: Session, version_id: int) -> bool:
    """Whether responses or invitations point at this version (then it is frozen)."""
    for model in (Response, Invitation):
        found = session.scalar(
            select(model.id).where(model.survey_version_id == version_id).limit(1)
        )
        if found is not None:
            return True
    return False


def add_version(
    session: Session,
    survey_id: int,
    *,
    signature: str,
    definition: Mapping[str, Any],
    questions: Sequence[Mapping[str, Any]],
) -> SurveyVersion:
    """A new version, numbered after the latest, with its questions."""
    latest = session.scalar(
        select(func.max(SurveyVersion.version)).where(SurveyVersion.survey_id == survey_id)
    )
    version = SurveyVersion(
        survey_id=survey_id,
        version=(latest or 0) + 1,
        signature=signature,
        definition=dict(definition),
        created_at=utcnow(),
    )
    session.add(version)
    session.flush()
    _add_questions(session, version.id, questions)
    return version


def replace_version(
    session: Session,
    version: SurveyVersion,
    *,
    signature: str,
    definition: Mapping[str, Any],
    questions: Sequence[Mapping[str, Any]],
) -> SurveyVersion:
    """Rewrite an unused version in place: new definition, its questions replaced."""
    session.execute(delete(Question).where(Question.survey_version_id == version.id))
    version.signature = signature
    version.definition = dict(definition)
    session.flush()
    _add_questions(session, version.id, questions)
    return version


def _add_questions(session: Session, version_id: int, rows: Sequence[Mapping[str, Any]]) -> None:
    session.add_all(Question(survey_version_id=version_id, **row) for row in rows)
    session.flush()


def survey_stats(session: Session, survey_ids: Sequence[int] | None = None) -> list[Any]:
    """Rows of (survey, latest version number, number of versions, number of responses)."""
    versions = (
        select(
            SurveyVersion.survey_id.label("survey_id"),
            func.max(SurveyVersion.version).label("latest"),
            func.count(SurveyVersion.id).label("versions"),
        )
        .group_by(SurveyVersion.survey_id)
        .subquery()
    )
    responses = (
        select(SurveyVersion.survey_id.label("survey_id"), func.count(Response.id).label("n"))
        .join(Response, Response.survey_version_id == SurveyVersion.id)
        .where(counted_response())
        .group_by(SurveyVersion.survey_id)
        .subquery()
    )
    stmt = (
        select(
            Survey,
            versions.c.latest,
            func.coalesce(versions.c.versions, 0),
            func.coalesce(responses.c.n, 0),
        )
        .outerjoin(versions, versions.c.survey_id == Survey.id)
        .outerjoin(responses, responses.c.survey_id == Survey.id)
        .order_by(Survey.name)
    )
    if survey_ids is not None:
        stmt = stmt.where(Survey.id.in_(list(survey_ids)))
    return list(session.execute(stmt).all())
