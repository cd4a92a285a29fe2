"""``cxlens pressure``: how often a customer may be invited, quiet hours, silent flag."""

from __future__ import annotations

from typing import Annotated

import typer

from cxlens.cli.common import JsonOpt, fail, store_session
from cxlens.cli.output import print_json, say
from cxlens.cli.parsing import parse_quiet
from cxlens.core.errors import CxlensError

pressure_app = typer.Typer(
    rich_markup_mode=None,
    help="Contact-pressure rules: how often a customer may be invited, quiet hours.",
    no_args_is_help=True,
)


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
    from cxlens.features.distribution.pressure import configure_pressure

    try:
        hours = parse_quiet(quiet) if quiet is not None else None
        with store_session() as session:
            configure_pressure(
                session,
                days=days,
                quiet_hours=hours,
                no_quiet_hours=quiet is not None and hours is None,
                silent_after=silent_after,
                survey_key=survey,
                survey_days=survey_days,
            )
    except CxlensError as error:
        raise fail(error) from None
    _show()


@pressure_app.command("show")
def pressure_show(json_output: JsonOpt = False) -> None:
    """Show the contact-pressure rules in force."""
    _show(json_output)


def _show(json_output: bool = False) -> None:
    from cxlens.features.distribution.listing import policy_view

    try:
        with store_session() as session:
            policy = policy_view(session)
    except CxlensError as error:
        raise fail(error) from None
    if json_output:
        print_json(policy.model_dump(mode="json"))
        return
    say(
        "at most one invitation per customer every ",
        (str(policy.days), "bold"),
        " days (0 = off); per survey every ",
        (str(policy.survey_days), "bold"),
        " days",
    )
    for item in policy.surveys:
        say(f"  {item.survey}: every {item.days} days")
    say(
        f"quiet hours: {policy.quiet_hours or 'off'} (customer's time zone); silent after "
        f"{policy.silent_after} unanswered invitations"
    )
