"""One definition of a counted response: the headline and the period figures agree."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlalchemy.orm import Session

import factories as f
from cxlens.db import unit_of_work
from cxlens.features.collection.counting_repository import INVITATION_SOURCE
from cxlens.features.imports import import_responses
from cxlens.features.metrics import store_metrics
from cxlens.features.metrics.service import partial_responses
from cxlens.models import Answer, Question, Response
from features.collection.conftest import make_invitation

WHEN = datetime(2025, 3, 10, 12, tzinfo=UTC)


def _response(
    session: Session,
    ref: str,
    score: float,
    *,
    submitted: bool = False,
    voted: bool = False,
) -> None:
    invitation = make_invitation(session, ref=ref)
    version_id = invitation.survey_version_id
    response = Response(
        survey_version_id=version_id,
        invitation_id=invitation.id,
        customer_id=invitation.customer_id,
        response_ref=f"invitation:{invitation.id}",
        content_hash="",
        source=INVITATION_SOURCE,
        channel="email",
        started_at=WHEN,
        submitted_at=WHEN if submitted else None,
        voted_at=WHEN if voted else None,
    )
    session.add(response)
    session.flush()
    nps = session.query(Question).filter_by(survey_version_id=version_id, key="nps").one()
    session.add(Answer(response_id=response.id, question_id=nps.id, value=score))
    session.flush()


def test_headline_and_period_count_the_same_responses(migrated_engine: Engine) -> None:
    with unit_of_work(migrated_engine) as s:
        _response(s, "a", 0, submitted=True)
        _response(s, "b", 3, submitted=True)
        _response(s, "c", 10, voted=True)  # answered from the email by a person: counted
        for ref in ("d", "e", "f"):  # started on the page, never submitted: partial
            _response(s, ref, 10)
    with unit_of_work(migrated_engine) as s:
        (headline,) = [v for v in store_metrics(s) if v.metric == "nps"]
        (month,) = [v for v in store_metrics(s, period="month") if v.metric == "nps"]
        partial = partial_responses(s)
        of_survey = partial_responses(s, survey="After your order")
    assert (headline.n, month.n) == (3, 3)
    assert headline.value == month.value
    assert headline.value is not None and round(headline.value, 1) == -33.3
    assert month.period == "2025-03"
    assert (partial, of_survey) == (3, 3)


def test_imported_responses_count_with_or_without_a_date(migrated_engine: Engine) -> None:
    rows = [{"nps": 9, "submitted_at": f.ts("2025-03-01")}, {"nps": 2}]
    with unit_of_work(migrated_engine) as s:
        import_responses(s, f.responses(rows))
    with unit_of_work(migrated_engine) as s:
        (headline,) = [v for v in store_metrics(s) if v.metric == "nps"]
        (month,) = [v for v in store_metrics(s, period="month") if v.metric == "nps"]
        assert partial_responses(s) == 0
    assert (headline.n, month.n) == (2, 1)  # an undated import is in no period
