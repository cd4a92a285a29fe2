"""Analyse one export file: read, detect its format, map its columns, compute metrics."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from cxlens.analytics.counts import ProportionCounts
from cxlens.analytics.engine import MetricSpec, ScoreColumn, compute_metrics
from cxlens.analytics.formulas import proportion_value
from cxlens.analytics.results import MetricValue
from cxlens.core.errors import InputError, Location
from cxlens.ingest.formats import detect_format
from cxlens.ingest.kinds import detect_kind, read_customers
from cxlens.ingest.kinds._common import header_key
from cxlens.ingest.mapping import ColumnMapping, MappingOverrides, build_mapping, normalize
from cxlens.ingest.raw import RawTable, read_raw

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
    kind: str = "responses"
    #: For a customer list (``kind`` "customers"): column → field it was read as.
    customer_mapping: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """``{"source", "kind", "format", "rows", "mapping", "metrics", "warnings"}``.

        ``mapping`` is the survey mapping for responses, and column → field for customers.
        """
        mapping = self.customer_mapping if self.kind == "customers" else self.mapping.to_json()
        return {
            "source": self.source,
            "kind": self.kind,
            "format": self.format,
            "rows": self.rows,
            "mapping": mapping,
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
    named = overrides.nps or overrides.csat or overrides.ces or overrides.text
    if not named and detect_kind(raw) == "customers":
        by_all = tuple(dict.fromkeys([*overrides.by, *by]))
        report = _analyze_customers(raw, str(path), by_all, period, min_n, step)
        step("done")
        return report
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
        how = _HOW_TO_NAME.format(columns=", ".join(repr(c) for c in raw.header))
        if mapping.flagged:
            how = how.replace("no metric column recognised", "no metric column to compute", 1)
        warnings.append(how)
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


def _by_columns(
    raw: RawTable, table: pa.Table, mapping: dict[str, str], by: Sequence[str]
) -> dict[str, str]:
    """``--by`` name → the column of ``table`` holding it; an unknown name is an error."""
    keyed = {header_key(c): c for c in reversed(raw.header)}
    out: dict[str, str] = {}
    for name in by:
        column = name if name in raw.header else keyed.get(header_key(name))
        if column is None:
            raise InputError(
                f"no column named {name!r} to group by",
                Location(file=raw.source, column=name),
                expected="one of: " + ", ".join(repr(c) for c in raw.header),
            )
        field_name = mapping.get(column, column)
        out[name] = field_name if field_name in table.column_names else column
    return out


def _analyze_customers(
    raw: RawTable,
    source: str,
    by: Sequence[str],
    period: str | None,
    min_n: int,
    step: Progress,
) -> AnalysisReport:
    """Churn and retention of a customer list, overall and by ``by`` (Wilson intervals).

    Churned is the churn flag where the file has one (``Churn`` Yes/No, ``status``
    active/cancelled), else having a churn date; a customer without either is in no n.
    Retention is its complement: the share of the listed customers still a customer.
    """
    step("reading customers")
    read = read_customers(raw)
    table = read.table
    warnings = list(read.warnings)
    columns = _by_columns(raw, table, read.mapping, by)
    if period is not None:
        raise InputError(
            f"--period {period} is not available for a customer list: churn by period needs"
            " lifecycle events in the store",
            Location(file=source),
            expected="cxlens import FILE, then cxlens metrics --period",
        )
    if "churned" in table.column_names:
        churned = table.column("churned").combine_chunks()
    elif table.column("churned_at").null_count < table.num_rows:
        churned = pc.is_valid(table.column("churned_at")).combine_chunks()
        warnings.append(
            "no churn flag column: a customer with a churn date counts as churned, one without"
            " as still a customer"
        )
    else:
        warnings.append(
            "no churn flag (Churn, status) or churn date column: churn and retention have no data"
        )
        churned = None
    metrics: list[MetricValue] = []
    if churned is not None:
        step("computing churn")
        flags: list[bool | None] = churned.to_pylist()
        keys = [table.column(c).to_pylist() for c in columns.values()]
        groups: dict[tuple[Any, ...], list[bool]] = {(): []}
        for i, flag in enumerate(flags):
            if flag is None:
                continue
            groups[()].append(flag)
            if columns:
                groups.setdefault(tuple(k[i] for k in keys), []).append(flag)
        for key in sorted(
            groups, key=lambda k: (len(k) > 0, [("" if v is None else str(v)) for v in k])
        ):
            values = groups[key]
            group = dict(zip(columns, key, strict=True)) if key else {}
            hits = sum(values)
            for metric, count in (("churn", hits), ("retention", len(values) - hits)):
                metrics.append(
                    proportion_value(
                        metric, ProportionCounts(len(values), count), min_n=min_n, group=group
                    )
                )
        metrics.sort(key=lambda m: m.metric)
    return AnalysisReport(
        source,
        "customers",
        raw.table.num_rows,
        tuple(raw.header),
        ColumnMapping(format="customers"),
        tuple(metrics),
        tuple(warnings),
        kind="customers",
        customer_mapping=dict(read.mapping),
    )
