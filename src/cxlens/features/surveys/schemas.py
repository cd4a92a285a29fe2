"""The survey definition: what a survey asks, in which languages, in which order and when.

A definition is plain data (a JSON or YAML document, see ``docs/surveys.md``). Pydantic checks
the shape of each part here; the rules that span parts (languages, keys, conditional logic)
are in :mod:`cxlens.features.surveys.validation`. Scales left out are filled in from the
question type, so that a stored definition always states its scales explicitly.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from cxlens.core.vocabulary import CHOICE_TYPES as CHOICE_TYPES
from cxlens.core.vocabulary import SCORE_TYPES as SCORE_TYPES
from cxlens.models import QuestionType

#: A survey, question, choice or hidden-field key: lower-case letters, digits, ``_`` and ``-``.
Key = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_\-]{0,99}$")]
#: A language tag such as ``en``, ``fy`` or ``pt-BR``.
Language = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")]
#: A non-empty text shown to a respondent.
Text = Annotated[str, StringConstraints(min_length=1, max_length=2000)]


#: The scale of a score question that declares none (DESIGN.md defaults).
DEFAULT_SCALES: dict[QuestionType, tuple[int, int]] = {
    QuestionType.NPS: (0, 10),
    QuestionType.CSAT: (1, 5),
    QuestionType.CES: (1, 7),
    QuestionType.CXI_EFFECTIVENESS: (1, 5),
    QuestionType.CXI_EASE: (1, 5),
    QuestionType.CXI_EMOTION: (1, 5),
    QuestionType.RATING: (1, 5),
    QuestionType.LIKERT: (1, 5),
}

#: Customer attributes a demographic question may feed (cxlens.models.CUSTOMER_ATTRIBUTES).
ProfileAttribute = Literal["age_band", "gender", "industry", "company_size", "plan", "region"]


class _Strict(BaseModel):
    """Unknown fields are errors: a typo in a definition must not pass silently."""

    model_config = ConfigDict(extra="forbid")


class SurveyKind(StrEnum):
    """Relationship ("cold": a periodic barometer) or transactional ("hot": after a contact)."""

    RELATIONSHIP = "relationship"
    TRANSACTIONAL = "transactional"


class Audience(StrEnum):
    """Who fills the survey in: a customer, an employee, or a mystery shopper posing as one."""

    CUSTOMER = "customer"
    EMPLOYEE = "employee"
    MYSTERY_SHOPPER = "mystery_shopper"


class Direction(StrEnum):
    """Which end of a scale is the good one."""

    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"


class ScaleDefinition(_Strict):
    """A numeric scale: ``low``..``high``, its direction and the positive/negative thresholds.

    ``positive_min`` is the lowest *oriented* score (higher = better) counted positive (top
    boxes), ``negative_max`` the highest counted negative; when left out the metric defaults
    apply (NPS 9 and 6, otherwise top two and bottom two boxes).
    """

    low: int = Field(ge=0, le=100)
    high: int = Field(ge=1, le=100)
    direction: Direction = Direction.HIGHER_IS_BETTER
    positive_min: float | None = None
    negative_max: float | None = None


class QuestionLabels(_Strict):
    """The texts of a question in one language: the question and the scale's end anchors."""

    text: Text
    low: Text | None = None
    high: Text | None = None


class Choice(_Strict):
    """One answer of a choice question: a stable key and its label per language."""

    key: Key
    labels: dict[Language, Text]


class FollowUp(_Strict):
    """An open "why" question shown after a score question (stored as a ``text`` question)."""

    key: Key | None = None
    required: bool = False
    labels: dict[Language, QuestionLabels]


class Operator(StrEnum):
    """Comparison of a condition; no expression language, no evaluation of user code."""

    EQ = "eq"
    IN = "in"
    LTE = "lte"
    GTE = "gte"


class Condition(_Strict):
    """Show a question only when an earlier answer (or a hidden field) satisfies this.

    ``question`` names an earlier question or a hidden field. ``value`` is a number for
    ``lte``/``gte``, a list for ``in``, and a number or a choice key for ``eq``.
    """

    question: Key
    op: Operator
    value: float | str | list[float | str]


class QuestionDefinition(_Strict):
    """One question of a survey, in the order asked."""

    key: Key
    type: QuestionType
    required: bool = False
    scale: ScaleDefinition | None = None
    labels: dict[Language, QuestionLabels]
    choices: list[Choice] | None = None
    follow_up: FollowUp | None = None
    show_if: Condition | None = None
    profile_attribute: ProfileAttribute | None = None

    @model_validator(mode="after")
    def _default_scale(self) -> QuestionDefinition:
        if self.scale is None and self.type in DEFAULT_SCALES:
            low, high = DEFAULT_SCALES[self.type]
            self.scale = ScaleDefinition(low=low, high=high)
        return self

    @property
    def is_score(self) -> bool:
        """Whether the answer is a number on :attr:`scale`."""
        return self.type in SCORE_TYPES

    def follow_up_key(self) -> str | None:
        """The key of the follow-up "why" question, if any (default ``<key>_why``)."""
        if self.follow_up is None:
            return None
        return self.follow_up.key or f"{self.key}_why"


class HiddenField(_Strict):
    """A value passed with the invitation or link, never asked (order id, agent, store ...)."""

    key: Key
    required: bool = False
    description: str | None = None


class Incentive(_Strict):
    """A reward given on the thank-you page: one code per response from a named code pool."""

    code_pool: Key
    labels: dict[Language, Text] = Field(default_factory=dict)


def localized(texts: Mapping[str, str] | None, language: str, default: str) -> str | None:
    """The text of ``language`` (``it-IT`` also finds ``it``), else of ``default``, else None."""
    if not texts:
        return None
    primary = language.replace("_", "-").split("-", 1)[0].lower()
    for tag in (language, primary, default):
        if texts.get(tag):
            return texts[tag]
    return None


class SurveyDefinition(_Strict):
    """A whole survey: identity, languages, questions, hidden fields and the thank-you page.

    ``title`` (per language; default: ``name``) is what respondents see: the survey page's
    heading, the invitation e-mail's subject, the SMS. ``intro`` is shown above the first
    question. Both are optional: definitions without them load as before.
    ``anonymous_link`` opens the survey on its public link ``/a/{key}`` (off by default).
    """

    key: Key
    name: Annotated[str, StringConstraints(min_length=1, max_length=300)]
    description: str | None = None
    kind: SurveyKind = SurveyKind.TRANSACTIONAL
    audience: Audience = Audience.CUSTOMER
    default_language: Language = "en"
    languages: list[Language] = Field(default_factory=list)
    hidden_fields: list[HiddenField] = Field(default_factory=list)
    questions: list[QuestionDefinition] = Field(min_length=1)
    title: dict[Language, Text] | None = None
    intro: dict[Language, Text] | None = None
    thank_you: dict[Language, Text] = Field(default_factory=dict)
    incentive: Incentive | None = None
    anonymous_link: bool | None = None
    """Whether anyone with the survey's public link (``/a/{key}``) may answer it (unset: no)."""

    @model_validator(mode="after")
    def _default_languages(self) -> SurveyDefinition:
        if not self.languages:
            self.languages = [self.default_language]
        return self

    def title_in(self, language: str) -> str:
        """The title in ``language`` (or the default language), else the survey's name."""
        return localized(self.title, language, self.default_language) or self.name

    def intro_in(self, language: str) -> str | None:
        """The introduction in ``language`` (or the default language), if any."""
        return localized(self.intro, language, self.default_language)

    def to_data(self) -> dict[str, Any]:
        """Plain data (JSON types), fields left unset omitted: the exported document."""
        return self.model_dump(mode="json", exclude_none=True)


class SurveyInfo(BaseModel):
    """A stored survey as listed: identity, latest version and counts."""

    id: int
    key: str | None
    name: str
    kind: str | None
    latest_version: int | None
    versions: int
    responses: int
    created_at: datetime


class StoredSurvey(SurveyInfo):
    """A stored survey with the definition of its latest version (``None`` if imported)."""

    definition: SurveyDefinition | None


class TemplateInfo(BaseModel):
    """A shipped template: its name (what ``create_from_template`` takes) and what it is."""

    template: str
    name: str
    kind: SurveyKind
    audience: Audience
    description: str | None
    languages: list[str]
