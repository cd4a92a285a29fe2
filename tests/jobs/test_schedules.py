from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select

from cxlens.core.clock import ManualClock
from cxlens.core.errors import InputError
from cxlens.db import unit_of_work
from cxlens.jobs import add_schedule, enqueue_due, next_occurrence
from cxlens.models import Job, Schedule

QUARTERLY = "FREQ=MONTHLY;INTERVAL=3"


def _jobs(engine: Engine) -> list[tuple[datetime, str]]:
    with unit_of_work(engine) as session:
        rows = session.execute(select(Job).order_by(Job.run_at)).scalars().all()
        return [(r.run_at.replace(tzinfo=UTC), r.payload["scheduled_for"]) for r in rows]


def test_every_three_months_enqueues_each_occurrence_once(
    migrated_engine: Engine, clock: ManualClock
) -> None:
    start = clock.now()
    with unit_of_work(migrated_engine) as session:
        schedule = add_schedule(
            session, "cold barometer", "campaign.cold", QUARTERLY, dtstart=start, payload={"s": 1}
        )
        assert schedule.next_run_at == start
    with unit_of_work(migrated_engine) as session:
        assert len(enqueue_due(session, now=start - timedelta(seconds=1))) == 0
        assert len(enqueue_due(session, now=start)) == 1
        assert len(enqueue_due(session, now=start)) == 0
    # the worker was down for half a year: the two missed occurrences come, once each
    later = datetime(2030, 7, 20, tzinfo=UTC)
    with unit_of_work(migrated_engine) as session:
        assert len(enqueue_due(session, now=later)) == 2
    with unit_of_work(migrated_engine) as session:
        assert enqueue_due(session, now=later) == []
        stored = session.execute(select(Schedule)).scalar_one()
        assert stored.next_run_at is not None
        assert stored.next_run_at.replace(tzinfo=UTC) == datetime(2030, 10, 15, 9, tzinfo=UTC)
    assert [run_at.month for run_at, _ in _jobs(migrated_engine)] == [1, 4, 7]
    assert _jobs(migrated_engine)[1][1] == "2030-04-15T09:00:00+00:00"


def test_two_workers_never_enqueue_an_occurrence_twice(
    migrated_engine: Engine, clock: ManualClock
) -> None:
    start = clock.now()
    with unit_of_work(migrated_engine) as session:
        add_schedule(session, "daily", "digest", "FREQ=DAILY", dtstart=start)
    now = start + timedelta(days=9, hours=1)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait()
            for _ in range(3):
                with unit_of_work(migrated_engine) as session:
                    enqueue_due(session, now=now)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    occurrences = [when for when, _ in _jobs(migrated_engine)]
    assert len(occurrences) == len(set(occurrences)) == 10


def test_occurrences_follow_the_schedule_time_zone(migrated_engine: Engine) -> None:
    start = datetime(2030, 3, 29, 8, tzinfo=UTC)  # 09:00 in Amsterdam (CET)
    with unit_of_work(migrated_engine) as session:
        schedule = add_schedule(
            session, "morning", "digest", "FREQ=DAILY", dtstart=start, timezone="Europe/Amsterdam"
        )
        after_dst = next_occurrence(schedule, datetime(2030, 3, 31, 0, tzinfo=UTC))
    assert after_dst == datetime(2030, 3, 31, 7, tzinfo=UTC)  # 09:00 CEST


@pytest.mark.parametrize(
    ("rule", "zone", "field"),
    [("EVERY QUARTER", "UTC", "rule"), (QUARTERLY, "Mars/Olympus", "timezone")],
)
def test_bad_rules_and_zones_say_which_field(
    migrated_engine: Engine, clock: ManualClock, rule: str, zone: str, field: str
) -> None:
    with unit_of_work(migrated_engine) as session, pytest.raises(InputError) as info:
        add_schedule(session, "bad", "x", rule, dtstart=clock.now(), timezone=zone)
    assert info.value.location.field == field


def test_a_start_with_microseconds_keeps_its_first_occurrence(migrated_engine: Engine) -> None:
    # rrule drops microseconds: the first occurrence fell just before dtstart and was lost
    start = datetime(2030, 1, 15, 9, 0, 0, 654_321, tzinfo=UTC)
    with unit_of_work(migrated_engine) as session:
        schedule = add_schedule(session, "now-ish", "campaign.wave", QUARTERLY, dtstart=start)
        assert schedule.next_run_at == start.replace(microsecond=0)
        assert schedule.dtstart.replace(tzinfo=UTC) == start.replace(microsecond=0)
    with unit_of_work(migrated_engine) as session:
        assert len(enqueue_due(session, now=start)) == 1
        stored = session.execute(select(Schedule)).scalar_one()
        assert stored.next_run_at is not None
        assert stored.next_run_at.replace(tzinfo=UTC) == datetime(2030, 4, 15, 9, tzinfo=UTC)


def test_next_occurrence_of_a_start_with_microseconds_is_whole_seconds() -> None:
    start = datetime(2030, 1, 15, 9, 0, 0, 500_000, tzinfo=UTC)
    schedule = Schedule(rule="FREQ=DAILY", timezone="UTC", dtstart=start)
    assert next_occurrence(schedule, start, inclusive=True) == start.replace(microsecond=0)
    assert next_occurrence(schedule, start) == datetime(2030, 1, 16, 9, tzinfo=UTC)
