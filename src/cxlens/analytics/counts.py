"""Bucket counts: the mergeable sufficient statistics each metric is computed from.

Every engine (SQL on the store, DuckDB on files and frames, a distributed engine) produces
these; :mod:`cxlens.analytics.formulas` turns them into values, intervals and tests.
Counts of disjoint data merge by addition (``a + b``), so merged counts equal the counts of
merged data.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Self


class _Additive:
    """Field-wise addition for count dataclasses."""

    def __add__(self, other: Self) -> Self:
        if type(other) is not type(self):
            return NotImplemented
        values = {f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)}  # type: ignore[arg-type]
        return type(self)(**values)


@dataclass(frozen=True, slots=True)
class NpsCounts(_Additive):
    """Answers on the 0-10 recommend scale: promoters 9-10, passives 7-8, detractors 0-6."""

    n: int = 0
    promoters: int = 0
    passives: int = 0
    detractors: int = 0
    ultra_detractors: int = 0  # 0-1, a subset of detractors


@dataclass(frozen=True, slots=True)
class ScoreCounts(_Additive):
    """Answers on a declared scale, already oriented so that higher = better.

    ``positive`` counts top boxes (CSAT satisfied, CES easy, CXi top-2), ``negative`` bottom
    boxes (CXi bottom-2); ``total``/``total_sq`` are the sum and sum of squares of the
    scores, for the mean and its t-interval.
    """

    n: int = 0
    positive: int = 0
    negative: int = 0
    total: float = 0.0
    total_sq: float = 0.0


@dataclass(frozen=True, slots=True)
class ProportionCounts(_Additive):
    """``hits`` out of ``n``: response rate, FCR, referral rate, churn."""

    n: int = 0
    hits: int = 0


@dataclass(frozen=True, slots=True)
class DurationCounts(_Additive):
    """Resolution times in hours: sum and sum of squares merge; quantiles need the values.

    ``median`` and ``p90`` are filled by the engine that sees the values (they do not
    merge by addition; a merge keeps NaN).
    """

    n: int = 0
    total: float = 0.0
    total_sq: float = 0.0
    median: float = float("nan")
    p90: float = float("nan")

    def __add__(self, other: Self) -> Self:
        if type(other) is not type(self):
            return NotImplemented
        return type(self)(
            n=self.n + other.n,
            total=self.total + other.total,
            total_sq=self.total_sq + other.total_sq,
        )


@dataclass(frozen=True, slots=True)
class RetentionCounts(_Additive):
    """Customers at the start and end of a period, acquired and lost during it."""

    at_start: int = 0
    at_end: int = 0
    acquired: int = 0
    lost: int = 0
