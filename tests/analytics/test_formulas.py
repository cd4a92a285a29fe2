"""Formulas against values computed by hand."""

from __future__ import annotations

import math

import pytest

from cxlens.analytics.counts import (
    DurationCounts,
    NpsCounts,
    ProportionCounts,
    RetentionCounts,
    ScoreCounts,
)
from cxlens.analytics.formulas import (
    art_value,
    ces_value,
    churn_value,
    csat_value,
    cxi_value,
    mean_value,
    net_value,
    nps_value,
    proportion_value,
    retention_value,
)
from cxlens.analytics.scales import Scale

Z = 1.959963984540054


def test_nps_hand_computed_adjusted_wald() -> None:
    # 10 promoters, 5 passives, 5 detractors out of 20.
    v = nps_value(NpsCounts(n=20, promoters=10, passives=5, detractors=5, ultra_detractors=2))
    assert v.value == pytest.approx(25.0)
    # Adjusted Wald by hand: p = 10.75/23, d = 5.75/23, n = 23.
    p, d = 10.75 / 23, 5.75 / 23
    sd = math.sqrt((p + d - (p - d) ** 2) / 23)
    assert v.ci_low == pytest.approx(100 * (p - d - Z * sd))
    assert v.ci_high == pytest.approx(100 * (p - d + Z * sd))
    assert v.ci_low == pytest.approx(-11.7161, abs=1e-3)
    assert v.ci_high == pytest.approx(55.1944, abs=1e-3)
    assert v.low_confidence is True
    assert v.details["promoters"] == 50.0
    assert v.details["passives"] == 25.0
    assert v.details["detractors"] == 25.0
    assert v.details["ultra_detractors"] == 10.0


def test_nps_interval_is_clipped_and_min_n_flag() -> None:
    v = nps_value(NpsCounts(n=40, promoters=40), min_n=30)
    assert v.value == 100.0
    assert v.ci_high == 100.0
    assert v.ci_low is not None and 80 < v.ci_low < 100
    assert v.low_confidence is False
    assert nps_value(NpsCounts(n=40, promoters=40), min_n=41).low_confidence is True


def test_n_zero_gives_no_value_but_is_reported() -> None:
    v = nps_value(NpsCounts())
    assert (v.n, v.value, v.ci_low, v.ci_high, v.low_confidence) == (0, None, None, None, True)
    assert csat_value(ScoreCounts()).value is None
    assert proportion_value("fcr", ProportionCounts()).value is None
    assert art_value(DurationCounts()).value is None
    assert retention_value(RetentionCounts()).value is None


def test_csat_wilson_by_hand() -> None:
    v = csat_value(ScoreCounts(n=50, positive=40, negative=3, total=205.0, total_sq=900.0))
    p, n = 0.8, 50
    centre = (p + Z**2 / (2 * n)) / (1 + Z**2 / n)
    half = Z * math.sqrt(p * (1 - p) / n + Z**2 / (4 * n * n)) / (1 + Z**2 / n)
    assert v.value == pytest.approx(80.0)
    assert v.ci_low == pytest.approx(100 * (centre - half))
    assert v.ci_high == pytest.approx(100 * (centre + half))
    assert v.details["mean"] == pytest.approx(4.1)


def test_ces_mean_t_interval() -> None:
    scores = [7, 6, 6, 5, 3, 7, 2, 6]
    n, s1, s2 = len(scores), float(sum(scores)), float(sum(x * x for x in scores))
    c = ScoreCounts(n=n, positive=sum(x >= 6 for x in scores), negative=2, total=s1, total_sq=s2)
    v = ces_value(c, Scale(1, 7))
    mean = s1 / n
    sd = math.sqrt(sum((x - mean) ** 2 for x in scores) / (n - 1))
    half = 2.364624251592785 * sd / math.sqrt(n)  # t(0.975, df=7)
    assert v.value == pytest.approx(mean)
    assert v.ci_low == pytest.approx(mean - half)
    assert v.ci_high == pytest.approx(mean + half)
    assert v.details["pct_easy"] == pytest.approx(62.5)


def test_cxi_classic_mean_of_three_nets() -> None:
    eff = ScoreCounts(n=100, positive=60, negative=10)
    ease = ScoreCounts(n=100, positive=50, negative=20)
    emo = ScoreCounts(n=90, positive=30, negative=30)
    v = cxi_value(eff, ease, emo)
    assert v.value == pytest.approx((50 + 30 + 0) / 3)
    assert v.n == 90
    assert v.details == {"effectiveness": 50.0, "ease": 30.0, "emotion": 0.0}
    assert v.ci_low is not None and v.ci_high is not None
    assert v.ci_low < v.value < v.ci_high
    # Conservative: at least as wide as if the three were independent.
    assert (v.ci_high - v.ci_low) / 2 > Z * math.sqrt(
        sum(
            (10_000 * (p / n + q / n - (p / n - q / n) ** 2) / n)
            for p, q, n in ((60, 10, 100), (50, 20, 100), (30, 30, 90))
        )
        / 9
    )
    assert cxi_value(eff, ease, ScoreCounts()).value is None


def test_net_value_single_cxi_question() -> None:
    v = net_value("cxi_ease", ScoreCounts(n=20, positive=10, negative=5))
    assert v.value == pytest.approx(25.0)
    # Same adjusted-Wald interval as NPS with the same counts.
    ref = nps_value(NpsCounts(n=20, promoters=10, passives=5, detractors=5))
    assert (v.ci_low, v.ci_high) == (ref.ci_low, ref.ci_high)


def test_proportions_retention_churn() -> None:
    assert proportion_value("response_rate", ProportionCounts(200, 50)).value == 25.0
    r = retention_value(RetentionCounts(at_start=100, at_end=110, acquired=20, lost=10))
    assert r.value == pytest.approx(90.0)
    assert r.n == 100
    assert r.ci_low is not None and r.ci_low < 90 < (r.ci_high or 0)
    c = churn_value(RetentionCounts(at_start=100, at_end=110, acquired=20, lost=10))
    assert c.value == pytest.approx(10.0)
    bad = retention_value(RetentionCounts(at_start=10, at_end=30, acquired=0))
    assert bad.value == 300.0 and bad.ci_low is None


def test_art_mean_and_quantiles() -> None:
    v = art_value(DurationCounts(n=4, total=10.0, total_sq=30.0, median=2.5, p90=3.7))
    assert v.value == 2.5
    assert v.details == {"median": 2.5, "p90": 3.7}
    merged = DurationCounts(n=1, total=1.0, total_sq=1.0) + DurationCounts(2, 3.0, 5.0)
    assert art_value(merged).details == {"median": None, "p90": None}


def test_rating_mean() -> None:
    v = mean_value("rating", ScoreCounts(n=2, positive=1, total=7.0, total_sq=25.0))
    assert v.value == 3.5
    assert v.details["pct_positive"] == 50.0


def test_the_interval_always_contains_the_reported_value() -> None:
    # One promoter: NPS 100, but the adjusted-Wald interval (centred on the adjusted
    # estimate 25) is -48.5 to 98.5; the reported interval is extended to the value.
    v = nps_value(NpsCounts(n=1, promoters=1))
    assert v.value == 100.0
    assert v.ci_low == pytest.approx(-48.4986, abs=1e-3)
    assert v.ci_high == 100.0
    for n in range(1, 12):
        for plus in range(n + 1):
            for minus in range(n - plus + 1):
                c = NpsCounts(n=n, promoters=plus, passives=n - plus - minus, detractors=minus)
                s = ScoreCounts(n=n, positive=plus, negative=minus)
                for value in (nps_value(c), net_value("cxi_ease", s), cxi_value(s, s, s)):
                    assert value.value is not None
                    assert value.ci_low is not None and value.ci_high is not None
                    assert value.ci_low <= value.value <= value.ci_high
