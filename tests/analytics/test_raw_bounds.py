"""The buffer-level scale check and the engine's fallback when it cannot vouch."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from cxlens.analytics.engine import MetricSpec, ScoreColumn, compute_counts
from cxlens.analytics.raw_bounds import within_bounds
from cxlens.analytics.scales import MetricKind, Scale
from cxlens.core.errors import InputError

NPS = MetricSpec(scores=(ScoreColumn("nps", MetricKind.NPS, Scale(0, 10)),))


def test_in_range_floats_and_ints_pass() -> None:
    table = pa.table({"a": pa.array([0.0, 5.5, 10.0]), "b": pa.array([1, 5, 3], pa.int16())})
    assert within_bounds(table, [("a", 0, 10), ("b", 1, 5)])


def test_out_of_range_nan_or_sliced_offsets_are_seen() -> None:
    assert not within_bounds(pa.table({"a": [0.0, 11.0]}), [("a", 0, 10)])
    assert not within_bounds(pa.table({"a": [0.0, float("nan")]}), [("a", 0, 10)])
    sliced = pa.table({"a": [99.0, 1.0, 2.0]}).slice(1)
    assert within_bounds(sliced, [("a", 0, 10)])


def test_junk_under_a_null_makes_it_unsure() -> None:
    column = pa.array(np.array([1.0, 99.0]), mask=np.array([False, True]))
    assert not within_bounds(pa.table({"a": column}), [("a", 0, 10)])


def test_other_inputs_are_not_vouched_for() -> None:
    assert not within_bounds({"a": [1.0]}, [("a", 0, 10)])
    assert not within_bounds(pa.table({"a": ["1"]}), [("a", 0, 10)])


def test_engine_falls_back_exactly_for_junk_and_nan() -> None:
    junk = pa.array(np.array([9.0, 99.0, 3.0, float("nan")]), mask=np.array([0, 1, 0, 0], bool))
    counts = compute_counts(pa.table({"nps": junk}), NPS)
    c = counts[((), None)]["nps"]
    assert (c.n, c.promoters, c.detractors) == (2, 1, 1)


def test_engine_names_the_row_of_a_bad_arrow_value() -> None:
    with pytest.raises(InputError) as err:
        compute_counts(pa.table({"nps": [1.0, 2.0, 12.0]}), NPS)
    assert err.value.location.row == 3
