"""The metrics engine: bucket counts in one DuckDB scan, formulas in Python.

Any table goes in (pyarrow Table, pandas or polars DataFrame, Ibis table, DuckDB relation);
it is handed to DuckDB zero-copy where the library allows it. One ``GROUP BY`` over the
dimensions (and the period) produces, for every score column, n, top and bottom boxes,
sum and sum of squares, plus min and max to validate the scale in the same pass (for a
pyarrow table, numpy checks the scales from the value buffers instead, beside the scan:
:mod:`cxlens.analytics.raw_bounds`). Only when a value falls outside its scale is the
first offending row located, to name it.

Periods are numbered by comparing each row's integer epoch with the zone's period
boundaries (:mod:`cxlens.analytics.period_buckets`), not by a time-zone conversion per row;
NaN is filtered out only when the scan finds some.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from cxlens.analytics import compare as cmp
from cxlens.analytics import formulas as f
from cxlens.analytics.counts import NpsCounts, ScoreCounts
from cxlens.analytics.period_buckets import MAX_US, MIN_US, PeriodBuckets, period_buckets
from cxlens.analytics.periods import check_period, previous_label, zone
from cxlens.analytics.raw_bounds import within_bounds
from cxlens.analytics.results import Comparison, MetricValue, MetricValues
from cxlens.analytics.scales import MetricKind, Scale
from cxlens.core.errors import ConfigurationError, InputError, Location

Counts = NpsCounts | ScoreCounts
GroupKey = tuple[str | None, ...]
#: (values of the ``by`` columns, period label) -> counts per score column.
CountsByGroup = dict[tuple[GroupKey, str | None], dict[str, Counts]]

CXI_KINDS = (MetricKind.CXI_EFFECTIVENESS, MetricKind.CXI_EASE, MetricKind.CXI_EMOTION)
#: Order of metrics in results.
METRIC_ORDER = ("nps", "csat", "ces", "cxi", *(k.value for k in CXI_KINDS), "rating")


@dataclass(frozen=True)
class ScoreColumn:
    """A score column of a table, the metric it feeds and its declared scale."""

    column: str
    kind: MetricKind
    scale: Scale


@dataclass(frozen=True)
class MetricSpec:
    """What to compute: the score columns and, for periods, the time column."""

    scores: tuple[ScoreColumn, ...]
    time: str | None = None


# --------------------------------------------------------------------------- input


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def as_relation(table: Any) -> duckdb.DuckDBPyRelation:
    """A DuckDB relation over ``table`` without copying where the library allows it."""
    if isinstance(table, duckdb.DuckDBPyRelation):
        return table
    module = type(table).__module__
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    if module.startswith("pyarrow"):
        return con.from_arrow(table)
    if module.startswith("pandas"):
        return con.from_df(table)
    if module.startswith("polars"):
        return con.from_arrow(table.to_arrow())
    if module.startswith("ibis"):
        return con.from_arrow(table.to_pyarrow())
    raise InputError(
        f"cannot compute metrics on a {type(table).__name__}",
        expected="a pyarrow Table, a pandas or polars DataFrame, an Ibis table or a DuckDB "
        "relation",
    )


def _column_values(table: Any, column: str) -> np.ndarray[Any, Any]:
    """One column as a float array (only used to locate a bad value)."""
    rel = as_relation(table)
    values = rel.project(f"CAST({_quote(column)} AS DOUBLE) AS v").fetchnumpy()["v"]
    if np.ma.isMaskedArray(values):
        values = values.filled(np.nan)
    return np.asarray(values, dtype=float)


# --------------------------------------------------------------------------- SQL


_NUMERIC = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT",
            "UINTEGER", "UBIGINT", "UHUGEINT", "FLOAT", "DOUBLE")  # fmt: skip


def _score_expr(column: str, dtype: str, *, nan_as_null: bool) -> str:
    q = _quote(column)
    if dtype in ("FLOAT", "DOUBLE"):
        x = q if dtype == "DOUBLE" else f"CAST({q} AS DOUBLE)"
        return f"nullif({x}, 'NaN'::DOUBLE)" if nan_as_null else x
    if dtype in _NUMERIC or dtype.startswith("DECIMAL"):
        return f"CAST({q} AS DOUBLE)"
    raise InputError(
        f"score column has type {dtype}",
        Location(column=column),
        expected="numbers",
    )


def _period_key(
    rel: duckdb.DuckDBPyRelation, column: str, dtype: str, period: str, tz: str
) -> tuple[str, PeriodBuckets | None]:
    """SQL numbering the period of each row, and the label of each number (None: no times).

    The integer epoch of each row is compared with the period boundaries of the zone over
    the data's range (:mod:`cxlens.analytics.period_buckets`), far cheaper than a
    time-zone conversion per row. Naive timestamps are UTC; dates are taken as they are.
    """
    q = _quote(column)
    if dtype == "DATE":  # a calendar date already: no zone applies
        ts, tz = f"CAST({q} AS TIMESTAMP)", "UTC"
    elif dtype in ("TIMESTAMP WITH TIME ZONE", "TIMESTAMP"):
        ts = q
    elif dtype.startswith("TIMESTAMPTZ") or dtype.endswith("WITH TIME ZONE"):
        ts = f"CAST({q} AS TIMESTAMPTZ)"  # e.g. TIMESTAMPTZ_NS
    elif dtype.startswith("TIMESTAMP"):
        ts = f"CAST({q} AS TIMESTAMP)"  # TIMESTAMP_S, _MS, _NS
    else:
        raise InputError(
            f"time column has type {dtype}", Location(column=column), expected="timestamps"
        )
    sql = f"SELECT epoch_us(min({ts})), epoch_us(max({ts})) FROM __cx_span"
    span = rel.query("__cx_span", sql)
    lo, hi = span.fetchall()[0] if span is not None else (None, None)
    if lo is None or hi is None:
        return "CAST(NULL AS INTEGER)", None
    if lo < MIN_US or hi > MAX_US:
        bad = lo if lo < MIN_US else hi
        raise InputError(
            f"time {bad} µs from 1970 is outside the calendar",
            Location(column=column),
            expected="timestamps between the years 1 and 9998",
        )
    buckets = period_buckets(f"epoch_us({ts})", period, tz, int(lo), int(hi))
    return buckets.sql, buckets


def _nps_scale_check(sc: ScoreColumn) -> None:
    if sc.kind is MetricKind.NPS and (sc.scale.low, sc.scale.high) not in ((0, 10), (1, 10)):
        raise ConfigurationError(
            f"NPS column {sc.column!r} has scale {sc.scale.low}-{sc.scale.high}; "
            "NPS is defined on 0-10 (or a declared 1-10)"
        )


def _aggregates(i: int, sc: ScoreColumn, *, bounds: bool = True) -> list[str]:
    x = f"__s{i}"
    # Without ``bounds`` (scales already checked) min and max stay as constant NULLs.
    aggs = [f"count({x})", f"min({x})", f"max({x})"] if bounds else [f"count({x})", "NULL", "NULL"]
    if sc.kind is MetricKind.NPS:
        aggs += [f"count_if({x} >= 9)", f"count_if({x} <= 6)", f"count_if({x} <= 1)"]
        return aggs
    s = sc.scale.low + sc.scale.high
    top, bottom = sc.scale.top_boxes_min(), sc.scale.bottom_boxes_max()
    if sc.scale.higher_is_better:
        aggs += [f"count_if({x} >= {top})", f"count_if({x} <= {bottom})"]
    else:  # oriented y = s - x
        aggs += [f"count_if({x} <= {s - top})", f"count_if({x} >= {s - bottom})"]
    aggs += [f"sum({x})", f"sum({x} * {x})"]
    return aggs


def _make_counts(sc: ScoreColumn, row: Sequence[Any]) -> Counts:
    n = int(row[0])
    if sc.kind is MetricKind.NPS:
        prom, detr, ultra = (int(v or 0) for v in row[3:6])
        return NpsCounts(n, prom, n - prom - detr, detr, ultra)
    pos, neg = int(row[3] or 0), int(row[4] or 0)
    s1, s2 = float(row[5] or 0.0), float(row[6] or 0.0)
    if not sc.scale.higher_is_better:
        s = float(sc.scale.low + sc.scale.high)
        s1, s2 = n * s - s1, n * s * s - 2.0 * s * s1 + s2
    return ScoreCounts(n, pos, neg, s1, s2)


def _width(sc: ScoreColumn) -> int:
    return 6 if sc.kind is MetricKind.NPS else 7


# --------------------------------------------------------------------------- counts


def compute_counts(
    table: Any,
    spec: MetricSpec,
    *,
    by: Sequence[str] = (),
    period: str | None = None,
    tz: str = "UTC",
) -> CountsByGroup:
    """Bucket counts of every score column for every group (``by`` x period), one scan.

    Raises :class:`InputError` naming column, row (1-based position in the table) and
    value when a score lies outside its declared scale.
    """
    by = tuple(by)
    for sc in spec.scores:
        _nps_scale_check(sc)
    if period is not None:
        check_period(period)
        zone(tz)
        if spec.time is None:
            raise ConfigurationError(f"period {period!r} needs a time column")
    rel = as_relation(table)
    dtypes = {name: str(t) for name, t in zip(rel.columns, rel.types, strict=True)}
    needed = [*by, *(sc.column for sc in spec.scores)]
    if period is not None and spec.time is not None:
        needed.append(spec.time)
    for name in needed:
        if name not in dtypes:
            raise InputError(
                f"no column {name!r}",
                Location(column=name),
                expected=f"one of {', '.join(map(repr, rel.columns))}",
            )

    inner = [_quote(b) for b in by]
    keys = [_quote(b) for b in by]
    buckets: PeriodBuckets | None = None
    if period is not None and spec.time is not None:
        key, buckets = _period_key(rel, spec.time, dtypes[spec.time], period, tz)
        inner.append(f"{key} AS __p")
        keys.append("__p")

    def scan(nan_as_null: bool, bounds: bool = True) -> list[tuple[Any, ...]]:
        columns = list(inner)
        aggs: list[str] = []
        for i, sc in enumerate(spec.scores):
            expr = _score_expr(sc.column, dtypes[sc.column], nan_as_null=nan_as_null)
            columns.append(f"{expr} AS __s{i}")
            aggs += _aggregates(i, sc, bounds=bounds)
        select = ", ".join([*keys, *aggs]) if aggs else ", ".join([*keys, "count(*)"])
        sql = f"SELECT {select} FROM (SELECT {', '.join(columns)} FROM __cx_source)"
        if keys:
            sql += f" GROUP BY {', '.join(keys)}"
        answer = rel.query("__cx_source", sql)
        return answer.fetchall() if answer is not None else []

    # NaN is missing, like NULL. Filtering it costs a comparison per value, so it is only
    # done when a first scan finds NaN (DuckDB sorts NaN above every number: it is the max).
    # For a pyarrow table the scales (and the absence of NaN) are usually checked far more
    # cheaply from the value buffers, on a thread beside a scan without min/max; only when
    # that check cannot vouch for the data does the full scan below run.
    rows: list[tuple[Any, ...]] = []
    checked = False
    if spec.scores and isinstance(table, pa.Table | pa.RecordBatch):
        bounds = [(sc.column, float(sc.scale.low), float(sc.scale.high)) for sc in spec.scores]
        with ThreadPoolExecutor(max_workers=1) as pool:
            check = pool.submit(within_bounds, table, bounds)
            rows = scan(nan_as_null=False, bounds=False)
            checked = check.result()
    if not checked:
        rows = scan(nan_as_null=False)
        if _has_nan(spec, rows, len(keys)):
            rows = scan(nan_as_null=True)

    nkeys = len(keys)
    _validate(table, spec, rows, nkeys)
    result: CountsByGroup = {}
    for row in rows:
        group: GroupKey = tuple(None if v is None else str(v) for v in row[: len(by)])
        label: str | None = None
        if period is not None:
            p = row[len(by)]
            if p is not None and buckets is not None:
                label = buckets.label(int(p))
        counts: dict[str, Counts] = {}
        pos = nkeys
        for sc in spec.scores:
            width = _width(sc)
            counts[sc.column] = _make_counts(sc, row[pos : pos + width])
            pos += width
        result[(group, label)] = counts
    if not rows and not keys:
        result[((), None)] = {
            sc.column: NpsCounts() if sc.kind is MetricKind.NPS else ScoreCounts()
            for sc in spec.scores
        }
    return result


def _has_nan(spec: MetricSpec, rows: list[tuple[Any, ...]], nkeys: int) -> bool:
    pos = nkeys
    for sc in spec.scores:
        if any(isinstance(r[pos + 2], float) and math.isnan(r[pos + 2]) for r in rows):
            return True
        pos += _width(sc)
    return False


def _validate(table: Any, spec: MetricSpec, rows: list[tuple[Any, ...]], nkeys: int) -> None:
    pos = nkeys
    for sc in spec.scores:
        lows = [r[pos + 1] for r in rows if r[pos + 1] is not None]
        highs = [r[pos + 2] for r in rows if r[pos + 2] is not None]
        pos += _width(sc)
        if (lows and min(lows) < sc.scale.low) or (highs and max(highs) > sc.scale.high):
            values = _column_values(table, sc.column)
            bad = np.flatnonzero((values < sc.scale.low) | (values > sc.scale.high))
            index = int(bad[0]) if bad.size else -1
            raise InputError(
                f"value {values[index]:g} is outside the {sc.kind.value} scale",
                Location(row=index + 1, column=sc.column),
                expected=f"a score from {sc.scale.low} to {sc.scale.high}",
            )


# --------------------------------------------------------------------------- metrics


def _value(
    metric: str, sc: ScoreColumn, c: Counts, min_n: int, group: Mapping[str, str | None],
    period: str | None,
) -> MetricValue:  # fmt: skip
    if isinstance(c, NpsCounts):
        return f.nps_value(c, min_n=min_n, group=group, period=period)
    if sc.kind is MetricKind.CSAT:
        return f.csat_value(c, min_n=min_n, group=group, period=period)
    if sc.kind is MetricKind.CES:
        return f.ces_value(c, sc.scale, min_n=min_n, group=group, period=period)
    if sc.kind in CXI_KINDS:
        return f.net_value(metric, c, min_n=min_n, group=group, period=period)
    return f.mean_value(metric, c, min_n=min_n, group=group, period=period)


def _compare(kind: MetricKind, cur: Counts, prev: Counts) -> Comparison | None:
    if isinstance(cur, NpsCounts) and isinstance(prev, NpsCounts):
        return cmp.compare_nps(cur, prev)
    if isinstance(cur, ScoreCounts) and isinstance(prev, ScoreCounts):
        if kind is MetricKind.CSAT:
            return cmp.compare_positive_share(cur, prev)
        if kind in CXI_KINDS:
            return cmp.compare_net_scores(cur, prev)
        return cmp.compare_scores_mean(cur, prev)
    return None


def _sort_key(v: str | None) -> tuple[bool, str]:
    return (v is None, v or "")


def metrics_from_counts(
    spec: MetricSpec,
    counts: CountsByGroup,
    *,
    by: Sequence[str] = (),
    period: str | None = None,
    min_n: int = f.DEFAULT_MIN_N,
) -> MetricValues:
    """Turn counts per group (from any engine) into ordered :class:`MetricValue` objects.

    With a ``period``, each value carries ``change``: the test against the previous
    period of the same group, when that period has data, with false-discovery control
    over all the changes of a metric (:func:`~cxlens.analytics.compare.adjust_for_multiple_tests`).
    A metric without answers in a group and period is reported in ``no_data``, not as a
    value.
    """
    by = tuple(by)
    kinds = [sc.kind for sc in spec.scores]
    shared = {k for k in kinds if kinds.count(k) > 1}
    cxi_cols = [next((sc for sc in spec.scores if sc.kind is k), None) for k in CXI_KINDS]
    has_cxi = all(c is not None for c in cxi_cols) and not shared.intersection(CXI_KINDS)
    out: list[tuple[tuple[Any, ...], MetricValue]] = []
    keys = sorted(counts, key=lambda k: ([_sort_key(v) for v in k[0]], _sort_key(k[1])))
    for gkey, label in keys:
        per_col = counts[(gkey, label)]
        base = dict(zip(by, gkey, strict=True))
        prev_counts = None
        if period is not None and label is not None:
            prev_counts = counts.get((gkey, previous_label(label, period)))
        for sc in spec.scores:
            metric = sc.kind.value
            group = dict(base)
            if sc.kind in shared:
                group["question"] = sc.column
            value = _value(metric, sc, per_col[sc.column], min_n, group, label)
            if prev_counts is not None:
                change = _compare(sc.kind, per_col[sc.column], prev_counts[sc.column])
                value = dataclasses.replace(value, change=change)
            order = (METRIC_ORDER.index(metric), sc.column)
            out.append(((*order, [_sort_key(v) for v in gkey], _sort_key(label)), value))
        if has_cxi:
            parts = _cxi_parts(per_col, cxi_cols)
            value = f.cxi_value(*parts, min_n=min_n, group=base, period=label)
            if prev_counts is not None:
                change = cmp.compare_cxi(parts, _cxi_parts(prev_counts, cxi_cols))
                value = dataclasses.replace(value, change=change)
            order = (METRIC_ORDER.index("cxi"), "")
            out.append(((*order, [_sort_key(v) for v in gkey], _sort_key(label)), value))
    out.sort(key=lambda item: item[0])
    return MetricValues.of(cmp.adjust_for_multiple_tests([v for _, v in out]))


def _cxi_parts(
    per_col: Mapping[str, Counts], cols: Iterable[ScoreColumn | None]
) -> tuple[ScoreCounts, ScoreCounts, ScoreCounts]:
    parts = [per_col[c.column] for c in cols if c is not None]
    eff, ease, emo = (p if isinstance(p, ScoreCounts) else ScoreCounts() for p in parts)
    return eff, ease, emo


def compute_metrics(
    table: Any,
    spec: MetricSpec,
    *,
    by: Sequence[str] = (),
    period: str | None = None,
    tz: str = "UTC",
    min_n: int = f.DEFAULT_MIN_N,
) -> MetricValues:
    """Metrics with 95% intervals for every group (``by`` x period) of ``table``.

    Counts come from a single DuckDB scan (:func:`compute_counts`); values, intervals and
    the change against the previous period from :func:`metrics_from_counts`. Results are
    ordered by metric, group and period; metrics without answers are in ``no_data``.
    """
    counts = compute_counts(table, spec, by=by, period=period, tz=tz)
    return metrics_from_counts(spec, counts, by=by, period=period, min_n=min_n)
