"""The DuckDB engine against pure-Python counting, on every kind of input table."""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

import duckdb
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

from cxlens.analytics import formulas as f
from cxlens.analytics.counts import NpsCounts, ScoreCounts
from cxlens.analytics.engine import (
    MetricSpec,
    ScoreColumn,
    compute_counts,
    compute_metrics,
    metrics_from_counts,
)
from cxlens.analytics.periods import period_label
from cxlens.analytics.scales import MetricKind, Scale
from cxlens.core.errors import ConfigurationError, InputError

from .sample import response_table

SPEC = MetricSpec(
    (
        ScoreColumn("nps", MetricKind.NPS, Scale(0, 10)),
        ScoreColumn("csat", MetricKind.CSAT, Scale(1, 5)),
        ScoreColumn("ces", MetricKind.CES, Scale(1, 5, higher_is_better=False)),
        ScoreColumn("cxi_effectiveness", MetricKind.CXI_EFFECTIVENESS, Scale(1, 5)),
        ScoreColumn("cxi_ease", MetricKind.CXI_EASE, Scale(1, 5)),
        ScoreColumn("cxi_emotion", MetricKind.CXI_EMOTION, Scale(1, 5)),
    ),
    time="submitted_at",
)


def _python_counts(table: pa.Table, by: str, period: str | None, tz: str) -> dict[Any, Any]:
    """Reference counts with plain Python loops, row by row."""
    acc: dict[Any, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for row in table.to_pylist():
        label = period_label(row["submitted_at"], period, tz) if period else None
        for sc in SPEC.scores:
            x = row[sc.column]
            if x is None or (isinstance(x, float) and math.isnan(x)):
                continue
            if not sc.scale.higher_is_better:
                x = sc.scale.low + sc.scale.high - x
            acc[((row[by],), label)][sc.column].append(float(x))
    out: dict[Any, Any] = {}
    for key, cols in acc.items():
        out[key] = {}
        for sc in SPEC.scores:
            xs = cols.get(sc.column, [])
            if sc.kind is MetricKind.NPS:
                p = sum(x >= 9 for x in xs)
                d = sum(x <= 6 for x in xs)
                out[key][sc.column] = NpsCounts(len(xs), p, len(xs) - p - d, d,
                                                sum(x <= 1 for x in xs))  # fmt: skip
            else:
                out[key][sc.column] = ScoreCounts(
                    len(xs), sum(x >= 4 for x in xs), sum(x <= 2 for x in xs),
                    sum(xs), sum(x * x for x in xs),
                )  # fmt: skip
    return out


def _same(a: list[Any], b: list[Any]) -> None:
    assert len(a) == len(b)
    for x, y in zip(a, b, strict=True):
        assert (x.metric, dict(x.group), x.period, x.n) == (y.metric, dict(y.group), y.period, y.n)
        for attr in ("value", "ci_low", "ci_high"):
            u, v = getattr(x, attr), getattr(y, attr)
            assert (u is None) == (v is None)
            if u is not None:
                assert u == pytest.approx(v, rel=1e-9, abs=1e-9)
        assert (x.change is None) == (y.change is None)
        if x.change is not None:
            assert x.change.p_value == pytest.approx(y.change.p_value, rel=1e-9, nan_ok=True)


@pytest.mark.parametrize(("period", "tz"), [(None, "UTC"), ("month", "Europe/Rome")])
def test_engine_equals_pure_python(period: str | None, tz: str) -> None:
    table = response_table(1500, seed=3)
    counts = compute_counts(table, SPEC, by=["touchpoint"], period=period, tz=tz)
    ref = _python_counts(table, "touchpoint", period, tz)
    assert set(counts) == set(ref)
    for key in ref:
        for col, c in ref[key].items():
            got = counts[key][col]
            assert type(got) is type(c)
            if isinstance(c, ScoreCounts):
                assert isinstance(got, ScoreCounts)
                assert (got.n, got.positive, got.negative) == (c.n, c.positive, c.negative)
                assert got.total == pytest.approx(c.total)
                assert got.total_sq == pytest.approx(c.total_sq)
            else:
                assert got == c
    got_values = compute_metrics(table, SPEC, by=["touchpoint"], period=period, tz=tz)
    _same(got_values, metrics_from_counts(SPEC, ref, by=["touchpoint"], period=period))


def test_metric_names_order_and_cxi() -> None:
    values = compute_metrics(response_table(300), SPEC, by=["region"])
    metrics = [v.metric for v in values]
    assert metrics == sorted(metrics, key=["nps", "csat", "ces", "cxi", "cxi_effectiveness",
                                           "cxi_ease", "cxi_emotion"].index)  # fmt: skip
    assert metrics.count("cxi") == 2
    cxi = next(v for v in values if v.metric == "cxi")
    parts = [v for v in values if v.metric.startswith("cxi_") and v.group == cxi.group]
    assert cxi.value == pytest.approx(sum(p.value or 0 for p in parts) / 3)
    assert [dict(v.group) for v in values[:2]] == [{"region": "north"}, {"region": "south"}]


def test_trend_has_change_against_previous_period() -> None:
    values = compute_metrics(response_table(2000), SPEC, by=["region"], period="month")
    nps = [v for v in values if v.metric == "nps" and v.group == {"region": "north"}]
    periods = [v.period for v in nps]
    assert periods == ["2024-11", "2024-12", "2025-01", "2025-02", "2025-03", "2025-04",
                       "2025-05"]  # fmt: skip
    assert nps[0].change is None
    for prev, cur in itertools.pairwise(nps):
        assert cur.change is not None
        assert cur.change.difference == pytest.approx((cur.value or 0) - (prev.value or 0))
        # under 100 answers on a side the change gets the exact test, else the z-test
        small = min(cur.n, prev.n) < 100
        assert cur.change.test == ("exact permutation test" if small else "z-test")
        assert cur.change.q_value is not None


def test_time_zone_shifts_rows_between_months() -> None:
    t = pa.table(
        {
            "nps": [10.0, 0.0],
            "submitted_at": pa.array(
                [datetime(2025, 3, 31, 22, 30, tzinfo=UTC), datetime(2025, 3, 1, tzinfo=UTC)],
                pa.timestamp("us", tz="UTC"),
            ),
        }
    )
    spec = MetricSpec((SPEC.scores[0],), time="submitted_at")
    utc = compute_metrics(t, spec, period="month")
    rome = compute_metrics(t, spec, period="month", tz="Europe/Rome")
    assert [(v.period, v.n) for v in utc] == [("2025-03", 2)]
    assert [(v.period, v.n, v.value) for v in rome] == [("2025-03", 1, -100.0),
                                                        ("2025-04", 1, 100.0)]  # fmt: skip
    # Naive timestamps are UTC too.
    naive = t.set_column(1, "submitted_at", t["submitted_at"].cast(pa.timestamp("us")))
    assert [v.period for v in compute_metrics(naive, spec, period="month", tz="Europe/Rome")] == [
        "2025-03",
        "2025-04",
    ]


def test_same_kind_twice_gets_question_in_group() -> None:
    t = pa.table({"csat_a": [5, 4, 1], "csat_b": [1, 1, 5]})
    spec = MetricSpec(
        (
            ScoreColumn("csat_a", MetricKind.CSAT, Scale(1, 5)),
            ScoreColumn("csat_b", MetricKind.CSAT, Scale(1, 5)),
        )
    )
    values = compute_metrics(t, spec)
    assert [(dict(v.group), v.value) for v in values] == [
        ({"question": "csat_a"}, pytest.approx(200 / 3)),
        ({"question": "csat_b"}, pytest.approx(100 / 3)),
    ]


def test_out_of_scale_names_column_row_and_value() -> None:
    t = response_table(50)
    bad = t.column("csat").to_pylist()
    bad[36] = 6
    t = t.set_column(t.schema.get_field_index("csat"), "csat", pa.array(bad, pa.int64()))
    with pytest.raises(InputError) as err:
        compute_metrics(t, SPEC, by=["region"])
    assert err.value.location.column == "csat"
    assert err.value.location.row == 37
    assert "6" in err.value.problem
    assert err.value.expected == "a score from 1 to 5"


def test_bad_inputs() -> None:
    t = pa.table({"nps": ["9", "10"], "x": [1, 2]})
    with pytest.raises(InputError, match="type VARCHAR"):
        compute_metrics(t, MetricSpec((SPEC.scores[0],)))
    with pytest.raises(InputError, match="no column 'touchpoint'"):
        compute_metrics(pa.table({"nps": [1]}), MetricSpec((SPEC.scores[0],)), by=["touchpoint"])
    with pytest.raises(ConfigurationError, match="valid periods"):
        compute_metrics(response_table(5), SPEC, period="fortnight")
    with pytest.raises(ConfigurationError, match="0-10"):
        compute_metrics(t, MetricSpec((ScoreColumn("x", MetricKind.NPS, Scale(1, 5)),)))
    with pytest.raises(InputError, match="cannot compute metrics"):
        compute_metrics([1, 2, 3], MetricSpec((SPEC.scores[0],)))


def test_empty_table_reports_no_data_never_a_value() -> None:
    t = pa.table({"nps": pa.array([], pa.float64())})
    values = compute_metrics(t, MetricSpec((SPEC.scores[0],)))
    assert list(values) == []
    assert [n.to_json() for n in values.no_data] == [
        {"metric": "nps", "group": {}, "period": None, "reason": "no answers"}
    ]


def test_a_group_without_answers_to_one_question_is_no_data() -> None:
    t = pa.table({"nps": [9.0, 10.0, 3.0], "csat": [5.0, None, None], "region": ["a", "b", "b"]})
    spec = MetricSpec((SPEC.scores[0], ScoreColumn("csat", MetricKind.CSAT, Scale(1, 5))))
    values = compute_metrics(t, spec, by=["region"])
    assert [(v.metric, v.group["region"]) for v in values] == [
        ("nps", "a"), ("nps", "b"), ("csat", "a")
    ]  # fmt: skip
    assert [(n.metric, n.group) for n in values.no_data] == [("csat", {"region": "b"})]


def _plain(values: list[Any]) -> list[dict[str, Any]]:
    return [v.to_json() for v in values]


def test_every_input_kind_gives_identical_results() -> None:
    import ibis

    table = response_table(800, seed=5)
    want = _plain(compute_metrics(table, SPEC, by=["touchpoint"], period="quarter"))
    con = duckdb.connect()
    inputs: dict[str, Any] = {
        "pandas": table.to_pandas(),
        "polars": pl.from_arrow(table),
        "ibis": ibis.memtable(table),
        "duckdb": con.from_arrow(table),
    }
    for name, obj in inputs.items():
        got = _plain(compute_metrics(obj, SPEC, by=["touchpoint"], period="quarter"))
        assert got == want, name
    assert isinstance(inputs["pandas"], pd.DataFrame)
    assert min(v.n for v in compute_metrics(table, SPEC)) > 0
    assert f.DEFAULT_MIN_N == 30
