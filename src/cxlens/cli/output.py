"""Rendering for the CLI: Rich tables for people, one stable JSON object for programs."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from cxlens.analytics.results import MetricValue, NoData

console = Console()
err_console = Console(stderr=True)


def print_json(obj: Any) -> None:
    """Print one JSON object on stdout (nothing else goes to stdout with ``--json``)."""
    print(json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=False))


#: Metrics that are means on a short scale: shown with two decimals.
MEAN_METRICS = frozenset({"ces", "rating"})


def _fmt(x: float | None, digits: int = 1) -> str:
    return "–" if x is None else f"{x:.{digits}f}"


def metrics_table(
    metrics: Sequence[MetricValue], title: str = "Metrics", *, show_metric: bool = True
) -> Table:
    """A table of metric values with n, the 95% interval and the confidence flag."""
    dims: list[str] = []
    for m in metrics:
        for key in m.group:
            if key not in dims:
                dims.append(key)
    has_period = any(m.period is not None for m in metrics)
    has_change = any(m.change is not None for m in metrics)
    table = Table(title=title, title_justify="left", title_style="bold")
    if show_metric:
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
        row = [m.metric] if show_metric else []
        row += [str(m.group.get(d, "")) for d in dims]
        if has_period:
            row.append(m.period or "")
        digits = 2 if m.metric in MEAN_METRICS else 1
        row += [
            str(m.n),
            _fmt(m.value, digits),
            f"{_fmt(m.ci_low, digits)} – {_fmt(m.ci_high, digits)}",
        ]
        if has_change:
            row.append(_change(m))
        row.append("[yellow]low n[/yellow]" if m.low_confidence else "")
        table.add_row(*row)
    return table


def _change(m: MetricValue) -> str:
    """``+5.0 * (q=0.012)``, ``+5.0 (too few to test)``, or empty without a change."""
    c = m.change
    if c is None:
        return ""
    digits = 2 if m.metric in MEAN_METRICS else 1
    diff = f"{c.difference:+.{digits}f}"
    if c.note is not None:
        return f"{diff} (too few to test)"
    star = " *" if c.significant else ""
    q = c.q_value if c.q_value is not None else c.p_value
    return f"{diff}{star} (q={q:.3f})"


METRIC_TITLES = {
    "nps": "NPS",
    "csat": "CSAT (% satisfied)",
    "ces": "CES (mean, higher = easier)",
    "cxi": "Classic CXi",
    "rating": "Rating (mean)",
    "response_rate": "Response rate (%)",
    "fcr": "First-contact resolution (%)",
    "art": "Resolution time (hours)",
    "churn": "Churn rate (%)",
    "retention": "Retention rate (%)",
    "referral_rate": "Referral rate (%)",
}


def no_data_lines(no_data: Sequence[NoData]) -> list[str]:
    """One line per metric without data: why, and in how many groups and periods."""
    by_reason: dict[tuple[str, str], int] = {}
    for item in no_data:
        key = (item.metric, item.reason)
        by_reason[key] = by_reason.get(key, 0) + (1 if item.group or item.period else 0)
    lines = []
    for (metric, reason), cells in by_reason.items():
        where = f" in {cells} group(s)/period(s)" if cells else ""
        lines.append(f"{METRIC_TITLES.get(metric, metric)}: no data{where} ({reason})")
    return lines


def render_metrics(
    metrics: Sequence[MetricValue], title: str = "Metrics", no_data: Sequence[NoData] = ()
) -> None:
    """Print metric values, one table per metric, and the metrics that have no data."""
    notes = no_data_lines(no_data or getattr(metrics, "no_data", ()))
    if not metrics:
        console.print("[yellow]No metric could be computed.[/yellow]")
        for line in notes:
            console.print(line, markup=False, highlight=False)
        return
    console.print(f"[bold]{title}[/bold]")
    by_metric: dict[str, list[MetricValue]] = {}
    for m in metrics:
        by_metric.setdefault(m.metric, []).append(m)
    for name, values in by_metric.items():
        console.print(metrics_table(values, METRIC_TITLES.get(name, name), show_metric=False))
    if any(m.low_confidence for m in metrics):
        console.print(
            "[yellow]low n[/yellow]: fewer answers than the minimum (--min-n); "
            "the value is shown but uncertain."
        )
    if any(m.change is not None for m in metrics):
        console.print(
            "vs previous: change against the previous period; q is its p-value adjusted for "
            "the many changes of one table (Benjamini-Hochberg); * marks q < 0.05. "
            "Small samples get an exact test; means on too few answers are not tested.",
            highlight=False,
        )
    for line in notes:
        console.print(line, markup=False, highlight=False)


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
