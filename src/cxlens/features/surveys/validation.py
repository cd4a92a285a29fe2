"""Rules of a survey definition that span its parts: languages, keys, scales and logic.

:func:`problems` lists every broken rule as a :class:`Problem` naming its path in the
definition (``questions[2].labels.fr.text``); :func:`check` raises the first as an
``InputError``. Conditional logic may only look back: a condition names an earlier question
or a hidden field, so a survey can be answered in order and has no cycles.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from cxlens.core.errors import InputError, Location
from cxlens.features.surveys.schemas import (
    CHOICE_TYPES,
    Condition,
    Direction,
    Operator,
    QuestionDefinition,
    SurveyDefinition,
)
from cxlens.models import QuestionType


@dataclass(frozen=True, slots=True)
class Problem:
    """A broken rule: where (path in the definition), what, and what was expected."""

    path: str
    problem: str
    expected: str | None = None


def check(definition: SurveyDefinition, *, file: str | None = None) -> SurveyDefinition:
    """Return ``definition`` if it breaks no rule, else raise ``InputError`` for the first.

    The message also names up to four further problems, so a user fixes them in one go.
    """
    found = problems(definition)
    if found:
        raise to_input_error(found, file=file)
    return definition


def to_input_error(found: list[Problem], *, file: str | None = None) -> InputError:
    """One ``InputError`` for a list of problems (the first located, the others listed)."""
    first = found[0]
    text = first.problem
    others = [f"{p.path}: {p.problem}" for p in found[1:5]]
    if others:
        text += "; also " + "; ".join(others)
        if len(found) > 5:
            text += f"; and {len(found) - 5} more"
    return InputError(text, Location(file=file, field=first.path), expected=first.expected)


def problems(definition: SurveyDefinition) -> list[Problem]:
    """Every cross-part rule the definition breaks, in document order."""
    out: list[Problem] = []
    out += _languages(definition)
    out += _keys(definition)
    for index, question in enumerate(definition.questions):
        out += _question(definition, index, question)
    out += _logic(definition)
    return out


def _languages(d: SurveyDefinition) -> list[Problem]:
    out: list[Problem] = []
    langs = d.languages
    if len(set(langs)) != len(langs):
        out.append(Problem("languages", "a language is listed twice", "each language once"))
    if d.default_language not in langs:
        out.append(
            Problem("default_language", f"{d.default_language!r} is not in languages", str(langs))
        )
    out += _label_languages("title", d.title or {}, d, need_default=False)
    out += _label_languages("intro", d.intro or {}, d, need_default=False)
    out += _label_languages("thank_you", d.thank_you, d, need_default=False)
    if d.incentive is not None:
        out += _label_languages("incentive.labels", d.incentive.labels, d, need_default=False)
    return out


def _label_languages(
    path: str, labels: Mapping[str, object], d: SurveyDefinition, *, need_default: bool = True
) -> list[Problem]:
    out = [
        Problem(
            f"{path}.{lang}",
            f"language {lang!r} is not one of the survey's languages",
            ", ".join(d.languages),
        )
        for lang in labels
        if lang not in d.languages
    ]
    if need_default and d.default_language not in labels:
        out.append(
            Problem(
                path,
                f"no text in the default language {d.default_language!r}",
                f"a {d.default_language!r} entry",
            )
        )
    return out


def _keys(d: SurveyDefinition) -> list[Problem]:
    out: list[Problem] = []
    seen: dict[str, str] = {}
    named: list[tuple[str, str]] = [
        (f"hidden_fields[{i}].key", h.key) for i, h in enumerate(d.hidden_fields)
    ]
    for i, q in enumerate(d.questions):
        named.append((f"questions[{i}].key", q.key))
        follow = q.follow_up_key()
        if follow is not None:
            named.append((f"questions[{i}].follow_up.key", follow))
    for path, key in named:
        if key in seen:
            out.append(Problem(path, f"key {key!r} is already used at {seen[key]}", "unique keys"))
        else:
            seen[key] = path
    return out


def _question(d: SurveyDefinition, i: int, q: QuestionDefinition) -> list[Problem]:
    at = f"questions[{i}]"
    out = _label_languages(f"{at}.labels", q.labels, d)
    if q.scale is not None and q.is_score:
        out += _scale(at, q)
    elif q.scale is not None:
        out.append(Problem(f"{at}.scale", f"a {q.type} question has no scale", "no scale"))
    elif q.is_score:
        out.append(Problem(f"{at}.scale", "missing", "low and high of the scale"))
    for lang, labels in q.labels.items():
        if not q.is_score and (labels.low is not None or labels.high is not None):
            out.append(
                Problem(
                    f"{at}.labels.{lang}",
                    "scale anchors on a question without a scale",
                    "only text",
                )
            )
    out += _choices(d, at, q)
    if q.follow_up is not None:
        if not q.is_score:
            out.append(
                Problem(
                    f"{at}.follow_up",
                    f"a {q.type} question cannot have a follow-up",
                    "a follow-up only after a score question",
                )
            )
        out += _label_languages(f"{at}.follow_up.labels", q.follow_up.labels, d)
    if q.profile_attribute is not None and q.type not in (
        QuestionType.DEMOGRAPHIC,
        *CHOICE_TYPES,
    ):
        out.append(
            Problem(
                f"{at}.profile_attribute",
                f"a {q.type} question cannot feed the profile",
                "a demographic or choice question",
            )
        )
    return out


def _scale(at: str, q: QuestionDefinition) -> list[Problem]:
    scale = q.scale
    assert scale is not None
    out: list[Problem] = []
    if scale.high <= scale.low:
        out.append(
            Problem(
                f"{at}.scale.high",
                f"{scale.high} is not above low ({scale.low})",
                f"a number above {scale.low}",
            )
        )
        return out
    if q.type == QuestionType.NPS:
        if (scale.low, scale.high) not in ((0, 10), (1, 10)):
            out.append(
                Problem(
                    f"{at}.scale",
                    f"an NPS scale of {scale.low}-{scale.high}",
                    "0-10 (or a declared 1-10)",
                )
            )
        if scale.direction != Direction.HIGHER_IS_BETTER:
            out.append(Problem(f"{at}.scale.direction", "NPS is reversed", "higher_is_better"))
    for name in ("positive_min", "negative_max"):
        value = getattr(scale, name)
        if value is not None and not scale.low <= value <= scale.high:
            out.append(
                Problem(
                    f"{at}.scale.{name}",
                    f"{value:g} is outside the scale",
                    f"a number from {scale.low} to {scale.high}",
                )
            )
    if (
        scale.positive_min is not None
        and scale.negative_max is not None
        and scale.negative_max >= scale.positive_min
    ):
        out.append(
            Problem(
                f"{at}.scale.negative_max",
                "negative and positive answers overlap",
                f"a number below positive_min ({scale.positive_min:g})",
            )
        )
    return out


def _choices(d: SurveyDefinition, at: str, q: QuestionDefinition) -> list[Problem]:
    out: list[Problem] = []
    if q.type in CHOICE_TYPES and (q.choices is None or len(q.choices) < 2):
        out.append(Problem(f"{at}.choices", "fewer than two choices", "at least two choices"))
    if q.choices is not None and q.type not in (*CHOICE_TYPES, QuestionType.DEMOGRAPHIC):
        out.append(Problem(f"{at}.choices", f"a {q.type} question has no choices", "no choices"))
    seen: set[str] = set()
    for j, choice in enumerate(q.choices or []):
        if choice.key in seen:
            out.append(
                Problem(f"{at}.choices[{j}].key", f"{choice.key!r} repeats", "unique choice keys")
            )
        seen.add(choice.key)
        out += _label_languages(f"{at}.choices[{j}].labels", choice.labels, d)
    return out


def _logic(d: SurveyDefinition) -> list[Problem]:
    """Conditions name a known question or hidden field, never a cycle, never a later one."""
    position = {q.key: i for i, q in enumerate(d.questions)}
    by_key = {q.key: q for q in d.questions}
    hidden = {h.key for h in d.hidden_fields}
    out: list[Problem] = []
    cyclic = set(_cycles(d))
    for i, q in enumerate(d.questions):
        cond = q.show_if
        if cond is None:
            continue
        at = f"questions[{i}].show_if"
        if cond.question in hidden:
            out += _condition_value(at, cond, None)
        elif cond.question not in position:
            out.append(
                Problem(
                    f"{at}.question",
                    f"unknown question {cond.question!r}",
                    "the key of an earlier question or of a hidden field",
                )
            )
        elif q.key in cyclic:
            out.append(
                Problem(
                    f"{at}.question",
                    f"conditions form a cycle through {q.key!r}",
                    "conditions that only look back",
                )
            )
        elif position[cond.question] >= i:
            what = "itself" if cond.question == q.key else "a later question"
            out.append(
                Problem(
                    f"{at}.question",
                    f"condition on {what} ({cond.question!r})",
                    "a question asked before this one",
                )
            )
        else:
            out += _condition_value(at, cond, by_key[cond.question])
    return out


def _cycles(d: SurveyDefinition) -> Iterable[str]:
    """Keys of the questions whose conditions lead back to themselves."""
    edges = {q.key: q.show_if.question for q in d.questions if q.show_if is not None}
    for start in edges:
        seen: set[str] = set()
        node: str | None = start
        while node is not None and node not in seen:
            seen.add(node)
            node = edges.get(node)
            if node == start:
                yield start
                break


def _condition_value(at: str, cond: Condition, target: QuestionDefinition | None) -> list[Problem]:
    value = cond.value
    if cond.op == Operator.IN:
        if not isinstance(value, list) or not value:
            return [Problem(f"{at}.value", "not a list", "a non-empty list for 'in'")]
        values = list(value)
    elif isinstance(value, list):
        return [Problem(f"{at}.value", f"a list for {cond.op.value!r}", "a single value")]
    else:
        values = [value]
    if cond.op in (Operator.LTE, Operator.GTE) and not all(
        isinstance(v, int | float) for v in values
    ):
        return [Problem(f"{at}.value", f"{value!r} is not a number", f"a number for {cond.op}")]
    if target is None:
        return []
    if target.type == QuestionType.TEXT:
        return [
            Problem(
                f"{at}.question",
                f"condition on the text question {target.key!r}",
                "a score or choice question",
            )
        ]
    if target.is_score and target.scale is not None:
        scale = target.scale
        for v in values:
            if not isinstance(v, int | float) or not scale.low <= v <= scale.high:
                return [
                    Problem(
                        f"{at}.value",
                        f"{v!r} is not on {target.key!r}'s scale",
                        f"a number from {scale.low} to {scale.high}",
                    )
                ]
    elif cond.op in (Operator.LTE, Operator.GTE):
        return [
            Problem(
                f"{at}.op",
                f"{cond.op.value!r} on the {target.type} question {target.key!r}",
                "eq or in",
            )
        ]
    elif target.choices:
        keys = [c.key for c in target.choices]
        for v in values:
            if v not in keys:
                return [
                    Problem(
                        f"{at}.value", f"{v!r} is not a choice of {target.key!r}", ", ".join(keys)
                    )
                ]
    return []
