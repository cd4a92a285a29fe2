"""``cxlens widget``: the secret and signatures of the on-site widget's customer references.

The site that embeds the widget signs each customer reference on its server
(docs/collection.md has the recipe); ``cxlens widget sign`` computes the same signature,
for testing an integration.
"""

from __future__ import annotations

from typing import Annotated

import typer

from cxlens.cli.common import JsonOpt, fail, load_settings
from cxlens.cli.output import print_json, say
from cxlens.core.errors import CxlensError

widget_app = typer.Typer(
    rich_markup_mode=None,
    help="The on-site widget: sign a customer reference, print the widget secret.",
    no_args_is_help=True,
)


@widget_app.command("sign")
def widget_sign(
    customer_ref: Annotated[str, typer.Argument(help="The customer's reference.")],
    issued_at: Annotated[
        int | None,
        typer.Option("--issued-at", min=0, help="Issue time, Unix seconds (default now)."),
    ] = None,
    json_output: JsonOpt = False,
) -> None:
    """The signature a site passes to the widget with CUSTOMER_REF (valid for
    CXLENS_WIDGET_SIGNATURE_HOURS after its issue time)."""
    try:
        import time

        from cxlens.core.signing import customer_signature

        when = int(time.time()) if issued_at is None else issued_at
        signature = customer_signature(load_settings().resolved_widget_secret(), customer_ref, when)
    except CxlensError as error:
        raise fail(error) from None
    data = {"customer": customer_ref, "issued_at": when, "signature": signature}
    if json_output:
        print_json(data)
        return
    for key, value in data.items():
        say(f"{key}: ", (str(value), "bold"))


@widget_app.command("secret")
def widget_secret() -> None:
    """Print the widget secret the site signs with (CXLENS_WIDGET_SECRET, or the one derived
    from the signing key). Keep it on the site's server, never in a page."""
    try:
        secret = load_settings().resolved_widget_secret()
    except CxlensError as error:
        raise fail(error) from None
    typer.echo(secret)
