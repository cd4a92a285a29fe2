"""Significance of a change between two periods or segments.

* NPS and net scores (CXi questions): z-test on the difference, with
  ``Var = Var_1 + Var_2`` and each ``Var = 100²(p + d - (p - d)²)/n`` (DESIGN.md).
* Proportions (CSAT, rates): pooled two-proportion z-test.
* Means (CES, ratings, ART): Welch's unequal-variance t-test.

Small samples (docs/metrics.md, "Tests at small n"): when the smaller side of a count
comparison (NPS, net scores, proportions) has fewer than :data:`EXACT_BELOW` answers, the
normal approximation is replaced by an **exact permutation test**: conditional on the
pooled counts, every split of the answers between the two sides is enumerated with its
(multivariate hypergeometric) probability, and p is the probability of a difference at
least as large as the one observed. Means and the classic CXi keep only sufficient
statistics, which an exact test cannot use: below :data:`MIN_TEST_N` answers on a side
they are not tested, and the comparison says so (``note``).

Many changes in one listing (a region x quarter table) are tested together:
:func:`adjust_for_multiple_tests` controls the false discovery rate (Benjamini-Hochberg)
per metric and marks a change significant only where its adjusted q < 0.05.

Differences are ``current - reference`` in the metric's unit (points for NPS and
percentages, score units for means).
"""

from __future__ import annotations

import dataclasses
import math
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy.special import gammaln

from cxlens.analytics.counts import (
    DurationCounts,
    NpsCounts,
    ProportionCounts,
    ScoreCounts,
)
from cxlens.analytics.formulas import net_variance
from cxlens.analytics.results import Comparison, MetricValue
from cxlens.analytics.stats import normal_two_sided_p, sample_variance, t_two_sided_p

PREVIOUS_PERIOD = "previous period"
ALPHA = 0.05
#: Count comparisons use the exact permutation test when the smaller side is below this.
EXACT_BELOW = 100
#: Means and the classic CXi are not tested with fewer answers than this on a side.
MIN_TEST_N = 30
EXACT_TEST = "exact permutation test"
NOT_TESTED = "not tested"
#: Relative tolerance when comparing differences of the permutation distribution.
_TIES = 1e-9


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


def _too_few(reference: str, diff: float, n1: int, n0: int) -> Comparison:
    return Comparison(
        reference=reference,
        difference=diff,
        test=NOT_TESTED,
        statistic=math.nan,
        p_value=math.nan,
        significant=False,
        note=f"too few answers to test (n = {n1} and {n0}; at least {MIN_TEST_N} each)",
    )


FloatArray = np.ndarray[Any, np.dtype[np.float64]]


def _log_choose(n: FloatArray | float, k: FloatArray | float) -> FloatArray:
    """log C(n, k), element-wise."""
    lg = gammaln(np.add(n, 1)) - gammaln(np.add(k, 1)) - gammaln(np.subtract(n, k) + 1)
    return np.asarray(lg, dtype=np.float64)


def exact_net_p(plus1: int, minus1: int, n1: int, plus0: int, minus0: int, n0: int) -> float:
    """Two-sided p of the exact permutation test of ``%plus - %minus`` between two samples.

    Conditional on the pooled counts of plus, minus and other answers, the plus and minus
    counts of sample 1 follow the multivariate hypergeometric distribution; p is the
    probability of an absolute difference at least as large as the observed one. With
    ``minus1 = minus0 = 0`` this is the exact test of two proportions.
    """
    if n1 > n0:  # enumerate the smaller side; |difference| is symmetric
        plus1, minus1, n1, plus0, minus0, n0 = plus0, minus0, n0, plus1, minus1, n1
    big_a, big_b, total = plus1 + plus0, minus1 + minus0, n1 + n0
    big_c = total - big_a - big_b
    x = np.arange(0, min(big_a, n1) + 1, dtype=float)[:, None]
    y = np.arange(0, min(big_b, n1) + 1, dtype=float)[None, :]
    z = n1 - x - y
    ok = (z >= 0) & (z <= big_c) & (big_a - x <= n0) & (big_b - y <= n0)
    xs, ys = np.broadcast_to(x, ok.shape)[ok], np.broadcast_to(y, ok.shape)[ok]
    zs = n1 - xs - ys
    log_p = (
        _log_choose(big_a, xs)
        + _log_choose(big_b, ys)
        + _log_choose(big_c, zs)
        - _log_choose(total, n1)
    )
    diff = (xs - ys) / n1 - ((big_a - xs) - (big_b - ys)) / n0
    observed = abs((plus1 - minus1) / n1 - (plus0 - minus0) / n0)
    extreme = np.abs(diff) >= observed * (1.0 - _TIES) - 1e-12
    return float(min(1.0, np.exp(log_p[extreme]).sum()))


def _exact(reference: str, diff: float, p: float) -> Comparison:
    return _comparison(reference, diff, EXACT_TEST, math.nan, p)


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
    if min(n1, n0) < EXACT_BELOW:
        return _exact(reference, diff, exact_net_p(plus1, minus1, n1, plus0, minus0, n0))
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
    """Pooled two-proportion z-test (exact test at small n); difference in points."""
    if n1 <= 0 or n0 <= 0:
        return None
    p1, p0 = hits1 / n1, hits0 / n0
    if min(n1, n0) < EXACT_BELOW:
        return _exact(reference, 100.0 * (p1 - p0), exact_net_p(hits1, 0, n1, hits0, 0, n0))
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

    ``None`` when either side has no value; not tested (``note``) when either side has
    fewer than :data:`MIN_TEST_N`.
    """
    if n1 <= 0 or n0 <= 0:
        return None
    diff = total1 / n1 - total0 / n0
    if min(n1, n0) < MIN_TEST_N:
        return _too_few(reference, diff, n1, n0)
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
    n1, n0 = min(c.n for c in current), min(c.n for c in previous)
    if min(n1, n0) < MIN_TEST_N:
        return _too_few(reference, v1 - v0, n1, n0)
    return _z_result(reference, v1 - v0, sd1**2 + sd0**2, "z-test")


def adjust_for_multiple_tests(values: Sequence[MetricValue]) -> list[MetricValue]:
    """Benjamini-Hochberg false-discovery control over the changes of each metric.

    All changes of one metric in ``values`` (one table of a listing: every group and
    period) form one family; each change gets its BH-adjusted ``q_value`` (from
    :func:`scipy.stats.false_discovery_control`) and is significant only when
    q < 0.05. Untested changes (p NaN) are left out of the family. Returns a new list.
    """
    families: dict[str, list[int]] = defaultdict(list)
    for i, v in enumerate(values):
        if v.change is not None and not math.isnan(v.change.p_value):
            families[v.metric].append(i)
    out = list(values)
    for members in families.values():
        ps = [out[i].change.p_value for i in members]  # type: ignore[union-attr]
        if len(ps) > 1:
            from scipy.stats import false_discovery_control  # heavy: only when needed

            qs = [float(q) for q in false_discovery_control(ps, method="bh")]
        else:
            qs = ps
        for i, q in zip(members, qs, strict=True):
            change = out[i].change
            assert change is not None
            out[i] = dataclasses.replace(
                out[i], change=dataclasses.replace(change, q_value=q, significant=q < ALPHA)
            )
    return out
