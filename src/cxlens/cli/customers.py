"""``cxlens customers``: change a customer's contact details; export or erase everything
cxlens holds about one customer (privacy requests).

An event (``POST /api/v1/events``) may create a customer but never changes a known one's
e-mail, phone or name: ``update`` (and ``cxlens import FILE --kind customers``) is the
operator's way to change them, audited with the fields changed, never their values.
Export and erase are audited (``customer.exported``, ``customer.erased``: counts and a
salted hash of the reference, never an address). ``erase`` shows what it will delete, per
table, and asks before deleting unless ``--yes``; docs/privacy.md says what is kept and why.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cxlens.cli.common import JsonOpt, fail, load_settings, store, store_session, table, validated
from cxlens.cli.output import print_json, say, show
from cxlens.core.errors import CxlensError

if TYPE_CHECKING:
    from cxlens.features.privacy import ErasurePlan

customers_app = typer.Typer(
    rich_markup_mode=None,
    help="One customer: change their contact details (audited), export their data (JSON) "
    "or erase it everywhere (privacy requests).",
    no_args_is_help=True,
)

RefArg = Annotated[str, typer.Argument(help="The customer's reference (customer_ref).")]


def _show_plan(title: str, plan: ErasurePlan) -> None:
    out = table(title, "table", "rows", "what happens")
    out.columns[0].no_wrap = True
    for name, count in plan.deleted.items():
        out.add_row(name, str(count), "deleted")
    for name, count in plan.unlinked.items():
        out.add_row(name, str(count), "kept, link to the customer cleared")
    for name, count in plan.scrubbed.items():
        out.add_row(name, str(count), "kept, the customer's text taken out")
    show(out)
    if plan.suppressed_channels:
        say(
            f"They had opted out of or bounced on {', '.join(plan.suppressed_channels)}: the "
            "erasure deletes that too. Remove them from the source you import customers "
            "from, or a later import brings them back with no opt-out (docs/privacy.md).",
            err=True,
        )


def _write_private(path: Path, content: str) -> None:
    """Write ``content`` to ``path``, readable by its owner only (it is personal data)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(content)


@customers_app.command("export")
def customers_export(
    ref: RefArg,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Write the JSON document to this file [default: stdout]."),
    ] = None,
) -> None:
    """Everything cxlens holds about one customer, as one JSON document (audited)."""
    from cxlens.db import unit_of_work
    from cxlens.features.privacy import export_customer

    settings = load_settings()
    try:
        with store(settings, migrate=True) as engine, unit_of_work(engine) as session:
            document = export_customer(
                session, ref, key=settings.resolved_signing_keys()[0], source="cli"
            )
            if out is not None:  # written before the audit entry commits: no entry if it fails
                _write_private(out, json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    except (CxlensError, OSError) as error:
        raise fail(error) from None
    if out is None:
        print_json(document)
        return
    rows = sum(len(r) for r in document["tables"].values())
    say(f"Exported customer {document['customer']['id']} ({rows} rows) to ", (str(out), "bold"))


@customers_app.command("erase")
def customers_erase(
    ref: RefArg,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
    json_output: JsonOpt = False,
) -> None:
    """Delete everything cxlens holds about one customer, in one transaction (audited).

    Shows the rows it will delete per table and asks first (unless --yes); then the freed
    space is reclaimed (SQLite: WAL checkpoint; PostgreSQL: VACUUM).
    """
    from cxlens.db import unit_of_work
    from cxlens.features.privacy import erase_customer, erasure_plan, reclaim_space

    settings = load_settings()
    try:
        with store(settings, migrate=True) as engine:
            if not yes:
                with unit_of_work(engine) as session:
                    plan = erasure_plan(session, ref)
                _show_plan(f"Erasing customer {plan.customer_id} will change", plan)
                if not typer.confirm(f"Erase {plan.total} rows? This cannot be undone"):
                    say("Nothing erased.", err=True)
                    raise typer.Exit(code=1)
            with unit_of_work(engine) as session:
                report = erase_customer(
                    session, ref, key=settings.resolved_signing_keys()[0], source="cli"
                )
            reclaimed = reclaim_space(engine)
    except CxlensError as error:
        raise fail(error) from None
    if json_output:
        print_json({**report.model_dump(mode="json"), "reclaimed": reclaimed})
        return
    if yes:
        _show_plan(f"Erased customer {report.customer_id}", report)
    say(
        f"Erased customer {report.customer_id}: {report.total} rows deleted "
        f"(audit entry {report.audit_id}; {reclaimed})."
    )


@customers_app.command("update")
def customers_update(
    ref: Annotated[str, typer.Argument(help="The customer's reference (customer_ref).")],
    email: Annotated[str | None, typer.Option("--email", help="New e-mail ('' clears).")] = None,
    phone: Annotated[
        str | None, typer.Option("--phone", help="New phone, international or national.")
    ] = None,
    name: Annotated[str | None, typer.Option("--name", help="New name ('' clears).")] = None,
    locale: Annotated[str | None, typer.Option("--locale", help="New locale (nl-NL).")] = None,
    time_zone: Annotated[
        str | None, typer.Option("--time-zone", help="New time zone (Europe/Amsterdam).")
    ] = None,
    json_output: JsonOpt = False,
) -> None:
    """Change the contact details of customer REF; fields not given are kept."""
    try:
        from cxlens.features.customers import ContactChanges, update_customer_contact

        changes = validated(
            ContactChanges, email=email, phone=phone, name=name, locale=locale, time_zone=time_zone
        )
        with store_session() as session:
            changed = update_customer_contact(session, ref, changes, source="cli")
    except CxlensError as error:
        raise fail(error) from None
    if json_output:
        print_json({"customer": ref, "changed": changed})
        return
    if changed:
        say("Changed ", (", ".join(changed), "bold"), " of ", (ref, "bold"))
    else:
        say("Nothing to change for ", (ref, "bold"))
