"""Conditional logic and scale rules of survey definitions."""

from __future__ import annotations

from typing import Any

import pytest

from cxlens.core.errors import InputError
from cxlens.features.surveys import parse_definition
from features.surveys.definitions import minimal


def with_condition(index: int, condition: dict[str, Any]) -> dict[str, Any]:
    data = minimal()
    data["questions"][index]["show_if"] = condition
    return data


def field_of(data: dict[str, Any]) -> tuple[str | None, str]:
    with pytest.raises(InputError) as caught:
        parse_definition(data)
    return caught.value.location.field, str(caught.value)


def test_condition_on_an_unknown_question() -> None:
    field, text = field_of(with_condition(2, {"question": "nope", "op": "eq", "value": 1}))
    assert field == "questions[2].show_if.question"
    assert "unknown question 'nope'" in text


def test_condition_on_a_later_question() -> None:
    data = with_condition(0, {"question": "channel", "op": "eq", "value": "web"})
    field, text = field_of(data)
    assert field == "questions[0].show_if.question"
    assert "later question" in text


def test_a_cycle_of_conditions() -> None:
    data = minimal()
    data["questions"][0]["show_if"] = {"question": "channel", "op": "eq", "value": "web"}
    data["questions"][1]["show_if"] = {"question": "nps", "op": "gte", "value": 9}
    field, text = field_of(data)
    assert field == "questions[0].show_if.question"
    assert "cycle" in text


def test_a_condition_on_itself_is_a_cycle() -> None:
    field, text = field_of(with_condition(2, {"question": "fix", "op": "eq", "value": "x"}))
    assert field == "questions[2].show_if.question"
    assert "cycle" in text


@pytest.mark.parametrize(
    ("condition", "path"),
    [
        ({"question": "nps", "op": "lte", "value": 11}, "questions[2].show_if.value"),
        ({"question": "nps", "op": "lte", "value": "low"}, "questions[2].show_if.value"),
        ({"question": "nps", "op": "in", "value": 3}, "questions[2].show_if.value"),
        ({"question": "channel", "op": "eq", "value": "phone"}, "questions[2].show_if.value"),
        ({"question": "channel", "op": "gte", "value": 2}, "questions[2].show_if.op"),
        ({"question": "nps", "op": "like", "value": 2}, "questions[2].show_if.op"),
    ],
)
def test_condition_values_are_checked(condition: dict[str, Any], path: str) -> None:
    assert field_of(with_condition(2, condition))[0] == path


@pytest.mark.parametrize(
    "condition",
    [
        {"question": "nps", "op": "in", "value": [0, 1]},
        {"question": "channel", "op": "in", "value": ["web", "shop"]},
        {"question": "store", "op": "eq", "value": "amsterdam"},
    ],
)
def test_valid_conditions_pass(condition: dict[str, Any]) -> None:
    d = parse_definition(with_condition(2, condition))
    assert d.questions[2].show_if is not None


@pytest.mark.parametrize(
    ("scale", "path"),
    [
        ({"low": 5, "high": 1}, "questions[0].scale.high"),
        ({"low": 0, "high": 10, "direction": "lower_is_better"}, "questions[0].scale.direction"),
        ({"low": 0, "high": 10, "positive_min": 12}, "questions[0].scale.positive_min"),
        (
            {"low": 0, "high": 10, "positive_min": 6, "negative_max": 7},
            "questions[0].scale.negative_max",
        ),
    ],
)
def test_scale_rules(scale: dict[str, Any], path: str) -> None:
    data = minimal()
    data["questions"][0]["scale"] = scale
    assert field_of(data)[0] == path


def test_nps_on_a_declared_1_to_10_scale_is_accepted() -> None:
    data = minimal()
    data["questions"][0]["scale"] = {"low": 1, "high": 10}
    assert parse_definition(data).questions[0].scale is not None
