"""Rendering of metric tables (cli/output.py): q-values, untested changes and no-data notes."""

from __future__ import annotations

import dataclasses
import math

from rich.console import Console

from cxlens.analytics.counts import NpsCounts, ScoreCounts
from cxlens.analytics.formulas import ces_value, nps_value
from cxlens.analytics.results import Comparison, NoData
from cxlens.analytics.scales import Scale
from cxlens.cli.output import metrics_table, no_data_lines


def _text(table: object) -> str:
    console = Console(width=200, record=True, color_system=None)
    console.print(table)
    return console.export_text()


def test_changes_show_q_and_stars_only_where_q_is_small() -> None:
    base = nps_value(NpsCounts(50, 30, 10, 10), period="2025-02")
    starred = Comparison("previous period", 12.0, "z-test", 2.9, 0.004, True, q_value=0.012)
    plain = Comparison("previous period", 8.0, "z-test", 2.0, 0.04, False, q_value=0.09)
    rows = [
        dataclasses.replace(base, change=starred),
        dataclasses.replace(base, period="2025-03", change=plain),
    ]
    text = _text(metrics_table(rows))
    assert "+12.0 * (q=0.012)" in text
    assert "+8.0 (q=0.090)" in text


def test_an_untested_change_says_too_few() -> None:
    base = ces_value(ScoreCounts(3, 2, 0, 12.0, 50.0), Scale(1, 5), period="2025-02")
    few = Comparison(
        "previous period", 0.5, "not tested", math.nan, math.nan, False, note="too few answers"
    )
    text = _text(metrics_table([dataclasses.replace(base, change=few)]))
    assert "+0.50 (too few to test)" in text
    assert "*" not in text


def test_no_data_lines_name_the_metric_and_the_reason() -> None:
    notes = [
        NoData("referral_rate", "no referrals in the store"),
        NoData("csat", "no answers", {"region": "a"}, "2025-Q1"),
        NoData("csat", "no answers", {"region": "b"}, "2025-Q1"),
    ]
    assert no_data_lines(notes) == [
        "Referral rate (%): no data (no referrals in the store)",
        "CSAT (% satisfied): no data in 2 group(s)/period(s) (no answers)",
    ]
