"""``cxlens survey``: templates, create, list, export and import survey definitions."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cxlens.cli.common import JsonOpt, fail, store_session
from cxlens.cli.output import DataTable, print_json, say, show
from cxlens.core.errors import CxlensError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

survey_app = typer.Typer(
    rich_markup_mode=None,
    help="Surveys as versioned data: templates, create, list, export, import.",
    no_args_is_help=True,
)


class ExportFormat(StrEnum):
    yaml = "yaml"
    json = "json"


@survey_app.command("templates")
def templates(json_output: JsonOpt = False) -> None:
    """List the shipped survey templates."""
    from cxlens.features.surveys import list_templates

    items = list_templates()
    if json_output:
        print_json({"templates": [t.model_dump(mode="json") for t in items]})
        return
    table = DataTable(title="Survey templates", title_justify="left", title_style="bold")
    for column in ("template", "name", "kind", "audience", "languages"):
        table.add_column(column, no_wrap=column == "template")
    for t in items:
        table.add_row(t.template, t.name, t.kind.value, t.audience.value, " ".join(t.languages))
    show(table)


@survey_app.command("create")
def create(
    template: Annotated[str, typer.Option("--template", help="Template name (see templates).")],
    company: Annotated[
        str, typer.Option("--company", help="Your company's name, put in every text.")
    ],
    key: Annotated[
        str | None, typer.Option("--key", help="Survey key [default: the template's].")
    ] = None,
    name: Annotated[str | None, typer.Option("--name", help="Display name.")] = None,
    json_output: JsonOpt = False,
) -> None:
    """Create a survey from a template (version 1)."""
    from cxlens.features.surveys import create_from_template

    try:
        with store_session() as session:
            stored = create_from_template(
                session, template, company_name=company, key=key, name=name
            )
    except CxlensError as error:
        raise fail(error) from None
    if json_output:
        print_json(_info(stored))
        return
    say(
        "survey ",
        (str(stored.key), "bold"),
        f" created: {stored.name!r}, version {stored.latest_version}",
    )


def _info(stored: Any) -> dict[str, Any]:
    data: dict[str, Any] = stored.model_dump(mode="json", exclude={"definition"})
    return data


@survey_app.command("list")
def list_(json_output: JsonOpt = False) -> None:
    """List the stored surveys with their latest version and responses."""
    from cxlens.features.surveys import list_surveys

    try:
        with store_session() as session:
            items = list_surveys(session)
    except CxlensError as error:
        raise fail(error) from None
    if json_output:
        print_json({"surveys": [_info(s) for s in items]})
        return
    table = DataTable(title="Surveys", title_justify="left", title_style="bold")
    for column in ("key", "name", "kind", "version", "responses"):
        table.add_column(
            column,
            justify="right" if column in ("version", "responses") else "left",
            no_wrap=column == "key",
        )
    for s in items:
        table.add_row(
            s.key or "–", s.name, s.kind or "–", str(s.latest_version or "–"), str(s.responses)
        )
    show(table)


@survey_app.command("export")
def export(
    key: Annotated[str, typer.Argument(help="Survey key (or name).")],
    format_: Annotated[ExportFormat, typer.Option("--format", help="Text format.")] = (
        ExportFormat.yaml
    ),
    version: Annotated[
        int | None, typer.Option("--version", min=1, help="Version [default: the latest].")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file, not stdout.")
    ] = None,
) -> None:
    """Print (or write) a survey version's definition as YAML or JSON."""
    from cxlens.features.surveys import export_survey

    try:
        with store_session() as session:
            text = export_survey(session, key, version=version, format=format_.value)
        if output is not None:
            output.write_text(text, encoding="utf-8")
    except (CxlensError, OSError) as error:
        raise fail(error) from None
    if output is None:
        print(text, end="")
    else:
        say(f"written to {output}", err=True)


@survey_app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="A definition: .json, else YAML.")],
    json_output: JsonOpt = False,
) -> None:
    """Create a survey from a definition, or edit the one with its key (a new version when
    the latest is in use; a draft is rewritten; no change, nothing added)."""
    from cxlens.core.errors import InputError, Location
    from cxlens.features.surveys import get_survey, import_survey, loads
    from cxlens.features.surveys.formats import Format

    try:
        text = file.read_text(encoding="utf-8-sig")
        format_: Format = "json" if file.suffix.lower() == ".json" else "yaml"
        with store_session() as session:
            key = loads(text, format_, file=str(file)).key
            before = _existing(session, key)
            stored = import_survey(session, text, format_, file=str(file))
            after = get_survey(session, key)
    except (OSError, UnicodeDecodeError) as error:
        raise fail(InputError(f"cannot read the file: {error}", Location(file=str(file)))) from None
    except CxlensError as error:
        raise fail(error) from None
    if before is None:
        action = "created"
    elif before.latest_version != after.latest_version:
        action = "new version"
    elif before.definition != after.definition:
        action = "draft rewritten"
    else:
        action = "unchanged"
    if json_output:
        print_json({"action": action, **_info(stored)})
        return
    say("survey ", (str(stored.key), "bold"), f": {action}, version {stored.latest_version}")


def _existing(session: Session, key: str) -> Any:
    from cxlens.core.errors import NotFoundError
    from cxlens.features.surveys import get_survey

    try:
        return get_survey(session, key)
    except NotFoundError:
        return None
