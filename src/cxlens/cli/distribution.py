"""Commands that collect feedback: invite, event, trigger, campaign, pressure, suppressions,
silent, funnel. Each parses its options, calls one service of
:mod:`cxlens.features.distribution` in one unit of work, and renders the result.
"""

from __future__ import annotations

import csv
import re
from datetime import UTC, datetime, time, timedelta
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from cxlens.cli.output import console, print_json
from cxlens.cli.surveys import fail, store_session
from cxlens.core.errors import CxlensError, InputError, Location
from cxlens.core.settings import Settings

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from cxlens.models import Customer

distribution_app = typer.Typer(no_args_is_help=True)
trigger_app = typer.Typer(
    help="Hot campaigns: an event triggers a survey after a delay.", no_args_is_help=True
)
campaign_app = typer.Typer(
    help="Cold campaigns: every N months to a sample of customers.", no_args_is_help=True
)
pressure_app = typer.Typer(
    help="Contact-pressure rules: how often a customer may be invited, quiet hours.",
    no_args_is_help=True,
)
distribution_app.add_typer(trigger_app, name="trigger")
distribution_app.add_typer(campaign_app, name="campaign")
distribution_app.add_typer(pressure_app, name="pressure")


class Channel(StrEnum):
    email = "email"
    sms = "sms"
    web = "web"


class Unit(StrEnum):
    days = "days"
    weeks = "weeks"
    months = "months"
    years = "years"


class FunnelBy(StrEnum):
    survey = "survey"
    channel = "channel"
    touchpoint = "touchpoint"


JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON object.")]
SurveyOpt = Annotated[str, typer.Option("--survey", help="Survey key (see `survey list`).")]
TouchpointOpt = Annotated[
    str | None, typer.Option("--touchpoint", help="Touchpoint key (checkout, support ...).")
]
RemindersOpt = Annotated[
    int, typer.Option("--reminders", min=0, help="Reminders to send if there is no answer.")
]
IntervalOpt = Annotated[
    str, typer.Option("--reminder-interval", help="Time between reminders (3d, 36h ...).")
]

#: The CSV columns ``--customers-file`` takes the customer reference from (first found).
REF_COLUMNS = ("customer_ref", "customer_id", "customer", "ref", "id")
_DURATION = re.compile(r"(\d+)\s*(w|d|h|m|s)", re.IGNORECASE)
_SECONDS = {"w": 604_800, "d": 86_400, "h": 3_600, "m": 60, "s": 1}
_FREQ = {Unit.days: "DAILY", Unit.weeks: "WEEKLY", Unit.months: "MONTHLY", Unit.years: "YEARLY"}


def parse_duration(text: str, field: str) -> timedelta:
    """``2h``, ``90m``, ``1h30m``, ``3d``, ``1w``, ``45s`` or plain seconds as a timedelta."""
    value = text.strip().replace(" ", "")
    if value.isdigit():
        return timedelta(seconds=int(value))
    parts = _DURATION.findall(value)
    if not parts or "".join(n + u for n, u in parts).lower() != value.lower():
        raise InputError(
            f"cannot read the duration {text!r}",
            Location(field=field),
            expected="e.g. 2h, 90m, 1h30m, 3d, 1w, 45s",
        )
    return timedelta(seconds=sum(int(n) * _SECONDS[u.lower()] for n, u in parts))


def parse_moment(text: str, field: str) -> datetime:
    """An ISO 8601 moment with a time zone (``2030-01-01T10:00:00Z``)."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise InputError(
            f"cannot read the time {text!r}",
            Location(field=field),
            expected="ISO 8601 with a time zone, e.g. 2030-01-01T10:00:00Z",
        )
    return moment


def parse_pairs(values: list[str] | None, field: str) -> dict[str, Any]:
    """``key=value`` options as a mapping; a key given twice, or ``a,b``, means any of them."""
    out: dict[str, Any] = {}
    for item in values or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise InputError(f"cannot read {item!r}", Location(field=field), expected="key=value")
        key = key.strip()
        found = [v.strip() for v in value.split(",")] if "," in value else [value.strip()]
        if key in out:
            before = out[key] if isinstance(out[key], list) else [out[key]]
            out[key] = before + found
        else:
            out[key] = found if len(found) > 1 else found[0]
    return out


def parse_quiet(text: str) -> tuple[time, time] | None:
    """``21:00-08:00`` as (start, end); ``off`` as ``None``."""
    if text.strip().lower() in ("off", "none", "no"):
        return None
    match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*", text)
    if (
        match is None
        or int(match[1]) > 23
        or int(match[3]) > 23
        or max(int(match[2]), int(match[4])) > 59
    ):
        raise InputError(
            f"cannot read the quiet hours {text!r}",
            Location(field="quiet"),
            expected="HH:MM-HH:MM (e.g. 21:00-08:00) or off",
        )
    return time(int(match[1]), int(match[2])), time(int(match[3]), int(match[4]))


def _iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    aware = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return aware.isoformat().replace("+00:00", "Z")


def _short(moment: datetime | None) -> str:
    text = _iso(moment)
    return "–" if text is None else text[:16].replace("T", " ") + " UTC"


#: Columns never folded (people search the output for these).
_IDENTIFIERS = frozenset({"id", "customer", "survey", "event", "name", "wave"})


def _table(title: str, *columns: str) -> Table:
    table = Table(title=title, title_justify="left", title_style="bold")
    for column in columns:
        table.add_column(column, no_wrap=column in _IDENTIFIERS)
    return table


# --------------------------------------------------------------------------------- invite


def refs_from_file(path: Path) -> list[tuple[str, int]]:
    """The customer references of a CSV file with their row numbers (header = row 1)."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            names = {name.strip().lower(): name for name in reader.fieldnames or []}
            column = next((names[c] for c in REF_COLUMNS if c in names), None)
            if column is None:
                raise InputError(
                    "no customer column",
                    Location(file=str(path), row=1),
                    expected="a header with one of " + ", ".join(REF_COLUMNS),
                )
            return [
                (row[column].strip(), reader.line_num)  # blank lines are skipped, not counted
                for row in reader
                if (row.get(column) or "").strip()
            ]
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise InputError(f"cannot read the file: {error}", Location(file=str(path))) from None


def _customers(
    session: Session,
    refs: list[str],
    from_file: list[tuple[str, int]],
    file: Path | None,
    contact: dict[str, str | None],
) -> list[Customer]:
    from cxlens.features.distribution.repository import customer_by_ref
    from cxlens.features.distribution.schemas import CustomerIn
    from cxlens.features.distribution.service import upsert_customer

    given = [(ref, None) for ref in refs] + [(ref, row) for ref, row in from_file]
    if not given:
        raise InputError(
            "no customers to invite",
            Location(field="customer"),
            expected="--customer REF (repeat) or --customers-file FILE",
        )
    if any(v is not None for v in contact.values()):
        if len(given) != 1 or from_file:
            raise InputError(
                "--email/--phone/--name/--locale describe one customer",
                Location(field="email"),
                expected="exactly one --customer with them",
            )
        return [upsert_customer(session, CustomerIn(ref=given[0][0], **contact))]
    out: list[Customer] = []
    seen: set[str] = set()
    for ref, row in given:
        if ref in seen:
            continue
        seen.add(ref)
        customer = customer_by_ref(session, ref)
        if customer is None:
            where = (
                Location(file=str(file), row=row) if row is not None else Location(field="customer")
            )
            raise InputError(
                f"no customer {ref!r} in the store",
                where,
                expected="customers imported with `cxlens import FILE --kind customers`, "
                "or one --customer with --email/--phone",
            )
        out.append(customer)
    return out


@distribution_app.command()
def invite(
    survey: SurveyOpt,
    channel: Annotated[Channel, typer.Option("--channel", help="How to reach them.")],
    customer: Annotated[
        list[str] | None,
        typer.Option("--customer", help="Customer reference (repeat for several)."),
    ] = None,
    customers_file: Annotated[
        Path | None,
        typer.Option(
            "--customers-file", help="CSV with a customer_ref (or customer_id, id) column."
        ),
    ] = None,
    email: Annotated[
        str | None, typer.Option("--email", help="Create/update the one --customer: email.")
    ] = None,
    phone: Annotated[str | None, typer.Option("--phone", help="... and phone number.")] = None,
    name: Annotated[str | None, typer.Option("--name", help="... and name.")] = None,
    locale: Annotated[str | None, typer.Option("--locale", help="... and language.")] = None,
    touchpoint: TouchpointOpt = None,
    prefill: Annotated[
        list[str] | None,
        typer.Option("--prefill", help="Hidden field key=value (order_id=A-17; repeat)."),
    ] = None,
    reminders: RemindersOpt = 0,
    reminder_interval: IntervalOpt = "3d",
    json_output: JsonOpt = False,
) -> None:
    """Invite customers to a survey: all or none. Email and SMS go out through the worker
    (`cxlens worker`), after the contact-pressure rules; web invitations print their links.

    Customers must be in the store (`cxlens import FILE --kind customers`), or give one
    --customer with --email/--phone to create or update it.
    """
    from cxlens.features.collection.links import survey_url
    from cxlens.features.distribution import create_invitation

    settings = Settings()
    try:
        refs_in_file = refs_from_file(customers_file) if customers_file is not None else []
        interval = parse_duration(reminder_interval, "reminder_interval")
        hidden = parse_pairs(prefill, "prefill")
        contact = {"email": email, "phone": phone, "name": name, "locale": locale}
        rows: list[dict[str, Any]] = []
        with store_session(settings) as session:
            people = _customers(
                session, list(customer or []), refs_in_file, customers_file, contact
            )
            for person in people:
                invitation = create_invitation(
                    session,
                    settings,
                    customer_id=person.id,
                    survey_key=survey,
                    channel=channel.value,
                    touchpoint=touchpoint,
                    prefill=hidden,
                    reminders=reminders,
                    reminder_interval=interval,
                )
                live = channel is Channel.web
                rows.append(
                    {
                        "invitation_id": invitation.id,
                        "customer": person.customer_ref,
                        "channel": channel.value,
                        "status": "live" if live else "queued",
                        "link": survey_url(settings, invitation.id) if live else None,
                    }
                )
    except CxlensError as error:
        raise fail(error) from None
    if json_output:
        print_json({"survey": survey, "invitations": rows})
        return
    table = _table(f"Invitations to {survey}", "id", "customer", "channel", "status", "link")
    for row in rows:
        table.add_row(
            str(row["invitation_id"]),
            row["customer"],
            row["channel"],
            row["status"],
            row["link"] or "",
        )
    console.print(table)
    if channel is not Channel.web:
        console.print(
            f"{len(rows)} invitation(s) queued: `cxlens worker` sends them", highlight=False
        )


# ---------------------------------------------------------------------------------- event


@distribution_app.command()
def event(
    name: Annotated[str, typer.Argument(help="Event name: order.completed, ticket.solved ...")],
    customer: Annotated[str, typer.Option("--customer", help="Customer reference.")],
    email: Annotated[str | None, typer.Option("--email", help="Customer email.")] = None,
    phone: Annotated[str | None, typer.Option("--phone", help="Customer phone.")] = None,
    customer_name: Annotated[str | None, typer.Option("--name", help="Customer name.")] = None,
    locale: Annotated[str | None, typer.Option("--locale", help="Customer language.")] = None,
    time_zone: Annotated[
        str | None, typer.Option("--time-zone", help="Customer time zone (Europe/Rome).")
    ] = None,
    at: Annotated[
        str | None, typer.Option("--at", help="When it happened (ISO 8601) [default: now].")
    ] = None,
    prop: Annotated[
        list[str] | None,
        typer.Option("--property", help="Event property key=value (order_id=A-17; repeat)."),
    ] = None,
    key: Annotated[
        str | None, typer.Option("--key", help="Idempotency key: the same key counts once.")
    ] = None,
    json_output: JsonOpt = False,
) -> None:
    """Record an event (like POST /api/v1/events); matching triggers schedule their survey."""
    from pydantic import ValidationError

    from cxlens.features.distribution import record_event
    from cxlens.features.distribution.schemas import CustomerIn, EventIn

    settings = Settings()
    try:
        try:
            data = EventIn(
                event=name,
                customer=CustomerIn(
                    ref=customer,
                    email=email,
                    phone=phone,
                    name=customer_name,
                    locale=locale,
                    time_zone=time_zone,
                ),
                occurred_at=parse_moment(at, "at") if at else None,
                properties=parse_pairs(prop, "property"),
                idempotency_key=key,
            )
        except ValidationError as error:
            first = error.errors()[0]
            raise InputError(
                str(first["msg"]), Location(field=".".join(str(p) for p in first["loc"]))
            ) from None
        with store_session(settings) as session:
            result = record_event(session, settings, data)
    except CxlensError as error:
        raise fail(error) from None
    if json_output:
        shown = result.model_dump(mode="json")
        shown["send_at"] = [_iso(moment) for moment in result.send_at]  # UTC on every backend
        print_json(shown)
        return
    if result.duplicate:
        console.print(f"event {result.event_id} was recorded before: nothing new", highlight=False)
        return
    console.print(
        f"event {result.event_id} recorded: {len(result.invitation_ids)} invitation(s) scheduled",
        highlight=False,
    )
    for invitation_id, when in zip(result.invitation_ids, result.send_at, strict=False):
        console.print(f"  invitation {invitation_id} at {_short(when)}", highlight=False)


# -------------------------------------------------------------------------------- trigger


@trigger_app.command("add")
def trigger_add(
    event_name: Annotated[str, typer.Option("--event", help="Event name (order.completed).")],
    survey: SurveyOpt,
    channel: Annotated[Channel, typer.Option("--channel", help="How to reach them.")],
    delay: Annotated[str, typer.Option("--delay", help="After the event: 2h, 30m, 1d.")] = "0",
    touchpoint: TouchpointOpt = None,
    reminders: RemindersOpt = 0,
    reminder_interval: IntervalOpt = "3d",
) -> None:
    """When EVENT arrives, invite the customer to SURVEY over CHANNEL after DELAY."""
    from cxlens.features.distribution import add_trigger_rule

    try:
        wait = parse_duration(delay, "delay")
        interval = parse_duration(reminder_interval, "reminder_interval")
        with store_session() as session:
            rule = add_trigger_rule(
                session,
                event=event_name,
                survey_key=survey,
                channel=channel.value,
                delay=wait,
                touchpoint=touchpoint,
                reminders=reminders,
                reminder_interval=interval,
            )
            rule_id = rule.id
    except CxlensError as error:
        raise fail(error) from None
    console.print(
        f"trigger {rule_id}: {event_name} → {survey} by {channel.value} after {wait}",
        highlight=False,
    )


@trigger_app.command("list")
def trigger_list(json_output: JsonOpt = False) -> None:
    """List the hot-campaign triggers."""
    from sqlalchemy import select

    from cxlens.models import Survey, Touchpoint
    from cxlens.models.distribution import TriggerRule

    try:
        with store_session() as session:
            found = session.execute(
                select(TriggerRule, Survey.key, Survey.name, Touchpoint.key)
                .join(Survey, Survey.id == TriggerRule.survey_id)
                .outerjoin(Touchpoint, Touchpoint.id == TriggerRule.touchpoint_id)
                .order_by(TriggerRule.event, TriggerRule.id)
            ).all()
            rows: list[dict[str, Any]] = [
                {
                    "id": rule.id,
                    "event": rule.event,
                    "survey": key or name,
                    "channel": rule.channel,
                    "delay_seconds": rule.delay_seconds,
                    "touchpoint": tp,
                    "reminders": rule.reminder_count,
                    "enabled": rule.enabled,
                }
                for rule, key, name, tp in found
            ]
    except CxlensError as error:
        raise fail(error) from None
    if json_output:
        print_json({"triggers": rows})
        return
    table = _table("Triggers", "id", "event", "survey", "channel", "delay", "touchpoint")
    for r in rows:
        table.add_row(
            str(r["id"]),
            r["event"],
            r["survey"],
            r["channel"],
            str(timedelta(seconds=r["delay_seconds"])),
            r["touchpoint"] or "",
        )
    console.print(table)


# ------------------------------------------------------------------------------- campaign


@campaign_app.command("create")
def campaign_create(
    survey: SurveyOpt,
    every: Annotated[int, typer.Option("--every", min=1, help="Every N units.")] = 3,
    unit: Annotated[Unit, typer.Option("--unit", help="Unit of --every.")] = Unit.months,
    sample: Annotated[
        int | None, typer.Option("--sample", min=1, help="Customers per wave [default: all].")
    ] = None,
    filter_: Annotated[
        list[str] | None,
        typer.Option("--filter", help="Customer attribute key=value (region=Italy; repeat)."),
    ] = None,
    name: Annotated[
        str | None, typer.Option("--name", help="Campaign name [default: from the survey].")
    ] = None,
    channel: Annotated[Channel, typer.Option("--channel", help="How to reach them.")] = (
        Channel.email
    ),
    start: Annotated[
        str | None, typer.Option("--start", help="First wave (ISO 8601) [default: now].")
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Sampling seed.")] = 0,
    touchpoint: TouchpointOpt = None,
    reminders: RemindersOpt = 0,
    reminder_interval: IntervalOpt = "3d",
) -> None:
    """A cold campaign: a wave every N units to a seeded sample of the filtered customers.
    The worker starts each wave when it is due."""
    from sqlalchemy import select

    from cxlens.features.distribution import create_cold_campaign
    from cxlens.models.distribution import Campaign

    title = name or f"{survey} every {every} {unit.value}"
    try:
        # whole seconds: the recurrence rule drops microseconds, and with them the first wave
        first = (parse_moment(start, "start") if start else datetime.now(UTC)).replace(
            microsecond=0
        )
        filters = parse_pairs(filter_, "filter")
        interval = parse_duration(reminder_interval, "reminder_interval")
        with store_session() as session:
            if session.scalar(select(Campaign.id).where(Campaign.name == title)) is not None:
                raise InputError(
                    f"a campaign called {title!r} exists",
                    Location(field="name"),
                    expected="another --name",
                )
            campaign = create_cold_campaign(
                session,
                name=title,
                survey_key=survey,
                channel=channel.value,
                rule=f"FREQ={_FREQ[unit]};INTERVAL={every}",
                start=first,
                filters=filters,
                sample_size=sample,
                seed=seed,
                touchpoint=touchpoint,
                reminders=reminders,
                reminder_interval=interval,
            )
            campaign_id = campaign.id
    except CxlensError as error:
        raise fail(error) from None
    console.print(
        f"campaign {campaign_id} {title!r}: first wave {_short(first)}, then every {every} "
        f"{unit.value}",
        highlight=False,
    )


@campaign_app.command("list")
def campaign_list(json_output: JsonOpt = False) -> None:
    """List the cold campaigns, their waves so far and the next one."""
    from sqlalchemy import func, select

    from cxlens.models import Schedule, Survey
    from cxlens.models.distribution import Campaign, CampaignWave

    waves = (
        select(CampaignWave.campaign_id, func.count(CampaignWave.id).label("n"))
        .group_by(CampaignWave.campaign_id)
        .subquery()
    )
    try:
        with store_session() as session:
            found = session.execute(
                select(Campaign, Survey.key, Survey.name, Schedule.next_run_at, waves.c.n)
                .join(Survey, Survey.id == Campaign.survey_id)
                .outerjoin(Schedule, Schedule.id == Campaign.schedule_id)
                .outerjoin(waves, waves.c.campaign_id == Campaign.id)
                .order_by(Campaign.name)
            ).all()
            rows: list[dict[str, Any]] = [
                {
                    "id": c.id,
                    "name": c.name,
                    "survey": key or sname,
                    "channel": c.channel,
                    "rule": c.rule,
                    "filters": c.filters,
                    "sample": c.sample_size,
                    "waves": int(n or 0),
                    "next_wave": _iso(next_run),
                    "enabled": c.enabled,
                }
                for c, key, sname, next_run, n in found
            ]
    except CxlensError as error:
        raise fail(error) from None
    if json_output:
        print_json({"campaigns": rows})
        return
    table = _table(
        "Campaigns", "id", "name", "survey", "channel", "every", "sample", "waves", "next wave"
    )
    for r in rows:
        table.add_row(
            str(r["id"]),
            r["name"],
            r["survey"],
            r["channel"],
            r["rule"] or "",
            str(r["sample"] or "all"),
            str(r["waves"]),
            r["next_wave"] or "–",
        )
    console.print(table)


@campaign_app.command("waves")
def campaign_waves(
    name: Annotated[str, typer.Argument(help="Campaign name (see `campaign list`).")],
    json_output: JsonOpt = False,
) -> None:
    """The waves of a campaign: eligible, invited, completed, response rate."""
    from sqlalchemy import func, select

    from cxlens.core.errors import NotFoundError
    from cxlens.models import Invitation
    from cxlens.models.distribution import Campaign, CampaignWave, InvitationDispatch

    try:
        with store_session() as session:
            campaign_id = session.scalar(select(Campaign.id).where(Campaign.name == name))
            if campaign_id is None:
                raise NotFoundError(f"no campaign {name!r}: see `cxlens campaign list`")
            completed = (
                select(
                    InvitationDispatch.wave_id,
                    func.count(Invitation.completed_at).label("completed"),
                )
                .join(Invitation, Invitation.id == InvitationDispatch.invitation_id)
                .group_by(InvitationDispatch.wave_id)
                .subquery()
            )
            found = session.execute(
                select(CampaignWave, completed.c.completed)
                .outerjoin(completed, completed.c.wave_id == CampaignWave.id)
                .where(CampaignWave.campaign_id == campaign_id)
                .order_by(CampaignWave.number)
            ).all()
            rows: list[dict[str, Any]] = [
                {
                    "number": w.number,
                    "scheduled_for": _iso(w.scheduled_for),
                    "started_at": _iso(w.started_at),
                    "eligible": w.eligible,
                    "invited": w.invited,
                    "completed": int(done or 0),
                }
                for w, done in found
            ]
    except CxlensError as error:
        raise fail(error) from None
    if json_output:
        print_json({"campaign": name, "waves": rows})
        return
    table = _table(f"Waves of {name}", "wave", "started", "eligible", "invited", "completed")
    for r in rows:
        table.add_row(
            str(r["number"]),
            (r["started_at"] or "")[:16].replace("T", " "),
            str(r["eligible"]),
            str(r["invited"]),
            str(r["completed"]),
        )
    console.print(table)


# ------------------------------------------------------------------------------- pressure


@pressure_app.command("set")
def pressure_set(
    days: Annotated[
        int | None,
        typer.Option(
            "--days", min=0, help="At most one invitation per customer per N days (0 off)."
        ),
    ] = None,
    survey_days: Annotated[
        int | None,
        typer.Option("--survey-days", min=0, help="Per survey (needs --survey): N days."),
    ] = None,
    survey: Annotated[
        str | None, typer.Option("--survey", help="The survey --survey-days applies to.")
    ] = None,
    quiet: Annotated[
        str | None,
        typer.Option("--quiet", help="Quiet hours in the customer's time zone, or off."),
    ] = None,
    silent_after: Annotated[
        int | None,
        typer.Option("--silent-after", min=1, help="Unanswered invitations that flag silent."),
    ] = None,
) -> None:
    """Set the contact-pressure rules (what is not given stays as it is)."""
    from cxlens.features.distribution import set_policy
    from cxlens.features.distribution.repository import survey_by_key

    try:
        if (survey_days is None) != (survey is None):
            raise InputError(
                "--survey-days and --survey go together",
                Location(field="survey_days"),
                expected="--survey KEY --survey-days N",
            )
        hours = parse_quiet(quiet) if quiet is not None else None
        with store_session() as session:
            if days is not None or quiet is not None or silent_after is not None:
                set_policy(
                    session,
                    min_days_between=days,
                    quiet_hours=hours,
                    no_quiet_hours=quiet is not None and hours is None,
                    silent_after=silent_after,
                )
            if survey is not None:
                set_policy(
                    session,
                    survey_id=survey_by_key(session, survey).id,
                    min_days_between=survey_days,
                )
    except CxlensError as error:
        raise fail(error) from None
    _show()


@pressure_app.command("show")
def pressure_show(json_output: JsonOpt = False) -> None:
    """Show the contact-pressure rules in force."""
    _show(json_output)


def _show(json_output: bool = False) -> None:
    from sqlalchemy import select

    from cxlens.features.distribution import load_policy
    from cxlens.models import Survey
    from cxlens.models.distribution import ContactPolicy

    try:
        with store_session() as session:
            policy = load_policy(session)
            per_survey = [
                {"survey": key or name, "days": days}
                for key, name, days in session.execute(
                    select(Survey.key, Survey.name, ContactPolicy.min_days_between)
                    .join(Survey, Survey.id == ContactPolicy.survey_id)
                    .order_by(Survey.name)
                )
            ]
    except CxlensError as error:
        raise fail(error) from None
    quiet = (
        f"{policy.quiet_start:%H:%M}-{policy.quiet_end:%H:%M}"
        if policy.quiet_start is not None
        and policy.quiet_end is not None
        and policy.quiet_start != policy.quiet_end
        else None
    )
    data = {
        "days": policy.global_days,
        "survey_days": policy.survey_days,
        "quiet_hours": quiet,
        "silent_after": policy.silent_after,
        "surveys": per_survey,
    }
    if json_output:
        print_json(data)
        return
    console.print(
        f"at most one invitation per customer every [bold]{policy.global_days}[/bold] days "
        f"(0 = off); per survey every [bold]{policy.survey_days}[/bold] days",
        highlight=False,
    )
    for item in per_survey:
        console.print(f"  {item['survey']}: every {item['days']} days", highlight=False)
    console.print(
        f"quiet hours: {quiet or 'off'} (customer's time zone); silent after "
        f"{policy.silent_after} unanswered invitations",
        highlight=False,
    )


# ------------------------------------------------------------------- suppressions, silent


@distribution_app.command()
def suppressions(
    limit: Annotated[int, typer.Option("--limit", min=1, help="Latest N entries.")] = 50,
    json_output: JsonOpt = False,
) -> None:
    """The sends that did not happen (or were put off), newest first, with the reason."""
    from sqlalchemy import select

    from cxlens.models import Customer, Survey
    from cxlens.models.distribution import SuppressionLogEntry

    try:
        with store_session() as session:
            found = session.execute(
                select(SuppressionLogEntry, Customer.customer_ref, Survey.key, Survey.name)
                .outerjoin(Customer, Customer.id == SuppressionLogEntry.customer_id)
                .outerjoin(Survey, Survey.id == SuppressionLogEntry.survey_id)
                .order_by(SuppressionLogEntry.at.desc(), SuppressionLogEntry.id.desc())
                .limit(limit)
            ).all()
            rows: list[dict[str, Any]] = [
                {
                    "at": _iso(e.at),
                    "customer": ref,
                    "survey": key or name,
                    "invitation_id": e.invitation_id,
                    "channel": e.channel,
                    "rule": e.rule,
                    "action": e.action,
                    "reason": e.reason,
                }
                for e, ref, key, name in found
            ]
    except CxlensError as error:
        raise fail(error) from None
    if json_output:
        print_json({"suppressions": rows})
        return
    if not rows:
        console.print("no send was suppressed or deferred")
    for r in rows:
        console.print(
            f"{(r['at'] or '')[:16].replace('T', ' ')}  [bold]{r['customer'] or '–'}[/bold]  "
            f"{r['survey'] or '–'}  {r['channel']}  {r['action']}  [cyan]{r['rule']}[/cyan]",
            highlight=False,
        )
        console.print(f"    {r['reason']}", highlight=False)


@distribution_app.command()
def silent(
    threshold: Annotated[
        int | None,
        typer.Option("--threshold", min=1, help="Unanswered in a row [default: the policy's]."),
    ] = None,
    json_output: JsonOpt = False,
) -> None:
    """Customers who stopped answering: hidden dissatisfaction."""
    from cxlens.features.distribution import load_policy, silent_customers

    try:
        with store_session() as session:
            limit = threshold or load_policy(session).silent_after
            found = silent_customers(session, threshold=limit)
    except CxlensError as error:
        raise fail(error) from None
    rows = [s.model_dump(mode="json") for s in found]
    if json_output:
        print_json({"threshold": limit, "customers": rows})
        return
    table = _table(
        f"Customers with {limit}+ unanswered invitations in a row",
        "customer",
        "unanswered",
        "last sent",
    )
    for s in found:
        table.add_row(s.customer_ref, str(s.unanswered), _short(s.last_sent_at))
    console.print(table)


# --------------------------------------------------------------------------------- funnel


@distribution_app.command()
def funnel(
    by: Annotated[
        list[FunnelBy] | None, typer.Option("--by", help="Split by this (repeat for several).")
    ] = None,
    json_output: JsonOpt = False,
) -> None:
    """The response funnel: sent → delivered → opened → started → completed, and the
    response rate (completed ÷ delivered) with its 95% interval."""
    from cxlens.features.distribution import funnel as compute

    settings = Settings()
    dims = tuple(dict.fromkeys(b.value for b in by or []))
    try:
        with store_session(settings) as session:
            found = compute(session, by=dims, min_n=settings.min_n)
    except CxlensError as error:
        raise fail(error) from None
    rows = [r.model_dump(mode="json") for r in found]
    if json_output:
        print_json({"by": list(dims), "rows": rows})
        return
    columns = [
        *dims,
        "invited",
        "sent",
        "delivered",
        "opened",
        "started",
        "completed",
        "rate",
        "95% CI",
        "note",
    ]
    table = _table("Response funnel", *columns)
    for r in found:
        rate = "–" if r.response_rate is None else f"{r.response_rate:.1f}%"
        ci = "–" if r.ci_low is None or r.ci_high is None else f"{r.ci_low:.1f} – {r.ci_high:.1f}"
        table.add_row(
            *[r.group.get(d) or "–" for d in dims],
            str(r.invited),
            str(r.sent),
            str(r.delivered),
            "–" if r.opened is None else str(r.opened),
            str(r.started),
            str(r.completed),
            rate,
            ci,
            "[yellow]low n[/yellow]" if r.low_confidence else "",
        )
    console.print(table)
