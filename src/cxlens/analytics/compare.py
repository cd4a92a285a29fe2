"""Significance of a change between two periods or segments.

* NPS and net scores (CXi questions): z-test on the difference, with
  ``Var = Var_1 + Var_2`` and each ``Var = 100²(p + d - (p - d)²)/n`` (DESIGN.md).
* Proportions (CSAT, rates): pooled two-proportion z-test.
* Means (CES, ratings, ART): Welch's unequal-variance t-test.

Differences are ``current - reference`` in the metric's unit (points for NPS and
percentages, score units for means).
"""

from __future__ import annotations

import math

from cxlens.analytics.counts import (
    DurationCounts,
    NpsCounts,
    ProportionCounts,
    ScoreCounts,
)
from cxlens.analytics.formulas import net_variance
from cxlens.analytics.results import Comparison
from cxlens.analytics.stats import normal_two_sided_p, sample_variance, t_two_sided_p

PREVIOUS_PERIOD = "previous period"
ALPHA = 0.05


def _comparison(
    reference: str, difference: float, test: str, statistic: float, p: float
) -> Comparison:
    return Comparison(
        reference=reference,
        difference=difference,
        test=test,
        statistic=statistic,
        p_value=p,
        significant=bool(p < ALPHA),
    )


def _z_result(reference: str, diff: float, var: float, test: str) -> Comparison:
    if var > 0:
        z = diff / math.sqrt(var)
        return _comparison(reference, diff, test, z, normal_two_sided_p(z))
    # No spread in either sample: identical values are no evidence of a change; a
    # difference cannot be tested (p = NaN, not significant).
    if diff == 0:
        return _comparison(reference, diff, test, 0.0, 1.0)
    return _comparison(reference, diff, test, math.nan, math.nan)


def compare_net(
    plus1: int,
    minus1: int,
    n1: int,
    plus0: int,
    minus0: int,
    n0: int,
    *,
    reference: str = PREVIOUS_PERIOD,
) -> Comparison | None:
    """z-test of the change of a net score (%plus - %minus) from sample 0 to sample 1."""
    if n1 <= 0 or n0 <= 0:
        return None
    diff = 100.0 * ((plus1 - minus1) / n1 - (plus0 - minus0) / n0)
    var = net_variance(plus1, minus1, n1) + net_variance(plus0, minus0, n0)
    return _z_result(reference, diff, var, "z-test")


def compare_nps(
    current: NpsCounts, previous: NpsCounts, *, reference: str = PREVIOUS_PERIOD
) -> Comparison | None:
    """z-test of an NPS change; ``None`` when either side has no answers."""
    return compare_net(
        current.promoters,
        current.detractors,
        current.n,
        previous.promoters,
        previous.detractors,
        previous.n,
        reference=reference,
    )


def compare_proportions(
    hits1: int, n1: int, hits0: int, n0: int, *, reference: str = PREVIOUS_PERIOD
) -> Comparison | None:
    """Pooled two-proportion z-test; the difference is in percentage points."""
    if n1 <= 0 or n0 <= 0:
        return None
    p1, p0 = hits1 / n1, hits0 / n0
    pooled = (hits1 + hits0) / (n1 + n0)
    var = pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n0)
    result = _z_result(reference, p1 - p0, var, "two-proportion z-test")
    return Comparison(
        reference=result.reference,
        difference=100.0 * result.difference,
        test=result.test,
        statistic=result.statistic,
        p_value=result.p_value,
        significant=result.significant,
    )


def compare_means(
    n1: int,
    total1: float,
    total_sq1: float,
    n0: int,
    total0: float,
    total_sq0: float,
    *,
    reference: str = PREVIOUS_PERIOD,
) -> Comparison | None:
    """Welch t-test of the difference of two means from their sufficient statistics.

    ``None`` when either side has fewer than two values (no variance to test with).
    """
    if n1 < 2 or n0 < 2:
        return None
    diff = total1 / n1 - total0 / n0
    v1 = sample_variance(n1, total1, total_sq1) / n1
    v0 = sample_variance(n0, total0, total_sq0) / n0
    test = "Welch t-test"
    if v1 + v0 <= 0:
        return _z_result(reference, diff, 0.0, test)
    t = diff / math.sqrt(v1 + v0)
    df = (v1 + v0) ** 2 / (v1**2 / (n1 - 1) + v0**2 / (n0 - 1))
    return _comparison(reference, diff, test, t, t_two_sided_p(t, df))


def compare_scores_mean(
    current: ScoreCounts | DurationCounts,
    previous: ScoreCounts | DurationCounts,
    *,
    reference: str = PREVIOUS_PERIOD,
) -> Comparison | None:
    """Welch t-test on two score or duration counts."""
    return compare_means(
        current.n,
        current.total,
        current.total_sq,
        previous.n,
        previous.total,
        previous.total_sq,
        reference=reference,
    )


def compare_positive_share(
    current: ScoreCounts, previous: ScoreCounts, *, reference: str = PREVIOUS_PERIOD
) -> Comparison | None:
    """Two-proportion z-test on the top-box share (CSAT)."""
    return compare_proportions(
        current.positive, current.n, previous.positive, previous.n, reference=reference
    )


def compare_net_scores(
    current: ScoreCounts, previous: ScoreCounts, *, reference: str = PREVIOUS_PERIOD
) -> Comparison | None:
    """z-test on a top-2 minus bottom-2 net score (CXi questions)."""
    return compare_net(
        current.positive,
        current.negative,
        current.n,
        previous.positive,
        previous.negative,
        previous.n,
        reference=reference,
    )


def compare_rates(
    current: ProportionCounts, previous: ProportionCounts, *, reference: str = PREVIOUS_PERIOD
) -> Comparison | None:
    """Two-proportion z-test on rates (response rate, FCR, referral rate, churn)."""
    return compare_proportions(
        current.hits, current.n, previous.hits, previous.n, reference=reference
    )


def compare_cxi(
    current: tuple[ScoreCounts, ScoreCounts, ScoreCounts],
    previous: tuple[ScoreCounts, ScoreCounts, ScoreCounts],
    *,
    reference: str = PREVIOUS_PERIOD,
) -> Comparison | None:
    """z-test on a classic CXi change, with the conservative sd bound of the formulas.

    sd of each side's CXi is bounded by the mean of its questions' sds (any correlation).
    """
    if min(c.n for c in current) <= 0 or min(c.n for c in previous) <= 0:
        return None

    def cxi_and_sd(parts: tuple[ScoreCounts, ScoreCounts, ScoreCounts]) -> tuple[float, float]:
        value = sum(100.0 * (c.positive - c.negative) / c.n for c in parts) / 3.0
        sd = sum(math.sqrt(net_variance(c.positive, c.negative, c.n)) for c in parts) / 3.0
        return value, sd

    v1, sd1 = cxi_and_sd(current)
    v0, sd0 = cxi_and_sd(previous)
    return _z_result(reference, v1 - v0, sd1**2 + sd0**2, "z-test")
