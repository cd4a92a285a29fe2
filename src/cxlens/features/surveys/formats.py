"""Survey definitions to and from JSON and YAML text, with errors naming their path."""

from __future__ import annotations

import json
from collections.abc import Mapping
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


def parse_definition(
    data: Mapping[str, Any] | SurveyDefinition, *, file: str | None = None
) -> SurveyDefinition:
    """A checked definition from plain data (or an already built one, checked again).

    Raises ``InputError`` whose ``location.field`` is the path of the first problem, e.g.
    ``questions[2].labels.fr.text``.
    """
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
        raise to_input_error(
            [Problem(_path(e["loc"]), _message(e), _expected(e)) for e in error.errors()],
            file=file,
        ) from None
    return check(definition, file=file)


def loads(text: str, format: Format | None = None, *, file: str | None = None) -> SurveyDefinition:
    """Parse a definition from JSON or YAML text (``format=None``: JSON if it starts with ``{``)."""
    kind = format or ("json" if text.lstrip().startswith("{") else "yaml")
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
            data = yaml.safe_load(text)
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            row = mark.line + 1 if mark is not None else None
            problem = getattr(error, "problem", None) or str(error)
            raise InputError(
                f"not valid YAML: {problem}", Location(file=file, row=row), expected="a mapping"
            ) from None
    else:
        raise InputError(f"unknown format {kind!r}", Location(file=file), expected="yaml or json")
    return parse_definition(data, file=file)


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
