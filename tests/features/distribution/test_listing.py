"""What distribution lists (triggers, campaigns, waves, policy, suppression log, silent
customers), with every moment an aware UTC datetime on both backends."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import Engine

from cxlens.core.clock import ManualClock
from cxlens.core.errors import InputError, NotFoundError
from cxlens.core.settings import Settings
from cxlens.db import unit_of_work
from cxlens.features.customers import CustomerIn
from cxlens.features.distribution.campaigns import create_cold_campaign, start_wave
from cxlens.features.distribution.listing import (
    campaign_waves,
    list_campaigns,
    list_triggers,
    policy_view,
    silent_report,
    suppression_log,
)
from cxlens.features.distribution.pressure import configure_pressure
from cxlens.features.distribution.schemas import EventIn
from cxlens.features.distribution.service import (
    add_trigger_rule,
    create_invitation,
    record_event,
    record_opt_out,
)
from cxlens.worker.loop import Worker

from .conftest import START, MakeCustomer


def _utc(moment: datetime | None) -> bool:
    return moment is not None and moment.utcoffset() == timedelta(0)


def test_triggers_are_listed_by_event_with_survey_and_touchpoint(
    migrated_engine: Engine, survey: str
) -> None:
    with unit_of_work(migrated_engine) as session:
        add_trigger_rule(
            session, event="ticket.solved", survey_key=survey, channel="sms", touchpoint="support"
        )
        add_trigger_rule(
            session, event="order.completed", survey_key=survey, channel="email", reminders=1
        )
    with unit_of_work(migrated_engine) as session:
        rows = list_triggers(session)
    assert [(r.event, r.survey, r.channel, r.touchpoint, r.reminders) for r in rows] == [
        ("order.completed", survey, "email", None, 1),
        ("ticket.solved", survey, "sms", "support", 0),
    ]


def test_a_replayed_event_gives_its_send_times_in_utc(
    migrated_engine: Engine, settings: Settings, survey: str
) -> None:
    with unit_of_work(migrated_engine) as session:
        add_trigger_rule(
            session,
            event="order.completed",
            survey_key=survey,
            channel="email",
            delay=timedelta(hours=2),
        )
    data = EventIn(
        event="order.completed",
        customer=CustomerIn(ref="shopper-1", email="shopper@example.com"),
        occurred_at=START,
        idempotency_key="order-1",
    )
    with unit_of_work(migrated_engine) as session:
        first = record_event(session, settings, data)
    with unit_of_work(migrated_engine) as session:
        again = record_event(session, settings, data)  # read back from the store
    assert again.duplicate
    assert again.send_at == first.send_at == [START + timedelta(hours=2)]
    assert all(_utc(moment) for moment in again.send_at)
    assert again.model_dump(mode="json")["send_at"] == ["2030-03-16T12:00:00Z"]


def test_campaigns_and_their_waves_with_utc_moments(
    migrated_engine: Engine,
    settings: Settings,
    clock: ManualClock,
    survey: str,
    make_customer: MakeCustomer,
) -> None:
    for _ in range(3):
        make_customer()
    with unit_of_work(migrated_engine) as session:
        campaign = create_cold_campaign(
            session,
            name="Barometer",
            survey_key=survey,
            channel="web",
            rule="FREQ=MONTHLY;INTERVAL=3",
            start=START,
            sample_size=2,
        )
        campaign_id = campaign.id
    with unit_of_work(migrated_engine) as session, pytest.raises(InputError, match="exists"):
        create_cold_campaign(
            session,
            name="Barometer",
            survey_key=survey,
            channel="web",
            rule="FREQ=MONTHLY",
            start=START,
        )
    with unit_of_work(migrated_engine) as session:
        start_wave(session, settings, campaign_id, START, clock=clock)
    with unit_of_work(migrated_engine) as session:
        [row] = list_campaigns(session)
        waves = campaign_waves(session, "Barometer")
        with pytest.raises(NotFoundError, match="no campaign 'Nope'"):
            campaign_waves(session, "Nope")
    assert (row.name, row.survey, row.sample, row.waves) == ("Barometer", survey, 2, 1)
    assert row.next_wave == START and _utc(row.next_wave)
    [wave] = waves
    assert (wave.number, wave.eligible, wave.invited, wave.completed) == (1, 3, 2, 0)
    assert _utc(wave.scheduled_for) and _utc(wave.started_at)
    assert wave.model_dump(mode="json")["scheduled_for"] == "2030-03-16T10:00:00Z"


def test_policy_view_shows_the_rules_in_force(migrated_engine: Engine, survey: str) -> None:
    with unit_of_work(migrated_engine) as session:
        assert policy_view(session).quiet_hours == "21:00-08:00"
        configure_pressure(
            session, days=14, quiet_hours=(time(22), time(7, 30)), survey_key=survey, survey_days=60
        )
        view = policy_view(session)
        assert (view.days, view.quiet_hours) == (14, "22:00-07:30")
        assert [(s.survey, s.days) for s in view.surveys] == [(survey, 60)]
        configure_pressure(session, no_quiet_hours=True)
        assert policy_view(session).quiet_hours is None
        with pytest.raises(InputError, match="go together"):
            configure_pressure(session, survey_days=5)


def test_suppression_log_and_silent_customers_in_utc(
    migrated_engine: Engine,
    settings: Settings,
    clock: ManualClock,
    worker: Worker,
    survey: str,
    make_customer: MakeCustomer,
) -> None:
    quiet, gone = make_customer(), make_customer()
    with unit_of_work(migrated_engine) as session:
        configure_pressure(session, days=0, silent_after=2, survey_key=survey, survey_days=0)
        record_opt_out(session, gone, clock=clock)
    for _ in range(2):
        with unit_of_work(migrated_engine) as session:
            for customer in (quiet, gone):
                create_invitation(
                    session,
                    settings,
                    customer_id=customer,
                    survey_key=survey,
                    channel="email",
                    clock=clock,
                )
        worker.drain()
        clock.advance(timedelta(days=1))
    with unit_of_work(migrated_engine) as session:
        log = suppression_log(session, limit=1)
        report = silent_report(session)
        assert silent_report(session, threshold=3).customers == []
    [entry] = log
    assert (entry.customer, entry.survey, entry.rule) == ("c2", survey, "opt_out")
    assert entry.at == START + timedelta(days=1) and _utc(entry.at)
    assert report.threshold == 2
    [who] = report.customers
    assert (who.customer_ref, who.unanswered) == ("c1", 2)
    assert who.last_sent_at == START + timedelta(days=1) and _utc(who.last_sent_at)
