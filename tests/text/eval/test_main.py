from __future__ import annotations

from pathlib import Path

import pytest

from cxlens.text.eval.__main__ import main
from cxlens.text.eval.report import replace_section
from cxlens.text.types import BackendUnavailable, TextAnalyzer

from .conftest import KeywordAnalyzer


def _unavailable() -> TextAnalyzer:
    raise BackendUnavailable("no such model here")


FACTORIES = {"keywords": KeywordAnalyzer, "again": KeywordAnalyzer, "gone": _unavailable}


def test_absent_data_is_skipped_with_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--data", str(tmp_path / "nowhere")], FACTORIES) == 0
    assert "skipped: no evaluation data" in capsys.readouterr().err


def test_table_and_docs_section(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = tmp_path / "text-analytics.md"
    doc.write_text(
        "# Text analytics\n\n## Evaluation\n\nSTALE-FIGURES\n\n## Other\n\nkept\n", "utf-8"
    )
    argv = ["--data", str(data_dir), "--analyzers", "keywords,gone,again", "--write-docs", str(doc)]
    assert main(argv, FACTORIES) == 0
    out, err = capsys.readouterr()
    assert "gone: cannot run here: no such model here" in err
    assert "| UMSAB en (n=4)" in out
    assert "70.6" in out  # XLM-T English beside ours
    assert "agreement (UMSAB + SemEval texts)" in out
    text = doc.read_text("utf-8")
    assert "STALE-FIGURES" not in text
    assert (
        text.index("## Evaluation") < text.index("| UMSAB mean (en, fr)") < text.index("## Other")
    )
    assert text.endswith("## Other\n\nkept\n")
    assert "`FOOD#*` | product quality" in text


def test_unknown_analyzer(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--data", str(data_dir), "--analyzers", "nope"], FACTORIES) == 2
    assert "unknown analyzer nope" in capsys.readouterr().err


def test_replace_section_appends_when_missing() -> None:
    assert replace_section("# T\n", "Evaluation", "body") == "# T\n\n## Evaluation\n\nbody\n"
    last = replace_section("# T\n\n## Evaluation\n\nold\n", "Evaluation", "new")
    assert last == "# T\n\n## Evaluation\n\nnew\n"
