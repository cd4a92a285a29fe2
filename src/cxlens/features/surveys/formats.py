"""Survey definitions to and from JSON and YAML text, with errors naming their path."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import ValidationError

from cxlens.core.errors import InputError, Location
from cxlens.features.surveys.schemas import SurveyDefinition
from cxlens.features.surveys.validation import Problem, check, to_input_error

Format = Literal["yaml", "json"]
#: Names pydantic puts in an error path for the branch of a union that failed.
_TYPE_TAGS = frozenset({"float", "str", "int", "bool"})
_BOOL_TAG = "tag:yaml.org,2002:bool"


@dataclass(frozen=True, slots=True)
class _Written:
    """Where an unquoted YAML scalar stands (1-based line and column) and how it is written."""

    line: int
    column: int
    text: str


#: Path in the data (keys and list indexes) → an unquoted scalar YAML read as a boolean.
_Booleans = dict[tuple[int | str, ...], _Written]


def parse_definition(
    data: Mapping[str, Any] | SurveyDefinition, *, file: str | None = None
) -> SurveyDefinition:
    """A checked definition from plain data (or an already built one, checked again).

    Raises ``InputError`` whose ``location.field`` is the path of the first problem, e.g.
    ``questions[2].labels.fr.text``.
    """
    return _parse(data, file, {})


def _parse(data: Any, file: str | None, booleans: _Booleans) -> SurveyDefinition:
    """:func:`parse_definition`, knowing where YAML read unquoted booleans."""
    if isinstance(data, SurveyDefinition):
        return check(data, file=file)
    if not isinstance(data, Mapping):
        raise InputError(
            f"a survey definition is a mapping, not {type(data).__name__}",
            Location(file=file),
            expected="key, name and questions",
        )
    try:
        definition = SurveyDefinition.model_validate(dict(data))
    except ValidationError as error:
        raise _validation_error(error, file, booleans) from None
    return check(definition, file=file)


def _validation_error(error: ValidationError, file: str | None, booleans: _Booleans) -> InputError:
    """One ``InputError`` for pydantic's errors; a YAML boolean where text was expected
    (``key: yes``) says to quote it, with its line and column."""
    found: list[Problem] = []
    first_at: _Written | None = None
    for e in error.errors():
        written = _boolean_for_text(e, booleans)
        if written is None:
            found.append(Problem(_path(e["loc"]), _message(e), _expected(e)))
            continue
        found.append(
            Problem(
                _path(e["loc"]),
                f"{written.text} (line {written.line}, column {written.column}) is read by YAML "
                f"as the boolean {str(e['input']).lower()}, not as text: quote it "
                f"('{written.text}')",
                f"text in quotes: '{written.text}'",
            )
        )
        if len(found) == 1:
            first_at = written
    result = to_input_error(found, file=file)
    if first_at is None:
        return result
    return InputError(
        result.problem,
        Location(file=file, row=first_at.line, column=str(first_at.column), field=found[0].path),
        expected=result.expected,
    )


def _boolean_for_text(error: Any, booleans: _Booleans) -> _Written | None:
    """The unquoted YAML boolean behind a "not a valid string" error, if it is one."""
    if not isinstance(error["input"], bool) or not str(error["type"]).startswith("string"):
        return None
    loc = tuple(p for p in error["loc"] if isinstance(p, int) or p not in _TYPE_TAGS)
    return booleans.get(loc)


def _load_yaml(text: str) -> tuple[Any, _Booleans]:
    """The data of a YAML document, and where it holds unquoted booleans (YAML 1.1 reads
    ``yes``, ``no``, ``on``, ``off`` unquoted as booleans)."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    booleans: _Booleans = {}
    if node is not None:
        _find_booleans(node, (), booleans, set())
    return data, booleans


def _find_booleans(
    node: yaml.Node, path: tuple[int | str, ...], out: _Booleans, seen: set[int]
) -> None:
    if id(node) in seen:  # an alias of a node already walked
        return
    seen.add(id(node))
    if isinstance(node, yaml.ScalarNode):
        if node.tag == _BOOL_TAG and node.style is None:
            mark = node.start_mark
            out[path] = _Written(mark.line + 1, mark.column + 1, str(node.value))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _find_booleans(item, (*path, index), out, seen)
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                _find_booleans(value, (*path, str(key.value)), out, seen)


def loads(text: str, format: Format | None = None, *, file: str | None = None) -> SurveyDefinition:
    """Parse a definition from JSON or YAML text (``format=None``: JSON if it starts with ``{``)."""
    kind = format or ("json" if text.lstrip().startswith("{") else "yaml")
    booleans: _Booleans = {}
    if kind == "json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise InputError(
                f"not valid JSON: {error.msg}",
                Location(file=file, row=error.lineno, column=str(error.colno)),
                expected="a JSON object",
            ) from None
    elif kind == "yaml":
        try:
            data, booleans = _load_yaml(text)
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            row = mark.line + 1 if mark is not None else None
            problem = getattr(error, "problem", None) or str(error)
            raise InputError(
                f"not valid YAML: {problem}", Location(file=file, row=row), expected="a mapping"
            ) from None
    else:
        raise InputError(f"unknown format {kind!r}", Location(file=file), expected="yaml or json")
    return _parse(data, file, booleans)


def load_file(path: Path) -> SurveyDefinition:
    """Parse a definition file; ``.json`` is JSON, anything else YAML."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"cannot read the file: {error}", Location(file=str(path))) from None
    kind: Format = "json" if path.suffix.lower() == ".json" else "yaml"
    return loads(text, kind, file=str(path))


def dumps(definition: SurveyDefinition, format: Format = "yaml") -> str:
    """The definition as YAML (readable, UTF-8 kept) or JSON (indented) text."""
    data = definition.to_data()
    if format == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if format == "yaml":
        return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    raise InputError(f"unknown format {format!r}", expected="yaml or json")


def _path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif "[" in part or part in _TYPE_TAGS:
            continue  # union-branch tags pydantic adds (e.g. ``float``, ``list[...]``)
        else:
            out += f".{part}" if out else part
    return out or "(top level)"


def _message(error: Any) -> str:
    kind = error["type"]
    if kind == "missing":
        return "missing"
    if kind == "extra_forbidden":
        return "unknown field"
    return str(error["msg"])


def _expected(error: Any) -> str | None:
    kind = error["type"]
    if kind == "extra_forbidden":
        return "only the fields described in docs/surveys.md"
    if kind == "enum":
        ctx = error.get("ctx") or {}
        return str(ctx.get("expected")) if ctx.get("expected") else None
    if kind == "string_pattern_mismatch":
        return "lower-case letters, digits, '_' or '-' (keys) or a language tag like 'en'"
    return None
