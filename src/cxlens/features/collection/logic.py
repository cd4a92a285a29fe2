"""Conditional logic: which questions a respondent sees, given the answers so far."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from cxlens.models import Question

#: An answer as the logic sees it: a number (scores) or a text (choice keys, texts).
AnswerValue = float | str


def condition_holds(logic: Mapping[str, Any] | None, known: Mapping[str, AnswerValue]) -> bool:
    """Whether a ``show_if`` condition holds; no condition always holds, a missing answer
    never satisfies one."""
    if not logic:
        return True
    actual = known.get(str(logic.get("question")))
    if actual is None:
        return False
    op, expected = logic.get("op"), logic.get("value")
    if op in ("lte", "gte"):
        number = _number(actual)
        bound = _number(expected)
        if number is None or bound is None:
            return False
        return number <= bound if op == "lte" else number >= bound
    if op == "in" and isinstance(expected, list):
        return any(_same(actual, item) for item in expected)
    if op == "eq":
        return _same(actual, expected)
    return False


def _number(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _same(actual: AnswerValue, expected: object) -> bool:
    if isinstance(actual, str):
        if isinstance(expected, str):
            return actual == expected or expected in actual.split(";")
        return False
    number = _number(expected)
    return number is not None and number == actual


def visible_questions(
    questions: Sequence[Question], known: Mapping[str, AnswerValue]
) -> list[Question]:
    """The questions shown, in order: their condition holds and, for a follow-up "why",
    its score question is shown and answered."""
    shown: list[Question] = []
    shown_keys: set[str] = set()
    for q in questions:
        parent = (q.options or {}).get("follow_up_of")
        if parent is not None:
            if parent not in shown_keys or parent not in known:
                continue
        elif not condition_holds(q.logic, known):
            continue
        shown.append(q)
        shown_keys.add(q.key)
    return shown
