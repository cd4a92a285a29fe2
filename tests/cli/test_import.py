"""``cxlens import`` of faulty files: an error naming the row, or the bad rows skipped and listed.

Real files, a real SQLite file and a real PostgreSQL database.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from sqlalchemy import func, select
from typer.testing import CliRunner

from cxlens.cli.main import app
from cxlens.db import engine_for_url
from cxlens.models import Answer, Response

runner = CliRunner()


def _run(*args: str, env: dict[str, str]) -> tuple[int, str]:
    result = runner.invoke(app, list(args), env=env, catch_exceptions=False)
    return result.exit_code, " ".join(result.output.split())  # whatever the terminal width


def _count(url: str, model: type) -> int:
    engine = engine_for_url(url)
    try:
        with engine.connect() as connection:
            return int(connection.execute(select(func.count()).select_from(model)).scalar_one())
    finally:
        engine.dispose()


def _survey(path: Path, bad_score: str | None) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "date", "How likely are you to recommend us?"])
        for i in range(10_000):
            score = bad_score if i == 4_998 and bad_score is not None else str(i % 11)
            writer.writerow([f"r{i}", f"2024-05-{1 + i % 28:02d} 09:00:00", score])
    return path


def test_a_score_outside_the_scale_fails_then_the_corrected_file_imports(
    database_url: str, tmp_path: Path
) -> None:
    env = {"CXLENS_DATABASE_URL": database_url}
    faulty = _survey(tmp_path / "survey.csv", "11")  # file row 5,000
    code, out = _run("import", str(faulty), env=env)
    assert code == 2, out
    assert "row 5000" in out and "How likely are you to recommend us?" in out
    assert "integers from 0 to 10" in out and "--skip-bad-rows" in out
    assert _count(database_url, Response) == 0

    code, out = _run("import", str(faulty), "--skip-bad-rows", "--json", env=env)
    assert code == 0, out
    data = json.loads(out)
    assert (data["rows"], data["added"]) == (10_000, 9_999)
    assert [(s["row"], s["value"]) for s in data["skipped_rows"]] == [(5000, "11")]

    fixed = _survey(tmp_path / "survey.csv", None)
    code, out = _run("import", str(fixed), env=env)
    assert code == 0, out
    assert "1 added, 0 updated, 9999 already in the store" in out
    assert _count(database_url, Answer) == 10_000


def test_skipped_rows_are_listed_in_the_output(database_url: str, tmp_path: Path) -> None:
    env = {"CXLENS_DATABASE_URL": database_url}
    path = tmp_path / "small.csv"
    path.write_text(
        "id,date,nps\n1,2024-05-01 09:00:00,9\n2,2024-05-02 09:00:00,[b]x[/b]\n"
        "3,2024-05-03 09:00:00,10\n4,2024-05-03 09:00:00,3\n5,2024-05-03 09:00:00,4\n",
        encoding="utf-8",
    )
    code, out = _run("import", str(path), "--nps", "nps", "--skip-bad-rows", env=env)
    assert code == 0, out
    assert "4 added" in out and "skipped 1 row(s)" in out
    assert "row 3, column 'nps': value '[b]x[/b]'" in out
