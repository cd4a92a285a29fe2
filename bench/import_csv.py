"""Reading and normalising a 1 M-row survey export with cxlens.ingest.

Writes a CSV like a survey tool's export (id, timestamp, NPS, CSAT, a free-text comment
written by the demo generator: commas, quotes, emojis, eight languages) to a temporary
directory, then times cxlens reading it (encoding detection, CSV sniffing, format
detection, column mapping, value conversion) against ``pyarrow.csv.read_csv`` on the same
file. Goal (issue 2): >= 300 k rows/s, <= 1.5 GB peak RSS.

    python bench/import_csv.py [--rows 1000000] [--repeat 3]
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import best_of, goal, parser, peak_rss_mb, print_table

NPS = "How likely are you to recommend Northwind Goods to a friend? (0-10)"
CSAT = "How satisfied were you with your order? (1-5)"
COMMENT = "Any other comments?"


def write_export(path: Path, rows: int) -> None:
    """A survey-export-like CSV of ``rows`` responses from the demo generator."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pcsv

    from cxlens.demo import generate

    demo = generate(seed=5, customers=max(1_000, rows // 20), years=2, responses=rows)
    t = demo.responses.table
    table = pa.table(
        {
            "id": t.column("response_ref"),
            "submitted_at": pc.strftime(t.column("submitted_at"), format="%Y-%m-%d %H:%M:%S"),
            NPS: t.column("nps").cast(pa.int64()),
            CSAT: t.column("csat").cast(pa.int64()),
            COMMENT: t.column("comment"),
        }
    )
    pcsv.write_csv(table, path)


def run_cxlens(path: Path) -> int:
    from cxlens.ingest.formats import detect_format
    from cxlens.ingest.mapping import build_mapping, normalize
    from cxlens.ingest.raw import read_raw

    raw = read_raw(path)
    detected = detect_format(raw)
    mapping = build_mapping(detected.raw, detected.format)
    if len(mapping.scores) != 2 or mapping.time is None:
        raise SystemExit(f"unexpected mapping: {mapping}")
    data = normalize(detected.raw, mapping)
    return int(data.table.num_rows)


def run_analyze(path: Path) -> int:
    from cxlens.features.analysis.service import analyze_file

    return len(analyze_file(path).metrics)


def run_pyarrow(path: Path) -> int:
    import pyarrow.csv as pcsv

    return int(pcsv.read_csv(path).num_rows)


def main() -> None:
    p = parser("1 M-row CSV: cxlens ingest vs pyarrow.csv.read_csv")
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--write-only", type=Path, help=argparse_help())
    args = p.parse_args()
    if args.write_only:
        write_export(args.write_only, args.rows)
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.csv"
        t0 = time.perf_counter()
        # Written by a child process, so that its memory is not counted here.
        subprocess.run(
            [sys.executable, __file__, "--rows", str(args.rows), "--write-only", str(path)],
            check=True,
        )
        size = path.stat().st_size / 2**20
        print(f"{args.rows:,} rows, {size:.0f} MiB written in {time.perf_counter() - t0:.1f} s")
        cx_s, n = best_of(lambda: run_cxlens(path), args.repeat)
        rss = peak_rss_mb()
        if n != args.rows:
            raise SystemExit(f"cxlens read {n} rows, expected {args.rows}")
        an_s, _ = best_of(lambda: run_analyze(path), args.repeat)
        pa_s, _ = best_of(lambda: run_pyarrow(path), args.repeat)
    rate = args.rows / cx_s
    rows = [
        ("cxlens ingest (read, detect, map, normalise)", f"{cx_s:.2f}", "1.00",
         f"{rate / 1e3:.0f}"),
        ("cxlens analyze_file (ingest + metrics)", f"{an_s:.2f}", f"{an_s / cx_s:.2f}",
         f"{args.rows / an_s / 1e3:.0f}"),
        ("pyarrow.csv.read_csv (baseline)", f"{pa_s:.2f}", f"{pa_s / cx_s:.2f}",
         f"{args.rows / pa_s / 1e3:.0f}"),
    ]  # fmt: skip
    print_table(
        f"import of a {args.rows:,}-row CSV ({size:.0f} MiB)",
        rows,
        ("contender", "best s", "time / cxlens", "k rows/s"),
    )
    print(f"cxlens ingest = {rate / 1e3:.0f} k rows/s (goal >= 300 k: {goal(rate >= 300e3)})")
    print(f"cxlens / pyarrow = {cx_s / pa_s:.1f}x")
    print(f"peak RSS after cxlens ingest = {rss:.0f} MiB (goal <= 1536 MiB: {goal(rss <= 1536)})")


def argparse_help() -> str:
    return "only write the CSV to this path (used internally)"


if __name__ == "__main__":
    main()
