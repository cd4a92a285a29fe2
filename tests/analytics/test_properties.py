"""Hypothesis properties: NPS range, row-order invariance, merged counts = counts merged."""

from __future__ import annotations

from typing import Any

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

import cxlens
from cxlens.analytics.counts import NpsCounts, ScoreCounts
from cxlens.analytics.engine import MetricSpec, ScoreColumn, compute_counts, compute_metrics
from cxlens.analytics.formulas import nps_value
from cxlens.analytics.scales import MetricKind, Scale

SPEC = MetricSpec(
    (
        ScoreColumn("nps", MetricKind.NPS, Scale(0, 10)),
        ScoreColumn("csat", MetricKind.CSAT, Scale(1, 5)),
        ScoreColumn("ces", MetricKind.CES, Scale(1, 5, higher_is_better=False)),
    )
)
rows = st.lists(
    st.tuples(
        st.sampled_from(["web", "shop", None]),
        st.one_of(st.none(), st.integers(0, 10)),
        st.integers(1, 5),
        st.integers(1, 5),
    ),
    max_size=60,
)


def _table(data: list[tuple[Any, ...]]) -> pa.Table:
    return pa.table(
        {
            "tp": pa.array([r[0] for r in data], pa.string()),
            "nps": pa.array([r[1] for r in data], pa.float64()),
            "csat": pa.array([r[2] for r in data], pa.int64()),
            "ces": pa.array([r[3] for r in data], pa.int64()),
        }
    )


@given(st.integers(0, 10_000), st.integers(0, 10_000), st.integers(0, 10_000))
def test_nps_in_range(p: int, pas: int, d: int) -> None:
    v = nps_value(NpsCounts(p + pas + d, p, pas, d))
    if v.value is None:
        assert p + pas + d == 0
        return
    assert v.ci_low is not None and v.ci_high is not None
    assert -100.0 <= v.ci_low <= v.ci_high <= 100.0
    assert -100.0 <= v.value <= 100.0


@given(st.lists(st.one_of(st.none(), st.integers(0, 10)), min_size=1))
def test_nps_api_in_range(values: list[int | None]) -> None:
    v = cxlens.nps(values)
    assert v.value is None or -100.0 <= v.value <= 100.0


@settings(max_examples=40, deadline=None)
@given(rows, st.randoms(use_true_random=False))
def test_invariant_to_row_order(data: list[tuple[Any, ...]], rnd: Any) -> None:
    shuffled = list(data)
    rnd.shuffle(shuffled)
    a = [v.to_json() for v in compute_metrics(_table(data), SPEC, by=["tp"])]
    b = [v.to_json() for v in compute_metrics(_table(shuffled), SPEC, by=["tp"])]
    assert a == b


@settings(max_examples=40, deadline=None)
@given(rows, rows)
def test_counts_of_merged_data_are_merged_counts(
    a: list[tuple[Any, ...]], b: list[tuple[Any, ...]]
) -> None:
    ca = compute_counts(_table(a), SPEC, by=["tp"])
    cb = compute_counts(_table(b), SPEC, by=["tp"])
    merged = compute_counts(_table(a + b), SPEC, by=["tp"])
    assert set(merged) == set(ca) | set(cb)
    empty = {"nps": NpsCounts(), "csat": ScoreCounts(), "ces": ScoreCounts()}
    for key, counts in merged.items():
        for col, c in counts.items():
            total = ca.get(key, empty)[col] + cb.get(key, empty)[col]
            assert c == total
