"""Metric formulas: bucket counts in, :class:`MetricValue` (value, 95% interval) out.

Exactly the definitions of DESIGN.md "Metric definitions". Every function takes the
mergeable counts of :mod:`cxlens.analytics.counts`, so the same formula serves every
engine (DuckDB on frames and files, SQL on the store, a distributed engine).

Sources
-------
* NPS interval: the adjusted-Wald interval for the difference of two proportions from one
  multinomial sample, as recommended for the Net Promoter Score by J. Rocks (2016),
  "Confidence intervals for the Net Promoter Score", MeasuringU
  (https://measuringu.com/nps-confidence-intervals/): add 3/4 to the promoter and detractor
  counts and 3 to n, then ``Var = (p + d - (p - d)^2) / n`` on the adjusted shares and
  ``NPS_adj ± 1.96·sd``, clipped to [-100, 100]. The reported value is the plain NPS.
  The adjusted interval is centred on the adjusted estimate, so at very small n the plain
  NPS can fall outside it (one promoter: NPS 100, adjusted-Wald interval -48.5 to 98.5);
  every interval is therefore extended to contain the reported
  value (:func:`_make`), which only widens it and so keeps its coverage.
* Proportions (CSAT, response rate, FCR, referral rate, churn, retention): the score
  interval of E. B. Wilson (1927), "Probable inference, the law of succession, and
  statistical inference", JASA 22(158):209-212.
* Means (CES, ratings, ART): Student t interval from n, sum and sum of squares.
* CXi: the classic Forrester Customer Experience Index (Forrester Research, 2007-2016):
  per question (effectiveness, ease, emotion) %top-2 minus %bottom-2 on a 5-point scale,
  CXi = mean of the three. Forrester's current CX Index is proprietary; this is labelled
  "classic CXi". Interval: each question's net score gets the adjusted-Wald standard
  deviation above; since the three answers usually come from the same respondents and
  their covariance is not in the counts, we use the bound
  ``sd(mean) <= (sd1 + sd2 + sd3) / 3`` (Cauchy-Schwarz), which holds for any correlation
  and so gives a conservative interval.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from cxlens.analytics.counts import (
    DurationCounts,
    NpsCounts,
    ProportionCounts,
    RetentionCounts,
    ScoreCounts,
)
from cxlens.analytics.results import MetricValue
from cxlens.analytics.scales import Scale
from cxlens.analytics.stats import Z95, t_interval, wilson_interval

Group = Mapping[str, str | None]

#: Default minimum n below which a value is flagged low-confidence (never hidden).
DEFAULT_MIN_N = 30


def _make(
    metric: str,
    n: int,
    value: float | None,
    ci: tuple[float | None, float | None],
    *,
    min_n: int,
    group: Group | None,
    period: str | None,
    details: Mapping[str, float | None] | None = None,
) -> MetricValue:
    low, high = ci if value is not None else (None, None)
    # An interval always contains the reported value: the adjusted-Wald interval is centred
    # on the adjusted estimate, which at very small n can leave the plain value outside.
    if value is not None and low is not None and high is not None:
        low, high = min(low, value), max(high, value)
    return MetricValue(
        metric=metric,
        n=n,
        value=value,
        ci_low=low,
        ci_high=high,
        low_confidence=n < min_n,
        group=dict(group or {}),
        period=period,
        details=dict(details or {}),
    )


def _share(part: float, n: float) -> float | None:
    return 100.0 * part / n if n > 0 else None


def net_variance(plus: float, minus: float, n: float) -> float:
    """Variance of a net score in points² (DESIGN.md): ``100²(p + d - (p - d)²)/n``."""
    if n <= 0:
        return math.nan
    p, d = plus / n, minus / n
    return 100.0**2 * max(p + d - (p - d) ** 2, 0.0) / n


def adjusted_wald_net(plus: float, minus: float, n: float) -> tuple[float, float]:
    """Adjusted-Wald centre and standard deviation (points) of a net score (Rocks 2016)."""
    na = n + 3.0
    pa, da = (plus + 0.75) / na, (minus + 0.75) / na
    centre = 100.0 * (pa - da)
    return centre, math.sqrt(net_variance(plus + 0.75, minus + 0.75, na))


def _clip(x: float, low: float = -100.0, high: float = 100.0) -> float:
    return min(max(x, low), high)


def net_interval(plus: int, minus: int, n: int) -> tuple[float, float]:
    """95% adjusted-Wald interval of a net score (%plus - %minus), clipped to [-100, 100]."""
    centre, sd = adjusted_wald_net(plus, minus, n)
    return _clip(centre - Z95 * sd), _clip(centre + Z95 * sd)


def nps_value(
    c: NpsCounts,
    *,
    min_n: int = DEFAULT_MIN_N,
    group: Group | None = None,
    period: str | None = None,
    metric: str = "nps",
) -> MetricValue:
    """Net Promoter Score = %promoters - %detractors with its adjusted-Wald 95% interval.

    Details: shares (x100) of promoters, passives, detractors and ultra-detractors.
    """
    value = _share(c.promoters - c.detractors, c.n)
    ci: tuple[float | None, float | None] = (
        net_interval(c.promoters, c.detractors, c.n) if c.n > 0 else (None, None)
    )
    details = {
        "promoters": _share(c.promoters, c.n),
        "passives": _share(c.passives, c.n),
        "detractors": _share(c.detractors, c.n),
        "ultra_detractors": _share(c.ultra_detractors, c.n),
    }
    return _make(metric, c.n, value, ci, min_n=min_n, group=group, period=period, details=details)


def _wilson_pct(hits: int, n: int) -> tuple[float | None, float | None]:
    if n <= 0:
        return None, None
    lo, hi = wilson_interval(hits, n)
    return 100.0 * lo, 100.0 * hi


def _mean(c: ScoreCounts | DurationCounts) -> float | None:
    return c.total / c.n if c.n > 0 else None


def csat_value(
    c: ScoreCounts,
    *,
    min_n: int = DEFAULT_MIN_N,
    group: Group | None = None,
    period: str | None = None,
    metric: str = "csat",
) -> MetricValue:
    """CSAT = share of positive (top-box) answers x100, Wilson interval; mean beside it."""
    return _make(
        metric,
        c.n,
        _share(c.positive, c.n),
        _wilson_pct(c.positive, c.n),
        min_n=min_n,
        group=group,
        period=period,
        details={"mean": _mean(c)},
    )


def ces_value(
    c: ScoreCounts,
    scale: Scale,
    *,
    min_n: int = DEFAULT_MIN_N,
    group: Group | None = None,
    period: str | None = None,
    metric: str = "ces",
) -> MetricValue:
    """CES = mean effort score, oriented so that higher = easier, with its t interval.

    ``c`` holds oriented scores (see :class:`ScoreCounts`), so the mean lies on the
    declared scale's range with ``scale.high`` = easiest. Details: ``pct_easy`` (top boxes
    x100) and the scale bounds.
    """
    return mean_value(
        metric,
        c,
        min_n=min_n,
        group=group,
        period=period,
        extra={
            "pct_easy": _share(c.positive, c.n),
            "scale_low": float(scale.low),
            "scale_high": float(scale.high),
        },
    )


def mean_value(
    metric: str,
    c: ScoreCounts,
    *,
    min_n: int = DEFAULT_MIN_N,
    group: Group | None = None,
    period: str | None = None,
    extra: Mapping[str, float | None] | None = None,
) -> MetricValue:
    """Mean score with its t interval (ratings); details: ``pct_positive`` unless overridden."""
    details: dict[str, float | None] = {"pct_positive": _share(c.positive, c.n)}
    if extra is not None:
        details = dict(extra)
    return _make(
        metric,
        c.n,
        _mean(c),
        t_interval(c.n, c.total, c.total_sq),
        min_n=min_n,
        group=group,
        period=period,
        details=details,
    )


def net_value(
    metric: str,
    c: ScoreCounts,
    *,
    min_n: int = DEFAULT_MIN_N,
    group: Group | None = None,
    period: str | None = None,
) -> MetricValue:
    """One CXi question: %top-2 - %bottom-2 with the adjusted-Wald interval."""
    ci: tuple[float | None, float | None] = (
        net_interval(c.positive, c.negative, c.n) if c.n > 0 else (None, None)
    )
    return _make(
        metric,
        c.n,
        _share(c.positive - c.negative, c.n),
        ci,
        min_n=min_n,
        group=group,
        period=period,
        details={"top2": _share(c.positive, c.n), "bottom2": _share(c.negative, c.n)},
    )


def cxi_value(
    effectiveness: ScoreCounts,
    ease: ScoreCounts,
    emotion: ScoreCounts,
    *,
    min_n: int = DEFAULT_MIN_N,
    group: Group | None = None,
    period: str | None = None,
    metric: str = "cxi",
) -> MetricValue:
    """Classic CXi: mean of the three questions' net scores, conservative interval.

    ``n`` is the smallest of the three questions' n; the value is ``None`` when any
    question has no answer. Details: the three net scores.
    """
    parts = (effectiveness, ease, emotion)
    n = min(p.n for p in parts)
    nets = [_share(p.positive - p.negative, p.n) for p in parts]
    details = {"effectiveness": nets[0], "ease": nets[1], "emotion": nets[2]}
    if n <= 0:
        return _make(
            metric, n, None, (None, None), min_n=min_n, group=group, period=period, details=details
        )
    value = sum(x for x in nets if x is not None) / 3.0
    adj = [adjusted_wald_net(p.positive, p.negative, p.n) for p in parts]
    centre = sum(a[0] for a in adj) / 3.0
    sd = sum(a[1] for a in adj) / 3.0
    ci = (_clip(centre - Z95 * sd), _clip(centre + Z95 * sd))
    return _make(metric, n, value, ci, min_n=min_n, group=group, period=period, details=details)


def proportion_value(
    metric: str,
    c: ProportionCounts,
    *,
    min_n: int = DEFAULT_MIN_N,
    group: Group | None = None,
    period: str | None = None,
) -> MetricValue:
    """``hits / n`` x100 with the Wilson interval (response rate, FCR, referral rate, churn)."""
    return _make(
        metric,
        c.n,
        _share(c.hits, c.n),
        _wilson_pct(c.hits, c.n),
        min_n=min_n,
        group=group,
        period=period,
    )


def retention_value(
    c: RetentionCounts,
    *,
    min_n: int = DEFAULT_MIN_N,
    group: Group | None = None,
    period: str | None = None,
) -> MetricValue:
    """Retention = (customers at end - acquired) / customers at start x100.

    n = customers at start. The Wilson interval treats the retained customers as hits out
    of those at start; it is ``None`` when the counts are inconsistent (retained outside
    [0, at_start]), while the value is still reported.
    """
    retained = c.at_end - c.acquired
    ci: tuple[float | None, float | None] = (None, None)
    if c.at_start > 0 and 0 <= retained <= c.at_start:
        ci = _wilson_pct(retained, c.at_start)
    return _make(
        "retention",
        c.at_start,
        _share(retained, c.at_start),
        ci,
        min_n=min_n,
        group=group,
        period=period,
        details={
            "at_start": float(c.at_start),
            "at_end": float(c.at_end),
            "acquired": float(c.acquired),
            "lost": float(c.lost),
        },
    )


def churn_value(
    c: RetentionCounts,
    *,
    min_n: int = DEFAULT_MIN_N,
    group: Group | None = None,
    period: str | None = None,
) -> MetricValue:
    """Churn = customers lost during the period / customers at start x100, Wilson interval."""
    ci: tuple[float | None, float | None] = (None, None)
    if c.at_start > 0 and 0 <= c.lost <= c.at_start:
        ci = _wilson_pct(c.lost, c.at_start)
    return _make(
        "churn",
        c.at_start,
        _share(c.lost, c.at_start),
        ci,
        min_n=min_n,
        group=group,
        period=period,
    )


def art_value(
    c: DurationCounts,
    *,
    min_n: int = DEFAULT_MIN_N,
    group: Group | None = None,
    period: str | None = None,
    metric: str = "art",
) -> MetricValue:
    """Average resolution time (hours) with its t interval; median and p90 in details."""

    def _q(x: float) -> float | None:
        return None if math.isnan(x) else x

    return _make(
        metric,
        c.n,
        _mean(c),
        t_interval(c.n, c.total, c.total_sq),
        min_n=min_n,
        group=group,
        period=period,
        details={"median": _q(c.median), "p90": _q(c.p90)},
    )
