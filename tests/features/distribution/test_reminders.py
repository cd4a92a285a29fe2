"""Queued reminders are cancelled (job status ``cancelled``), not just skipped when they run."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine, select

from cxlens.core.clock import ManualClock, as_utc
from cxlens.core.settings import Settings
from cxlens.db import unit_of_work
from cxlens.features.distribution.pressure_repository import add_suppression
from cxlens.features.distribution.reminders import REMINDER_SWEEP
from cxlens.features.distribution.service import create_invitation, record_opt_out
from cxlens.models import Invitation, Job
from cxlens.models.distribution import SuppressionLogEntry, SuppressionReason
from cxlens.worker.loop import Worker

from .conftest import MakeCustomer, Smtp


def _invite_and_send(
    engine: Engine, settings: Settings, clock: ManualClock, worker: Worker, **kw: object
) -> int:
    with unit_of_work(engine) as session:
        invitation = create_invitation(
            session,
            settings,
            clock=clock,
            channel="email",
            reminders=1,
            **kw,  # type: ignore[arg-type]
        )
        invitation_id = invitation.id
    worker.drain()
    return invitation_id


def _reminder(engine: Engine, invitation_id: int) -> Job:
    with unit_of_work(engine) as session:
        job = session.execute(
            select(Job).where(Job.idempotency_key == f"invitation:{invitation_id}:reminder-1")
        ).scalar_one()
        session.expunge(job)
        return job


def test_a_completed_invitations_reminder_is_cancelled_by_the_sweep_before_it_is_due(
    migrated_engine: Engine,
    settings: Settings,
    clock: ManualClock,
    worker: Worker,
    smtp: Smtp,
    survey: str,
    make_customer: MakeCustomer,
) -> None:
    invitation_id = _invite_and_send(
        migrated_engine, settings, clock, worker, customer_id=make_customer(), survey_key=survey
    )
    assert _reminder(migrated_engine, invitation_id).status == "queued"
    with unit_of_work(migrated_engine) as session:
        sweep = session.execute(select(Job).where(Job.kind == REMINDER_SWEEP)).scalar_one()
        reminder_at = _reminder(migrated_engine, invitation_id).run_at
        assert sweep.run_at < reminder_at
        session.get_one(Invitation, invitation_id).completed_at = clock.now()
        sweep_at = sweep.run_at
    clock.set(as_utc(sweep_at))
    assert worker.drain() == 1  # the sweep, a minute before the reminder's slot
    clock.advance(timedelta(minutes=20))
    assert worker.drain() == 0  # the reminder never runs
    reminder = _reminder(migrated_engine, invitation_id)
    assert (reminder.status, reminder.attempts) == ("cancelled", 0)
    assert reminder.last_error is not None and "completed" in reminder.last_error
    assert len(smtp.messages) == 1
    with unit_of_work(migrated_engine) as session:
        entry = session.execute(select(SuppressionLogEntry)).scalar_one()
        assert (entry.rule, entry.action, entry.invitation_id) == (
            "completed",
            "cancelled",
            invitation_id,
        )


def test_an_opt_out_cancels_queued_reminders_in_the_same_transaction(
    migrated_engine: Engine,
    settings: Settings,
    clock: ManualClock,
    worker: Worker,
    survey: str,
    make_customer: MakeCustomer,
) -> None:
    customer = make_customer()
    invitation_id = _invite_and_send(
        migrated_engine, settings, clock, worker, customer_id=customer, survey_key=survey
    )
    with unit_of_work(migrated_engine) as session:
        record_opt_out(session, customer, channel="email", clock=clock)
        job = session.execute(
            select(Job).where(Job.idempotency_key == f"invitation:{invitation_id}:reminder-1")
        ).scalar_one()
        session.refresh(job)
        assert job.status == "cancelled"
    with unit_of_work(migrated_engine) as session:
        [entry] = session.execute(select(SuppressionLogEntry)).scalars()
        assert (entry.rule, entry.action) == ("opt_out", "cancelled")


def test_an_unsubscribe_link_opt_out_is_caught_by_the_sweep(
    migrated_engine: Engine,
    settings: Settings,
    clock: ManualClock,
    worker: Worker,
    smtp: Smtp,
    survey: str,
    make_customer: MakeCustomer,
) -> None:
    customer = make_customer()
    invitation_id = _invite_and_send(
        migrated_engine, settings, clock, worker, customer_id=customer, survey_key=survey
    )
    with unit_of_work(migrated_engine) as session:
        # an opt-out stored without cancelling anything: the sweep must catch it
        add_suppression(
            session,
            customer,
            reason=SuppressionReason.OPT_OUT,
            channel=None,
            created_at=clock.now(),
            invitation_id=invitation_id,
            method="link",
        )
        sweep_at = session.execute(
            select(Job.run_at).where(Job.kind == REMINDER_SWEEP)
        ).scalar_one()
    clock.set(as_utc(sweep_at))
    worker.drain()
    clock.advance(timedelta(days=1))
    worker.drain()
    assert _reminder(migrated_engine, invitation_id).status == "cancelled"
    assert len(smtp.messages) == 1
