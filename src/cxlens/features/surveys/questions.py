"""Rows of the ``questions`` table from a survey definition, thresholds resolved."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from cxlens.analytics.scales import Scale
from cxlens.features.surveys.schemas import (
    Direction,
    QuestionDefinition,
    QuestionLabels,
    SurveyDefinition,
)
from cxlens.models import QuestionType


def signature(definition: SurveyDefinition) -> str:
    """A stable hash of a whole definition: the same definition is the same version."""
    canonical = json.dumps(definition.to_data(), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def question_rows(definition: SurveyDefinition) -> list[dict[str, Any]]:
    """The question rows (without ids) in order; a follow-up comes right after its question."""
    rows: list[dict[str, Any]] = []
    lang = definition.default_language
    for q in definition.questions:
        rows.append(_row(q, len(rows), lang))
        follow = q.follow_up
        key = q.follow_up_key()
        if follow is not None and key is not None:
            rows.append(
                {
                    "position": len(rows),
                    "key": key,
                    "text": follow.labels[lang].text,
                    "type": QuestionType.TEXT.value,
                    "scale_low": None,
                    "scale_high": None,
                    "higher_is_better": True,
                    "positive_min": None,
                    "negative_max": None,
                    "labels": _labels(follow.labels),
                    "options": {"required": follow.required, "follow_up_of": q.key},
                    "logic": None,
                }
            )
    return rows


def _row(q: QuestionDefinition, position: int, lang: str) -> dict[str, Any]:
    low = high = None
    positive_min = negative_max = None
    higher_is_better = True
    if q.is_score and q.scale is not None:
        s = q.scale
        low, high = s.low, s.high
        higher_is_better = s.direction == Direction.HIGHER_IS_BETTER
        if q.type == QuestionType.NPS:
            positive_min = s.positive_min if s.positive_min is not None else 9.0
            negative_max = s.negative_max if s.negative_max is not None else 6.0
        else:
            scale = Scale(low, high, higher_is_better, s.positive_min, s.negative_max)
            positive_min, negative_max = scale.top_boxes_min(), scale.bottom_boxes_max()
    options: dict[str, Any] = {"required": q.required}
    if q.choices is not None:
        options["choices"] = [c.model_dump(mode="json") for c in q.choices]
    if q.profile_attribute is not None:
        options["profile_attribute"] = q.profile_attribute
    return {
        "position": position,
        "key": q.key,
        "text": q.labels[lang].text,
        "type": q.type.value,
        "scale_low": low,
        "scale_high": high,
        "higher_is_better": higher_is_better,
        "positive_min": positive_min,
        "negative_max": negative_max,
        "labels": _labels(q.labels),
        "options": options,
        "logic": q.show_if.model_dump(mode="json") if q.show_if is not None else None,
    }


def _labels(labels: dict[str, QuestionLabels]) -> dict[str, Any]:
    return {lang: lab.model_dump(mode="json", exclude_none=True) for lang, lab in labels.items()}
