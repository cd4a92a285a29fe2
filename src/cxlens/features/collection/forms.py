"""A survey version as the survey page needs it: definition, questions in order, texts."""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

from cxlens.core.errors import NotFoundError
from cxlens.features.collection import repository
from cxlens.features.surveys import SurveyDefinition
from cxlens.features.surveys import repository as surveys_repository
from cxlens.features.surveys.schemas import SCORE_TYPES
from cxlens.models import Question, Survey, SurveyVersion


@dataclass(frozen=True, slots=True)
class SurveyForm:
    """One survey version: its survey, definition (``None`` if imported) and questions."""

    survey: Survey
    version: SurveyVersion
    definition: SurveyDefinition | None
    questions: list[Question]

    @property
    def languages(self) -> list[str]:
        """The languages the survey is written in, default first."""
        if self.definition is None:
            return ["en"]
        d = self.definition
        return [d.default_language, *(x for x in d.languages if x != d.default_language)]

    @property
    def default_language(self) -> str:
        """The language used when a text is missing in the chosen one."""
        return self.languages[0]

    def question(self, key: str) -> Question | None:
        """The question with this key, if any."""
        return next((q for q in self.questions if q.key == key), None)

    def first_score_question(self) -> Question | None:
        """The first score question (what a vote link answers)."""
        return next((q for q in self.questions if q.type in SCORE_TYPES), None)

    def label(self, question: Question, language: str, part: str = "text") -> str | None:
        """A question's text (``text``, ``low`` or ``high``) in ``language`` or the default."""
        labels: dict[str, Any] = question.labels or {}
        for lang in (language, self.default_language):
            value = (labels.get(lang) or {}).get(part)
            if value:
                return str(value)
        return question.text if part == "text" else None

    def choices(self, question: Question, language: str) -> list[tuple[str, str]]:
        """``(key, label)`` of a choice question's answers, labels in ``language``."""
        out: list[tuple[str, str]] = []
        for choice in (question.options or {}).get("choices") or []:
            labels: dict[str, str] = choice.get("labels") or {}
            label = labels.get(language) or labels.get(self.default_language) or choice["key"]
            out.append((str(choice["key"]), str(label)))
        return out

    def title(self, language: str) -> str:
        """The survey's title in ``language`` (or the default language), else its name."""
        if self.definition is None:
            return self.survey.name
        return self.definition.title_in(language)

    def intro(self, language: str) -> str | None:
        """The survey's introduction in ``language`` (or the default language), if any."""
        return None if self.definition is None else self.definition.intro_in(language)

    def thank_you(self, language: str) -> str | None:
        """The configured thank-you message in ``language`` (or the default), if any."""
        if self.definition is None:
            return None
        messages = self.definition.thank_you
        return messages.get(language) or messages.get(self.default_language)

    def hidden_field_keys(self) -> list[str]:
        """The keys of the survey's hidden fields."""
        return [] if self.definition is None else [h.key for h in self.definition.hidden_fields]


def load_form(session: Session, survey_version_id: int) -> SurveyForm:
    """The :class:`SurveyForm` of a survey version; ``NotFoundError`` if there is none."""
    version = session.get(SurveyVersion, survey_version_id)
    if version is None:
        raise NotFoundError(f"no survey version {survey_version_id}")
    survey = session.get(Survey, version.survey_id)
    if survey is None:  # pragma: no cover - foreign key
        raise NotFoundError(f"no survey for version {survey_version_id}")
    questions = repository.questions_of(session, version.id)
    definition = SurveyDefinition.model_validate(version.definition) if version.definition else None
    return SurveyForm(survey, version, definition, questions)


_Row = TypeVar("_Row", Survey, SurveyVersion, Question)

#: How many versions' forms one process keeps per database.
FORM_CACHE_SIZE = 256

_cache_lock = threading.Lock()
_caches: weakref.WeakKeyDictionary[Engine, OrderedDict[int, SurveyForm]] = (
    weakref.WeakKeyDictionary()
)


def frozen_form(db: Session | Connection, survey_version_id: int) -> SurveyForm:
    """The form of a version that is in use (an invitation or response points at it).

    A version in use never changes (edits make a new version), so its form is loaded once
    per process and database and then served from memory, as copies of its rows that belong
    to no session (read only). Use :func:`load_form` for a version that may still be a draft.
    Raises ``NotFoundError`` if there is no such version.
    """
    engine = db.engine if isinstance(db, Connection) else db.get_bind()
    if not isinstance(engine, Engine):  # pragma: no cover - a session bound to a connection
        engine = engine.engine
    with _cache_lock:
        cache = _caches.setdefault(engine, OrderedDict())
        form = cache.get(survey_version_id)
        if form is not None:
            cache.move_to_end(survey_version_id)
            return form
    if isinstance(db, Connection):
        with Session(bind=db) as session:
            loaded = load_form(session, survey_version_id)
    else:
        loaded = load_form(db, survey_version_id)
    form = SurveyForm(
        _copy(loaded.survey),
        _copy(loaded.version),
        loaded.definition,
        [_copy(q) for q in loaded.questions],
    )
    with _cache_lock:
        cache[survey_version_id] = form
        while len(cache) > FORM_CACHE_SIZE:
            cache.popitem(last=False)
    return form


def _copy(row: _Row) -> _Row:
    """A copy of a loaded row that belongs to no session (its column values only)."""
    mapper = type(row).__mapper__
    return type(row)(**{a.key: getattr(row, a.key) for a in mapper.column_attrs})


def latest_form(session: Session, survey_key: str) -> SurveyForm:
    """The form of the latest version of the survey with ``survey_key``."""
    survey = surveys_repository.find_by_key(session, survey_key)
    if survey is None:
        raise NotFoundError(f"no survey with key {survey_key!r}")
    version_id = surveys_repository.latest_version_id(session, survey.id)
    if version_id is None:
        raise NotFoundError(f"survey {survey_key!r} has no version")
    return load_form(session, version_id)
