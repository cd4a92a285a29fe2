from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cxlens.text.eval.runner import evaluate

from .conftest import KeywordAnalyzer


def test_scores_of_a_known_analyzer(data_dir: Path) -> None:
    analyzer = KeywordAnalyzer()
    lines: list[str] = []
    result = evaluate(analyzer, data_dir, batch_size=2, progress=lines.append)
    assert result.model == "keywords@1"
    en = result.umsab["en"]
    assert en.predicted == ("positive", "negative", "neutral", "negative")
    # negative: tp1 fp1 → 2/3; neutral: 1; positive: tp1 fn1 → 2/3
    assert en.macro_f1 == pytest.approx((2 / 3 + 1 + 2 / 3) / 3)
    assert result.umsab["fr"].n == 2
    assert set(result.umsab) == {"en", "fr"}  # de/it/es are absent: skipped
    assert result.umsab_mean == pytest.approx((en.macro_f1 + result.umsab["fr"].macro_f1) / 2)
    sem = result.semeval["en"]
    # r1:1 gold {quality, staff, waiting}, top mapped = quality → right; r1:2 gold {price},
    # no mapped hit → wrong; r1:3 has no opinion; r1:5's food opinion (conflict) still
    # gives it a gold theme, found → right.
    assert (sem.sentences, sem.theme_accuracy) == (3, pytest.approx(2 / 3))
    # opinions: food+ (hit +) ✓, service- (hit −) ✓, prices- (sentence −) ✓,
    # restaurant+ (sentence +) ✓; conflict left out
    assert (sem.opinions, sem.polarity_accuracy) == (4, 1.0)
    assert sem.top_themes == ("product quality", None, None, "product quality")
    assert result.texts == 4 + 2 + 4
    assert analyzer.calls == 2 + 1 + 2  # batches of 2
    assert lines[-1] == "keywords semeval en: 4/4"


def test_limit_keeps_the_first_rows(data_dir: Path) -> None:
    result = evaluate(KeywordAnalyzer(), data_dir, limit=1)
    assert result.umsab["en"].n == 1
    assert result.texts == 1 + 1 + 1


def test_missing_sets_are_skipped(data_dir: Path) -> None:
    shutil.rmtree(data_dir / "umsab")
    result = evaluate(KeywordAnalyzer(), data_dir)
    assert result.umsab == {}
    assert list(result.semeval) == ["en"]
