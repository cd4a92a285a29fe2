"""Analyse one export file: read, detect its format, map its columns, compute metrics."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cxlens.analytics.engine import MetricSpec, ScoreColumn, compute_metrics
from cxlens.analytics.results import MetricValue
from cxlens.core.errors import InputError, Location
from cxlens.ingest.formats import detect_format
from cxlens.ingest.mapping import ColumnMapping, MappingOverrides, build_mapping, normalize
from cxlens.ingest.raw import read_raw

Progress = Callable[[str], None]

_HOW_TO_NAME = (
    "no metric column recognised: name them with --nps COLUMN, --csat COLUMN, --ces COLUMN,"
    " --text COLUMN (and --by COLUMN for segments); columns: {columns}"
)


@dataclass(frozen=True)
class AnalysisReport:
    """What ``cxlens analyze`` prints; :meth:`to_json` is the documented ``--json`` object."""

    source: str
    format: str
    rows: int
    columns: tuple[str, ...]
    mapping: ColumnMapping
    metrics: tuple[MetricValue, ...] = ()
    warnings: tuple[str, ...] = field(default_factory=tuple)

    def to_json(self) -> dict[str, Any]:
        """``{"source", "format", "rows", "mapping", "metrics", "warnings"}``."""
        return {
            "source": self.source,
            "format": self.format,
            "rows": self.rows,
            "mapping": self.mapping.to_json(),
            "metrics": [m.to_json() for m in self.metrics],
            "warnings": list(self.warnings),
        }


def analyze_file(
    path: Path | str,
    overrides: MappingOverrides = MappingOverrides(),
    *,
    by: Sequence[str] = (),
    period: str | None = None,
    tz: str = "UTC",
    min_n: int = 30,
    on_progress: Progress | None = None,
) -> AnalysisReport:
    """Read ``path``, detect its format and mapping, and compute its metrics.

    ``by`` adds segment columns to ``overrides.by``; ``period`` (day/week/month/quarter/
    year) needs a time column. A readable file without a metric column is not an error:
    the report carries its format, rows and columns and a warning on how to name them.
    """
    step = on_progress or (lambda _message: None)
    step("reading")
    raw = read_raw(path)
    step("detecting the format")
    detected = detect_format(raw)
    raw = detected.raw
    all_by = tuple(dict.fromkeys([*overrides.by, *by]))
    overrides = MappingOverrides(
        overrides.nps, overrides.csat, overrides.ces, overrides.text, all_by, overrides.time
    )
    mapping = build_mapping(raw, detected.format, overrides)
    warnings = list(mapping.warnings)
    rows = raw.table.num_rows
    if rows == 0:
        raise InputError("the file has no data rows", Location(file=str(path)))
    if not mapping.scores:
        warnings.append(_HOW_TO_NAME.format(columns=", ".join(repr(c) for c in raw.header)))
        return AnalysisReport(
            str(path), detected.format.name, rows, tuple(raw.header), mapping, (), tuple(warnings)
        )
    if period is not None and mapping.time is None:
        raise InputError(
            f"--period {period} needs a date column and none was found",
            Location(file=str(path)),
            expected="a date column named with --time",
        )
    step("converting values")
    normalized = normalize(raw, mapping, tz=tz)
    step("computing metrics")
    spec = MetricSpec(
        scores=tuple(ScoreColumn(m.column, m.kind, m.scale) for m in mapping.scores),
        time="submitted_at" if mapping.time is not None else None,
    )
    metrics = compute_metrics(normalized.table, spec, by=all_by, period=period, tz=tz, min_n=min_n)
    missing: dict[tuple[str, str], int] = {}
    for item in metrics.no_data:  # a metric without answers is a note, never a value
        missing[(item.metric, item.reason)] = missing.get((item.metric, item.reason), 0) + 1
    for (metric, reason), cells in missing.items():
        warnings.append(f"{metric}: no data in {cells} group(s)/period(s) ({reason})")
    step("done")
    return AnalysisReport(
        str(path),
        detected.format.name,
        rows,
        tuple(raw.header),
        mapping,
        tuple(metrics),
        tuple(warnings),
    )
