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


def add_customer_everywhere(
    session: Session, ref: str, email: str, *, comment: str | None = None, survey: str = "P"
) -> Customer:
    """A customer with a row in every table that can hold one (tests of privacy).

    Responses with a score and a comment (analysed, themed, embedded, labelled, changed),
    an invitation with its dispatch, event, vote click, send job and ledger entry, an
    opt-out, a suppression-log row, a flag, lifecycle rows, a referral, a support case, an
    incentive code, a theme example copied from the comment and an audit entry naming them.
    """
    from cxlens.models import (
        AnswerChange,
        AuditEntry,
        Delivery,
        IncentiveCode,
        Invitation,
        Job,
        LifecycleEvent,
        Referral,
        SupportCase,
        VoteClick,
    )
    from cxlens.models.distribution import (
        ContactSuppression,
        CustomerEvent,
        CustomerFlag,
        InvitationDispatch,
        SuppressionLogEntry,
    )
    from cxlens.models.feedback import Answer
    from cxlens.models.text import TextAnalysis, TextEmbedding, TextLabel, TextTheme, TextThemeHit

    text = comment or f"The parcel for {email} arrived late and damaged"
    version = session.query(SurveyVersion).join(Survey).filter(Survey.name == survey).first()
    if version is None:
        version = add_survey_version(session, name=survey)
        session.add(Question(survey_version_id=version.id, key="comment", type="text"))
        session.flush()
    questions = {q.key: q for q in session.query(Question).filter_by(survey_version_id=version.id)}
    customer = add_customer(session, ref, email=email, phone="+31612345678", name=f"Name {ref}")
    other = add_customer(session, f"{ref}-friend")
    event = CustomerEvent(
        idempotency_key=f"evt-{ref}", event="order.delivered", customer_id=customer.id,
        occurred_at=NOW, properties={"email": email},
    )  # fmt: skip
    session.add(event)
    session.flush()
    invitation = Invitation(
        survey_version_id=version.id, customer_id=customer.id, channel="email",
        token=f"tok-{ref}", sent_at=NOW,
    )  # fmt: skip
    session.add(invitation)
    session.flush()
    session.add(
        InvitationDispatch(
            invitation_id=invitation.id, customer_id=customer.id, survey_id=version.survey_id,
            kind="hot", status="sent", prefill={"email": email}, event_id=event.id,
        )
    )  # fmt: skip
    response = add_response(
        session, version, f"resp-{ref}", customer_id=customer.id, invitation_id=invitation.id
    )
    score = Answer(response_id=response.id, question_id=questions["nps"].id, value=3)
    said = Answer(response_id=response.id, question_id=questions["comment"].id, text=text)
    session.add_all([score, said])
    session.flush()
    analysis = TextAnalysis(
        answer_id=said.id, model="fast@1", language="en", language_confidence=0.9,
        sentiment="negative", sentiment_score=-0.8,
    )  # fmt: skip
    session.add(analysis)
    session.flush()
    session.add_all(
        [
            TextThemeHit(analysis_id=analysis.id, theme_key="delivery", score=0.9),
            TextEmbedding(answer_id=said.id, model="e@1", dim=2, scale=0.1, vector=b"\x01\x02"),
            TextLabel(answer_id=said.id, sentiment="negative", themes=["delivery"]),
            AnswerChange(
                response_id=response.id, question_id=questions["nps"].id, old_value=5,
                new_value=3, via="page",
            ),
            VoteClick(invitation_id=invitation.id, score=3, outcome="counted"),
            IncentiveCode(pool="thanks", code=f"CODE-{ref}", response_id=response.id,
                          assigned_at=NOW),
            ContactSuppression(
                customer_id=customer.id, channel="email", address=email, reason="opt_out",
                invitation_id=invitation.id, method="link",
            ),
            SuppressionLogEntry(
                customer_id=customer.id, invitation_id=invitation.id, channel="email",
                rule="opt_out", reason=f"{email} opted out",
            ),
            CustomerFlag(customer_id=customer.id, flag="silent"),
            LifecycleEvent(customer_id=customer.id, kind="acquired", at=NOW),
            Referral(referrer_id=other.id, referred_id=customer.id, at=NOW),
            SupportCase(case_ref=f"case-{ref}", customer_id=customer.id, opened_at=NOW),
            Job(kind="email.send", payload={"invitation_id": invitation.id,
                                            "attempt": "initial"},
                idempotency_key=f"invitation:{invitation.id}:initial", status="done"),
            Delivery(key=f"email:invitation:{invitation.id}:initial", message_id="<m@x>"),
            AuditEntry(source="api", action="customer.updated", target=ref,
                       details={"email": email}),
        ]
    )  # fmt: skip
    theme = session.query(TextTheme).filter_by(key="delivery").one_or_none()
    if theme is None:
        theme = TextTheme(key="delivery", name="Delivery", examples={"en": ["late parcel"]})
        session.add(theme)
        session.flush()
    examples = {k: list(v) for k, v in (theme.examples or {}).items()}
    examples["learned"] = [*examples.get("learned", []), text]
    theme.examples = examples
    theme.details = {"answer_ids": [*(theme.details or {}).get("answer_ids", []), said.id]}
    session.flush()
    return customer
