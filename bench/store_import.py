"""Bulk import of 1 M responses into the store (a fresh SQLite file).

cxlens.features.imports.import_responses (one transaction, batched, idempotent: every
response ref is checked) against a baseline of plain ``sqlite3`` ``executemany`` of the
same responses and answers into two bare tables, in the same run.

    python bench/store_import.py [--rows 1000000] [--repeat 1]
"""

from __future__ import annotations

import math
import sqlite3
import tempfile
from pathlib import Path

from _common import best_of, parser, peak_rss_mb, print_table
from cxlens.core.tables import NormalizedResponses
from cxlens.db import engine_for_url, unit_of_work, upgrade
from cxlens.demo import generate
from cxlens.features.imports import import_responses


def run_cxlens(directory: Path, data: NormalizedResponses, run: int) -> int:
    engine = engine_for_url(f"sqlite:///{directory}/store{run}.db")
    upgrade(engine)
    with unit_of_work(engine) as session:
        result = import_responses(session, data)
    engine.dispose()
    return result.answers_added


def run_sqlite(directory: Path, data: NormalizedResponses, run: int) -> int:
    con = sqlite3.connect(directory / f"plain{run}.db")
    con.executescript(
        """
        PRAGMA journal_mode = WAL;
        CREATE TABLE responses (id INTEGER PRIMARY KEY, ref TEXT UNIQUE, submitted_at TEXT,
            customer TEXT, channel TEXT, language TEXT, touchpoint TEXT);
        CREATE TABLE answers (response_id INTEGER, question TEXT, value REAL, text TEXT);
        """
    )
    t = data.table
    cols = ["response_ref", "submitted_at", "customer_ref", "channel", "language", "touchpoint"]
    values = [t.column(c).to_pylist() for c in cols]
    values[1] = [v.isoformat() if v is not None else None for v in values[1]]
    with con:
        con.executemany(
            "INSERT INTO responses VALUES (?, ?, ?, ?, ?, ?, ?)",
            ((i + 1, *row) for i, row in enumerate(zip(*values, strict=True))),
        )
        answers = 0
        for q in data.questions:
            col = t.column(q.column).to_pylist()
            text = q.kind == "text"
            rows = [
                (i + 1, q.column, None if text else v, v if text else None)
                for i, v in enumerate(col)
                if v is not None and not (isinstance(v, float) and math.isnan(v))
            ]
            con.executemany("INSERT INTO answers VALUES (?, ?, ?, ?)", rows)
            answers += len(rows)
    con.close()
    return answers


def main() -> None:
    p = parser("1 M responses into SQLite: cxlens store import vs plain sqlite3")
    p.add_argument("--rows", type=int, default=1_000_000)
    p.set_defaults(repeat=1)
    args = p.parse_args()
    data = generate(seed=9, customers=max(1_000, args.rows // 20), responses=args.rows).responses
    runs = iter(range(1_000))
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        cx_s, answers = best_of(lambda: run_cxlens(d, data, next(runs)), args.repeat)
        rss = peak_rss_mb()
        sq_s, plain_answers = best_of(lambda: run_sqlite(d, data, next(runs)), args.repeat)
        if answers != plain_answers:
            raise SystemExit(f"answers differ: {answers} vs {plain_answers}")
    rows = [
        ("cxlens import_responses", f"{cx_s:.1f}", "1.00", f"{args.rows / cx_s / 1e3:.0f}"),
        ("plain sqlite3 executemany", f"{sq_s:.1f}", f"{sq_s / cx_s:.2f}",
         f"{args.rows / sq_s / 1e3:.0f}"),
    ]  # fmt: skip
    print_table(
        f"store import: {args.rows:,} responses, {answers:,} answers, SQLite file",
        rows,
        ("contender", "best s", "time / cxlens", "k responses/s"),
    )
    print(f"cxlens / plain sqlite3 = {cx_s / sq_s:.1f}x; peak RSS after cxlens {rss:.0f} MiB")


if __name__ == "__main__":
    main()
