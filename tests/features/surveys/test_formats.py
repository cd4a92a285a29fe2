"""Definitions from JSON/YAML: round trips and errors that name their path (no database)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from cxlens.core.errors import InputError
from cxlens.features.surveys import dumps, load_file, loads, parse_definition
from features.surveys.definitions import minimal


def error_of(data: dict[str, Any]) -> InputError:
    with pytest.raises(InputError) as caught:
        parse_definition(data)
    return caught.value


def test_missing_scales_are_filled_from_the_question_type() -> None:
    d = parse_definition(minimal())
    assert d.questions[0].scale is not None
    assert (d.questions[0].scale.low, d.questions[0].scale.high) == (0, 10)
    assert d.questions[1].scale is None
    assert d.questions[0].follow_up_key() == "nps_why"


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_round_trip_gives_the_same_definition(fmt: str) -> None:
    d = parse_definition(minimal())
    text = dumps(d, fmt)  # type: ignore[arg-type]
    again = loads(text, fmt)  # type: ignore[arg-type]
    assert again == d
    assert dumps(again, fmt) == text  # type: ignore[arg-type]


def test_yaml_export_keeps_non_ascii_text_and_quotes_yes_no_keys() -> None:
    data = minimal()
    data["questions"][1]["choices"] = [
        {"key": "yes", "labels": {"en": "Yes"}},
        {"key": "no", "labels": {"en": "Non, très peu"}},
    ]
    text = dumps(parse_definition(data), "yaml")
    assert "très" in text
    assert loads(text).questions[1].choices is not None


def test_load_file_reads_json_and_yaml(tmp_path: Path) -> None:
    (tmp_path / "s.json").write_text(json.dumps(minimal()), encoding="utf-8")
    (tmp_path / "s.yaml").write_text(dumps(parse_definition(minimal())), encoding="utf-8")
    assert load_file(tmp_path / "s.json") == load_file(tmp_path / "s.yaml")


def test_error_names_the_path_of_an_empty_translation() -> None:
    data = minimal()
    data["questions"][0]["labels"]["fr"]["text"] = ""
    error = error_of(data)
    assert error.location.field == "questions[0].labels.fr.text"


def test_error_names_the_path_of_a_language_not_declared() -> None:
    data = minimal()
    data["questions"][2]["labels"]["de"] = {"text": "Was sollen wir verbessern?"}
    error = error_of(data)
    assert error.location.field == "questions[2].labels.de"
    assert "en, fr" in str(error)


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda d: d["questions"][1].update(type="sentiment"), "questions[1].type"),
        (lambda d: d["questions"][0].update(colour="red"), "questions[0].colour"),
        (lambda d: d.pop("name"), "name"),
        (lambda d: d["questions"][0].update(scale={"low": 1, "high": 7}), "questions[0].scale"),
        (lambda d: d["questions"][1]["choices"].pop(), "questions[1].choices"),
        (
            lambda d: d["questions"][1]["choices"][1].update(key="web"),
            "questions[1].choices[1].key",
        ),
        (lambda d: d["questions"][2].update(key="nps"), "questions[2].key"),
        (lambda d: d["questions"][2].update(key="nps_why"), "questions[2].key"),
        (lambda d: d.update(default_language="de"), "default_language"),
        (
            lambda d: d["questions"][1].update(follow_up={"labels": {"en": {"text": "?"}}}),
            "questions[1].follow_up",
        ),
        (lambda d: d["questions"][0]["labels"].pop("en"), "questions[0].labels"),
        (lambda d: d["thank_you"].update(es="Gracias"), "thank_you.es"),
        (lambda d: d.update(key="Bad Key"), "key"),
    ],
)
def test_invalid_definitions_name_the_path(change: Any, path: str) -> None:
    data = copy.deepcopy(minimal())
    change(data)
    assert error_of(data).location.field == path


def test_several_problems_are_reported_together() -> None:
    data = minimal()
    data["questions"][0]["labels"]["fr"]["text"] = ""
    data["questions"][2]["type"] = "sentiment"
    text = str(error_of(data))
    assert "questions[0].labels.fr.text" in text and "questions[2].type" in text


def test_invalid_yaml_and_json_give_the_line() -> None:
    with pytest.raises(InputError) as caught:
        loads("key: a\nquestions: [\n", "yaml", file="s.yaml")
    assert caught.value.location.file == "s.yaml"
    assert caught.value.location.row is not None
    with pytest.raises(InputError) as caught:
        loads('{"key": ', "json")
    assert caught.value.location.row == 1
    with pytest.raises(InputError):
        loads("- just\n- a list\n", "yaml")


def test_an_unquoted_yes_where_text_is_expected_says_to_quote_it() -> None:
    data = minimal()
    data["questions"][1]["choices"] = [
        {"key": "yes", "labels": {"en": "Yes"}},
        {"key": "no", "labels": {"en": "No"}},
    ]
    text = dumps(parse_definition(data), "yaml").replace("key: 'yes'", "key: yes")
    line = next(i for i, t in enumerate(text.splitlines(), 1) if t.strip() == "- key: yes")
    with pytest.raises(InputError) as caught:
        loads(text, "yaml", file="s.yaml")
    error = caught.value
    where = error.location
    assert (where.file, where.row, where.column) == (
        "s.yaml",
        line,
        str(text.splitlines()[line - 1].index("yes") + 1),
    )
    assert where.field == "questions[1].choices[0].key"
    assert "quote it" in error.problem and "'yes'" in error.problem
    assert "boolean" in error.problem


def test_a_quoted_yes_and_a_boolean_field_written_yes_are_fine() -> None:
    data = minimal()
    data["questions"][1]["choices"] = [
        {"key": "yes", "labels": {"en": "Yes"}},
        {"key": "no", "labels": {"en": "No"}},
    ]
    text = dumps(parse_definition(data), "yaml").replace("required: true", "required: yes")
    assert "required: yes" in text
    definition = loads(text, "yaml")
    assert definition.questions[0].required is True
    assert definition.questions[1].choices is not None
    assert definition.questions[1].choices[0].key == "yes"
