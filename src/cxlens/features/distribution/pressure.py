"""Contact-pressure rules, decided at send time in one place: :func:`decide`.

In order: opt-outs, suppressed addresses (bounces), a missing address, hot wins over cold,
at most one invitation per customer per N days (global, then per survey), and quiet hours
in the customer's time zone (defer to their end, never drop). Reminders belong to an
invitation already sent: they skip the frequency rules, and stop when it is completed.
Every suppression and deferral is written to the suppression log with its reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.orm import Session

from cxlens.core.errors import InputError, Location
from cxlens.features.distribution import pressure_repository as repo
from cxlens.features.distribution.repository import survey_by_key
from cxlens.models import Customer, Invitation
from cxlens.models.distribution import (
    ContactPolicy,
    DispatchStatus,
    InvitationDispatch,
    InvitationKind,
    SuppressionLogEntry,
)

#: Rule names as the suppression log stores them.
OPT_OUT = "opt_out"
SUPPRESSED_ADDRESS = "suppressed_address"
NO_ADDRESS = "no_address"
HOT_OVER_COLD = "hot_over_cold"
FREQUENCY_GLOBAL = "frequency_global"
FREQUENCY_SURVEY = "frequency_survey"
QUIET_HOURS = "quiet_hours"
COMPLETED = "completed"

SILENT_FLAG = "silent"


@dataclass(frozen=True, slots=True)
class PressurePolicy:
    """How much contact is allowed. Days of 0 switch a frequency rule off; quiet hours
    ``None`` switch them off; ``silent_after`` unanswered invitations in a row flag a customer.
    """

    global_days: int = 7
    survey_days: int = 30
    quiet_start: time | None = time(21, 0)
    quiet_end: time | None = time(8, 0)
    silent_after: int = 3


@dataclass(frozen=True, slots=True)
class Send:
    """Go ahead."""


@dataclass(frozen=True, slots=True)
class Suppress:
    """Do not send; ``rule`` and ``reason`` go to the log."""

    rule: str
    reason: str


@dataclass(frozen=True, slots=True)
class Defer:
    """Not now: send at ``until`` (UTC)."""

    until: datetime
    reason: str
    rule: str = QUIET_HOURS


Decision = Send | Suppress | Defer


def _minutes(value: time | None) -> int | None:
    return None if value is None else value.hour * 60 + value.minute


def _time(minutes: int | None) -> time | None:
    return None if minutes is None else time(minutes // 60, minutes % 60)


def load_policy(session: Session, survey_id: int | None = None) -> PressurePolicy:
    """The policy for ``survey_id``: defaults, overridden by the global row, then the survey's
    ``min_days_between`` (its per-survey window)."""
    base = PressurePolicy()
    global_row = survey_row = None
    for row in repo.policy_rows(session, survey_id):
        if row.survey_id is None:
            global_row = row
        else:
            survey_row = row
    global_days, survey_days = base.global_days, base.survey_days
    quiet_start, quiet_end, silent_after = base.quiet_start, base.quiet_end, base.silent_after
    if global_row is not None:
        if global_row.min_days_between is not None:
            global_days = global_row.min_days_between
        if not global_row.quiet_hours_enabled:
            quiet_start = quiet_end = None
        elif global_row.quiet_start_minute is not None and global_row.quiet_end_minute is not None:
            quiet_start = _time(global_row.quiet_start_minute)
            quiet_end = _time(global_row.quiet_end_minute)
        if global_row.silent_after is not None:
            silent_after = global_row.silent_after
    if survey_row is not None and survey_row.min_days_between is not None:
        survey_days = survey_row.min_days_between
    return PressurePolicy(global_days, survey_days, quiet_start, quiet_end, silent_after)


def set_policy(
    session: Session,
    *,
    survey_id: int | None = None,
    min_days_between: int | None = None,
    quiet_hours: tuple[time, time] | None = None,
    no_quiet_hours: bool = False,
    silent_after: int | None = None,
) -> ContactPolicy:
    """Configure the global policy (``survey_id`` None) or one survey's window.

    What is not given stays as it is. ``quiet_hours`` (start, end) switch quiet hours on with
    that window; ``no_quiet_hours`` switches them off (stored as such, not as "defaults").
    """
    if min_days_between is not None and min_days_between < 0:
        raise InputError(
            "a contact window cannot be negative",
            Location(field="min_days_between"),
            expected="0 (off) or more days",
        )
    if quiet_hours is not None and (no_quiet_hours or quiet_hours[0] == quiet_hours[1]):
        raise InputError(
            "quiet hours need a start and an end that differ",
            Location(field="quiet_hours"),
            expected="e.g. 21:00-08:00, or off",
        )
    if silent_after is not None and silent_after < 1:
        raise InputError(
            "silent_after must be at least 1", Location(field="silent_after"), expected=">= 1"
        )
    row = repo.policy_row(session, survey_id)
    if min_days_between is not None:
        row.min_days_between = min_days_between
    if quiet_hours is not None:
        row.quiet_hours_enabled = True
        row.quiet_start_minute = _minutes(quiet_hours[0])
        row.quiet_end_minute = _minutes(quiet_hours[1])
    if no_quiet_hours:
        row.quiet_hours_enabled = False
        row.quiet_start_minute = row.quiet_end_minute = None
    if silent_after is not None:
        row.silent_after = silent_after
    row.updated_at = datetime.now(UTC)
    session.flush()
    return row


def configure_pressure(
    session: Session,
    *,
    days: int | None = None,
    quiet_hours: tuple[time, time] | None = None,
    no_quiet_hours: bool = False,
    silent_after: int | None = None,
    survey_key: str | None = None,
    survey_days: int | None = None,
) -> None:
    """Set the global rules given, and ``survey_key``'s own window (both or neither)."""
    if (survey_days is None) != (survey_key is None):
        raise InputError(
            "--survey-days and --survey go together",
            Location(field="survey_days"),
            expected="--survey KEY --survey-days N",
        )
    if days is not None or quiet_hours is not None or no_quiet_hours or silent_after is not None:
        set_policy(
            session,
            min_days_between=days,
            quiet_hours=quiet_hours,
            no_quiet_hours=no_quiet_hours,
            silent_after=silent_after,
        )
    if survey_key is not None:
        set_policy(
            session, survey_id=survey_by_key(session, survey_key).id, min_days_between=survey_days
        )


def customer_zone(customer: Customer | None, default: str = "UTC") -> ZoneInfo:
    """The customer's time zone; ``default`` when unknown or not a valid IANA name."""
    name = (customer.time_zone if customer is not None else None) or default
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(default)


def quiet_until(now: datetime, zone: ZoneInfo, start: time, end: time) -> datetime | None:
    """The end of the quiet hours (UTC) if ``now`` falls in them in ``zone``, else ``None``.

    The window may cross midnight (21:00–08:00). The end is the wall-clock time ``end`` in
    the zone, so it moves with daylight-saving changes.
    """
    local = now.astimezone(zone)
    t = local.time().replace(tzinfo=None)
    inside = (start <= t or t < end) if start > end else (start <= t < end)
    if not inside or start == end:
        return None
    day = local.date()
    if t >= end:
        day += timedelta(days=1)
    return datetime.combine(day, end, tzinfo=zone).astimezone(UTC)


def opted_out(session: Session, customer_id: int, channel: str) -> bool:
    """Whether the customer opted out of ``channel`` (or of everything)."""
    return repo.opt_out_of(session, customer_id, channel) is not None


def address_of(customer: Customer | None, channel: str) -> str | None:
    """Where ``channel`` reaches the customer: email or phone; ``None`` when unknown."""
    if customer is None:
        return None
    if channel == "email":
        return (customer.email or "").strip() or None
    if channel == "sms":
        return (customer.phone or "").strip() or None
    return None


def address_suppressed(session: Session, customer_id: int, channel: str, address: str) -> bool:
    """Whether a bounce suppressed this address (or all of the customer's on ``channel``)."""
    rows = repo.bounced_addresses(session, customer_id, channel)
    return any(a is None or a.lower() == address.lower() for a in rows)


def _sent_since(
    session: Session, customer_id: int, since: datetime, exclude: int, survey_id: int | None
) -> Invitation | None:
    return repo.last_sent_since(session, customer_id, since, exclude, survey_id)


def _hot_for(session: Session, customer_id: int, since: datetime, exclude: int) -> str | None:
    for invitation_id, status, sent_at in repo.open_hot_dispatches(session, customer_id, exclude):
        if status == DispatchStatus.PENDING.value:
            return f"hot invitation {invitation_id} is pending for this customer"
        if sent_at is not None and _aware(sent_at) > since:
            return f"hot invitation {invitation_id} was sent {_aware(sent_at):%Y-%m-%d %H:%M} UTC"
    return None


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def decide(
    session: Session,
    invitation: Invitation,
    dispatch: InvitationDispatch,
    customer: Customer | None,
    *,
    now: datetime,
    policy: PressurePolicy,
    reminder: bool = False,
) -> Decision:
    """Whether to send ``invitation`` over its channel now, later, or not at all."""
    channel = invitation.channel
    if customer is not None and opted_out(session, customer.id, channel):
        return Suppress(OPT_OUT, f"the customer opted out of {channel} invitations")
    address = address_of(customer, channel)
    if channel in ("email", "sms") and address is None:
        what = "email address" if channel == "email" else "phone number"
        return Suppress(NO_ADDRESS, f"the customer has no {what}")
    if (
        customer is not None
        and address is not None
        and address_suppressed(session, customer.id, channel, address)
    ):
        return Suppress(SUPPRESSED_ADDRESS, f"{address} bounced earlier and is suppressed")
    if reminder and (invitation.completed_at is not None):
        return Suppress(COMPLETED, "the invitation was completed: reminder cancelled")
    if customer is not None and not reminder:
        window = timedelta(days=policy.global_days)
        if dispatch.kind == InvitationKind.COLD.value:
            hot = _hot_for(session, customer.id, now - window, invitation.id)
            if hot is not None:
                return Suppress(HOT_OVER_COLD, f"hot wins over cold: {hot}")
        if policy.global_days > 0:
            other = _sent_since(session, customer.id, now - window, invitation.id, None)
            if other is not None and other.sent_at is not None:
                return Suppress(
                    FREQUENCY_GLOBAL,
                    f"at most one invitation per {policy.global_days} days: invitation "
                    f"{other.id} was sent {_aware(other.sent_at):%Y-%m-%d %H:%M} UTC",
                )
        if policy.survey_days > 0:
            since = now - timedelta(days=policy.survey_days)
            other = _sent_since(session, customer.id, since, invitation.id, dispatch.survey_id)
            if other is not None and other.sent_at is not None:
                return Suppress(
                    FREQUENCY_SURVEY,
                    f"at most one invitation to this survey per {policy.survey_days} days: "
                    f"invitation {other.id} was sent {_aware(other.sent_at):%Y-%m-%d %H:%M} UTC",
                )
    if policy.quiet_start is not None and policy.quiet_end is not None:
        zone = customer_zone(customer)
        until = quiet_until(now, zone, policy.quiet_start, policy.quiet_end)
        if until is not None:
            local_end = until.astimezone(zone)
            return Defer(
                until,
                f"quiet hours {policy.quiet_start:%H:%M}-{policy.quiet_end:%H:%M} in "
                f"{zone.key}: deferred to {local_end:%Y-%m-%d %H:%M %Z}",
            )
    return Send()


def log_decision(
    session: Session,
    invitation: Invitation,
    dispatch: InvitationDispatch,
    decision: Suppress | Defer,
    *,
    now: datetime,
) -> SuppressionLogEntry:
    """Write a suppression (or deferral) to the suppression log."""
    entry = SuppressionLogEntry(
        customer_id=invitation.customer_id,
        survey_id=dispatch.survey_id,
        invitation_id=invitation.id,
        channel=invitation.channel,
        rule=decision.rule,
        action="deferred" if isinstance(decision, Defer) else "suppressed",
        reason=decision.reason,
        at=now,
    )
    repo.add_log_entries(session, [entry])
    return entry


def unanswered_streak(session: Session, customer_id: int) -> int:
    """How many of the customer's latest sent invitations in a row got no answer at all."""
    streak = 0
    for started_at, completed_at in repo.latest_sent_outcomes(session, customer_id):
        if started_at is not None or completed_at is not None:
            break
        streak += 1
    return streak


def refresh_silent_flag(
    session: Session, customer_id: int, *, threshold: int, now: datetime
) -> bool:
    """Flag the customer ``silent`` when ``threshold`` invitations in a row went unanswered;
    clear the flag once they answer again. Returns whether the customer is flagged."""
    streak = unanswered_streak(session, customer_id)
    if streak >= threshold:
        detail = f"{streak} invitations in a row without a response"
        repo.set_customer_flag(session, customer_id, SILENT_FLAG, detail=detail, at=now)
        return True
    repo.clear_customer_flag(session, customer_id, SILENT_FLAG)
    return False


def widget_pressure(
    session: Session,
    customer_id: int | None,
    survey_id: int,
    event: str,
    *,
    now: datetime | None = None,
) -> str | None:
    """The contact-pressure rules for the on-site widget: a reason to stay silent, or None.

    The same rules as for sends, less quiet hours (the customer is on the site right now):
    opt-outs, hot over cold is moot (the widget is hot), and the global and per-survey
    frequency windows. Anonymous visitors (no customer) are limited by sampling only. Each
    suppression is written to the suppression log with its reason.
    """
    if customer_id is None:
        return None
    now = now or datetime.now(UTC)
    policy = load_policy(session, survey_id)
    rule: str | None = None
    reason = ""
    if opted_out(session, customer_id, "widget"):
        rule, reason = OPT_OUT, "the customer opted out of surveys"
    elif policy.global_days > 0 and (
        other := _sent_since(
            session, customer_id, now - timedelta(days=policy.global_days), -1, None
        )
    ):
        rule = FREQUENCY_GLOBAL
        reason = (
            f"at most one invitation per {policy.global_days} days: invitation {other.id} was "
            f"sent {_aware(other.sent_at or now):%Y-%m-%d %H:%M} UTC"
        )
    elif policy.survey_days > 0 and (
        other := _sent_since(
            session, customer_id, now - timedelta(days=policy.survey_days), -1, survey_id
        )
    ):
        rule = FREQUENCY_SURVEY
        reason = (
            f"at most one invitation to this survey per {policy.survey_days} days: invitation "
            f"{other.id} was sent {_aware(other.sent_at or now):%Y-%m-%d %H:%M} UTC"
        )
    if rule is None:
        return None
    entry = SuppressionLogEntry(
        customer_id=customer_id,
        survey_id=survey_id,
        invitation_id=None,
        channel="widget",
        rule=rule,
        action="suppressed",
        reason=f"widget at {event!r}: {reason}",
        at=now,
    )
    repo.add_log_entries(session, [entry])
    return reason
