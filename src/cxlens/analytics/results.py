"""What the engine returns: a metric value with its n, interval and confidence flag."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Comparison:
    """A test of the difference between this value and a reference (e.g. previous period)."""

    reference: str  # e.g. "previous period" or the other segment's label
    difference: float
    test: str  # e.g. "z-test", "two-proportion z-test", "Welch t-test"
    statistic: float
    p_value: float
    significant: bool  # p < 0.05

    def to_json(self) -> dict[str, Any]:
        return {
            "reference": self.reference,
            "difference": _clean(self.difference),
            "test": self.test,
            "statistic": _clean(self.statistic),
            "p_value": _clean(self.p_value),
            "significant": self.significant,
        }


@dataclass(frozen=True, slots=True)
class MetricValue:
    """One metric for one group and period.

    ``value`` is ``None`` when n = 0. ``low_confidence`` is set when n is below the
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
