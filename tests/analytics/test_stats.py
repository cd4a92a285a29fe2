"""Statistical helpers against scipy references."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from cxlens.analytics.stats import (
    normal_two_sided_p,
    t_interval,
    t_quantile,
    t_two_sided_p,
    wilson_interval,
)


def test_quantiles_and_p_values_match_scipy() -> None:
    assert t_quantile(7) == pytest.approx(stats.t.ppf(0.975, 7))
    assert normal_two_sided_p(1.5) == pytest.approx(2 * stats.norm.sf(1.5))
    assert t_two_sided_p(-2.1, 12.5) == pytest.approx(2 * stats.t.sf(2.1, 12.5))


def test_t_interval_matches_scipy() -> None:
    x = np.array([3.0, 4.0, 4.0, 5.0, 1.0, 2.0, 5.0])
    lo, hi = t_interval(x.size, float(x.sum()), float((x * x).sum()))
    ref = stats.t.interval(0.95, x.size - 1, loc=x.mean(), scale=stats.sem(x))
    assert (lo, hi) == pytest.approx(ref)
    assert t_interval(1, 3.0, 9.0) == (None, None)


def test_wilson_matches_scipy_binomtest() -> None:
    ci = stats.binomtest(17, 40).proportion_ci(confidence_level=0.95, method="wilson")
    assert wilson_interval(17, 40) == pytest.approx((ci.low, ci.high))
    assert wilson_interval(0, 10)[0] == 0.0
    with pytest.raises(ValueError):
        wilson_interval(0, 0)
