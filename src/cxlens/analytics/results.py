"""What the engine returns: metric values with their n, interval and confidence flag,
and the metrics that have no data (never a value)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Self


@dataclass(frozen=True, slots=True)
class Comparison:
    """A test of the difference between this value and a reference (e.g. previous period)."""

    reference: str  # e.g. "previous period" or the other segment's label
    difference: float
    test: str  # e.g. "z-test", "two-proportion z-test", "Welch t-test"
    statistic: float
    p_value: float
    significant: bool  # q < 0.05 (p < 0.05 when the change is the only one tested)
    #: Benjamini-Hochberg adjusted p-value over the changes of one listing (None: untested).
    q_value: float | None = None
    #: Why the change was not tested (e.g. too few answers); then p is NaN.
    note: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "reference": self.reference,
            "difference": _clean(self.difference),
            "test": self.test,
            "statistic": _clean(self.statistic),
            "p_value": _clean(self.p_value),
            "q_value": _clean(self.q_value),
            "significant": self.significant,
        }
        if self.note is not None:
            out["note"] = self.note
        return out


@dataclass(frozen=True, slots=True)
class MetricValue:
    """One metric for one group and period.

    ``value`` is ``None`` when n = 0 (the engines report such a metric as :class:`NoData`
    instead, never as a value). ``low_confidence`` is set when n is below the
    configured minimum; the value is still reported. ``details`` holds what is shown beside
    the headline (mean score, shares of promoters/detractors, median and p90 ...).
    """

    metric: str
    n: int
    value: float | None
    ci_low: float | None
    ci_high: float | None
    low_confidence: bool
    group: Mapping[str, str | None] = field(default_factory=dict)
    period: str | None = None
    details: Mapping[str, float | None] = field(default_factory=dict)
    change: Comparison | None = None

    def to_json(self) -> dict[str, Any]:
        """The documented JSON object (see docs/cli.md, ``--json``)."""
        out: dict[str, Any] = {
            "metric": self.metric,
            "group": dict(self.group),
            "period": self.period,
            "n": self.n,
            "value": _clean(self.value),
            "ci_low": _clean(self.ci_low),
            "ci_high": _clean(self.ci_high),
            "low_confidence": self.low_confidence,
        }
        if self.details:
            out["details"] = {k: _clean(v) for k, v in self.details.items()}
        if self.change is not None:
            out["change"] = self.change.to_json()
        return out


def _clean(x: float | None) -> float | None:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return None
    return round(float(x), 4)


@dataclass(frozen=True, slots=True)
class NoData:
    """A metric that has no data behind it for a group and period, and why.

    Reported instead of a value: a rate with nothing to count is unknown, not 0 %.
    ``group`` and ``period`` are empty/``None`` when the whole metric has no data.
    """

    metric: str
    reason: str
    group: Mapping[str, str | None] = field(default_factory=dict)
    period: str | None = None

    def to_json(self) -> dict[str, Any]:
        """``{"metric", "group", "period", "reason"}``."""
        return {
            "metric": self.metric,
            "group": dict(self.group),
            "period": self.period,
            "reason": self.reason,
        }


class MetricValues(list[MetricValue]):
    """Metric values (a list) plus :attr:`no_data`: the metrics that could not be computed.

    Adding two of them concatenates both the values and the no-data notes.
    """

    no_data: list[NoData]

    def __init__(self, values: Iterable[MetricValue] = (), no_data: Iterable[NoData] = ()):
        super().__init__(values)
        self.no_data = list(no_data)

    @classmethod
    def of(cls, values: Iterable[MetricValue], reason: str = "no answers") -> MetricValues:
        """Split ``values``: those without a value (n = 0) become :class:`NoData`."""
        kept: list[MetricValue] = []
        missing: list[NoData] = []
        for v in values:
            if v.value is None:
                missing.append(NoData(v.metric, reason, dict(v.group), v.period))
            else:
                kept.append(v)
        return cls(kept, missing)

    def __add__(self, other: list[MetricValue]) -> MetricValues:  # type: ignore[override]
        return MetricValues([*self, *other], [*self.no_data, *getattr(other, "no_data", [])])

    def __iadd__(self, other: Iterable[MetricValue]) -> Self:  # type: ignore[override]
        items = list(other)
        self.extend(items)
        self.no_data.extend(getattr(other, "no_data", []))
        return self

    def no_data_json(self) -> list[dict[str, Any]]:
        """The no-data notes as JSON objects."""
        return [n.to_json() for n in self.no_data]
