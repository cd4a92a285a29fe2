"""Scores of the harness: macro-F1, accuracy, agreement."""

from __future__ import annotations

from collections.abc import Sequence


def macro_f1(gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str]) -> float:
    """The unweighted mean of the per-class F1 over ``labels`` (sklearn's ``average="macro"``).

    A class with neither gold nor predicted items scores 0, as in scikit-learn.
    """
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold labels but {len(predicted)} predictions")
    if not labels:
        raise ValueError("no labels")
    total = 0.0
    for label in labels:
        tp = sum(1 for g, p in zip(gold, predicted, strict=True) if g == label and p == label)
        fp = sum(1 for g, p in zip(gold, predicted, strict=True) if g != label and p == label)
        fn = sum(1 for g, p in zip(gold, predicted, strict=True) if g == label and p != label)
        denom = 2 * tp + fp + fn
        total += 2 * tp / denom if denom else 0.0
    return total / len(labels)


def accuracy(hits: Sequence[bool]) -> float:
    """The share of ``True`` in ``hits`` (``nan`` when empty)."""
    return sum(hits) / len(hits) if hits else float("nan")


def agreement(a: Sequence[str], b: Sequence[str]) -> float:
    """The share of positions where ``a`` and ``b`` hold the same label."""
    if len(a) != len(b):
        raise ValueError(f"{len(a)} against {len(b)} labels")
    return accuracy([x == y for x, y in zip(a, b, strict=True)])
