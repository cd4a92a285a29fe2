from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from cxlens.cli.main import app

runner = CliRunner()


def _file(tmp_path: Path) -> Path:
    path = tmp_path / "feedback.csv"
    path.write_text(
        "id;score;comment\n"
        "1;2;Livrarea a întârziat două săptămâni, nu mai comand\n"
        "2;10;\n"
        "3;9;Het personeel was super vriendelijk\n",
        encoding="utf-8",
    )
    return path


def test_jsonl_prints_one_object_per_comment(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["text", "analyze", str(_file(tmp_path)), "--column", "comment", "--jsonl"]
    )
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert [o["row"] for o in lines] == [0, 2]
    first = lines[0]
    assert list(first) == [
        "row", "language", "language_confidence", "sentiment", "sentiment_score", "themes",
        "model",
    ]  # fmt: skip
    assert first["language"] == "ro" and first["sentiment"] == "negative"
    assert first["themes"][0] == {
        "theme": "shipping & delivery",
        "score": first["themes"][0]["score"],
        "sentiment": "negative",
    }
    assert lines[1]["language"] == "nl"


def test_summary_and_unknown_column(tmp_path: Path) -> None:
    path = _file(tmp_path)
    result = runner.invoke(app, ["text", "analyze", str(path), "--column", "comment"])
    assert result.exit_code == 0, result.output
    assert "Sentiment and top themes by language" in result.stdout
    bad = runner.invoke(app, ["text", "analyze", str(path), "--column", "nope"])
    assert bad.exit_code == 2
    assert "no column 'nope'" in bad.output and "'comment'" in bad.output
