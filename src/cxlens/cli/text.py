"""``cxlens text``: language, sentiment and themes of a column of comments in any file."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cxlens.cli.common import fail
from cxlens.cli.output import DataTable, progress, say, show
from cxlens.core.errors import CxlensError, InputError, Location

if TYPE_CHECKING:
    from cxlens.text import CommentAnalysis, TextAnalyzer

text_app = typer.Typer(
    rich_markup_mode=None,
    help="Understand comments: language, sentiment, themes (offline).",
    no_args_is_help=True,
)

BATCH = 64


class Backend(StrEnum):
    """Which analyzer reads the comments (docs/text-analytics.md, "Backends")."""

    default = "default"
    fast = "fast"
    gpu = "gpu"


#: Comments per call: the GPU backend needs large batches to be fast.
BATCHES = {Backend.default: BATCH, Backend.fast: 1024, Backend.gpu: 8192}


def _analyzer(backend: Backend) -> TextAnalyzer:
    """The analyzer of ``backend``; ``BackendUnavailable`` (exit 2) if it cannot run here."""
    from cxlens.text.backends import analyzer_for

    return analyzer_for(backend.value)


def _column(file: Path, column: str) -> list[str | None]:
    from cxlens.ingest import read_raw

    raw = read_raw(file)
    if column not in raw.header:
        raise InputError(
            f"no column {column!r}",
            Location(file=str(file), column=column),
            expected="one of: " + ", ".join(repr(c) for c in raw.header),
        )
    values: list[str | None] = raw.table.column(column).to_pylist()
    return values


@text_app.command("analyze")
def analyze(
    file: Annotated[Path, typer.Argument(help="A CSV/TSV/XLSX/Parquet/JSON-lines file.")],
    column: Annotated[str, typer.Option("--column", "-c", help="The column of comments.")],
    jsonl: Annotated[
        bool, typer.Option("--jsonl", help="One JSON object per row on stdout.")
    ] = False,
    backend: Annotated[
        Backend,
        typer.Option(
            "--backend",
            help="default: e5 on the CPU; fast: the distilled n-gram model (bulk); "
            "gpu: e5 on a CUDA GPU, same results as default (pip install 'cxlens[gpu]').",
        ),
    ] = Backend.default,
) -> None:
    """Analyse every comment of COLUMN: language, sentiment, themes with their sentiment."""
    try:
        analyzer = _analyzer(backend)
        values = _column(file, column)
        rows = [(i, v) for i, v in enumerate(values) if v is not None and v.strip()]
        results: list[tuple[int, CommentAnalysis]] = []
        batch = BATCHES[backend]
        with progress(f"Analysing {len(rows)} comments", enabled=True) as step:
            for start in range(0, len(rows), batch):
                chunk = rows[start : start + batch]
                analysed = analyzer.analyze([text for _, text in chunk])
                results.extend(zip([i for i, _ in chunk], analysed, strict=True))
                if jsonl:
                    for index, analysis in results[-len(chunk) :]:
                        print(json.dumps(analysis.to_json(row=index), ensure_ascii=False))
                done = min(start + batch, len(rows))
                step(f"Analysed {done}/{len(rows)} comments", done / max(len(rows), 1))
    except (CxlensError, OSError) as error:
        raise fail(error) from None
    if not jsonl:
        _summary(file, column, len(values), results)


def _summary(
    file: Path, column: str, total: int, results: list[tuple[int, CommentAnalysis]]
) -> None:
    model = results[0][1].model if results else "-"
    say(
        (str(file), "bold"),
        f", column {column!r}: {len(results)} comments in {total} rows (model {model})",
    )
    by_language: dict[str, list[CommentAnalysis]] = defaultdict(list)
    for _, analysis in results:
        by_language[analysis.language or "unknown"].append(analysis)
    table = DataTable(title="Sentiment and top themes by language")
    for name in ("language", "n", "negative", "neutral", "positive", "top themes"):
        table.add_column(name, justify="right" if name in {"n"} else "left")
    for language, group in sorted(by_language.items(), key=lambda kv: -len(kv[1])):
        split = Counter(a.sentiment for a in group)
        themes = Counter(hit.theme for a in group for hit in a.themes)
        n = len(group)
        table.add_row(
            language,
            str(n),
            *(f"{100 * split[s] / n:.0f}%" for s in ("negative", "neutral", "positive")),
            ", ".join(f"{t} ({c})" for t, c in themes.most_common(3)) or "–",
        )
    show(table)
