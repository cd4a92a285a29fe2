"""Small builders of model rows for the model-layer tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from cxlens.models import Customer, Question, Response, Survey, SurveyVersion

NOW = datetime(2025, 3, 1, 12, tzinfo=UTC)


def survey_version(session: Session, name: str = "S", version: int = 1) -> SurveyVersion:
    """A survey (created when missing) with a version holding one NPS question."""
    survey = session.query(Survey).filter_by(name=name).one_or_none()
    if survey is None:
        survey = Survey(name=name)
        session.add(survey)
        session.flush()
    sv = SurveyVersion(survey_id=survey.id, version=version, signature=f"sig{version}")
    session.add(sv)
    session.flush()
    session.add(
        Question(survey_version_id=sv.id, key="nps", type="nps", scale_low=0, scale_high=10)
    )
    session.flush()
    return sv


def response(
    session: Session, version: SurveyVersion, ref: str, *, source: str = "test", **kw: object
) -> Response:
    """A stored response of ``version``."""
    r = Response(
        survey_version_id=version.id,
        response_ref=ref,
        content_hash="0" * 64,
        source=source,
        submitted_at=NOW,
        **kw,
    )
    session.add(r)
    session.flush()
    return r


def customer(session: Session, ref: str) -> Customer:
    """A stored bare customer."""
    c = Customer(customer_ref=ref)
    session.add(c)
    session.flush()
    return c


def rejected(session: Session, change: Callable[[], object]) -> None:
    """``change`` (flushed) violates a constraint; the session stays usable (savepoint)."""
    with pytest.raises(IntegrityError), session.begin_nested():
        change()
        session.flush()
