"""The notebook API: cxlens.nps / csat / ces / cxi / metrics."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import cxlens
from cxlens.analytics.engine import ScoreColumn
from cxlens.analytics.scales import MetricKind, Scale
from cxlens.core.errors import ConfigurationError, InputError

from .sample import response_table

TWENTY = [10] * 6 + [9] * 4 + [8] * 3 + [7] * 2 + [6, 5, 3, 1, 0]


def test_public_api_is_exported() -> None:
    for name in cxlens.__all__:
        assert getattr(cxlens, name) is not None
    assert cxlens.__version__
    with pytest.raises(AttributeError):
        _ = cxlens.no_such_thing  # type: ignore[attr-defined]


def test_nps_of_values_with_missing() -> None:
    v = cxlens.nps([*TWENTY, None, math.nan])
    assert v.n == 20
    assert v.value == pytest.approx(25.0)
    assert v.low_confidence
    assert v.details["ultra_detractors"] == pytest.approx(10.0)


@pytest.mark.parametrize(
    "values",
    [
        np.array(TWENTY),
        pd.Series([*TWENTY, None], dtype="Float64"),
        pl.Series([*TWENTY, None]),
        pa.array([*TWENTY, None]),
        (x for x in TWENTY),
    ],
)
def test_nps_accepts_any_iterable(values: Any) -> None:
    assert cxlens.nps(values).value == pytest.approx(25.0)


def test_nps_scale_is_declared_never_shifted() -> None:
    assert cxlens.nps([5, 0, 3]).value == -100.0
    v = cxlens.nps([1, 10, 9], scale=(1, 10))
    assert v.value == pytest.approx(100 / 3)
    with pytest.raises(InputError) as err:
        cxlens.nps([1, 10, 0], scale=(1, 10))
    assert err.value.location.row == 3
    with pytest.raises(InputError) as err:
        cxlens.nps([7, 8, 11])
    assert err.value.location.row == 3
    assert "11" in str(err.value)
    with pytest.raises(InputError, match="'ten' is not a number"):
        cxlens.nps([7, "ten"])
    with pytest.raises(ConfigurationError):
        cxlens.nps([1, 2], scale=(1, 5))


def test_nps_scale_error_is_raised() -> None:
    with pytest.raises(InputError) as err:
        cxlens.nps([5, -1, 3])
    assert err.value.location.row == 2


def test_csat_scales() -> None:
    assert cxlens.csat([5, 4, 3, 2]).value == 50.0
    assert cxlens.csat([10, 9, 8, 1], scale=10).value == 50.0
    assert cxlens.csat([5, 4, 3, 2], positive_min=5).value == 25.0
    assert cxlens.csat([7, 6, 5], scale=7).value == pytest.approx(200 / 3)
    assert cxlens.csat([5, 4], scale=5).details["mean"] == 4.5
    with pytest.raises(InputError):
        cxlens.csat([6], scale=5)


def test_ces_direction() -> None:
    easy = cxlens.ces([7, 7, 6, 1])
    assert easy.value == pytest.approx(5.25)
    assert easy.details["pct_easy"] == 75.0
    # 1 = very low effort on a reversed 5-point scale: oriented to 5 = easiest.
    effort = cxlens.ces([1, 1, 2, 5], scale=5, higher_is_better=False)
    assert effort.value == pytest.approx((5 + 5 + 4 + 1) / 4)
    assert effort.details["pct_easy"] == 75.0


def test_cxi() -> None:
    v = cxlens.cxi([5, 4, 1, 3], [5, 5, 5, 5], [1, 1, 2, 4])
    assert v.value == pytest.approx((25.0 + 100.0 - 50.0) / 3)
    with pytest.raises(InputError) as err:
        cxlens.cxi([5], [6], [1])
    assert err.value.location.field == "ease"


def test_metrics_accepts_every_frame_kind() -> None:
    import ibis

    table = response_table(600, seed=9)
    want = [v.to_json() for v in cxlens.metrics(table, by="touchpoint", period="month")]
    assert {v["metric"] for v in want} == {"nps", "csat", "ces"}
    for frame in (table.to_pandas(), pl.from_arrow(table), ibis.memtable(table)):
        got = cxlens.metrics(frame, by=["touchpoint"], period="month")
        assert [v.to_json() for v in got] == want


def test_metrics_named_columns_and_scales() -> None:
    t = pa.table({"q1": [10, 9, 0, 7], "sat": [5, 4, 1, 2], "when": [1, 2, 3, 4]})
    values = cxlens.metrics(t, nps="q1", csat="sat")
    assert [(v.metric, v.value) for v in values] == [("nps", 25.0), ("csat", 50.0)]
    custom = ScoreColumn("q1", MetricKind.RATING, Scale(0, 10))
    (rating,) = cxlens.metrics(t, scores=[custom])
    assert (rating.metric, rating.value) == ("rating", 6.5)
    with pytest.raises(ConfigurationError, match="no score column"):
        cxlens.metrics(pa.table({"x": [1]}))
    with pytest.raises(ConfigurationError, match="time column"):
        cxlens.metrics(t, nps="q1", period="month")
    with pytest.raises(InputError, match="time column has type BIGINT"):
        cxlens.metrics(t, nps="q1", period="month", time="when")


def test_metrics_takes_a_list_of_columns() -> None:
    # docs/getting-started.md: csat=["sat"] crashed with "unhashable type: 'list'".
    t = pd.DataFrame({"ltr": [10, 9, 0, 7], "sat": [5, 4, 1, 2], "sat2": [5, 5, 5, 1]})
    (nps, csat) = cxlens.metrics(t, nps="ltr", csat=["sat"])
    assert (nps.metric, nps.value, csat.metric, csat.value) == ("nps", 25.0, "csat", 50.0)
    both = cxlens.metrics(t, csat=["sat", "sat2"])
    assert [(v.group["question"], v.value) for v in both] == [("sat", 50.0), ("sat2", 75.0)]
    with pytest.raises(ConfigurationError, match="column name"):
        cxlens.metrics(t, csat=[3])  # type: ignore[list-item]


@pytest.mark.parametrize("by", ["regoin", ["touchpoint", "theme"]])
def test_metrics_by_an_unknown_column_lists_the_columns(by: str | list[str]) -> None:
    table = response_table(50, seed=1)
    with pytest.raises(InputError) as err:
        cxlens.metrics(table, by=by)
    assert "touchpoint" in str(err.value) and "region" in str(err.value)


def test_metrics_without_answers_is_no_data() -> None:
    t = pd.DataFrame({"nps": pd.array([None, None], dtype="Float64"), "region": ["a", "b"]})
    values = cxlens.metrics(t, by="region")
    assert list(values) == []
    assert {n.group["region"] for n in values.no_data} == {"a", "b"}
