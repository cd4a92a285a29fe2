from __future__ import annotations

import math

import pytest

from cxlens.text.eval.metrics import accuracy, agreement, macro_f1

LABELS = ("negative", "neutral", "positive")


def test_macro_f1_perfect_and_by_hand() -> None:
    gold = ["negative", "neutral", "positive", "positive"]
    assert macro_f1(gold, gold, LABELS) == 1.0
    predicted = ["negative", "positive", "positive", "neutral"]
    # negative: F1 1; neutral: tp 0 → 0; positive: tp 1, fp 1, fn 1 → 2/4
    assert macro_f1(gold, predicted, LABELS) == pytest.approx((1 + 0 + 0.5) / 3)


def test_macro_f1_counts_an_absent_class_as_zero() -> None:
    assert macro_f1(["positive"], ["positive"], LABELS) == pytest.approx(1 / 3)


def test_macro_f1_lengths_must_agree() -> None:
    with pytest.raises(ValueError, match="2 gold labels but 1"):
        macro_f1(["a", "b"], ["a"], LABELS)


def test_accuracy_and_agreement() -> None:
    assert accuracy([True, False, True, True]) == 0.75
    assert math.isnan(accuracy([]))
    assert agreement(["a", "b"], ["a", "c"]) == 0.5
