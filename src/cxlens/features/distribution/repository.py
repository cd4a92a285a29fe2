"""The SQL of distribution (lookups shared by the service, tasks and campaigns, and the
queries behind the lists the CLI and the API show)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Label, RowMapping, case, func, select, update
from sqlalchemy.orm import Session

from cxlens.core.errors import NotFoundError
from cxlens.core.vocabulary import SCORE_TYPES
from cxlens.features.customers.repository import ids_in_scope
from cxlens.models import (
    Customer,
    Invitation,
    Job,
    JobStatus,
    Question,
    Schedule,
    Survey,
    SurveyVersion,
    Touchpoint,
)
from cxlens.models.distribution import (
    Campaign,
    CampaignWave,
    ContactPolicy,
    CustomerEvent,
    DispatchStatus,
    InvitationDispatch,
    InvitationKind,
    SuppressionLogEntry,
    TriggerRule,
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


def trigger_rules(session: Session) -> list[tuple[TriggerRule, str, str | None]]:
    """Every trigger rule with its survey's key (or name) and touchpoint key, by event."""
    rows = session.execute(
        select(TriggerRule, func.coalesce(Survey.key, Survey.name), Touchpoint.key)
        .join(Survey, Survey.id == TriggerRule.survey_id)
        .outerjoin(Touchpoint, Touchpoint.id == TriggerRule.touchpoint_id)
        .order_by(TriggerRule.event, TriggerRule.id)
    ).all()
    return [(rule, str(survey), touchpoint) for rule, survey, touchpoint in rows]


def campaign_by_name(session: Session, name: str) -> Campaign | None:
    """The cold campaign called ``name``."""
    return session.execute(select(Campaign).where(Campaign.name == name)).scalar_one_or_none()


def campaigns(session: Session) -> list[tuple[Campaign, str, datetime | None, int]]:
    """Every cold campaign with its survey's key (or name), next wave and waves so far."""
    waves = (
        select(CampaignWave.campaign_id, func.count(CampaignWave.id).label("n"))
        .group_by(CampaignWave.campaign_id)
        .subquery()
    )
    rows = session.execute(
        select(Campaign, func.coalesce(Survey.key, Survey.name), Schedule.next_run_at, waves.c.n)
        .join(Survey, Survey.id == Campaign.survey_id)
        .outerjoin(Schedule, Schedule.id == Campaign.schedule_id)
        .outerjoin(waves, waves.c.campaign_id == Campaign.id)
        .order_by(Campaign.name)
    ).all()
    return [(c, str(survey), next_run, int(n or 0)) for c, survey, next_run, n in rows]


def waves_of(session: Session, campaign_id: int) -> list[tuple[CampaignWave, int]]:
    """A campaign's waves in order, each with its completed invitations."""
    completed = (
        select(
            InvitationDispatch.wave_id,
            func.count(Invitation.completed_at).label("completed"),
        )
        .join(Invitation, Invitation.id == InvitationDispatch.invitation_id)
        .group_by(InvitationDispatch.wave_id)
        .subquery()
    )
    rows = session.execute(
        select(CampaignWave, completed.c.completed)
        .outerjoin(completed, completed.c.wave_id == CampaignWave.id)
        .where(CampaignWave.campaign_id == campaign_id)
        .order_by(CampaignWave.number)
    ).all()
    return [(wave, int(done or 0)) for wave, done in rows]


def survey_windows(session: Session) -> list[tuple[str, int | None]]:
    """The surveys with their own contact window: (key or name, days), by name."""
    rows = session.execute(
        select(func.coalesce(Survey.key, Survey.name), ContactPolicy.min_days_between)
        .join(Survey, Survey.id == ContactPolicy.survey_id)
        .order_by(Survey.name)
    ).all()
    return [(str(survey), days) for survey, days in rows]


def suppression_log(
    session: Session, limit: int
) -> list[tuple[SuppressionLogEntry, str | None, str | None]]:
    """The latest ``limit`` suppression-log entries with the customer ref and survey."""
    rows = session.execute(
        select(
            SuppressionLogEntry,
            Customer.customer_ref,
            func.coalesce(Survey.key, Survey.name),
        )
        .outerjoin(Customer, Customer.id == SuppressionLogEntry.customer_id)
        .outerjoin(Survey, Survey.id == SuppressionLogEntry.survey_id)
        .order_by(SuppressionLogEntry.at.desc(), SuppressionLogEntry.id.desc())
        .limit(limit)
    ).all()
    return [(entry, ref, survey) for entry, ref, survey in rows]


def pending_cold_dispatches(
    session: Session, customer_id: int | None
) -> list[tuple[InvitationDispatch, Invitation]]:
    """The customer's cold dispatches still pending, each with its invitation."""
    rows = session.execute(
        select(InvitationDispatch, Invitation)
        .join(Invitation, Invitation.id == InvitationDispatch.invitation_id)
        .where(
            InvitationDispatch.customer_id == customer_id,
            InvitationDispatch.kind == InvitationKind.COLD.value,
            InvitationDispatch.status == DispatchStatus.PENDING.value,
        )
    ).all()
    return [(dispatch, invitation) for dispatch, invitation in rows]


def sms_dispatch_by_provider_id(
    session: Session, provider_id: str
) -> tuple[InvitationDispatch, Invitation] | None:
    """The SMS dispatch (and its invitation) the provider knows as message ``provider_id``."""
    row = session.execute(
        select(InvitationDispatch, Invitation)
        .join(Invitation, Invitation.id == InvitationDispatch.invitation_id)
        .where(InvitationDispatch.provider_id == provider_id, Invitation.channel == "sms")
    ).first()
    if row is None:
        return None
    dispatch, invitation = row
    return dispatch, invitation


def funnel_counts(
    session: Session,
    by: Sequence[str],
    open_measured: Sequence[str],
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    scope: Mapping[str, Sequence[str]] | None = None,
) -> list[RowMapping]:
    """The funnel's counts of invitations per group of ``by`` (``survey``, ``channel``,
    ``touchpoint``), sent in ``[since, until)`` if given, ordered by group; with a data
    ``scope``, only invitations of the customers it lets its user see.

    Each row maps the dimensions of ``by`` and ``invited``, ``sent``, ``delivered``,
    ``opened``, ``measured`` (invitations on an ``open_measured`` channel), ``started``
    and ``completed``.
    """
    columns = {
        "survey": func.coalesce(Survey.key, Survey.name),
        "channel": Invitation.channel,
        "touchpoint": Touchpoint.key,
    }
    keys: list[Label[Any]] = [columns[d].label(d) for d in by]

    measured = Invitation.channel.in_(open_measured)
    query = (
        select(
            *keys,
            func.count(Invitation.id).label("invited"),
            func.count(Invitation.sent_at).label("sent"),
            func.count(Invitation.delivered_at).label("delivered"),
            func.count(case((measured, Invitation.opened_at))).label("opened"),
            func.sum(case((measured, 1), else_=0)).label("measured"),
            func.count(Invitation.started_at).label("started"),
            func.count(Invitation.completed_at).label("completed"),
        )
        .select_from(Invitation)
        .join(SurveyVersion, SurveyVersion.id == Invitation.survey_version_id)
        .join(Survey, Survey.id == SurveyVersion.survey_id)
        .outerjoin(Touchpoint, Touchpoint.id == Invitation.touchpoint_id)
    )
    if since is not None:
        query = query.where(Invitation.sent_at >= since)
    if until is not None:
        query = query.where(Invitation.sent_at < until)
    if scope:
        query = query.where(Invitation.customer_id.in_(ids_in_scope(scope)))
    if keys:
        query = query.group_by(*keys).order_by(*keys)
    return list(session.execute(query).mappings())


# --- cold campaigns ---------------------------------------------------------------------------


def wave_scheduled_for(session: Session, campaign_id: int, when: datetime) -> CampaignWave | None:
    """The campaign's wave of the occurrence ``when``, if it was started."""
    return session.execute(
        select(CampaignWave).where(
            CampaignWave.campaign_id == campaign_id, CampaignWave.scheduled_for == when
        )
    ).scalar_one_or_none()


def last_wave_number(session: Session, campaign_id: int) -> int:
    """The number of the campaign's latest wave; 0 before the first."""
    return int(
        session.execute(
            select(func.coalesce(func.max(CampaignWave.number), 0)).where(
                CampaignWave.campaign_id == campaign_id
            )
        ).scalar_one()
    )


# --- reminder jobs ----------------------------------------------------------------------------


def _cancel_queued(
    session: Session, where: ColumnElement[bool], reason: str, now: datetime
) -> list[int]:
    rows = session.execute(
        update(Job)
        .where(where, Job.status == JobStatus.QUEUED.value)
        .values(status=JobStatus.CANCELLED.value, finished_at=now, last_error=reason[:4000])
        .returning(Job.id, Job.payload)
        .execution_options(synchronize_session=False)
    ).all()
    return sorted({int((row.payload or {}).get("invitation_id", 0)) for row in rows} - {0})


def cancel_queued_jobs_by_key(
    session: Session, keys: Sequence[str], reason: str, now: datetime
) -> list[int]:
    """Cancel the queued jobs with these idempotency keys; the invitation ids they were for."""
    return _cancel_queued(session, Job.idempotency_key.in_(list(keys)), reason, now)


def cancel_queued_job(session: Session, job_id: int, reason: str, now: datetime) -> list[int]:
    """Cancel job ``job_id`` if still queued; the invitation id it was for (or nothing)."""
    return _cancel_queued(session, Job.id == job_id, reason, now)


def reminder_counts(session: Session, invitation_ids: Sequence[int]) -> list[tuple[int, int]]:
    """``(invitation id, reminders planned)`` of these invitations."""
    rows = session.execute(
        select(InvitationDispatch.invitation_id, InvitationDispatch.reminder_count).where(
            InvitationDispatch.invitation_id.in_(list(invitation_ids))
        )
    ).all()
    return [(int(i), int(n)) for i, n in rows]


def invitations_with_reminders_left(
    session: Session, customer_id: int, channel: str | None
) -> list[int]:
    """The customer's invitations (on ``channel``, or all) with reminders still to send."""
    query = (
        select(InvitationDispatch.invitation_id)
        .join(Invitation, Invitation.id == InvitationDispatch.invitation_id)
        .where(
            InvitationDispatch.customer_id == customer_id,
            InvitationDispatch.reminders_sent < InvitationDispatch.reminder_count,
        )
    )
    if channel is not None:
        query = query.where(Invitation.channel == channel)
    return [int(i) for i in session.execute(query).scalars()]


def queued_reminder_jobs(
    session: Session, until: datetime, kinds: Sequence[str]
) -> list[tuple[int, dict[str, Any]]]:
    """``(job id, payload)`` of the queued reminder send jobs due before ``until``."""
    rows = session.execute(
        select(Job.id, Job.payload).where(
            Job.status == JobStatus.QUEUED.value,
            Job.run_at < until,
            Job.kind.in_(list(kinds)),
            Job.idempotency_key.like("invitation:%:reminder-%"),
        )
    ).all()
    return [(int(job_id), dict(payload or {})) for job_id, payload in rows]
