"""Bucket counts from in-memory values (lists, numpy arrays, Series), vectorised.

The notebook API (:mod:`cxlens.analytics.api`) and tests use these; tables go through
:mod:`cxlens.analytics.engine` instead.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np

from cxlens.analytics.counts import DurationCounts, NpsCounts, ScoreCounts
from cxlens.analytics.scales import Scale
from cxlens.core.errors import InputError, Location

FloatArray = np.ndarray[Any, np.dtype[np.float64]]


def to_float_array(values: Iterable[Any], *, name: str = "values") -> FloatArray:
    """Values as a float array with NaN for missing (``None``, NaN, null).

    Raises :class:`InputError` with the 1-based position of the first non-number.
    """
    module = type(values).__module__
    if isinstance(values, np.ndarray) and values.dtype.kind in "biuf":
        return values.astype(np.float64, copy=False)
    if module.startswith("pandas"):
        series: Any = values
        try:
            return np.asarray(series.to_numpy(dtype=np.float64, na_value=np.nan))
        except (TypeError, ValueError):
            values = series.tolist()
    elif module.startswith(("polars", "pyarrow")):
        arr: Any = values
        values = arr.to_list() if module.startswith("polars") else arr.to_pylist()
    out: list[float] = []
    for i, v in enumerate(values):
        if v is None:
            out.append(math.nan)
            continue
        try:
            out.append(float(v))
        except (TypeError, ValueError):
            raise InputError(
                f"{v!r} is not a number", Location(row=i + 1, field=name), expected="a number"
            ) from None
    return np.asarray(out, dtype=np.float64)


def check_scale(values: FloatArray, scale: Scale, *, name: str = "values") -> None:
    """Raise :class:`InputError` at the first value outside ``scale`` (NaN is missing)."""
    bad = np.flatnonzero((values < scale.low) | (values > scale.high))
    if bad.size:
        i = int(bad[0])
        raise InputError(
            f"value {values[i]:g} is outside the scale",
            Location(row=i + 1, field=name),
            expected=f"a score from {scale.low} to {scale.high}",
        )


def nps_counts(values: FloatArray) -> NpsCounts:
    """NPS counts of 0-10 (or 1-10) answers; NaN is skipped."""
    x = values[~np.isnan(values)]
    prom = int(np.count_nonzero(x >= 9))
    detr = int(np.count_nonzero(x <= 6))
    return NpsCounts(
        n=int(x.size),
        promoters=prom,
        passives=int(x.size) - prom - detr,
        detractors=detr,
        ultra_detractors=int(np.count_nonzero(x <= 1)),
    )


def score_counts(values: FloatArray, scale: Scale) -> ScoreCounts:
    """Score counts with the scores oriented so that higher = better; NaN is skipped."""
    x = values[~np.isnan(values)]
    if not scale.higher_is_better:
        x = (scale.low + scale.high) - x
    return ScoreCounts(
        n=int(x.size),
        positive=int(np.count_nonzero(x >= scale.top_boxes_min())),
        negative=int(np.count_nonzero(x <= scale.bottom_boxes_max())),
        total=float(x.sum()),
        total_sq=float(np.dot(x, x)),
    )


def duration_counts(values: FloatArray) -> DurationCounts:
    """Duration counts (sum, sum of squares, median, p90); NaN is skipped."""
    x = values[~np.isnan(values)]
    if x.size == 0:
        return DurationCounts()
    return DurationCounts(
        n=int(x.size),
        total=float(x.sum()),
        total_sq=float(np.dot(x, x)),
        median=float(np.median(x)),
        p90=float(np.quantile(x, 0.9)),
    )
