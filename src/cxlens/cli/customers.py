"""``cxlens customers``: change a stored customer's contact details (audited).

An event (``POST /api/v1/events``) may create a customer but never changes a known one's
e-mail, phone or name; this command (and ``cxlens import FILE --kind customers``) is the
operator's way to change them. Each change is written to the audit log, naming the fields
changed, never their values.
"""

from __future__ import annotations

from typing import Annotated

import typer

from cxlens.cli.common import JsonOpt, fail, store_session, validated
from cxlens.cli.output import print_json, say
from cxlens.core.errors import CxlensError

customers_app = typer.Typer(
    rich_markup_mode=None,
    help="Customers: change a customer's contact details (recorded in the audit log).",
    no_args_is_help=True,
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
