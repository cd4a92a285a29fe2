"""Comparison tests against scipy references."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from scipy import stats

from cxlens.analytics.compare import (
    EXACT_TEST,
    MIN_TEST_N,
    NOT_TESTED,
    adjust_for_multiple_tests,
    compare_cxi,
    compare_means,
    compare_nps,
    compare_proportions,
    compare_scores_mean,
    exact_net_p,
)
from cxlens.analytics.counts import NpsCounts, ScoreCounts
from cxlens.analytics.formulas import nps_value
from cxlens.analytics.results import Comparison, MetricValue


def test_welch_matches_scipy_on_raw_data() -> None:
    rng = np.random.default_rng(1)
    a = rng.integers(1, 8, 40).astype(float)
    b = rng.integers(2, 8, 55).astype(float)
    got = compare_means(a.size, a.sum(), (a * a).sum(), b.size, b.sum(), (b * b).sum())
    ref = stats.ttest_ind(a, b, equal_var=False)
    assert got is not None
    assert got.statistic == pytest.approx(ref.statistic)
    assert got.p_value == pytest.approx(ref.pvalue)
    assert got.difference == pytest.approx(a.mean() - b.mean())
    assert got.test == "Welch t-test"
    assert got.significant == (ref.pvalue < 0.05)


def test_two_proportion_z_matches_chi_square() -> None:
    got = compare_proportions(120, 200, 90, 200)
    table = np.array([[120, 80], [90, 110]])
    chi2, p, _, _ = stats.chi2_contingency(table, correction=False)
    assert got is not None
    assert got.p_value == pytest.approx(p)
    assert got.statistic == pytest.approx(math.sqrt(chi2))
    assert got.difference == pytest.approx(15.0)
    assert got.significant


def test_nps_z_test_by_hand() -> None:
    cur = NpsCounts(n=200, promoters=100, passives=60, detractors=40)
    prev = NpsCounts(n=150, promoters=60, passives=45, detractors=45)
    got = compare_nps(cur, prev)

    def var(p: float, d: float, n: int) -> float:
        return 100**2 * (p + d - (p - d) ** 2) / n

    diff = 100 * (0.5 - 0.2) - 100 * (0.4 - 0.3)
    z = diff / math.sqrt(var(0.5, 0.2, 200) + var(0.4, 0.3, 150))
    assert got is not None
    assert got.difference == pytest.approx(20.0)
    assert got.statistic == pytest.approx(z)
    assert got.p_value == pytest.approx(2 * stats.norm.sf(abs(z)))
    assert compare_nps(cur, NpsCounts()) is None


def test_degenerate_cases() -> None:
    same = compare_proportions(10, 10, 5, 5)
    assert same is not None and same.p_value == 1.0 and not same.significant
    flat = compare_scores_mean(
        ScoreCounts(30, 0, 0, 60.0, 120.0), ScoreCounts(40, 0, 0, 80.0, 160.0)
    )
    assert flat is not None and flat.p_value == 1.0
    assert compare_scores_mean(ScoreCounts(0, 0, 0, 0.0, 0.0), ScoreCounts(5, 0, 0, 5, 5)) is None


def test_cxi_change() -> None:
    a = (ScoreCounts(100, 70, 10),) * 3
    b = (ScoreCounts(100, 40, 30),) * 3
    got = compare_cxi(a, b)
    assert got is not None
    assert got.difference == pytest.approx(50.0)
    assert got.significant


# --------------------------------------------------------------------------- small n


def _nps(x: np.ndarray, axis: int = -1) -> np.ndarray:
    return 100.0 * ((x >= 9).mean(axis=axis) - (x <= 6).mean(axis=axis))


def _scipy_exact_p(a: np.ndarray, b: np.ndarray) -> float:
    """scipy's exact permutation test of |NPS(a) - NPS(b)| on the raw answers."""
    result = stats.permutation_test(
        (a, b),
        lambda x, y, axis: np.abs(_nps(x, axis) - _nps(y, axis)),
        permutation_type="independent",
        n_resamples=np.inf,
        vectorized=True,
        alternative="greater",
    )
    return float(result.pvalue)


def _counts(x: np.ndarray) -> NpsCounts:
    p, d = int((x >= 9).sum()), int((x <= 6).sum())
    return NpsCounts(int(x.size), p, int(x.size) - p - d, d)


def test_one_against_three_is_not_significant() -> None:
    # The z-test called this "significant" (p = 0.034 on the store); one answer cannot be.
    nps = compare_nps(NpsCounts(1, 1, 0, 0), NpsCounts(3, 0, 1, 2))
    share = compare_proportions(1, 1, 0, 3)
    for change in (nps, share):
        assert change is not None
        assert change.test == EXACT_TEST
        assert not change.significant
        # one of four answers is the promoter: the answer alone on its side is it 1 in 4 times
        assert change.p_value == pytest.approx(0.25)


@pytest.mark.parametrize("seed", range(6))
def test_exact_test_matches_scipy_permutation_test(seed: int) -> None:
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 11, int(rng.integers(2, 7)))
    b = rng.integers(0, 11, int(rng.integers(2, 8)))
    got = compare_nps(_counts(a), _counts(b))
    assert got is not None and got.test == EXACT_TEST
    assert got.p_value == pytest.approx(_scipy_exact_p(a, b), rel=1e-9)
    assert got.difference == pytest.approx(_nps(a) - _nps(b))


def test_exact_test_of_proportions_matches_scipy() -> None:
    a = np.array([1, 1, 1, 0, 1, 1, 1, 1])
    b = np.array([0, 0, 1, 0, 0, 1])
    ref = stats.permutation_test(
        (a, b),
        lambda x, y, axis: np.abs(x.mean(axis=axis) - y.mean(axis=axis)),
        permutation_type="independent",
        n_resamples=np.inf,
        vectorized=True,
        alternative="greater",
    )
    assert exact_net_p(7, 0, 8, 2, 0, 6) == pytest.approx(ref.pvalue)
    got = compare_proportions(7, 8, 2, 6)
    assert got is not None and got.p_value == pytest.approx(ref.pvalue)


def test_exact_test_holds_its_level_at_small_n() -> None:
    # Same true distribution on both sides: an exact test rejects at most 5% of the time.
    rng = np.random.default_rng(7)
    probs = [0.4, 0.3, 0.3]
    rejected = 0
    trials = 2000
    for _ in range(trials):
        a, b = rng.multinomial(5, probs), rng.multinomial(4, probs)
        change = compare_nps(NpsCounts(5, a[0], a[1], a[2]), NpsCounts(4, b[0], b[1], b[2]))
        assert change is not None
        rejected += change.significant
    assert rejected / trials <= 0.05


def test_large_samples_keep_the_z_test() -> None:
    got = compare_nps(NpsCounts(100, 50, 30, 20), NpsCounts(100, 30, 30, 40))
    assert got is not None and got.test == "z-test"


def test_means_on_too_few_answers_are_not_tested() -> None:
    few = compare_scores_mean(ScoreCounts(3, 0, 0, 15.0, 75.0), ScoreCounts(40, 0, 0, 40, 40))
    assert few is not None
    assert few.test == NOT_TESTED and not few.significant and math.isnan(few.p_value)
    assert few.note is not None and "too few" in few.note
    assert few.difference == pytest.approx(4.0)
    enough = ScoreCounts(MIN_TEST_N, 0, 0, 3.0 * MIN_TEST_N, 10.0 * MIN_TEST_N)
    assert compare_scores_mean(enough, enough) is not None
    small = (ScoreCounts(5, 3, 1),) * 3
    cxi = compare_cxi(small, (ScoreCounts(100, 40, 30),) * 3)
    assert cxi is not None and cxi.test == NOT_TESTED


# --------------------------------------------------------------------------- many tests


def _with_change(metric: str, p: float, period: str) -> MetricValue:
    change = Comparison("previous period", 1.0, "z-test", 2.0, p, p < 0.05)
    value = nps_value(NpsCounts(50, 20, 20, 10), period=period)
    return dataclasses.replace(value, metric=metric, change=change)


def test_benjamini_hochberg_per_metric() -> None:
    ps = [0.001, 0.01, 0.03, 0.04, 0.2, 0.5]
    values = [_with_change("nps", p, f"2025-0{i + 1}") for i, p in enumerate(ps)]
    values.append(_with_change("csat", 0.03, "2025-01"))  # alone in its family: q = p
    untested = _with_change("nps", math.nan, "2025-09")
    values.append(untested)
    got = adjust_for_multiple_tests(values)
    expected = stats.false_discovery_control(ps, method="bh")
    qs = [v.change.q_value for v in got[:6]]
    assert qs == pytest.approx(list(expected))
    # p = 0.03 and 0.04 were "significant" alone; among six tests they are not.
    assert [v.change.significant for v in got[:6]] == [True, True, False, False, False, False]
    assert got[6].change.q_value == pytest.approx(0.03) and got[6].change.significant
    assert got[7].change.q_value is None and not got[7].change.significant
