"""Comparison tests against scipy references."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from cxlens.analytics.compare import (
    compare_cxi,
    compare_means,
    compare_nps,
    compare_proportions,
    compare_scores_mean,
)
from cxlens.analytics.counts import NpsCounts, ScoreCounts


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
    flat = compare_scores_mean(ScoreCounts(3, 0, 0, 6.0, 12.0), ScoreCounts(2, 0, 0, 4.0, 8.0))
    assert flat is not None and flat.p_value == 1.0
    assert compare_scores_mean(ScoreCounts(1, 0, 0, 2.0, 4.0), ScoreCounts(5, 0, 0, 5, 5)) is None


def test_cxi_change() -> None:
    a = (ScoreCounts(100, 70, 10),) * 3
    b = (ScoreCounts(100, 40, 30),) * 3
    got = compare_cxi(a, b)
    assert got is not None
    assert got.difference == pytest.approx(50.0)
    assert got.significant
