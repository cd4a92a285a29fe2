"""Rendering for the CLI: Rich tables for people, one stable JSON object for programs.

Everything that comes from data (a customer ref, a file path, a column name, an error
message, a comment) reaches the terminal through one helper, :func:`clean`: Rich markup in
it is never interpreted (``[link=…]`` stays text) and control characters — the ESC of a
terminal escape sequence, BEL, a carriage return, bidirectional overrides — are shown
escaped (``\\x1b``), never sent. Messages and errors (:func:`say`, :func:`print_error`) are
printed as one logical line that Rich never breaks, so a long path stays whole whatever
the terminal width; tables (:func:`table`, :func:`cell`) wrap inside their cells.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from rich.console import Console, RenderableType
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:
    from cxlens.analytics.results import MetricValue, NoData

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)

# C0 and C1 control characters, DEL, and the Unicode bidirectional controls (which can make
# a terminal show text in another order than it is, e.g. "Trojan Source").
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\r": "\\r"}
#: Kept as they are: a line break or a tab moves the cursor, nothing more.
_KEPT = frozenset("\n\t")


def _escaped(match: re.Match[str]) -> str:
    char = match.group()
    if char in _KEPT:
        return char
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def clean(value: object) -> str:
    """``value`` as text that is safe to show: control characters escaped (``\\x1b``),
    except line breaks and tabs."""
    return _CONTROL.sub(_escaped, str(value))


def cell(value: object, style: str = "") -> Text:
    """A table cell or a piece of a line holding data: plain text, no markup, no controls."""
    return Text(clean(value), style=style)


Part = str | tuple[str, str] | Text


def line(*parts: Part) -> Text:
    """One line from parts: ``str`` is data (cleaned, never markup), ``(text, style)`` a
    styled piece (cleaned too), a :class:`~rich.text.Text` is taken as it is."""
    out = Text()
    for part in parts:
        if isinstance(part, Text):
            out.append_text(part)
        elif isinstance(part, tuple):
            out.append(clean(part[0]), style=part[1])
        else:
            out.append(clean(part))
    return out


def say(*parts: Part, err: bool = False) -> None:
    """Print one line (see :func:`line`), never broken by Rich whatever the width."""
    (err_console if err else console).print(line(*parts), soft_wrap=True)


def print_error(error: BaseException | str) -> None:
    """``error: …`` on stderr, on one unbroken line, the message shown as plain text."""
    say(("error:", "bold red"), " ", str(error), err=True)


def show(renderable: RenderableType) -> None:
    """Print a table (or another renderable) on stdout."""
    console.print(renderable)


class DataTable(Table):
    """A :class:`~rich.table.Table` whose string cells are data: cleaned, never markup."""

    def add_row(self, *renderables: RenderableType | None, **kwargs: Any) -> None:
        """Add a row; ``str`` cells go through :func:`cell`, renderables stay as they are."""
        super().add_row(
            *(cell(r) if isinstance(r, str) else r for r in renderables),
            **kwargs,
        )


#: Columns never folded (people search the output for these).
IDENTIFIERS = frozenset({"id", "customer", "survey", "event", "name", "wave"})


def table(title: str, *columns: str) -> DataTable:
    """A table with a bold left title; identifier columns never wrap; cells are data."""
    out = DataTable(title=title, title_justify="left", title_style="bold")
    for column in columns:
        out.add_column(column, no_wrap=column in IDENTIFIERS)
    return out


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
    table = DataTable(title=title, title_justify="left", title_style="bold")
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
        row: list[RenderableType] = [m.metric] if show_metric else []
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
        table.add_row(*row, Text("low n", style="yellow") if m.low_confidence else "")
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
        say(("No metric could be computed.", "yellow"))
        for note in notes:
            say(note)
        return
    say((title, "bold"))
    by_metric: dict[str, list[MetricValue]] = {}
    for m in metrics:
        by_metric.setdefault(m.metric, []).append(m)
    for name, values in by_metric.items():
        console.print(metrics_table(values, METRIC_TITLES.get(name, name), show_metric=False))
    if any(m.low_confidence for m in metrics):
        say(
            ("low n", "yellow"),
            ": fewer answers than the minimum (--min-n); the value is shown but uncertain.",
        )
    if any(m.change is not None for m in metrics):
        say(
            "vs previous: change against the previous period; q is its p-value adjusted for "
            "the many changes of one table (Benjamini-Hochberg); * marks q < 0.05. "
            "Small samples get an exact test; means on too few answers are not tested."
        )
    for note in notes:
        say(note)


@contextmanager
def progress(description: str, *, enabled: bool = True) -> Iterator[Any]:
    """A Rich progress display; yields a callback ``step(message)`` that updates it."""
    if not enabled:

        def quiet(message: str = "", fraction: float | None = None) -> None:
            """Progress is off (``--json``): say nothing."""

        yield quiet
        return
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}", style="progress.description", markup=False),
        BarColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    ) as bar:
        task = bar.add_task(clean(description), total=None)

        def step(message: str = "", fraction: float | None = None) -> None:
            if message:
                bar.update(task, description=clean(message))
            if fraction is not None:
                bar.update(task, total=1.0, completed=fraction)

        yield step
