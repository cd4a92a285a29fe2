"""Run every benchmark, each in its own process (so peak memory is its own).

    python bench/run_all.py [--quick]

``--quick`` runs them on a tenth of the data, to check they work.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent
BENCHES = (
    ("demo_generate.py", "--responses", 1_000_000),
    ("import_csv.py", "--rows", 1_000_000),
    ("store_import.py", "--rows", 1_000_000),
    ("metrics_engine.py", "--rows", 10_000_000),
    ("survey_submit.py", "--seconds", 20),
    ("text_throughput.py", "--comments", 20_000),
    ("cli_startup.py", "--runs", 20),
)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--quick", action="store_true", help="a tenth of the data")
    args = p.parse_args()
    failed = 0
    for script, flag, size in BENCHES:
        n = size // 10 if args.quick else size
        print(f"\n=== {script} {flag} {n}", flush=True)
        code = subprocess.run([sys.executable, str(HERE / script), flag, str(n)]).returncode
        failed += code != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
