"""Contact-pressure rules, each with the reason the suppression log gives."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, select, text

from cxlens.core.clock import ManualClock
from cxlens.core.errors import InputError
from cxlens.core.settings import Settings
from cxlens.db import downgrade, unit_of_work, upgrade
from cxlens.features.distribution.pressure import load_policy, quiet_until, set_policy
from cxlens.features.distribution.service import create_invitation, record_opt_out
from cxlens.features.distribution.silent import flagged_customers, silent_customers
from cxlens.models import Invitation, Job
from cxlens.models.distribution import (
    ContactPolicy,
    InvitationDispatch,
    InvitationKind,
    SuppressionLogEntry,
)
from cxlens.worker.loop import Worker

from .conftest import MakeCustomer, Smtp


def _invite(engine: Engine, settings: Settings, clock: ManualClock, **kw: object) -> int:
    with unit_of_work(engine) as session:
        return create_invitation(session, settings, clock=clock, **kw).id  # type: ignore[arg-type]


def _log(engine: Engine) -> list[tuple[int | None, str, str, str]]:
    with unit_of_work(engine) as session:
        rows = session.execute(select(SuppressionLogEntry).order_by(SuppressionLogEntry.id))
        return [(e.invitation_id, e.rule, e.action, e.reason) for e in rows.scalars()]


def test_one_invitation_per_customer_per_n_days_across_surveys(
    migrated_engine: Engine,
    settings: Settings,
    clock: ManualClock,
    worker: Worker,
    smtp: Smtp,
    survey: str,
    make_customer: MakeCustomer,
) -> None:
    customer = make_customer()
    first = _invite(
        migrated_engine, settings, clock, customer_id=customer, survey_key=survey, channel="email"
    )
    worker.drain()
    clock.advance(timedelta(days=2))
    second = _invite(
        migrated_engine, settings, clock, customer_id=customer, survey_key=survey, channel="sms"
    )
    worker.drain()
    assert len(smtp.messages) == 1
    [(invitation_id, rule, action, reason)] = _log(migrated_engine)
    assert (invitation_id, rule, action) == (second, "frequency_global", "suppressed")
    assert reason == (
        f"at most one invitation per 7 days: invitation {first} was sent 2030-03-16 10:00 UTC"
    )


def test_per_survey_window_is_configurable(
    migrated_engine: Engine,
    settings: Settings,
    clock: ManualClock,
    worker: Worker,
    smtp: Smtp,
    survey: str,
    make_customer: MakeCustomer,
) -> None:
    customer = make_customer()
    with unit_of_work(migrated_engine) as session:
        set_policy(session, min_days_between=1)
        survey_id = session.execute(select(Invitation.id)).first()  # none yet
        assert survey_id is None
    _invite(
        migrated_engine, settings, clock, customer_id=customer, survey_key=survey, channel="email"
    )
    worker.drain()
    clock.advance(timedelta(days=10))
    second = _invite(
        migrated_engine, settings, clock, customer_id=customer, survey_key=survey, channel="email"
    )
    worker.drain()
    assert len(smtp.messages) == 1
    assert _log(migrated_engine)[0][:2] == (second, "frequency_survey")
    assert "per 30 days" in _log(migrated_engine)[0][3]


def test_opt_out_is_honoured(
    migrated_engine: Engine,
    settings: Settings,
    clock: ManualClock,
    worker: Worker,
    smtp: Smtp,
    survey: str,
    make_customer: MakeCustomer,
) -> None:
    customer = make_customer()
    with unit_of_work(migrated_engine) as session:
        record_opt_out(session, customer)
    invitation = _invite(
        migrated_engine, settings, clock, customer_id=customer, survey_key=survey, channel="email"
    )
    worker.drain()
    assert smtp.messages == []
    assert _log(migrated_engine) == [
        (invitation, "opt_out", "suppressed", "the customer opted out of email invitations")
    ]


def test_hot_wins_over_a_pending_cold_invitation(
    migrated_engine: Engine,
    settings: Settings,
    clock: ManualClock,
    worker: Worker,
    smtp: Smtp,
    survey: str,
    make_customer: MakeCustomer,
) -> None:
    customer = make_customer()
    cold = _invite(
        migrated_engine,
        settings,
        clock,
        customer_id=customer,
        survey_key=survey,
        channel="email",
        kind=InvitationKind.COLD,
        send_at=clock.now() + timedelta(hours=1),
    )
    hot = _invite(
        migrated_engine,
        settings,
        clock,
        customer_id=customer,
        survey_key=survey,
        channel="email",
        kind=InvitationKind.HOT,
    )
    worker.drain()
    clock.advance(timedelta(hours=2))
    worker.drain()
    assert len(smtp.messages) == 1
    with unit_of_work(migrated_engine) as session:
        assert session.get_one(InvitationDispatch, cold).status == "suppressed"
        assert session.get_one(InvitationDispatch, hot).status == "sent"
    assert _log(migrated_engine) == [
        (cold, "hot_over_cold", "suppressed", f"hot wins over cold: hot invitation {hot} created")
    ]


def test_quiet_hours_defer_to_their_end_in_the_customers_zone(
    migrated_engine: Engine,
    settings: Settings,
    clock: ManualClock,
    worker: Worker,
    smtp: Smtp,
    survey: str,
    make_customer: MakeCustomer,
) -> None:
    customer = make_customer(time_zone="America/New_York")
    clock.set(datetime(2030, 3, 16, 3, 0, tzinfo=UTC))  # 23:00 in New York
    invitation = _invite(
        migrated_engine, settings, clock, customer_id=customer, survey_key=survey, channel="email"
    )
    worker.drain()
    assert smtp.messages == []
    [(_, rule, action, reason)] = _log(migrated_engine)
    assert (rule, action) == ("quiet_hours", "deferred")
    assert reason.endswith("deferred to 2030-03-16 08:00 EDT")
    with unit_of_work(migrated_engine) as session:
        runs = sorted(j.run_at for j in session.execute(select(Job)).scalars())
        assert runs[-1].astimezone(UTC) == datetime(2030, 3, 16, 12, 0, tzinfo=UTC)
    clock.set(datetime(2030, 3, 16, 12, 0, 1, tzinfo=UTC))
    worker.drain()
    assert len(smtp.messages) == 1
    with unit_of_work(migrated_engine) as session:
        assert session.get_one(InvitationDispatch, invitation).status == "sent"


def test_quiet_hours_switched_off_let_a_night_send_go_out(
    migrated_engine: Engine,
    settings: Settings,
    clock: ManualClock,
    worker: Worker,
    smtp: Smtp,
    survey: str,
    make_customer: MakeCustomer,
) -> None:
    customer = make_customer(time_zone="America/New_York")
    with unit_of_work(migrated_engine) as session:
        set_policy(session, no_quiet_hours=True)
    with unit_of_work(migrated_engine) as session:
        policy = load_policy(session)
        assert (policy.quiet_start, policy.quiet_end) == (None, None)
    clock.set(datetime(2030, 3, 16, 3, 0, tzinfo=UTC))  # 23:00 in New York
    _invite(
        migrated_engine, settings, clock, customer_id=customer, survey_key=survey, channel="email"
    )
    worker.drain()
    assert len(smtp.messages) == 1
    assert _log(migrated_engine) == []
    # and on again: the given window, then off again keeps them off
    with unit_of_work(migrated_engine) as session:
        set_policy(session, quiet_hours=(time(22), time(7)))
        assert load_policy(session).quiet_start == time(22)
        set_policy(session, no_quiet_hours=True)
        set_policy(session, min_days_between=3)
        assert load_policy(session).quiet_start is None


def test_quiet_hours_need_a_window(migrated_engine: Engine) -> None:
    with unit_of_work(migrated_engine) as session, pytest.raises(InputError, match="differ"):
        set_policy(session, quiet_hours=(time(0), time(0)))


def test_quiet_hours_end_moves_with_a_daylight_saving_change() -> None:
    rome = ZoneInfo("Europe/Rome")
    start, end = time(21, 0), time(8, 0)
    # The night clocks go forward (2030-03-31, 02:00 → 03:00): 08:00 is CEST, UTC+2.
    before = datetime(2030, 3, 30, 21, 30, tzinfo=UTC)  # 22:30 CET
    assert quiet_until(before, rome, start, end) == datetime(2030, 3, 31, 6, 0, tzinfo=UTC)
    # The night clocks go back (2030-10-27): 08:00 is CET again, UTC+1.
    autumn = datetime(2030, 10, 26, 23, 0, tzinfo=UTC)  # 01:00 CEST
    assert quiet_until(autumn, rome, start, end) == datetime(2030, 10, 27, 7, 0, tzinfo=UTC)
    midday = datetime(2030, 3, 31, 10, 0, tzinfo=UTC)
    assert quiet_until(midday, rome, start, end) is None


def test_customers_who_stopped_answering_are_flagged(
    migrated_engine: Engine,
    settings: Settings,
    clock: ManualClock,
    worker: Worker,
    smtp: Smtp,
    survey: str,
    make_customer: MakeCustomer,
) -> None:
    silent = make_customer()
    answering = make_customer()
    with unit_of_work(migrated_engine) as session:
        set_policy(session, min_days_between=0, silent_after=3)
        survey_id = session.execute(select(Invitation.survey_version_id)).first()
        assert survey_id is None
    for _ in range(3):
        ids = [
            _invite(
                migrated_engine, settings, clock, customer_id=c, survey_key=survey, channel="email"
            )
            for c in (silent, answering)
        ]
        worker.drain()
        with unit_of_work(migrated_engine) as session:
            session.get_one(Invitation, ids[1]).completed_at = clock.now()
        clock.advance(timedelta(days=40))
    assert len(smtp.messages) == 6
    with unit_of_work(migrated_engine) as session:
        found = silent_customers(session, threshold=3)
        assert [(s.customer_id, s.unanswered) for s in found] == [(silent, 3)]
        assert flagged_customers(session) == [silent]


def test_an_empty_window_stored_before_migration_0006_becomes_off(engine: Engine) -> None:
    upgrade(engine, "0005_collection")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO contact_policies (quiet_start_minute, quiet_end_minute, updated_at) "
                "VALUES (0, 0, '2030-01-01 00:00:00')"
            )
        )
    upgrade(engine)
    with unit_of_work(engine) as session:
        policy = load_policy(session)
        row = session.execute(select(ContactPolicy)).scalar_one()
        assert (row.quiet_hours_enabled, row.quiet_start_minute) == (False, None)
    assert (policy.quiet_start, policy.quiet_end) == (None, None)
    downgrade(engine, "0005_collection")
    with engine.connect() as connection:
        stored = connection.execute(
            text("SELECT quiet_start_minute, quiet_end_minute FROM contact_policies")
        ).one()
    assert tuple(stored) == (0, 0)
