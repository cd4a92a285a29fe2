"""Metrics with intervals by touchpoint x month on 10 M responses.

cxlens.analytics.engine.compute_metrics against two baselines on the same Arrow table:
hand-written DuckDB SQL (the same counts and formulas, NPS adjusted-Wald and Wilson
intervals written in SQL), and a pandas groupby doing the same. All three take the months
in the same time zone (Europe/Rome by default, so daylight saving time is in play), and
their NPS per touchpoint and month are checked to agree. Goals (issue 2):
<= 1.3x DuckDB SQL, >= 4x faster than pandas, <= 1.5 GB peak RSS.

    python bench/metrics_engine.py [--rows 10000000] [--repeat 3] [--tz Europe/Rome]
"""

from __future__ import annotations

import math
import time
from typing import Any

import numpy as np
import pyarrow as pa

from _common import best_of, goal, parser, peak_rss_mb, print_table
from cxlens.analytics.engine import MetricSpec, ScoreColumn, compute_metrics
from cxlens.analytics.scales import MetricKind, Scale
from cxlens.core.tables import TS

TOUCHPOINTS = (
    "website",
    "checkout",
    "onboarding",
    "usage",
    "support",
    "shipping_returns",
    "renewal",
)
SPEC = MetricSpec(
    scores=(
        ScoreColumn("nps", MetricKind.NPS, Scale(0, 10)),
        ScoreColumn("csat", MetricKind.CSAT, Scale(1, 5)),
        ScoreColumn("ces", MetricKind.CES, Scale(1, 7)),
    ),
    time="submitted_at",
)
Z = 1.959963984540054


def synthetic(rows: int, seed: int = 1) -> pa.Table:
    """Touchpoint, UTC timestamp over two years, NPS 0-10, CSAT 1-5, CES 1-7 (10% missing)."""
    rng = np.random.default_rng(seed)
    start = 1_704_067_200_000_000  # 2024-01-01 UTC in microseconds
    span = 731 * 86_400_000_000
    tp = pa.array(rng.integers(0, len(TOUCHPOINTS), rows).astype(np.int32))
    touchpoint = pa.DictionaryArray.from_arrays(tp, pa.array(TOUCHPOINTS)).cast(pa.string())

    def score(lo: int, hi: int) -> pa.Array:
        values = rng.integers(lo, hi + 1, rows).astype(np.float64)
        return pa.array(values, mask=rng.random(rows) < 0.1)

    return pa.table(
        {
            "touchpoint": touchpoint,
            "submitted_at": pa.array(start + rng.integers(0, span, rows)).cast(TS),
            "nps": score(0, 10),
            "csat": score(1, 5),
            "ces": score(1, 7),
        }
    )


#: (touchpoint, "YYYY-MM") -> (n, NPS) of one contender, to check that they agree.
NpsByGroup = dict[tuple[str, str], tuple[int, float]]


def run_engine(table: pa.Table, tz: str) -> NpsByGroup:
    values = compute_metrics(table, SPEC, by=("touchpoint",), period="month", tz=tz)
    return {
        (str(v.group["touchpoint"]), str(v.period)): (v.n, float(v.value or 0.0))
        for v in values
        if v.metric == "nps"
    }


DUCKDB_SQL = """
WITH counts AS (
  SELECT touchpoint, date_trunc('month', timezone('{tz}', submitted_at)) AS month,
         count(nps) AS n_nps, count_if(nps >= 9) AS prom, count_if(nps <= 6) AS detr,
         count(csat) AS n_csat, count_if(csat >= 4) AS sat, avg(csat) AS csat_mean,
         count(ces) AS n_ces, count_if(ces >= 6) AS easy, avg(ces) AS ces_mean,
         stddev_samp(ces) AS ces_sd
  FROM t GROUP BY ALL
), adj AS (
  SELECT *, (prom + 0.75) / (n_nps + 3) AS pa_, (detr + 0.75) / (n_nps + 3) AS da_,
         {z}::DOUBLE AS z FROM counts
)
SELECT touchpoint, month,
  n_nps, 100.0 * (prom - detr) / n_nps AS nps,
  100 * ((pa_ - da_) - z * sqrt((pa_ + da_ - (pa_ - da_) ^ 2) / (n_nps + 3))) AS nps_lo,
  100 * ((pa_ - da_) + z * sqrt((pa_ + da_ - (pa_ - da_) ^ 2) / (n_nps + 3))) AS nps_hi,
  n_csat, 100.0 * sat / n_csat AS csat, csat_mean,
  100 * (sat / n_csat + z * z / (2 * n_csat)
    - z * sqrt(sat / n_csat * (1 - sat / n_csat) / n_csat + z * z / (4 * n_csat * n_csat)))
    / (1 + z * z / n_csat) AS csat_lo,
  100 * (sat / n_csat + z * z / (2 * n_csat)
    + z * sqrt(sat / n_csat * (1 - sat / n_csat) / n_csat + z * z / (4 * n_csat * n_csat)))
    / (1 + z * z / n_csat) AS csat_hi,
  n_ces, 100.0 * easy / n_ces AS ces_easy, ces_mean,
  ces_mean - 1.96 * ces_sd / sqrt(n_ces) AS ces_lo, ces_mean + 1.96 * ces_sd / sqrt(n_ces) AS ces_hi
FROM adj ORDER BY touchpoint, month
"""


def run_duckdb(table: pa.Table, tz: str) -> NpsByGroup:
    import duckdb

    con = duckdb.connect()
    con.register("t", table)
    rows = con.execute(DUCKDB_SQL.format(tz=tz, z=Z)).fetchall()
    con.close()
    return {(r[0], f"{r[1]:%Y-%m}"): (r[2], r[3]) for r in rows}


def run_pandas(df: Any, tz: str) -> NpsByGroup:
    import pandas as pd

    assert isinstance(df, pd.DataFrame)
    # Local calendar month: convert to the zone, drop it (wall-clock time), then the period.
    month = df["submitted_at"].dt.tz_convert(tz).dt.tz_localize(None).dt.to_period("M")
    work = pd.DataFrame(
        {
            "touchpoint": df["touchpoint"],
            "month": month,
            "nps": df["nps"],
            "prom": df["nps"] >= 9,
            "detr": df["nps"] <= 6,
            "csat": df["csat"],
            "sat": (df["csat"] >= 4).astype(np.float64).where(df["csat"].notna()),
            "ces": df["ces"],
            "easy": (df["ces"] >= 6).astype(np.float64).where(df["ces"].notna()),
        }
    )
    g = work.groupby(["touchpoint", "month"], sort=True).agg(
        n_nps=("nps", "count"),
        prom=("prom", "sum"),
        detr=("detr", "sum"),
        n_csat=("csat", "count"),
        sat=("sat", "sum"),
        csat_mean=("csat", "mean"),
        n_ces=("ces", "count"),
        easy=("easy", "sum"),
        ces_mean=("ces", "mean"),
        ces_sd=("ces", "std"),
    )
    n = g["n_nps"] + 3
    pa_, da_ = (g["prom"] + 0.75) / n, (g["detr"] + 0.75) / n
    half = Z * np.sqrt((pa_ + da_ - (pa_ - da_) ** 2) / n)
    g["nps"] = 100 * (g["prom"] - g["detr"]) / g["n_nps"]
    g["nps_lo"], g["nps_hi"] = 100 * (pa_ - da_ - half), 100 * (pa_ - da_ + half)
    p, m = g["sat"] / g["n_csat"], g["n_csat"]
    centre = (p + Z * Z / (2 * m)) / (1 + Z * Z / m)
    width = Z * np.sqrt(p * (1 - p) / m + Z * Z / (4 * m * m)) / (1 + Z * Z / m)
    g["csat_lo"], g["csat_hi"] = 100 * (centre - width), 100 * (centre + width)
    g["ces_lo"] = g["ces_mean"] - 1.96 * g["ces_sd"] / np.sqrt(g["n_ces"])
    g["ces_hi"] = g["ces_mean"] + 1.96 * g["ces_sd"] / np.sqrt(g["n_ces"])
    return {
        (str(tp), str(m)): (int(n), float(v))
        for (tp, m), n, v in zip(g.index, g["n_nps"], g["nps"], strict=True)
    }


def check_agree(name: str, got: NpsByGroup, want: NpsByGroup) -> None:
    """Stop the benchmark if a contender's NPS per group differs from the engine's."""
    if got.keys() != want.keys():
        raise SystemExit(f"{name} has other groups than the engine: {sorted(got ^ want)[:5]}")
    for key, (n, value) in want.items():
        if got[key][0] != n or not math.isclose(got[key][1], value, abs_tol=1e-9):
            raise SystemExit(f"{name} disagrees with the engine on {key}: {got[key]} {(n, value)}")


def main() -> None:
    p = parser("metrics by touchpoint x month: engine vs DuckDB SQL vs pandas")
    p.add_argument("--rows", type=int, default=10_000_000)
    p.add_argument("--tz", default="Europe/Rome", help="time zone of the months")
    args = p.parse_args()

    t0 = time.perf_counter()
    table = synthetic(args.rows)
    made = time.perf_counter() - t0
    rss_data = peak_rss_mb()
    print(f"{args.rows:,} rows generated in {made:.1f} s; peak RSS {rss_data:.0f} MiB")

    engine_s, engine_nps = best_of(lambda: run_engine(table, args.tz), args.repeat)
    rss_engine = peak_rss_mb()
    duck_s, duck_nps = best_of(lambda: run_duckdb(table, args.tz), args.repeat)
    check_agree("DuckDB SQL", duck_nps, engine_nps)
    df = table.to_pandas()
    pandas_s, pandas_nps = best_of(lambda: run_pandas(df, args.tz), args.repeat)
    check_agree("pandas", pandas_nps, engine_nps)
    groups = len(engine_nps)
    vs_duck = engine_s / duck_s
    vs_pandas = pandas_s / engine_s
    rows = [
        ("cxlens compute_metrics", f"{engine_s:.3f}", "1.00", f"{args.rows / engine_s / 1e6:.1f}"),
        ("DuckDB SQL (hand-written)", f"{duck_s:.3f}", f"{duck_s / engine_s:.2f}",
         f"{args.rows / duck_s / 1e6:.1f}"),
        ("pandas groupby", f"{pandas_s:.3f}", f"{pandas_s / engine_s:.2f}",
         f"{args.rows / pandas_s / 1e6:.1f}"),
    ]  # fmt: skip
    print_table(
        f"metrics with intervals by touchpoint x month ({args.tz}), {args.rows:,} responses, "
        f"{groups} groups",
        rows,
        ("contender", "best s", "time / engine", "M rows/s"),
    )
    print(f"engine / DuckDB SQL = {vs_duck:.2f}x (goal <= 1.3x: {goal(vs_duck <= 1.3)})")
    print(f"pandas / engine = {vs_pandas:.2f}x (goal >= 4x: {goal(vs_pandas >= 4)})")
    print(
        f"peak RSS after the engine runs (data included) = {rss_engine:.0f} MiB "
        f"(goal <= 1536 MiB: {goal(rss_engine <= 1536)}); whole run {peak_rss_mb():.0f} MiB"
    )


if __name__ == "__main__":
    main()
