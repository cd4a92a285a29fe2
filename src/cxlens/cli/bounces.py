"""``cxlens bounces import``: read returned emails (DSNs) and suppress addresses that bounced."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Annotated

import typer

from cxlens.cli.common import JsonOpt, fail, load_settings, store, table
from cxlens.cli.output import print_json, say, show
from cxlens.core.errors import CxlensError

bounces_app = typer.Typer(
    rich_markup_mode=None,
    help="Returned emails: bounces reported after sending (RFC 3464 DSNs).",
    no_args_is_help=True,
)


@bounces_app.command("import")
def bounces_import(
    paths: Annotated[
        list[Path],
        typer.Argument(help="A .eml message, an mbox file or a Maildir folder (several ok)."),
    ],
    json_output: JsonOpt = False,
) -> None:
    """Import returned emails: a permanent failure (5.x.x) suppresses the address and marks
    the invitation failed; delays (4.x.x) and messages that are not DSNs are counted and
    skipped. Importing the same messages again changes nothing."""
    from cxlens.db import unit_of_work
    from cxlens.features.distribution.bounce_files import read_messages
    from cxlens.features.distribution.bounces import BounceOutcome, process_dsn

    settings = load_settings()
    counts: Counter[str] = Counter()
    rows: list[dict[str, object]] = []
    try:
        with store(settings, migrate=True) as engine:
            for path in paths:
                for where, raw in read_messages(path):
                    with unit_of_work(engine) as session:
                        result = process_dsn(session, settings, raw)
                    counts[result.outcome.value] += 1
                    rows.append(
                        {
                            "message": where,
                            "outcome": result.outcome.value,
                            "invitation_id": result.invitation_id,
                            "address": result.address,
                            "status": result.status,
                        }
                    )
    except CxlensError as error:
        raise fail(error) from None
    summary = {o.value: counts.get(o.value, 0) for o in BounceOutcome}
    if json_output:
        print_json({"messages": len(rows), **summary, "results": rows})
        return
    out = table("Returned emails", "message", "outcome", "invitation", "address", "status")
    for row in rows:
        out.add_row(
            str(row["message"]),
            str(row["outcome"]),
            "" if row["invitation_id"] is None else str(row["invitation_id"]),
            str(row["address"] or ""),
            str(row["status"] or ""),
        )
    show(out)
    say(
        f"{len(rows)} messages: {summary['bounced']} bounced (suppressed), "
        f"{summary['already']} already recorded, {summary['transient']} transient, "
        f"{summary['unmatched']} without a cxlens reference, {summary['not_dsn']} not a DSN"
    )
