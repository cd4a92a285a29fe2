"""``cxlens``: analyse survey exports, import them into the store, compute metrics, serve."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cxlens import __version__
from cxlens.cli.common import fail as _fail
from cxlens.cli.common import load_settings as _settings
from cxlens.cli.common import store as _store
from cxlens.cli.output import print_json, progress, render_metrics, say
from cxlens.core.errors import CxlensError

if TYPE_CHECKING:
    from cxlens.core.settings import Settings

app = typer.Typer(
    name="cxlens",
    help="Customer-experience analytics: NPS, CSAT, CES and CXi with honest statistics.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
db_app = typer.Typer(
    rich_markup_mode=None,
    help="The system-of-record database (SQLite by default, PostgreSQL).",
    no_args_is_help=True,
)
app.add_typer(db_app, name="db")

from cxlens.cli.accounts import tokens_app, users_app  # noqa: E402
from cxlens.cli.bounces import bounces_app  # noqa: E402
from cxlens.cli.customers import customers_app  # noqa: E402
from cxlens.cli.distribution import distribution_app  # noqa: E402
from cxlens.cli.insights import register_commands as register_insights  # noqa: E402
from cxlens.cli.surveys import survey_app  # noqa: E402
from cxlens.cli.text import text_app  # noqa: E402
from cxlens.cli.widget import widget_app  # noqa: E402

register_insights(text_app)
app.add_typer(survey_app, name="survey")
app.add_typer(distribution_app)
app.add_typer(bounces_app, name="bounces")
app.add_typer(text_app, name="text")
app.add_typer(users_app, name="users")
app.add_typer(tokens_app, name="tokens")
app.add_typer(customers_app, name="customers")
app.add_typer(widget_app, name="widget")


class Period(StrEnum):
    day = "day"
    week = "week"
    month = "month"
    quarter = "quarter"
    year = "year"


class Kind(StrEnum):
    auto = "auto"
    responses = "responses"
    reviews = "reviews"
    cases = "cases"
    customers = "customers"
    referrals = "referrals"


ByOpt = Annotated[
    list[str] | None,
    typer.Option("--by", help="Group by this column or dimension (repeat for several)."),
]
PeriodOpt = Annotated[
    Period | None, typer.Option("--period", help="Bucket by period, with change vs previous.")
]
TzOpt = Annotated[str, typer.Option("--tz", help="Time zone for periods and naive dates.")]
MinNOpt = Annotated[
    int | None,
    typer.Option(
        "--min-n",
        min=1,
        help="Below this n a value is flagged low-confidence [default: 30, or CXLENS_MIN_N].",
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON object (see docs/cli.md).")]
NpsOpt = Annotated[str | None, typer.Option("--nps", help="Column holding the 0–10 NPS answer.")]
CsatOpt = Annotated[
    list[str] | None, typer.Option("--csat", help="CSAT column (repeat for several).")
]
CesOpt = Annotated[list[str] | None, typer.Option("--ces", help="CES column (repeat).")]
TextOpt = Annotated[
    list[str] | None, typer.Option("--text", help="Open-text comment column (repeat).")
]
TimeOpt = Annotated[str | None, typer.Option("--time", help="Column with the response date/time.")]


@app.command()
def version() -> None:
    """Print the cxlens version."""
    say(__version__)


@app.command()
def analyze(
    file: Annotated[Path, typer.Argument(help="A survey export: CSV, TSV, XLSX, Parquet, JSONL.")],
    nps: NpsOpt = None,
    csat: CsatOpt = None,
    ces: CesOpt = None,
    text: TextOpt = None,
    time: TimeOpt = None,
    by: ByOpt = None,
    period: PeriodOpt = None,
    tz: TzOpt = "UTC",
    min_n: MinNOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Compute metrics straight from a file; no store needed.

    The format (Qualtrics, SurveyMonkey, Google Forms, Typeform, LimeSurvey or generic) and
    the metric columns are detected and printed; --nps/--csat/--ces/--text/--by override.
    """
    from cxlens.features.analysis.service import analyze_file
    from cxlens.ingest.mapping import MappingOverrides

    settings = _settings(min_n)
    overrides = MappingOverrides(
        nps=nps,
        csat=list(csat or []),
        ces=list(ces or []),
        text=list(text or []),
        by=list(by or []),
        time=time,
    )
    try:
        with progress(f"Reading {file}", enabled=not json_output) as step:
            report = analyze_file(
                file,
                overrides,
                by=tuple(by or ()),
                period=period.value if period else None,
                tz=tz,
                min_n=settings.min_n,
                on_progress=step,
            )
    except (CxlensError, OSError) as error:
        raise _fail(error) from None
    if json_output:
        print_json(report.to_json())
        return
    data = report.to_json()
    say(
        (str(data["source"]), "bold"),
        ": format ",
        (str(data["format"]), "cyan"),
        f", {data['rows']} rows",
    )
    _print_mapping(data["mapping"])
    render_metrics(report.metrics, title="Metrics (95% intervals)")
    for warning in data["warnings"]:
        say(("warning:", "yellow"), f" {warning}")


def _print_mapping(mapping: dict[str, Any]) -> None:
    say(("Mapping used", "bold"), " (override with --nps/--csat/--ces/--text/--by):")
    for key, value in mapping.items():
        if value in (None, [], {}):
            continue
        if key == "flagged":
            for item in value:
                low, high = item["scale"]
                say(
                    ("  flagged, not computed:", "yellow"),
                    f" {item['column']!r} as {item['metric']} (scale {low}–{high}):"
                    f" {item['reason']}",
                )
            continue
        items = value if isinstance(value, list) else [value]
        shown = [_describe_column(item) for item in items]
        say(f"  {key}: {', '.join(shown)}")


def _describe_column(item: Any) -> str:
    if isinstance(item, dict) and "column" in item:
        text = repr(item["column"])
        if "scale" in item:
            low, high = item["scale"]
            text += f" (scale {low}–{high}"
            text += ")" if item.get("higher_is_better", True) else ", lower is better)"
        return text
    return repr(item) if isinstance(item, str) else str(item)


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="File to import into the store.")],
    kind: Annotated[Kind, typer.Option("--kind", help="What the file holds.")] = Kind.auto,
    nps: NpsOpt = None,
    csat: CsatOpt = None,
    ces: CesOpt = None,
    text: TextOpt = None,
    time: TimeOpt = None,
    by: ByOpt = None,
    tz: TzOpt = "UTC",
    skip_bad_rows: Annotated[
        bool,
        typer.Option(
            "--skip-bad-rows",
            help="Leave out the rows holding a value that does not fit its column, and list"
            " them, instead of importing nothing.",
        ),
    ] = False,
    phone_region: Annotated[
        str | None,
        typer.Option(
            "--phone-region",
            help="Country (NL, IT …) of national phone numbers when a customer has none"
            " [default: CXLENS_PHONE_REGION].",
        ),
    ] = None,
    json_output: JsonOpt = False,
) -> None:
    """Import a file into the store: all or nothing, and importing it twice adds nothing.

    A value that does not fit its column stops the import (file, row, column, expected
    form) unless --skip-bad-rows; a corrected file replaces what the faulty one stored.
    """
    from cxlens.db import unit_of_work
    from cxlens.features.file_import.service import import_file
    from cxlens.ingest.mapping import MappingOverrides

    settings = _settings()
    overrides = MappingOverrides(
        nps=nps,
        csat=list(csat or []),
        ces=list(ces or []),
        text=list(text or []),
        by=list(by or []),
        time=time,
    )
    try:
        with (
            _store(settings, migrate=True) as engine,
            progress(f"Importing {file}", enabled=not json_output) as step,
            unit_of_work(engine) as session,
        ):
            result = import_file(
                session,
                file,
                kind=kind.value,
                overrides=overrides,
                tz=tz,
                on_progress=step,
                skip_bad_rows=skip_bad_rows,
                phone_region=phone_region or settings.phone_region,
            )
    except (CxlensError, OSError) as error:
        raise _fail(error) from None
    data = result.to_json()
    if json_output:
        print_json(data)
        return
    say(
        (str(data["source"]), "bold"),
        f": {data['kind']} ({data['format']}), {data['rows']} rows read, ",
        (f"{data['added']} added", "green"),
        f", {data['updated']} updated, {data['skipped']} already in the store",
    )
    if data.get("mapping"):
        _print_mapping(data["mapping"])
    skipped = data["skipped_rows"]
    if skipped:
        rows = len({s["row"] for s in skipped})
        say((f"skipped {rows} row(s) holding values that do not fit their column:", "yellow"))
        for bad in skipped:
            say(
                f"  {bad['file']}, row {bad['row']}, column {bad['column']!r}: value"
                f" {bad['value']!r}: {bad['problem']} (expected {bad['expected']})"
            )
    for warning in data["warnings"]:
        say(("warning:", "yellow"), f" {warning}")


@app.command()
def metrics(
    by: ByOpt = None,
    period: PeriodOpt = None,
    tz: TzOpt = "UTC",
    min_n: MinNOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Metrics from the store: NPS, CSAT, CES, CXi and the operational metrics.

    --by takes survey, touchpoint, channel, language, source, account or any customer
    attribute (region, plan, age_band ...).
    """
    from cxlens.db import unit_of_work
    from cxlens.features.metrics.service import (
        operational_metrics,
        partial_responses,
        store_metrics,
    )

    settings = _settings(min_n)
    try:
        with (
            _store(settings) as engine,
            progress("Computing metrics", enabled=not json_output),
            unit_of_work(engine) as session,
        ):
            options: dict[str, Any] = {
                "by": tuple(by or ()),
                "period": period.value if period else None,
                "tz": tz,
                "min_n": settings.min_n,
            }
            values = store_metrics(session, **options)
            values += operational_metrics(session, **options)
            partial = partial_responses(session)
    except CxlensError as error:
        raise _fail(error) from None
    if json_output:
        print_json(
            {
                "source": settings.resolved_database_url().split("@")[-1],
                "format": "store",
                "rows": sum(v.n for v in values if v.metric == "nps" and not v.group),
                "mapping": {},
                "metrics": [v.to_json() for v in values],
                "no_data": values.no_data_json(),
                "partial_responses": partial,
                "warnings": [],
            }
        )
        return
    render_metrics(values, title="Metrics from the store (95% intervals)")
    if partial:
        say(f"{partial} partial responses (started, never submitted) are not counted.")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the database to the latest schema."""
    from cxlens.db import current_revision

    try:
        with _store(_settings(), migrate=True) as engine:
            say(f"database at revision {current_revision(engine)}")
    except CxlensError as error:
        raise _fail(error) from None


@db_app.command("current")
def db_current() -> None:
    """Print the database's schema revision."""
    from cxlens.db import current_revision

    with _store(_settings()) as engine:
        say(str(current_revision(engine)))


@app.command()
def demo(
    seed: Annotated[int, typer.Option(help="Random seed: same seed, same company.")] = 42,
    customers: Annotated[int, typer.Option(min=100, help="Number of customers.")] = 50_000,
    if_empty: Annotated[
        bool, typer.Option("--if-empty", help="Do nothing when the store already holds responses.")
    ] = False,
    export: Annotated[
        Path | None,
        typer.Option(help="Write the demo as files into this folder instead of loading it."),
    ] = None,
) -> None:
    """Generate the demo company (an online retailer) and load it into the store."""
    from cxlens.db import make_engine, unit_of_work, upgrade
    from cxlens.demo import generate
    from cxlens.features.demo.service import load_demo, store_has_responses

    settings = _settings()
    try:
        if export is None:
            engine = make_engine(settings)
            upgrade(engine)
            with unit_of_work(engine) as session:
                if if_empty and store_has_responses(session):
                    say("the store already holds responses: demo not loaded again")
                    return
        with progress("Generating the demo company") as step:
            data = generate(seed=seed, customers=customers)
            if export is not None:
                data.write_files(export)
                say(f"demo files written to {export}")
                return
            step("Loading the demo into the store")
            with unit_of_work(engine) as session:
                summary = load_demo(session, data, on_progress=step)
    except CxlensError as error:
        raise _fail(error) from None
    say(f"demo loaded: {summary}")


def _first_admin(settings: Settings) -> None:
    """On a store with no users, make the first admin and print how to sign in, once."""
    from sqlalchemy.exc import IntegrityError

    from cxlens.cli.common import store_session
    from cxlens.features.accounts.service import ensure_first_admin

    try:
        with store_session(settings) as session:
            made = ensure_first_admin(session)
    except IntegrityError:  # another process made it at the same moment
        return
    if made is None:
        return
    say("")
    say(("First start: an administrator was created.", "bold"))
    say(
        f"Sign in at http://{settings.host}:{settings.port}/login as ",
        (made.user.email, "bold"),
        " with password ",
        (made.password, "bold"),
    )
    say(
        "This password is shown only now. Change it with "
        f"`cxlens users reset-password {made.user.email}`, and create your own users with "
        "`cxlens users create`."
    )
    say("")


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
    worker: Annotated[
        bool,
        typer.Option(
            "--worker/--no-worker",
            help="Also run a job worker in this process (the embedded default; production "
            "runs `cxlens worker` separately).",
        ),
    ] = False,
) -> None:
    """Run the web app and the REST API (OpenAPI page at /docs)."""
    import threading

    import uvicorn

    from cxlens.web.app import create_app, serve_options

    settings = _settings()
    if host is not None:
        settings = settings.model_copy(update={"host": host})
    if port is not None:
        settings = settings.model_copy(update={"port": port})
    try:
        _first_admin(settings)
    except CxlensError as error:
        raise _fail(error) from None
    stop = threading.Event()
    thread: threading.Thread | None = None
    if worker:
        from cxlens.worker import load_feature_handlers, run_worker, start_feature_pipelines

        load_feature_handlers(settings)
        thread = threading.Thread(
            target=run_worker,
            args=(settings,),
            kwargs={"stop": stop, "handle_signals": False, "on_start": start_feature_pipelines},
            name="cxlens-worker",
            daemon=True,
        )
        thread.start()
    say(
        f"cxlens on http://{settings.host}:{settings.port} (API docs at /docs)"
        + (", with a worker" if worker else "")
    )
    try:
        uvicorn.run(create_app(settings), **serve_options(settings))
    finally:
        stop.set()
        if thread is not None:
            thread.join(timeout=30)


@app.command("worker")
def worker_command(
    concurrency: Annotated[int, typer.Option(min=1, help="Jobs run at the same time.")] = 1,
    poll_interval: Annotated[
        float, typer.Option(min=0.05, help="Seconds between looks for due jobs.")
    ] = 0.5,
) -> None:
    """Run jobs: sends, reminders, schedules. Stops cleanly on Ctrl-C or SIGTERM."""
    from cxlens.worker import load_feature_handlers, run_worker, start_feature_pipelines

    settings = _settings()
    handlers = load_feature_handlers(settings)
    say(f"cxlens worker: {len(handlers)} feature task module(s) loaded; Ctrl-C stops")
    try:
        run_worker(
            settings,
            concurrency=concurrency,
            poll_interval=poll_interval,
            on_start=start_feature_pipelines,
        )
    except CxlensError as error:
        raise _fail(error) from None


def main() -> None:
    """Entry point for ``python -m cxlens``."""
    app(prog_name="cxlens")


if __name__ == "__main__":  # pragma: no cover
    main()
