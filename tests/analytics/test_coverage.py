"""Simulation: the 95% intervals cover the true value 95% ± 1.5% of the time.

Each case draws 20,000 samples with numpy (fixed seed) and computes the interval of every
distinct outcome once with our own formula functions, so a case runs in milliseconds.

Note: the Wilson interval's coverage oscillates with the true proportion (Brown, Cai &
DasGupta 2001): at n = 30 and p = 0.7 exactly it is 93.0%. CSAT coverage is therefore
checked over true shares spread over [0.2, 0.9] (each simulated sample draws its own),
which is how the interval behaves across the surveys it is used on. NPS is checked both
for fixed distributions and for truths drawn from a Dirichlet distribution.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from cxlens.analytics.counts import NpsCounts, ScoreCounts
from cxlens.analytics.formulas import csat_value, nps_value

SAMPLES = 20_000
TOLERANCE = 0.015


def _nps_coverage(n: int, probs: np.ndarray[Any, Any], rng: np.random.Generator) -> float:
    counts = rng.multinomial(n, probs)
    true = 100.0 * (probs[:, 0] - probs[:, 2])
    outcomes, inverse = np.unique(counts[:, [0, 2]], axis=0, return_inverse=True)
    lo = np.empty(len(outcomes))
    hi = np.empty(len(outcomes))
    for i, (p, d) in enumerate(outcomes):
        v = nps_value(NpsCounts(n, int(p), n - int(p) - int(d), int(d)))
        assert v.ci_low is not None and v.ci_high is not None
        lo[i], hi[i] = v.ci_low, v.ci_high
    inverse = inverse.ravel()
    return float(np.mean((lo[inverse] <= true) & (true <= hi[inverse])))


@pytest.mark.parametrize("n", [30, 100, 1000])
@pytest.mark.parametrize("dist", [(0.5, 0.3, 0.2), (0.3, 0.3, 0.4), (0.6, 0.25, 0.15)])
def test_nps_coverage_fixed_distribution(n: int, dist: tuple[float, float, float]) -> None:
    rng = np.random.default_rng(20250314 + n)
    probs = np.tile(np.array(dist), (SAMPLES, 1))
    assert abs(_nps_coverage(n, probs, rng) - 0.95) <= TOLERANCE


@pytest.mark.parametrize("n", [30, 100, 1000])
def test_nps_coverage_random_truths(n: int) -> None:
    rng = np.random.default_rng(7 + n)
    probs = rng.dirichlet((4.0, 3.0, 3.0), size=SAMPLES)
    assert abs(_nps_coverage(n, probs, rng) - 0.95) <= TOLERANCE


@pytest.mark.parametrize("n", [30, 100, 1000])
def test_csat_wilson_coverage(n: int) -> None:
    rng = np.random.default_rng(11 + n)
    p = rng.uniform(0.2, 0.9, SAMPLES)
    hits = rng.binomial(n, p)
    outcomes, inverse = np.unique(hits, return_inverse=True)
    lo = np.empty(len(outcomes))
    hi = np.empty(len(outcomes))
    for i, k in enumerate(outcomes):
        v = csat_value(ScoreCounts(n=n, positive=int(k)))
        assert v.ci_low is not None and v.ci_high is not None
        lo[i], hi[i] = v.ci_low, v.ci_high
    inverse = inverse.ravel()
    covered = (lo[inverse] <= 100 * p) & (100 * p <= hi[inverse])
    assert abs(float(np.mean(covered)) - 0.95) <= TOLERANCE


def test_a_too_narrow_interval_would_fail() -> None:
    """The simulation can fail: a plain Wald NPS interval at n = 30 undercovers."""
    rng = np.random.default_rng(1)
    n = 30
    counts = rng.multinomial(n, (0.6, 0.25, 0.15), size=SAMPLES)
    p, d = counts[:, 0] / n, counts[:, 2] / n
    sd = 100 * np.sqrt(np.maximum(p + d - (p - d) ** 2, 0) / n)
    centre = 100 * (p - d)
    covered = np.abs(centre - 45.0) <= 1.96 * sd
    assert np.mean(covered) < 0.95 - TOLERANCE
