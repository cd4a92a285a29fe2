"""Small statistical building blocks: normal and t quantiles, Wilson and t intervals.

Only the standard library and :mod:`scipy.special` (light to import) are used.
"""

from __future__ import annotations

import math

from scipy.special import ndtr, stdtr, stdtrit

#: Two-sided 95% normal quantile.
Z95 = 1.959963984540054


def normal_two_sided_p(z: float) -> float:
    """Two-sided p-value of a standard normal statistic."""
    if math.isnan(z):
        return math.nan
    return float(2.0 * ndtr(-abs(z)))


def t_two_sided_p(t: float, df: float) -> float:
    """Two-sided p-value of a Student t statistic with ``df`` degrees of freedom."""
    if math.isnan(t) or not df > 0:
        return math.nan
    return float(2.0 * stdtr(df, -abs(t)))


def t_quantile(df: float, q: float = 0.975) -> float:
    """Quantile ``q`` of Student's t with ``df`` degrees of freedom."""
    return float(stdtrit(df, q))


def wilson_interval(hits: float, n: float, z: float = Z95) -> tuple[float, float]:
    """Wilson (1927) score interval for a proportion, as shares in [0, 1]."""
    if n <= 0:
        raise ValueError("n must be positive")
    p = hits / n
    z2 = z * z
    denom = 1.0 + z2 / n
    centre = (p + z2 / (2.0 * n)) / denom
    half = z * math.sqrt(max(p * (1.0 - p) / n + z2 / (4.0 * n * n), 0.0)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def sample_variance(n: int, total: float, total_sq: float) -> float:
    """Unbiased sample variance from the count, sum and sum of squares (0 when n < 2)."""
    if n < 2:
        return 0.0
    mean = total / n
    return max((total_sq - n * mean * mean) / (n - 1), 0.0)


def t_interval(n: int, total: float, total_sq: float) -> tuple[float | None, float | None]:
    """95% t interval for a mean from its sufficient statistics; ``None`` when n < 2."""
    if n < 2:
        return None, None
    mean = total / n
    half = t_quantile(n - 1) * math.sqrt(sample_variance(n, total, total_sq) / n)
    return mean - half, mean + half
