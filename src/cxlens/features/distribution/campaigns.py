"""Cold campaigns: every N months, a seeded sample of customers filtered by attributes.

Each run is a wave (campaign, number, started_at) stored on every invitation it makes, so
analytics can compare wave to wave. Waves run from a schedule (:mod:`cxlens.jobs.schedules`,
job kind ``campaign.wave``); :func:`start_wave` can also be called directly.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from cxlens.core.clock import Clock, SystemClock
from cxlens.core.errors import InputError, Location, NotFoundError
from cxlens.core.settings import Settings
from cxlens.features.customers import repository as customers_repo
from cxlens.features.distribution import repository as repo
from cxlens.features.distribution.service import _channel, create_invitation
from cxlens.jobs import add_schedule
from cxlens.models import CUSTOMER_ATTRIBUTES, Customer
from cxlens.models.distribution import Campaign, CampaignWave, InvitationKind

#: The job kind that starts a wave.
WAVE_KIND = "campaign.wave"


def create_cold_campaign(
    session: Session,
    *,
    name: str,
    survey_key: str,
    channel: str,
    rule: str,
    start: datetime,
    filters: Mapping[str, Any] | None = None,
    sample_size: int | None = None,
    sample_fraction: float | None = None,
    seed: int = 0,
    touchpoint: str | None = None,
    timezone: str = "UTC",
    reminders: int = 0,
    reminder_interval: timedelta = timedelta(days=3),
) -> Campaign:
    """A cold campaign and its schedule (``rule``: an RRULE such as
    ``"FREQ=MONTHLY;INTERVAL=3"`` from ``start``).

    ``filters`` match customer attributes (``{"region": "EU", "plan": ["pro", "team"]}``:
    a list means any of); the sample is ``sample_size`` customers or ``sample_fraction`` of
    them (neither: all), drawn with ``seed`` and the wave number, so a wave is reproducible.
    Names are unique.
    """
    if sample_size is not None and sample_fraction is not None:
        raise InputError("give a sample size or a fraction, not both", Location(field="sample"))
    if sample_size is not None and sample_size < 1:
        raise InputError("the sample size must be at least 1", Location(field="sample_size"))
    if sample_fraction is not None and not 0 < sample_fraction <= 1:
        raise InputError(
            "the sample fraction must lie in (0, 1]", Location(field="sample_fraction")
        )
    if reminders < 0 or (reminders and reminder_interval <= timedelta(0)):
        raise InputError("reminders need a positive interval", Location(field="reminders"))
    if repo.campaign_by_name(session, name) is not None:
        raise InputError(
            f"a campaign called {name!r} exists", Location(field="name"), expected="another --name"
        )
    survey = repo.survey_by_key(session, survey_key)
    campaign = Campaign(
        name=name,
        survey_id=survey.id,
        channel=_channel(channel),
        touchpoint_id=repo.touchpoint_id(session, touchpoint),
        filters=dict(filters or {}),
        sample_size=sample_size,
        sample_fraction=sample_fraction,
        seed=seed,
        rule=rule,
        timezone=timezone,
        reminder_count=reminders,
        reminder_interval_seconds=int(reminder_interval.total_seconds()) if reminders else 0,
        enabled=True,
    )
    session.add(campaign)
    session.flush()
    schedule = add_schedule(
        session,
        f"campaign:{campaign.id}:{name}"[:200],
        WAVE_KIND,
        rule,
        dtstart=start,
        payload={"campaign_id": campaign.id},
        timezone=timezone,
    )
    campaign.schedule_id = schedule.id
    session.flush()
    return campaign


def _matches(customer: Customer, filters: Mapping[str, Any]) -> bool:
    for key, wanted in filters.items():
        if key in CUSTOMER_ATTRIBUTES:
            value = getattr(customer, key)
        else:
            value = (customer.attributes or {}).get(key)
        allowed = wanted if isinstance(wanted, list) else [wanted]
        if value not in allowed and str(value) not in [str(a) for a in allowed]:
            return False
    return True


def eligible_customers(session: Session, campaign: Campaign) -> list[int]:
    """Ids of the customers the campaign's filters select (not churned), in id order."""
    rows = customers_repo.active_customers(session)
    return [c.id for c in rows if _matches(c, campaign.filters or {})]


def sample(ids: list[int], campaign: Campaign, wave_number: int) -> list[int]:
    """The wave's sample of ``ids``, drawn with the campaign's seed and the wave number."""
    if campaign.sample_size is not None:
        size = min(campaign.sample_size, len(ids))
    elif campaign.sample_fraction is not None:
        size = round(len(ids) * campaign.sample_fraction)
    else:
        return list(ids)
    rng = random.Random(f"{campaign.seed}:{wave_number}")
    return sorted(rng.sample(ids, size))


def start_wave(
    session: Session,
    settings: Settings,
    campaign_id: int,
    scheduled_for: datetime,
    *,
    clock: Clock | None = None,
) -> CampaignWave:
    """Start the campaign's wave of ``scheduled_for``: a sample invited, each invitation
    carrying the wave. Starting the same occurrence twice returns the first wave."""
    now = (clock or SystemClock()).now()
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise NotFoundError(f"no campaign {campaign_id}")
    when = scheduled_for.astimezone(UTC)
    existing = repo.wave_scheduled_for(session, campaign_id, when)
    if existing is not None:
        return existing
    number = repo.last_wave_number(session, campaign_id) + 1
    ids = eligible_customers(session, campaign)
    chosen = sample(ids, campaign, number)
    wave = CampaignWave(
        campaign_id=campaign_id,
        number=number,
        scheduled_for=when,
        started_at=now,
        eligible=len(ids),
        invited=len(chosen),
    )
    session.add(wave)
    session.flush()
    if campaign.enabled:
        for customer_id in chosen:
            create_invitation(
                session,
                settings,
                customer_id=customer_id,
                survey_id=campaign.survey_id,
                channel=campaign.channel,
                touchpoint_id=campaign.touchpoint_id,
                kind=InvitationKind.COLD,
                reminders=campaign.reminder_count,
                reminder_interval=timedelta(seconds=campaign.reminder_interval_seconds or 1),
                campaign_id=campaign.id,
                wave_id=wave.id,
                clock=clock,
            )
    return wave
