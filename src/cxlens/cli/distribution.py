"""Commands that collect feedback: invite, event, suppressions, silent, funnel; and the
``trigger``, ``campaign`` and ``pressure`` groups. Each parses its options, calls one service
of :mod:`cxlens.features.distribution` in one unit of work, and renders the result.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from cxlens.cli.campaigns import campaign_app, trigger_app
from cxlens.cli.common import (
    Channel,
    ChannelOpt,
    IntervalOpt,
    JsonOpt,
    RemindersOpt,
    SurveyOpt,
    TouchpointOpt,
    fail,
    load_settings,
    short_time,
    store_session,
    table,
    validated,
)
from cxlens.cli.output import print_json, say, show
from cxlens.cli.parsing import parse_duration, parse_moment, parse_pairs, refs_from_file
from cxlens.cli.pressure import pressure_app
from cxlens.core.errors import CxlensError, Location

distribution_app = typer.Typer(rich_markup_mode=None, no_args_is_help=True)
distribution_app.add_typer(trigger_app, name="trigger")
distribution_app.add_typer(campaign_app, name="campaign")
distribution_app.add_typer(pressure_app, name="pressure")


class FunnelBy(StrEnum):
    survey = "survey"
    channel = "channel"
    touchpoint = "touchpoint"


# --------------------------------------------------------------------------------- invite


@distribution_app.command()
def invite(
    survey: SurveyOpt,
    channel: ChannelOpt,
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
    from cxlens.features.customers import CustomerIn
    from cxlens.features.distribution.invites import invite as invite_customers

    settings = load_settings()
    try:
        given = [(ref, Location(field="customer")) for ref in customer or []]
        given += refs_from_file(customers_file) if customers_file is not None else []
        interval = parse_duration(reminder_interval, "reminder_interval")
        hidden = parse_pairs(prefill, "prefill")
        described = any(v is not None for v in (email, phone, name, locale))
        contact = (
            validated(CustomerIn, ref="-", email=email, phone=phone, name=name, locale=locale)
            if described
            else None
        )
        with store_session(settings) as session:
            rows = invite_customers(
                session,
                settings,
                survey_key=survey,
                channel=channel.value,
                customers=given,
                contact=contact,
                touchpoint=touchpoint,
                prefill=hidden,
                reminders=reminders,
                reminder_interval=interval,
            )
    except CxlensError as error:
        raise fail(error) from None
    if json_output:
        print_json({"survey": survey, "invitations": [r.model_dump(mode="json") for r in rows]})
        return
    shown = table(f"Invitations to {survey}", "id", "customer", "channel", "status", "link")
    for r in rows:
        shown.add_row(str(r.invitation_id), r.customer, r.channel, r.status, r.link or "")
    show(shown)
    if channel is not Channel.web:
        say(f"{len(rows)} invitation(s) queued: `cxlens worker` sends them")


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
    from cxlens.features.distribution import record_event
    from cxlens.features.distribution.schemas import EventIn

    settings = load_settings()
    try:
        data = validated(
            EventIn,
            event=name,
            customer={
                "ref": customer,
                "email": email,
                "phone": phone,
                "name": customer_name,
                "locale": locale,
                "time_zone": time_zone,
            },
            occurred_at=parse_moment(at, "at") if at else None,
            properties=parse_pairs(prop, "property"),
            idempotency_key=key,
        )
        with store_session(settings) as session:
            result = record_event(session, settings, data)
    except CxlensError as error:
        raise fail(error) from None
    if json_output:
        print_json(result.model_dump(mode="json"))
        return
    if result.duplicate:
        say(f"event {result.event_id} was recorded before: nothing new")
        return
    say(f"event {result.event_id} recorded: {len(result.invitation_ids)} invitation(s) scheduled")
    for invitation_id, when in zip(result.invitation_ids, result.send_at, strict=False):
        say(f"  invitation {invitation_id} at {short_time(when)}")


# ------------------------------------------------------------------- suppressions, silent


@distribution_app.command()
def suppressions(
    limit: Annotated[int, typer.Option("--limit", min=1, help="Latest N entries.")] = 50,
    json_output: JsonOpt = False,
) -> None:
    """The sends that did not happen (or were put off), newest first, with the reason."""
    from cxlens.features.distribution.listing import suppression_log

    try:
        with store_session() as session:
            rows = suppression_log(session, limit=limit)
    except CxlensError as error:
        raise fail(error) from None
    if json_output:
        print_json({"suppressions": [r.model_dump(mode="json") for r in rows]})
        return
    if not rows:
        say("no send was suppressed or deferred")
    for r in rows:
        say(
            f"{short_time(r.at).removesuffix(' UTC')}  ",
            (r.customer or "–", "bold"),
            f"  {r.survey or '–'}  {r.channel}  {r.action}  ",
            (r.rule, "cyan"),
        )
        say(f"    {r.reason}")


@distribution_app.command()
def silent(
    threshold: Annotated[
        int | None,
        typer.Option("--threshold", min=1, help="Unanswered in a row [default: the policy's]."),
    ] = None,
    json_output: JsonOpt = False,
) -> None:
    """Customers who stopped answering: hidden dissatisfaction."""
    from cxlens.features.distribution.listing import silent_report

    try:
        with store_session() as session:
            report = silent_report(session, threshold=threshold)
    except CxlensError as error:
        raise fail(error) from None
    if json_output:
        print_json(report.model_dump(mode="json"))
        return
    shown = table(
        f"Customers with {report.threshold}+ unanswered invitations in a row",
        "customer",
        "unanswered",
        "last sent",
    )
    for s in report.customers:
        shown.add_row(s.customer_ref, str(s.unanswered), short_time(s.last_sent_at))
    show(shown)


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

    settings = load_settings()
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
    shown = table("Response funnel", *columns)
    for r in found:
        rate = "–" if r.response_rate is None else f"{r.response_rate:.1f}%"
        ci = "–" if r.ci_low is None or r.ci_high is None else f"{r.ci_low:.1f} – {r.ci_high:.1f}"
        shown.add_row(
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
    show(shown)
