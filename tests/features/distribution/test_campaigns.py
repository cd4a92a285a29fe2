"""Hot campaigns (events → invitations on time, with a real worker thread) and cold waves."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, select

from cxlens.core.clock import ManualClock
from cxlens.core.settings import Settings
from cxlens.db import unit_of_work
from cxlens.features.customers import CustomerIn
from cxlens.features.distribution.campaigns import create_cold_campaign, start_wave
from cxlens.features.distribution.funnel import funnel
from cxlens.features.distribution.pressure import set_policy
from cxlens.features.distribution.schemas import EventIn
from cxlens.features.distribution.service import add_trigger_rule, record_event
from cxlens.features.distribution.tasks import register
from cxlens.jobs import HandlerRegistry
from cxlens.models import Invitation, Job
from cxlens.models.distribution import CampaignWave, InvitationDispatch
from cxlens.worker.loop import Worker

from .conftest import MakeCustomer, Smtp


def _event(key: str, occurred: datetime) -> EventIn:
    return EventIn(
        event="order.completed",
        customer=CustomerIn(ref="shopper-1", email="shopper@example.com", locale="de"),
        occurred_at=occurred,
        properties={"order_id": "A-17", "store": "Berlin"},
        idempotency_key=key,
    )


def test_an_event_sends_its_hot_survey_once_the_delay_is_over(
    migrated_engine: Engine, settings: Settings, smtp: Smtp, survey: str
) -> None:
    with unit_of_work(migrated_engine) as session:
        add_trigger_rule(
            session,
            event="order.completed",
            survey_key=survey,
            channel="email",
            delay=timedelta(seconds=1),
            touchpoint="checkout",
        )
    with unit_of_work(migrated_engine) as session:
        set_policy(session, no_quiet_hours=True)  # the test may run at any hour
    occurred = datetime.now(UTC)
    with unit_of_work(migrated_engine) as session:
        result = record_event(session, settings, _event("order-A-17", occurred))
    with unit_of_work(migrated_engine) as session:
        again = record_event(session, settings, _event("order-A-17", occurred))
    assert again.duplicate and again.invitation_ids == result.invitation_ids
    assert len(result.invitation_ids) == 1
    registry = HandlerRegistry()
    register(registry, settings)
    stop = threading.Event()
    worker = Worker(migrated_engine, registry=registry)
    thread = threading.Thread(target=worker.run, args=(stop,), kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not smtp.messages and time.monotonic() < deadline:
            time.sleep(0.02)
        arrived = datetime.now(UTC)
    finally:
        stop.set()
        thread.join()
    assert len(smtp.messages) == 1
    assert occurred + timedelta(seconds=1) <= arrived < occurred + timedelta(seconds=5)
    with unit_of_work(migrated_engine) as session:
        dispatch = session.get_one(InvitationDispatch, result.invitation_ids[0])
        assert dispatch.kind == "hot"
        assert dispatch.prefill == {"order_id": "A-17", "store": "Berlin"}
        [row] = funnel(session, by=("touchpoint", "channel"))
        assert row.group == {"touchpoint": "checkout", "channel": "email"}
        assert (row.sent, row.delivered, row.opened, row.completed) == (1, 1, 0, 0)


def test_cold_waves_sample_filtered_customers_and_are_recorded(
    migrated_engine: Engine,
    settings: Settings,
    clock: ManualClock,
    survey: str,
    make_customer: MakeCustomer,
) -> None:
    eu = [make_customer(region="EU", plan="pro") for _ in range(10)]
    make_customer(region="US", plan="pro")
    with unit_of_work(migrated_engine) as session:
        campaign = create_cold_campaign(
            session,
            name="Barometer",
            survey_key=survey,
            channel="email",
            rule="FREQ=MONTHLY;INTERVAL=3",
            start=clock.now(),
            filters={"region": "EU"},
            sample_size=4,
            seed=7,
        )
        campaign_id = campaign.id
    registry = HandlerRegistry()
    register(registry, settings)
    worker = Worker(migrated_engine, registry=registry, clock=clock)
    worker.tick()  # the schedule enqueues wave 1, which runs at once
    worker.drain()
    with unit_of_work(migrated_engine) as session:
        waves = session.execute(select(CampaignWave)).scalars().all()
        assert [(w.number, w.eligible, w.invited) for w in waves] == [(1, 10, 4)]
        invited = session.execute(
            select(Invitation.customer_id, InvitationDispatch.wave_id).join(
                InvitationDispatch, InvitationDispatch.invitation_id == Invitation.id
            )
        ).all()
        assert {w for _, w in invited} == {waves[0].id}
        assert {c for c, _ in invited} <= set(eu) and len(invited) == 4
        again = start_wave(session, settings, campaign_id, waves[0].scheduled_for, clock=clock)
        assert again.id == waves[0].id
        second = start_wave(session, settings, campaign_id, clock.now() + timedelta(days=90))
        assert (second.number, second.invited) == (2, 4)
        jobs = session.execute(select(Job.kind)).scalars().all()
        assert jobs.count("campaign.wave") == 1
