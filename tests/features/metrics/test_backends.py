"""The same data gives identical metrics on SQLite and PostgreSQL (periods, zones included)."""

from __future__ import annotations

import random
import shutil
from pathlib import Path
from typing import Any

import pytest

import factories as f
from cxlens.db import engine_for_url, unit_of_work
from cxlens.features.imports import import_responses
from cxlens.features.metrics import store_metrics


def metrics_json(url: str, **query: Any) -> list[dict[str, Any]]:
    """The metrics of ``query`` over the same 400 responses, stored at ``url`` (migrated)."""
    engine = engine_for_url(url)
    try:
        rnd = random.Random(7)
        rows = [
            {
                "nps": rnd.randint(0, 10),
                "csat": rnd.randint(1, 5),
                "touchpoint": rnd.choice(["website", "support"]),
                "submitted_at": f.ts("2024-12-28T00:00")
                + rnd.random() * (f.ts("2025-04-03") - f.ts("2024-12-28")),
            }
            for _ in range(400)
        ]
        with unit_of_work(engine) as s:
            import_responses(s, f.responses(rows, [f.NPS_Q, f.CSAT_Q]))
        with unit_of_work(engine) as s:
            return [v.to_json() for v in store_metrics(s, **query)]
    finally:
        engine.dispose()


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("period", "tz"), [("week", "Asia/Kolkata"), ("month", "America/New_York"), ("day", "UTC")]
)
def test_sqlite_and_postgresql_agree(
    tmp_path: Path, sqlite_template: Path, migrated_postgres_url: str, period: str, tz: str
) -> None:
    query = {"by": ("touchpoint",), "period": period, "tz": tz}
    shutil.copyfile(sqlite_template, tmp_path / "a.db")
    on_sqlite = metrics_json(f"sqlite:///{tmp_path / 'a.db'}", **query)
    on_postgres = metrics_json(migrated_postgres_url, **query)
    assert on_sqlite == on_postgres
    assert len(on_sqlite) > 10
