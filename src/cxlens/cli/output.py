"""Rendering for the CLI: Rich tables for people, one stable JSON object for programs."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from cxlens.analytics.results import MetricValue

console = Console()
err_console = Console(stderr=True)


def print_json(obj: Any) -> None:
    """Print one JSON object on stdout (nothing else goes to stdout with ``--json``)."""
    print(json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=False))


def _fmt(x: float | None, digits: int = 1) -> str:
    return "–" if x is None else f"{x:.{digits}f}"


def metrics_table(metrics: Sequence[MetricValue], title: str = "Metrics") -> Table:
    """A table of metric values with n, the 95% interval and the confidence flag."""
    dims: list[str] = []
    for m in metrics:
        for key in m.group:
            if key not in dims:
                dims.append(key)
    has_period = any(m.period is not None for m in metrics)
    has_change = any(m.change is not None for m in metrics)
    table = Table(title=title, title_justify="left")
    table.add_column("metric", style="bold")
    for dim in dims:
        table.add_column(dim)
    if has_period:
        table.add_column("period")
    table.add_column("n", justify="right")
    table.add_column("value", justify="right")
    table.add_column("95% CI", justify="right")
    if has_change:
        table.add_column("vs previous", justify="right")
    table.add_column("note")
    for m in metrics:
        row = [m.metric]
        row += [str(m.group.get(d, "")) for d in dims]
        if has_period:
            row.append(m.period or "")
        row += [str(m.n), _fmt(m.value), f"{_fmt(m.ci_low)} – {_fmt(m.ci_high)}"]
        if has_change:
            if m.change is None:
                row.append("")
            else:
                star = " *" if m.change.significant else ""
                row.append(f"{m.change.difference:+.1f} (p={m.change.p_value:.3f}){star}")
        row.append("[yellow]low n[/yellow]" if m.low_confidence else "")
        table.add_row(*row)
    return table


def render_metrics(metrics: Sequence[MetricValue], title: str = "Metrics") -> None:
    """Print metric values, or say there are none."""
    if not metrics:
        console.print("[yellow]No metric could be computed.[/yellow]")
        return
    console.print(metrics_table(metrics, title))
    if any(m.low_confidence for m in metrics):
        console.print(
            "[yellow]low n[/yellow]: fewer answers than the minimum (--min-n); "
            "the value is shown but uncertain."
        )
    if any(m.change is not None and m.change.significant for m in metrics):
        console.print("* change against the previous period is significant at p < 0.05")


@contextmanager
def progress(description: str, *, enabled: bool = True) -> Iterator[Any]:
    """A Rich progress display; yields a callback ``step(message)`` that updates it."""
    if not enabled:

        def quiet(message: str = "", fraction: float | None = None) -> None:
            """Progress is off (``--json``): say nothing."""

        yield quiet
        return
    with Progress(
        SpinnerColumn(),
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    ) as bar:
        task = bar.add_task(description, total=None)

        def step(message: str = "", fraction: float | None = None) -> None:
            if message:
                bar.update(task, description=message)
            if fraction is not None:
                bar.update(task, total=1.0, completed=fraction)

        yield step
