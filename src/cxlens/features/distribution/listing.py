"""What distribution shows: triggers, campaigns and their waves, the contact-pressure rules in
force, the suppression log and the silent customers, as result rows (moments in UTC)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from cxlens.core.errors import NotFoundError
from cxlens.features.distribution import repository as repo
from cxlens.features.distribution.pressure import load_policy
from cxlens.features.distribution.schemas import (
    CampaignRow,
    PolicyView,
    SilentReport,
    SuppressionRow,
    SurveyWindow,
    TriggerRow,
    WaveRow,
)
from cxlens.features.distribution.silent import silent_customers


def list_triggers(session: Session) -> list[TriggerRow]:
    """The hot-campaign trigger rules, by event."""
    return [
        TriggerRow(
            id=rule.id,
            event=rule.event,
            survey=survey,
            channel=rule.channel,
            delay_seconds=rule.delay_seconds,
            touchpoint=touchpoint,
            reminders=rule.reminder_count,
            enabled=rule.enabled,
        )
        for rule, survey, touchpoint in repo.trigger_rules(session)
    ]


def list_campaigns(session: Session) -> list[CampaignRow]:
    """The cold campaigns by name, with their waves so far and the next one."""
    return [
        CampaignRow(
            id=campaign.id,
            name=campaign.name,
            survey=survey,
            channel=campaign.channel,
            rule=campaign.rule,
            filters=dict(campaign.filters or {}),
            sample=campaign.sample_size,
            waves=waves,
            next_wave=next_run,
            enabled=campaign.enabled,
        )
        for campaign, survey, next_run, waves in repo.campaigns(session)
    ]


def campaign_waves(session: Session, name: str) -> list[WaveRow]:
    """The waves of the campaign called ``name``: eligible, invited, completed."""
    campaign = repo.campaign_by_name(session, name)
    if campaign is None:
        raise NotFoundError(f"no campaign {name!r}: see `cxlens campaign list`")
    return [
        WaveRow(
            number=wave.number,
            scheduled_for=wave.scheduled_for,
            started_at=wave.started_at,
            eligible=wave.eligible,
            invited=wave.invited,
            completed=completed,
        )
        for wave, completed in repo.waves_of(session, campaign.id)
    ]


def policy_view(session: Session) -> PolicyView:
    """The contact-pressure rules in force, with the surveys' own windows."""
    policy = load_policy(session)
    quiet = (
        f"{policy.quiet_start:%H:%M}-{policy.quiet_end:%H:%M}"
        if policy.quiet_start is not None and policy.quiet_end is not None
        else None
    )
    return PolicyView(
        days=policy.global_days,
        survey_days=policy.survey_days,
        quiet_hours=quiet,
        silent_after=policy.silent_after,
        surveys=[SurveyWindow(survey=s, days=d) for s, d in repo.survey_windows(session)],
    )


def suppression_log(session: Session, *, limit: int = 50) -> list[SuppressionRow]:
    """The latest ``limit`` sends that did not happen (or were put off), newest first."""
    return [
        SuppressionRow(
            at=entry.at,
            customer=customer,
            survey=survey,
            invitation_id=entry.invitation_id,
            channel=entry.channel,
            rule=entry.rule,
            action=entry.action,
            reason=entry.reason,
        )
        for entry, customer, survey in repo.suppression_log(session, limit)
    ]


def silent_report(session: Session, *, threshold: int | None = None) -> SilentReport:
    """The customers with ``threshold`` (default: the policy's ``silent_after``) or more
    unanswered invitations in a row."""
    limit = threshold if threshold is not None else load_policy(session).silent_after
    return SilentReport(threshold=limit, customers=silent_customers(session, threshold=limit))
