"""Question definitions of an imported survey: default scales, thresholds and signature."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

from cxlens.analytics.scales import Scale
from cxlens.core.tables import QuestionColumn
from cxlens.core.vocabulary import SCORE_TYPES
from cxlens.models import QuestionType

#: The scale assumed when a score question declares none (DESIGN.md defaults).
DEFAULT_SCALES: dict[str, tuple[int, int]] = {
    QuestionType.NPS: (0, 10),
    QuestionType.CSAT: (1, 5),
    QuestionType.CES: (1, 7),
    QuestionType.CXI_EFFECTIVENESS: (1, 5),
    QuestionType.CXI_EASE: (1, 5),
    QuestionType.CXI_EMOTION: (1, 5),
}


def is_score(kind: str) -> bool:
    """Whether answers to a question of this type are numbers."""
    return kind in SCORE_TYPES


def question_row(q: QuestionColumn, position: int) -> dict[str, Any]:
    """The ``questions`` row (without ids) of a question column, thresholds resolved."""
    kind = QuestionType(q.kind).value
    low, high = q.scale_low, q.scale_high
    if is_score(kind) and (low is None or high is None) and kind in DEFAULT_SCALES:
        low, high = DEFAULT_SCALES[kind]
    positive_min: float | None = None
    negative_max: float | None = None
    if kind == QuestionType.NPS:
        positive_min, negative_max = 9.0, 6.0
    elif is_score(kind) and low is not None and high is not None and high > low:
        scale = Scale(low, high, q.higher_is_better)
        positive_min, negative_max = scale.top_boxes_min(), scale.bottom_boxes_max()
    return {
        "position": position,
        "key": q.column,
        "text": q.text,
        "type": kind,
        "scale_low": low if is_score(kind) else None,
        "scale_high": high if is_score(kind) else None,
        "higher_is_better": q.higher_is_better,
        "positive_min": positive_min,
        "negative_max": negative_max,
        "labels": {"und": {"text": q.text}},
    }


def signature(rows: Sequence[dict[str, Any]]) -> str:
    """A stable hash of question definitions: same questions, same survey version."""
    keys = ("key", "text", "type", "scale_low", "scale_high", "higher_is_better")
    canonical = [[r[k] for k in keys] for r in rows]
    return hashlib.sha256(json.dumps(canonical, ensure_ascii=False).encode()).hexdigest()
