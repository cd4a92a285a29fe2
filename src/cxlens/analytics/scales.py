"""Question scales: range, direction and the threshold of a positive answer.

The direction is part of the question definition (DESIGN.md, CES): scores are *oriented*
(higher = better) before counting, never silently shifted.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class MetricKind(StrEnum):
    """The metrics a score question can feed."""

    NPS = "nps"
    CSAT = "csat"
    CES = "ces"
    CXI_EFFECTIVENESS = "cxi_effectiveness"
    CXI_EASE = "cxi_ease"
    CXI_EMOTION = "cxi_emotion"
    RATING = "rating"


@dataclass(frozen=True, slots=True)
class Scale:
    """A numeric answer scale.

    ``higher_is_better=False`` declares a reversed scale (e.g. CES 1 = very low effort is
    best, or 1 = strongly agree). ``positive_min`` is the lowest *oriented* score that counts
    as positive (top boxes); ``negative_max`` the highest that counts as negative (bottom
    boxes). Both default from the scale size (DESIGN.md: top two boxes on 5 and 7 points,
    9-10 on 10 points).
    """

    low: int
    high: int
    higher_is_better: bool = True
    positive_min: float | None = None
    negative_max: float | None = None

    def __post_init__(self) -> None:
        if self.high <= self.low:
            raise ValueError(f"scale high ({self.high}) must be above low ({self.low})")

    @property
    def points(self) -> int:
        return self.high - self.low + 1

    def orient(self, score: float) -> float:
        """Map a raw score onto the same range with higher = better."""
        return score if self.higher_is_better else self.low + self.high - score

    def top_boxes_min(self) -> float:
        """Lowest oriented score counted as positive."""
        if self.positive_min is not None:
            return self.positive_min
        if self.points >= 10:
            return self.high - 1  # 9-10 on 0-10 / 1-10
        return self.high - 1  # top two boxes on 5- and 7-point scales

    def bottom_boxes_max(self) -> float:
        """Highest oriented score counted as negative (bottom two boxes)."""
        if self.negative_max is not None:
            return self.negative_max
        return self.low + 1

    def contains(self, score: float) -> bool:
        return self.low <= score <= self.high


NPS_SCALE = Scale(0, 10)
CSAT_5 = Scale(1, 5)
CES_7_AGREE = Scale(1, 7)  # CES 2.0: 7 = strongly agree it was easy
CES_5_EFFORT = Scale(1, 5, higher_is_better=False)  # 1 = very low effort
CXI_5 = Scale(1, 5)
