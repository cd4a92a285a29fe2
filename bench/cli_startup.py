"""How long ``cxlens --help`` takes, against Python importing typer and rich.

    python bench/cli_startup.py [--runs 15]

Each contender runs in a fresh interpreter, ``--runs`` times, interleaved (so a busy
machine slows all of them alike); the table gives the median and best wall time of each
and the ratio of medians to the baseline measured in the same run: ``python -c "import
typer, rich"``. Goal: ``cxlens --help`` within 3× the baseline. Which modules ``--help``
may not import is a test (tests/cli/test_startup.py); this is the figure.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from _common import goal, print_table

SRC = str(Path(__file__).resolve().parent.parent / "src")

CONTENDERS = (
    ("python -c 'import typer, rich' (baseline)", ["-c", "import typer, rich"]),
    ("cxlens --help", ["-m", "cxlens", "--help"]),
    ("cxlens survey --help", ["-m", "cxlens", "survey", "--help"]),
    ("cxlens version", ["-m", "cxlens", "version"]),
)


def _once(args: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(
        [sys.executable, *args], env=env, check=True, stdout=subprocess.DEVNULL, stderr=None
    )
    return time.perf_counter() - t0


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--runs", type=int, default=15, help="runs of each contender")
    args = p.parse_args()
    env = dict(os.environ)
    env["PYTHONPATH"] = SRC + os.pathsep + env.get("PYTHONPATH", "")
    for _, argv in CONTENDERS:  # warm the file cache and the .pyc files
        _once(argv, env)
    times: dict[str, list[float]] = {name: [] for name, _ in CONTENDERS}
    for _ in range(args.runs):
        for name, argv in CONTENDERS:
            times[name].append(_once(argv, env))
    baseline = statistics.median(times[CONTENDERS[0][0]])
    rows = []
    for name, _ in CONTENDERS:
        median = statistics.median(times[name])
        ratio = median / baseline
        target = "—" if name.endswith("(baseline)") else f"≤ 3.0: {goal(ratio <= 3.0)}"
        rows.append((name, f"{median:.3f}", f"{min(times[name]):.3f}", f"{ratio:.2f}", target))
    print_table(
        f"CLI start-up, {args.runs} runs each",
        rows,
        ("contender", "median s", "best s", "median / baseline", "goal"),
    )
    help_ratio = statistics.median(times["cxlens --help"]) / baseline
    return 0 if help_ratio <= 3.0 else 1


if __name__ == "__main__":
    sys.exit(main())
