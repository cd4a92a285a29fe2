"""``cxlens trigger`` (hot campaigns) and ``cxlens campaign`` (cold campaigns)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Annotated

import typer

from cxlens.cli.common import (
    Channel,
    ChannelOpt,
    IntervalOpt,
    JsonOpt,
    RemindersOpt,
    SurveyOpt,
    TouchpointOpt,
    fail,
    short_time,
    store_session,
    table,
)
from cxlens.cli.output import print_json, say, show
from cxlens.cli.parsing import parse_duration, parse_moment, parse_pairs
from cxlens.core.errors import CxlensError

trigger_app = typer.Typer(
    rich_markup_mode=None,
    help="Hot campaigns: an event triggers a survey after a delay.",
    no_args_is_help=True,
)
campaign_app = typer.Typer(
    rich_markup_mode=None,
    help="Cold campaigns: every N months to a sample of customers.",
    no_args_is_help=True,
)


class Unit(StrEnum):
    days = "days"
    weeks = "weeks"
    months = "months"
    years = "years"


_FREQ = {Unit.days: "DAILY", Unit.weeks: "WEEKLY", Unit.months: "MONTHLY", Unit.years: "YEARLY"}


@trigger_app.command("add")
def trigger_add(
    event_name: Annotated[str, typer.Option("--event", help="Event name (order.completed).")],
    survey: SurveyOpt,
    channel: ChannelOpt,
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
    say(f"trigger {rule_id}: {event_name} → {survey} by {channel.value} after {wait}")


@trigger_app.command("list")
def trigger_list(json_output: JsonOpt = False) -> None:
    """List the hot-campaign triggers."""
    from cxlens.features.distribution.listing import list_triggers

    try:
        with store_session() as session:
            rows = list_triggers(session)
    except CxlensError as error:
        raise fail(error) from None
    if json_output:
        print_json({"triggers": [r.model_dump(mode="json") for r in rows]})
        return
    shown = table("Triggers", "id", "event", "survey", "channel", "delay", "touchpoint")
    for r in rows:
        shown.add_row(
            str(r.id),
            r.event,
            r.survey,
            r.channel,
            str(timedelta(seconds=r.delay_seconds)),
            r.touchpoint or "",
        )
    show(shown)


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
    from cxlens.features.distribution import create_cold_campaign

    title = name or f"{survey} every {every} {unit.value}"
    try:
        first = parse_moment(start, "start") if start else datetime.now(UTC)
        filters = parse_pairs(filter_, "filter")
        interval = parse_duration(reminder_interval, "reminder_interval")
        with store_session() as session:
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
    say(
        f"campaign {campaign_id} {title!r}: first wave {short_time(first)}, then every {every} "
        f"{unit.value}"
    )


@campaign_app.command("list")
def campaign_list(json_output: JsonOpt = False) -> None:
    """List the cold campaigns, their waves so far and the next one."""
    from cxlens.features.distribution.listing import list_campaigns

    try:
        with store_session() as session:
            rows = list_campaigns(session)
    except CxlensError as error:
        raise fail(error) from None
    if json_output:
        print_json({"campaigns": [r.model_dump(mode="json") for r in rows]})
        return
    shown = table(
        "Campaigns", "id", "name", "survey", "channel", "every", "sample", "waves", "next wave"
    )
    for r in rows:
        shown.add_row(
            str(r.id),
            r.name,
            r.survey,
            r.channel,
            r.rule or "",
            str(r.sample or "all"),
            str(r.waves),
            short_time(r.next_wave),
        )
    show(shown)


@campaign_app.command("waves")
def campaign_waves(
    name: Annotated[str, typer.Argument(help="Campaign name (see `campaign list`).")],
    json_output: JsonOpt = False,
) -> None:
    """The waves of a campaign: eligible, invited, completed, response rate."""
    from cxlens.features.distribution.listing import campaign_waves as waves_of

    try:
        with store_session() as session:
            rows = waves_of(session, name)
    except CxlensError as error:
        raise fail(error) from None
    if json_output:
        print_json({"campaign": name, "waves": [r.model_dump(mode="json") for r in rows]})
        return
    shown = table(f"Waves of {name}", "wave", "started", "eligible", "invited", "completed")
    for r in rows:
        shown.add_row(
            str(r.number),
            short_time(r.started_at),
            str(r.eligible),
            str(r.invited),
            str(r.completed),
        )
    show(shown)
