"""Bulk import of responses into the store: cxlens against raw driver inserts.

Builds a normalised responses table of N responses (3 questions: NPS, CSAT and a comment on
a third of them) with numpy/pyarrow, then imports it with
``cxlens.features.imports.import_responses`` (one transaction, batched, idempotent: every
response ref is checked) into a fresh SQLite file, and into PostgreSQL when
``CXLENS_BENCH_POSTGRES_URL`` is set (a fresh database is created there and dropped).

Baselines, in the same run on the same rows: plain ``sqlite3`` ``executemany`` of the same
responses and answers into two equivalent bare tables (id primary keys, no other index);
on PostgreSQL, ``COPY`` of the same rows into two equivalent bare tables.

    python bench/store_import.py [--rows 500000] [--repeat 1]
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from _common import best_of, parser, peak_rss_mb, print_table
from cxlens.core.tables import RESPONSES, TS, NormalizedResponses, QuestionColumn
from cxlens.db import engine_for_url, unit_of_work, upgrade
from cxlens.features.imports import import_responses

QUESTIONS = (
    QuestionColumn("nps", "How likely are you to recommend us?", "nps", 0, 10),
    QuestionColumn("csat", "How satisfied are you?", "csat", 1, 5),
    QuestionColumn("comment", "Anything else?", "text"),
)
TOUCHPOINTS = ["website", "checkout", "onboarding", "usage", "support", "shipping_returns"]
CHANNELS = ["email", "web", "sms", "widget"]
LANGUAGES = ["en", "it", "ro", "nl", "fr", "de", "es"]
COMMENTS = [
    "Delivery was late again, third time this month.",
    "Great service, the agent solved it in minutes!",
    "Prima, maar de app crasht soms.",
    "Il pacco è arrivato danneggiato.",
    'Too expensive for what it is; "premium" my foot.',
]


def build(n: int, seed: int = 7) -> NormalizedResponses:
    """N responses with refs, dates over two years, customers, touchpoints and 3 questions."""
    rng = np.random.default_rng(seed)
    start = np.datetime64("2024-01-01T00:00:00", "us").astype(np.int64)
    seconds = rng.integers(0, 2 * 365 * 86_400, n) * 1_000_000
    refs = pc.binary_join_element_wise("resp-", pa.array(np.arange(n)).cast(pa.string()), "")

    def pick(values: list[str], p_null: float = 0.0) -> pa.Array:
        idx = rng.integers(0, len(values), n)
        mask = rng.random(n) < p_null if p_null else None
        return pa.DictionaryArray.from_arrays(idx, values, mask=mask).cast(pa.string())

    customers = pc.binary_join_element_wise(
        "cust-", pa.array(rng.integers(0, max(1, n // 10), n)).cast(pa.string()), ""
    )
    nps = rng.integers(0, 11, n).astype(np.float64)
    csat = rng.integers(1, 6, n).astype(np.float64)
    columns: dict[str, Any] = {
        "response_ref": refs,
        "submitted_at": pa.array(start + seconds, pa.int64()).cast(TS),
        "customer_ref": customers,
        "account_ref": pa.nulls(n, pa.string()),
        "channel": pick(CHANNELS),
        "source": pa.array(["bench"] * n, pa.string()),
        "language": pick(LANGUAGES),
        "touchpoint": pick(TOUCHPOINTS),
        "nps": pa.array(nps, mask=rng.random(n) < 0.05),
        "csat": pa.array(csat, mask=rng.random(n) < 0.1),
        "comment": pick(COMMENTS, p_null=2 / 3),
    }
    table = pa.table(columns)
    assert table.schema.names[: len(RESPONSES.names)] == RESPONSES.names
    return NormalizedResponses(table=table, questions=QUESTIONS, survey_name="Bench survey")


def answer_count(data: NormalizedResponses) -> int:
    """Answers the import should store: non-null scores and non-empty texts."""
    return sum(data.table.num_rows - data.table.column(q.column).null_count for q in QUESTIONS)


# --- cxlens ---------------------------------------------------------------------------------


def migrated(url: str) -> str:
    """``url`` after migrating its (fresh) database to head."""
    engine = engine_for_url(url)
    upgrade(engine)
    engine.dispose()
    return url


def time_cxlens(urls: Iterator[str], data: NormalizedResponses, repeat: int) -> tuple[float, int]:
    """Best time of ``import_responses`` in one unit of work on a fresh migrated database
    (migration not timed); the answers added."""
    best, answers = float("inf"), 0
    for _ in range(repeat):
        engine = engine_for_url(migrated(next(urls)))
        with unit_of_work(engine) as session:  # warm the pool: connecting is not importing
            session.connection()
        t0 = time.perf_counter()
        with unit_of_work(engine) as session:
            answers = import_responses(session, data).answers_added
        best = min(best, time.perf_counter() - t0)
        engine.dispose()
    return best, answers


# --- baselines --------------------------------------------------------------------------------

BARE_TABLES = """
CREATE TABLE responses (id INTEGER PRIMARY KEY, response_ref TEXT, source TEXT,
    submitted_at TEXT, customer_id INTEGER, channel TEXT, language TEXT, touchpoint_id INTEGER);
CREATE TABLE answers (id INTEGER PRIMARY KEY, response_id INTEGER, question_id INTEGER,
    value REAL, text TEXT);
"""


def _plain_rows(data: NormalizedResponses) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    t = data.table
    n = t.num_rows
    ids = range(1, n + 1)
    when = pc.strftime(t.column("submitted_at"), "%Y-%m-%d %H:%M:%S").to_pylist()
    cust = pc.cast(pc.utf8_slice_codeunits(t.column("customer_ref"), 5), pa.int64()).to_pylist()
    tp = pc.index_in(t.column("touchpoint"), pa.array(TOUCHPOINTS)).to_pylist()
    responses = list(
        zip(
            ids,
            t.column("response_ref").to_pylist(),
            t.column("source").to_pylist(),
            when,
            cust,
            t.column("channel").to_pylist(),
            t.column("language").to_pylist(),
            tp,
            strict=True,
        )
    )
    answers: list[tuple[Any, ...]] = []
    for qid, q in enumerate(QUESTIONS, start=1):
        values = t.column(q.column).to_pylist()
        if q.kind == "text":
            answers.extend(
                (None, i, qid, None, v) for i, v in zip(ids, values, strict=True) if v is not None
            )
        else:
            answers.extend(
                (None, i, qid, v, None) for i, v in zip(ids, values, strict=True) if v is not None
            )
    return responses, answers


def run_sqlite(path: Path, data: NormalizedResponses) -> int:
    """Plain sqlite3 executemany of the same rows into bare tables (WAL, one transaction)."""
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode = WAL")
    con.execute("PRAGMA synchronous = NORMAL")
    con.executescript(BARE_TABLES)
    responses, answers = _plain_rows(data)
    with con:
        con.executemany("INSERT INTO responses VALUES (?, ?, ?, ?, ?, ?, ?, ?)", responses)
        con.executemany("INSERT INTO answers VALUES (?, ?, ?, ?, ?)", answers)
    con.close()
    return len(answers)


def run_postgres_copy(url: str, data: NormalizedResponses) -> int:
    """psycopg COPY of the same rows into bare tables (one transaction)."""
    import psycopg

    responses, answers = _plain_rows(data)
    pg_url = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(pg_url) as con, con.cursor() as cur:
        cur.execute(
            BARE_TABLES.replace("INTEGER PRIMARY KEY", "BIGSERIAL PRIMARY KEY").replace(
                "REAL", "DOUBLE PRECISION"
            )
        )
        cols = "id, response_ref, source, submitted_at, customer_id, channel, language, "
        with cur.copy(f"COPY responses ({cols}touchpoint_id) FROM STDIN") as copy:
            for row in responses:
                copy.write_row(row)
        with cur.copy("COPY answers (response_id, question_id, value, text) FROM STDIN") as copy:
            for row in answers:
                copy.write_row(row[1:])
    return len(answers)


@contextmanager
def fresh_postgres(admin_url: str) -> Iterator[Callable[[], str]]:
    """A factory of fresh PostgreSQL databases, all dropped at the end."""
    if admin_url.startswith("postgresql://"):
        admin_url = "postgresql+psycopg://" + admin_url.removeprefix("postgresql://")
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    names: list[str] = []

    def new() -> str:
        name = f"cxlens_bench_{uuid.uuid4().hex[:10]}"
        with admin.connect() as c:
            c.execute(text(f'CREATE DATABASE "{name}"'))
        names.append(name)
        return make_url(admin_url).set(database=name).render_as_string(hide_password=False)

    try:
        yield new
    finally:
        with admin.connect() as c:
            for name in names:
                c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main() -> None:
    p = parser("responses into the store: cxlens import_responses vs raw driver inserts")
    p.add_argument("--rows", type=int, default=500_000)
    p.set_defaults(repeat=1)
    args = p.parse_args()
    n = args.rows
    t0 = time.perf_counter()
    data = build(n)
    expected = answer_count(data)
    print(f"built {n:,} responses, {expected:,} answers in {time.perf_counter() - t0:.1f} s")
    results: list[tuple[str, ...]] = []

    def row(name: str, seconds: float, base: float) -> tuple[str, ...]:
        return (
            name,
            f"{seconds:.2f}",
            f"{n / seconds / 1e3:.0f}",
            f"{expected / seconds / 1e3:.0f}",
            f"{seconds / base:.2f}",
        )

    with tempfile.TemporaryDirectory() as tmp:
        runs = iter(range(1_000))
        d = Path(tmp)
        base_s, plain = best_of(lambda: run_sqlite(d / f"plain{next(runs)}.db", data), args.repeat)
        urls = (f"sqlite:///{d}/store{i}.db" for i in range(1_000))
        cx_s, answers = time_cxlens(urls, data, args.repeat)
        if answers != expected or plain != expected:
            raise SystemExit(f"answers differ: {answers} / {plain} vs {expected}")
        results.append(row("plain sqlite3 executemany (bare tables)", base_s, base_s))
        results.append(row("cxlens import_responses, SQLite", cx_s, base_s))
    pg_admin = os.environ.get("CXLENS_BENCH_POSTGRES_URL")
    if pg_admin:
        with fresh_postgres(pg_admin) as new_db:
            pg_base, plain = best_of(lambda: run_postgres_copy(new_db(), data), args.repeat)
            pg_s, answers = time_cxlens((new_db() for _ in range(1_000)), data, args.repeat)
        if answers != expected or plain != expected:
            raise SystemExit(f"answers differ on PostgreSQL: {answers} / {plain} vs {expected}")
        results.append(row("plain psycopg COPY (bare tables), PostgreSQL", pg_base, pg_base))
        results.append(row("cxlens import_responses, PostgreSQL", pg_s, pg_base))
    print_table(
        f"store import: {n:,} responses, {expected:,} answers",
        results,
        ("contender", "best s", "k responses/s", "k answers/s", "time / baseline"),
    )
    print(f"peak RSS {peak_rss_mb():.0f} MiB")


if __name__ == "__main__":
    main()
