"""Periodic jobs: an RFC 5545 recurrence rule (dateutil.rrule) and its next occurrence.

The worker enqueues every due occurrence with the idempotency key
``schedule:<id>:<occurrence>``, so two workers, or a worker re-running after a crash,
never enqueue one occurrence twice.

Occurrences fall on whole seconds: a start with microseconds is cut to its second (rrule
drops them, and an occurrence just before the start would otherwise be lost).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.rrule import rrule, rrulestr
from sqlalchemy import select
from sqlalchemy.orm import Session

from cxlens.core.clock import as_utc
from cxlens.core.errors import InputError, Location
from cxlens.jobs.queue import enqueue
from cxlens.models import Job, Schedule


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InputError(
            f"unknown time zone {name!r}", Location(field="timezone"), expected="an IANA zone"
        ) from exc


def whole_seconds(moment: datetime) -> datetime:
    """``moment`` in UTC without its microseconds (occurrences fall on whole seconds)."""
    return as_utc(moment).replace(microsecond=0)


def _rule(text: str, dtstart: datetime, zone: ZoneInfo) -> rrule:
    try:
        parsed = rrulestr(text, dtstart=whole_seconds(dtstart).astimezone(zone))
    except (ValueError, TypeError) as exc:
        raise InputError(
            f"not a recurrence rule: {text!r} ({exc})",
            Location(field="rule"),
            expected='an RFC 5545 RRULE such as "FREQ=MONTHLY;INTERVAL=3"',
        ) from exc
    if not isinstance(parsed, rrule):
        raise InputError(
            f"one RRULE expected, got a rule set: {text!r}",
            Location(field="rule"),
            expected='an RFC 5545 RRULE such as "FREQ=MONTHLY;INTERVAL=3"',
        )
    return parsed


def next_occurrence(
    schedule: Schedule, after: datetime, *, inclusive: bool = False
) -> datetime | None:
    """The schedule's first occurrence after ``after`` (UTC), or ``None`` when it ended.

    ``after`` is cut to whole seconds, like the occurrences. Occurrences are computed in the
    schedule's time zone (so "09:00 every Monday" stays at 09:00 local time across
    daylight-saving changes) and returned in UTC.
    """
    zone = _zone(schedule.timezone)
    rule = _rule(schedule.rule, schedule.dtstart, zone)
    found = rule.after(whole_seconds(after).astimezone(zone), inc=inclusive)
    return None if found is None else as_utc(found)


def add_schedule(
    session: Session,
    name: str,
    kind: str,
    rule: str,
    *,
    dtstart: datetime,
    payload: dict[str, Any] | None = None,
    timezone: str = "UTC",
) -> Schedule:
    """Create a schedule (in the caller's transaction): ``kind`` runs at every occurrence.

    ``rule`` is an RFC 5545 RRULE, e.g. ``"FREQ=MONTHLY;INTERVAL=3"`` for a cold campaign
    every three months from ``dtstart`` (aware; cut to whole seconds, so its first
    occurrence is ``dtstart`` itself). Bad rules or zones raise InputError.
    """
    if dtstart.tzinfo is None:
        raise InputError(
            "the schedule start has no time zone", Location(field="dtstart"), expected="aware"
        )
    schedule = Schedule(
        name=name,
        kind=kind,
        payload=payload or {},
        rule=rule,
        timezone=timezone,
        dtstart=whole_seconds(dtstart),
        enabled=True,
    )
    schedule.next_run_at = next_occurrence(schedule, schedule.dtstart, inclusive=True)
    session.add(schedule)
    session.flush()
    return schedule


def occurrence_key(schedule_id: int, occurrence: datetime) -> str:
    """The idempotency key of one occurrence of a schedule."""
    return f"schedule:{schedule_id}:{as_utc(occurrence).isoformat()}"


def enqueue_due(session: Session, *, now: datetime, limit: int = 100) -> list[Job]:
    """Enqueue every occurrence that is due at ``now`` (at most ``limit``) and advance.

    Each occurrence becomes one job (``payload`` plus ``scheduled_for``), whose run_at is the
    occurrence; occurrences missed while no worker ran are enqueued too, once each.
    """
    query = (
        select(Schedule)
        .where(Schedule.enabled.is_(True), Schedule.next_run_at <= now)
        .order_by(Schedule.next_run_at, Schedule.id)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    jobs: list[Job] = []
    for schedule in session.execute(query).scalars().all():
        occurrence = None if schedule.next_run_at is None else as_utc(schedule.next_run_at)
        while occurrence is not None and occurrence <= now and len(jobs) < limit:
            jobs.append(
                enqueue(
                    session,
                    schedule.kind,
                    {**schedule.payload, "scheduled_for": occurrence.isoformat()},
                    run_at=occurrence,
                    idempotency_key=occurrence_key(schedule.id, occurrence),
                )
            )
            occurrence = next_occurrence(schedule, occurrence)
        schedule.next_run_at = occurrence
        schedule.last_enqueued_at = now
        if len(jobs) >= limit:
            break
    session.flush()
    return jobs
