"""The one home of test factories: builders of normalised tables (see cxlens.core.tables)
and of stored model rows (``add_*``: added to the session given and flushed)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa
from sqlalchemy.orm import Session

from cxlens.core.tables import (
    CASES,
    CUSTOMERS,
    REFERRALS,
    RESPONSES,
    NormalizedResponses,
    QuestionColumn,
)
from cxlens.models import Customer, Question, Response, Survey, SurveyVersion

NPS_Q = QuestionColumn("nps", "How likely are you to recommend us?", "nps", 0, 10)
CSAT_Q = QuestionColumn("csat", "How satisfied are you?", "csat", 1, 5)
CES_Q = QuestionColumn("ces", "How much effort did it take?", "ces", 1, 5, higher_is_better=False)
COMMENT_Q = QuestionColumn("comment", "Anything else?", "text")
CXI_QS = (
    QuestionColumn("cxi_eff", "It met my needs", "cxi_effectiveness", 1, 5),
    QuestionColumn("cxi_ease", "It was easy", "cxi_ease", 1, 5),
    QuestionColumn("cxi_emo", "I enjoyed it", "cxi_emotion", 1, 5),
)


def ts(text: str) -> datetime:
    """A UTC timestamp from ISO text (``2025-03-01`` or ``2025-03-01T10:00``)."""
    moment = datetime.fromisoformat(text)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _table(schema: pa.Schema, rows: Sequence[Mapping[str, Any]]) -> pa.Table:
    columns = {f.name: pa.array([r.get(f.name) for r in rows], f.type) for f in schema}
    return pa.table(columns, schema=schema)


def responses(
    rows: Sequence[Mapping[str, Any]],
    questions: Sequence[QuestionColumn] = (NPS_Q,),
    *,
    dimensions: Sequence[str] = (),
    survey_name: str = "Test survey",
) -> NormalizedResponses:
    """Responses: each row a dict of RESPONSES columns, question columns and dimensions.

    ``response_ref`` defaults to ``r<index>``, ``source`` to ``test``.
    """
    filled = [{"response_ref": f"r{i}", "source": "test", **r} for i, r in enumerate(rows)]
    base = _table(RESPONSES, filled)
    for q in questions:
        kind = pa.string() if q.kind == "text" else pa.float64()
        base = base.append_column(q.column, pa.array([r.get(q.column) for r in filled], kind))
    for d in dimensions:
        base = base.append_column(d, pa.array([r.get(d) for r in filled], pa.string()))
    return NormalizedResponses(
        table=base,
        questions=tuple(questions),
        dimensions=tuple(dimensions),
        survey_name=survey_name,
    )


def nps_rows(scores: Sequence[float], **common: Any) -> list[dict[str, Any]]:
    """One response row per NPS score, sharing ``common`` columns; refs ``<prefix>-i``."""
    prefix = common.pop("prefix", "n")
    return [{"response_ref": f"{prefix}-{i}", "nps": s, **common} for i, s in enumerate(scores)]


def cases(rows: Sequence[Mapping[str, Any]]) -> pa.Table:
    """A CASES table; ``case_ref`` defaults to ``c<index>``."""
    return _table(CASES, [{"case_ref": f"c{i}", **r} for i, r in enumerate(rows)])


def customers(rows: Sequence[Mapping[str, Any]], extra: Sequence[str] = ()) -> pa.Table:
    """A CUSTOMERS table (plus ``extra`` string columns); refs default to ``u<index>``."""
    filled = [{"customer_ref": f"u{i}", **r} for i, r in enumerate(rows)]
    table = _table(CUSTOMERS, filled)
    for name in extra:
        table = table.append_column(name, pa.array([r.get(name) for r in filled], pa.string()))
    return table


def referrals(rows: Sequence[Mapping[str, Any]]) -> pa.Table:
    """A REFERRALS table."""
    return _table(REFERRALS, rows)


# --- stored rows --------------------------------------------------------------------------

NOW = datetime(2025, 3, 1, 12, tzinfo=UTC)


def add_survey_version(session: Session, name: str = "S", version: int = 1) -> SurveyVersion:
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


def add_response(
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


def add_customer(session: Session, ref: str, **fields: Any) -> Customer:
    """A stored customer: ``ref`` and any other columns (email, phone, locale …) given."""
    c = Customer(customer_ref=ref, **fields)
    session.add(c)
    session.flush()
    return c


#: A person's browser. Headless Chromium says "HeadlessChrome", which cxlens takes for a
#: link scanner's sandbox (vote links ignore it): browser tests of a person use this one.
PERSON_AGENT = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36"
)
