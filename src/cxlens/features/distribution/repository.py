"""The SQL of distribution (lookups shared by the service, tasks and campaigns)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from cxlens.core.errors import NotFoundError
from cxlens.models import Customer, Question, Survey, SurveyVersion, Touchpoint
from cxlens.models.distribution import CustomerEvent, InvitationDispatch, TriggerRule

SCORE_TYPES = (
    "nps",
    "csat",
    "ces",
    "cxi_effectiveness",
    "cxi_ease",
    "cxi_emotion",
    "rating",
    "likert",
)


def survey_by_key(session: Session, key: str) -> Survey:
    """The survey with ``key`` (or, for imported surveys, this name)."""
    found = session.execute(select(Survey).where(Survey.key == key)).scalar_one_or_none()
    if found is None:
        found = session.execute(select(Survey).where(Survey.name == key)).scalar_one_or_none()
    if found is None:
        raise NotFoundError(f"no survey {key!r}")
    return found


def latest_version(session: Session, survey_id: int) -> SurveyVersion:
    """The newest version of a survey (invitations always point at one)."""
    found = session.execute(
        select(SurveyVersion)
        .where(SurveyVersion.survey_id == survey_id)
        .order_by(SurveyVersion.version.desc())
        .limit(1)
    ).scalar_one_or_none()
    if found is None:
        raise NotFoundError(f"survey {survey_id} has no version")
    return found


def touchpoint_id(session: Session, key: str | None) -> int | None:
    """The id of touchpoint ``key``; ``None`` for ``None``."""
    if key is None:
        return None
    found = session.execute(select(Touchpoint.id).where(Touchpoint.key == key)).scalar()
    if found is None:
        raise NotFoundError(f"no touchpoint {key!r}")
    return int(found)


def customer_by_ref(session: Session, ref: str) -> Customer | None:
    """The customer with ``customer_ref`` ``ref``."""
    return session.execute(
        select(Customer).where(Customer.customer_ref == ref)
    ).scalar_one_or_none()


def first_score_question(session: Session, version_id: int) -> Question | None:
    """The first score question of a survey version (the one voted on inside an email)."""
    return session.execute(
        select(Question)
        .where(Question.survey_version_id == version_id, Question.type.in_(SCORE_TYPES))
        .order_by(Question.position, Question.id)
        .limit(1)
    ).scalar_one_or_none()


def rules_for(session: Session, event: str) -> list[TriggerRule]:
    """The enabled trigger rules of an event name."""
    return list(
        session.execute(
            select(TriggerRule)
            .where(TriggerRule.event == event, TriggerRule.enabled.is_(True))
            .order_by(TriggerRule.id)
        ).scalars()
    )


def event_by_key(session: Session, key: str) -> CustomerEvent | None:
    """The event recorded with idempotency key ``key``."""
    return session.execute(
        select(CustomerEvent).where(CustomerEvent.idempotency_key == key)
    ).scalar_one_or_none()


def dispatches_of_event(session: Session, event_id: int) -> list[InvitationDispatch]:
    """The dispatches an event created."""
    return list(
        session.execute(
            select(InvitationDispatch)
            .where(InvitationDispatch.event_id == event_id)
            .order_by(InvitationDispatch.invitation_id)
        ).scalars()
    )
