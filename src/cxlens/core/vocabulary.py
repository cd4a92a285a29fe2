"""The fixed vocabularies every layer shares, each defined once: question types (and which
of them are scores, and which feed the standard metrics) and the languages of the UI.

Everything else imports these: ``cxlens.models`` (the CHECK constraints), the survey and
import features, distribution, metrics, the web pages, the invitation texts, the UI
catalogs and text analytics.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """What a staff user or an API token may do (docs/accounts.md).

    ``admin`` manages users, tokens and settings; ``analyst`` reads and edits analytics,
    themes and surveys; ``agent`` works the closed-loop inbox; ``viewer`` only reads.
    """

    ADMIN = "admin"
    ANALYST = "analyst"
    AGENT = "agent"
    VIEWER = "viewer"


class QuestionType(StrEnum):
    """What a survey question asks and which metric it feeds."""

    NPS = "nps"
    CSAT = "csat"
    CES = "ces"
    CXI_EFFECTIVENESS = "cxi_effectiveness"
    CXI_EASE = "cxi_ease"
    CXI_EMOTION = "cxi_emotion"
    RATING = "rating"
    LIKERT = "likert"
    SINGLE_CHOICE = "single_choice"
    MULTI_CHOICE = "multi_choice"
    TEXT = "text"
    DEMOGRAPHIC = "demographic"


#: The three questions of the classic CXi (effectiveness, ease, emotion), in that order.
CXI_TYPES: tuple[QuestionType, ...] = (
    QuestionType.CXI_EFFECTIVENESS,
    QuestionType.CXI_EASE,
    QuestionType.CXI_EMOTION,
)
#: Question types counted by the standard metrics (NPS, CSAT, CES, CXi), in report order.
METRIC_TYPES: tuple[QuestionType, ...] = (
    QuestionType.NPS,
    QuestionType.CSAT,
    QuestionType.CES,
    *CXI_TYPES,
)
#: Question types answered with a number on a scale: the metric types, rating and Likert.
SCORE_TYPES: tuple[QuestionType, ...] = (*METRIC_TYPES, QuestionType.RATING, QuestionType.LIKERT)
#: Question types answered by picking choices.
CHOICE_TYPES: tuple[QuestionType, ...] = (QuestionType.SINGLE_CHOICE, QuestionType.MULTI_CHOICE)

#: Languages the UI, the survey pages and the invitation texts are written in; English first
#: (the source language of every text), then the others in the order their texts are listed.
UI_LANGUAGES: tuple[str, ...] = ("en", "it", "ro", "nl", "fy", "fr", "de", "es")
#: The UI languages texts are translated into (all but English).
TRANSLATED_LANGUAGES: tuple[str, ...] = UI_LANGUAGES[1:]
