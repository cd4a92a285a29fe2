"""Every example in README.md and docs/*.md runs.

Fenced ``python`` blocks are executed, in order, one namespace per document, in a folder
holding the files the examples name (``survey.csv``, ``export.csv`` ...) with a real
migrated SQLite store: the names the examples take as given (``session``, ``settings``,
``df``) are real objects. Every ``cxlens ...`` line of a console block is parsed by the
CLI itself (an unknown command, option or choice fails), and the ones that need no
outside service (``analyze``, ``import``, ``metrics``, ``survey``, ``funnel`` ...) are run
against those files. docs/cli.md is generated from the CLI and is not an example.
"""

from __future__ import annotations

import csv
import random
import re
import shlex
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import typer.main
from typer.testing import CliRunner

import factories as f
from churn_files import write_telco
from cxlens.cli.main import app
from cxlens.core.settings import Settings
from cxlens.db import engine_for_url, unit_of_work
from cxlens.features.imports import import_customers
from cxlens.features.surveys import create_from_template
from cxlens.jobs import registry

try:  # Typer >= 0.20 carries its own copy of Click
    from typer._click.core import Context
    from typer._click.exceptions import UsageError
except ImportError:  # pragma: no cover
    from click import Context, UsageError

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```(\w*)[^\n]*\n(.*?)^```", re.S | re.M)
CONSOLE = ("console", "sh", "shell", "bash", "")
COMMAND = re.compile(r"^\s*(?:\$\s+)?(?:\.venv/bin/)?cxlens\s+(.*)$")
#: Commands run for real in the example folder; the others (sending, serving, the worker,
#: GPUs) are only parsed.
RUNNABLE = ("analyze", "import", "metrics", "survey templates", "survey create", "funnel",
            "suppressions", "silent")  # fmt: skip
#: Documents run with the text models (slow).
SLOW = {"text-analytics.md"}


def _blocks(doc: Path, languages: tuple[str, ...]) -> list[str]:
    if doc.name == "cli.md":  # generated usage, not examples
        return []
    text = doc.read_text(encoding="utf-8")
    return [m.group(2) for m in FENCE.finditer(text) if m.group(1) in languages]


def _commands(doc: Path) -> list[list[str]]:
    """The argument lists of the ``cxlens`` lines of a document's console blocks."""
    out = []
    for block in _blocks(doc, CONSOLE):
        for line in block.replace("\\\n", " ").splitlines():
            match = COMMAND.match(line)
            if match is not None:
                out.append(shlex.split(match.group(1), comments=True))
    return out


PYTHON_DOCS = [d for d in DOCS if _blocks(d, ("python",))]
CONSOLE_DOCS = [d for d in DOCS if _commands(d)]


def test_the_examples_are_found() -> None:
    names = {d.name for d in PYTHON_DOCS}
    assert {"README.md", "getting-started.md", "distribution.md", "worker.md"} <= names
    assert {"README.md", "getting-started.md"} <= {d.name for d in CONSOLE_DOCS}


# --------------------------------------------------------------------------- files


def _write_examples(folder: Path) -> None:
    """The files the examples name, small and realistic."""
    rng = random.Random(7)
    with (folder / "survey.csv").open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["date", "ltr", "sat", "region", "Q7", "Q8", "Q9", "Country"])
        for i in range(60):
            score, sat = rng.randint(0, 10), rng.randint(1, 5)
            country = rng.choice(["Italy", "Netherlands"])
            out.writerow(
                [f"2025-{1 + i % 6:02d}-{1 + i % 27:02d}", score, sat, country, score, sat,
                 "the delivery was late", country]
            )  # fmt: skip
    with (folder / "export.csv").open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(
            ["Response ID", "Date", "How likely are you to recommend Acme to a friend?",
             "Overall, how satisfied are you with Acme?", "Country", "Comment"]
        )  # fmt: skip
        for i in range(40):
            out.writerow(
                [f"r{i}", f"2025-{1 + i % 6:02d}-10", rng.randint(0, 10), rng.randint(1, 5),
                 rng.choice(["Italy", "Netherlands"]), "friendly staff"]
            )  # fmt: skip
    shutil.copy(DATA / "surveys" / "qualtrics.csv", folder / "survey_export.csv")
    shutil.copy(DATA / "kinds" / "zendesk_history.csv", folder / "tickets.csv")
    shutil.copy(DATA / "kinds" / "zendesk_history.csv", folder / "zendesk_tickets.csv")
    shutil.copy(DATA / "kinds" / "customers_crm.csv", folder / "customers.csv")
    write_telco(folder / "telco.csv", n=200)


@pytest.fixture
def example_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    _write_examples(tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CXLENS_DATABASE_URL", f"sqlite:///{tmp_path / 'store.db'}")
    yield tmp_path


# --------------------------------------------------------------------------- python


@pytest.fixture
def namespace(
    example_dir: Path, sqlite_template: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[dict[str, Any]]:
    """What the python examples take as given, real: a store session, settings, a frame."""
    shutil.copyfile(sqlite_template, example_dir / "store.db")  # migrated to head
    url = f"sqlite:///{example_dir / 'store.db'}"
    engine = engine_for_url(url)
    with unit_of_work(engine) as session:
        create_from_template(session, "relationship_nps", company_name="Acme")
        create_from_template(session, "post_purchase", company_name="Acme")
        people = [
            {"customer_ref": f"c-{i:03d}", "email": f"c{i}@example.com", "region": "EU",
             "plan": "pro"}
            for i in range(1, 43)
        ]  # fmt: skip
        import_customers(session, f.customers(people))
    # An example registers a job handler: into a registry of its own, not the worker's.
    monkeypatch.setattr(registry, "default_registry", registry.HandlerRegistry())
    df = pd.read_csv(example_dir / "survey.csv", parse_dates=["date"])
    df["touchpoint"] = ["website", "support", "checkout"] * (len(df) // 3)
    with unit_of_work(engine) as session:
        yield {
            "__name__": "doc_example",
            "session": session,
            "settings": Settings(database_url=url, public_base_url="https://cx.example"),
            "df": df,
        }
    engine.dispose()


@pytest.mark.parametrize(
    "doc",
    [pytest.param(d, marks=pytest.mark.slow) if d.name in SLOW else d for d in PYTHON_DOCS],
    ids=[d.name for d in PYTHON_DOCS],
)
def test_python_examples_run(doc: Path, namespace: dict[str, Any]) -> None:
    for i, block in enumerate(_blocks(doc, ("python",))):
        code = compile(block, f"{doc.name} python block {i + 1}", "exec")
        exec(code, namespace)  # the documentation's own examples


def test_the_readme_notebook_example_gives_metrics(namespace: dict[str, Any]) -> None:
    import cxlens

    values = cxlens.metrics(
        namespace["df"], by=["region"], period="quarter", nps="ltr", csat=["sat"], time="date"
    )
    assert {v.metric for v in values} == {"nps", "csat"}
    assert {v.group["region"] for v in values} == {"Italy", "Netherlands"}


# --------------------------------------------------------------------------- console


def _parse(args: list[str]) -> Context:
    """Parse ``args`` as the CLI would, down to the command; raise on any usage error."""
    command: Any = typer.main.get_command(app)
    ctx = command.make_context("cxlens", list(args), resilient_parsing=False)
    rest = [*ctx._protected_args, *ctx.args]
    while hasattr(command, "resolve_command") and rest:
        name, sub, rest = command.resolve_command(ctx, rest)
        assert sub is not None and name is not None
        command = sub
        ctx = command.make_context(name, rest, parent=ctx, resilient_parsing=False)
        rest = [*getattr(ctx, "_protected_args", []), *ctx.args]
    return ctx


def _runnable(args: list[str]) -> bool:
    line = " ".join(args)
    return any(line == r or line.startswith(r + " ") for r in RUNNABLE)


@pytest.mark.parametrize("doc", CONSOLE_DOCS, ids=[d.name for d in CONSOLE_DOCS])
def test_console_examples_parse_and_the_local_ones_run(doc: Path, example_dir: Path) -> None:
    runner = CliRunner()
    ran = 0
    for args in _commands(doc):
        try:
            _parse(args)
        except UsageError as error:
            pytest.fail(f"{doc.name}: `cxlens {shlex.join(args)}` does not parse: {error}")
        if not _runnable(args):
            continue
        result = runner.invoke(app, args, catch_exceptions=False)
        assert result.exit_code == 0, f"{doc.name}: `cxlens {shlex.join(args)}`\n{result.output}"
        assert result.output.strip(), f"{doc.name}: `cxlens {shlex.join(args)}` printed nothing"
        ran += 1
    if doc.name in ("README.md", "getting-started.md"):
        assert ran >= 5


@pytest.mark.parametrize(
    "args",
    [
        ["metrics", "--regoin", "x"],
        ["survey", "no-such-command"],
        ["metrics", "--period", "fortnight"],
    ],
)
def test_a_wrong_console_example_would_fail(args: list[str]) -> None:
    with pytest.raises(UsageError):
        _parse(args)
