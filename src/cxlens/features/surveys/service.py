"""Surveys as versioned data: create, edit, read, export; templates. Flushes, never commits.

Versioning rule: a version is *frozen* once a response or an invitation points at it.
Editing a survey whose latest version is frozen adds a new version (old responses keep
theirs); editing one whose latest version is unused rewrites that draft version in place;
an edit that changes nothing adds nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from cxlens.core.errors import InputError, Location, NotFoundError
from cxlens.features.surveys import repository as repo
from cxlens.features.surveys.formats import Format, dumps, loads, parse_definition
from cxlens.features.surveys.questions import question_rows, signature
from cxlens.features.surveys.schemas import StoredSurvey, SurveyDefinition, SurveyInfo
from cxlens.features.surveys.templates import load_template
from cxlens.models import Survey, SurveyVersion

#: What a definition may be given as: a checked model or plain data (parsed JSON/YAML).
DefinitionInput = SurveyDefinition | Mapping[str, Any]


def create_survey(session: Session, definition: DefinitionInput) -> StoredSurvey:
    """Store a new survey with version 1 of ``definition``.

    Raises ``InputError`` for an invalid definition, or when its key or name is taken.
    """
    d = parse_definition(definition)
    if repo.find_by_key(session, d.key) is not None:
        raise InputError(
            f"a survey with key {d.key!r} exists",
            Location(field="key"),
            expected="a new key, or update_survey to edit it",
        )
    _check_name_free(session, d.name, None)
    survey = repo.add_survey(
        session, key=d.key, name=d.name, kind=d.kind.value, description=d.description
    )
    repo.add_version(
        session,
        survey.id,
        signature=signature(d),
        definition=d.to_data(),
        questions=question_rows(d),
    )
    return get_survey(session, d.key)


def update_survey(session: Session, key: str, definition: DefinitionInput) -> StoredSurvey:
    """Edit survey ``key``: a new version if the latest has responses or invitations, else
    the draft version is rewritten; nothing changes if the definition is the same.
    """
    d = parse_definition(definition)
    survey = _find(session, key)
    if d.key != key:
        raise InputError(
            f"the definition's key {d.key!r} is not the survey's",
            Location(field="key"),
            expected=repr(key),
        )
    _check_name_free(session, d.name, survey.id)
    survey.name, survey.kind, survey.description = d.name, d.kind.value, d.description
    sig = signature(d)
    latest = repo.latest_version(session, survey.id)
    rows = question_rows(d)
    if latest is not None and latest.signature == sig:
        pass
    elif latest is None or latest.definition is None or repo.version_in_use(session, latest.id):
        repo.add_version(session, survey.id, signature=sig, definition=d.to_data(), questions=rows)
    else:
        repo.replace_version(session, latest, signature=sig, definition=d.to_data(), questions=rows)
    session.flush()
    return get_survey(session, key)


def import_survey(
    session: Session, text: str, format: Format | None = None, *, file: str | None = None
) -> StoredSurvey:
    """Create or update (by key) the survey defined in JSON or YAML ``text``."""
    d = loads(text, format, file=file)
    if repo.find_by_key(session, d.key) is None:
        return create_survey(session, d)
    return update_survey(session, d.key, d)


def create_from_template(
    session: Session,
    template: str,
    *,
    company_name: str,
    key: str | None = None,
    name: str | None = None,
) -> StoredSurvey:
    """Create a survey from a shipped template, "[Company]" replaced by ``company_name``.

    ``key`` (and ``name``) default to the template's; with a ``key`` but no ``name`` the
    name is the template's followed by the key, so one template can be used twice.
    """
    if not company_name.strip():
        raise InputError(
            "empty company name",
            Location(field="company_name"),
            expected="the name customers know you by",
        )
    if key is not None and name is None:
        base = load_template(template, company_name=company_name)
        name = f"{base.name} ({key})"
    d = load_template(template, company_name=company_name, key=key, name=name)
    return create_survey(session, d)


def get_survey(session: Session, key: str) -> StoredSurvey:
    """The survey with this key (or, for imported surveys, this name) and its latest definition.

    Raises ``NotFoundError`` when there is none.
    """
    survey = _find(session, key)
    info = _infos(session, [survey.id])[0]
    latest = repo.latest_version(session, survey.id)
    definition = _definition(latest) if latest is not None else None
    return StoredSurvey(**info.model_dump(), definition=definition)


def list_surveys(session: Session) -> list[SurveyInfo]:
    """Every stored survey, by name, with its latest version and counts."""
    return _infos(session, None)


def export_survey(
    session: Session, key: str, version: int | None = None, format: Format = "yaml"
) -> str:
    """The definition of a survey version (default: the latest) as YAML or JSON text.

    Importing the text again gives the same definition (and adds no version).
    """
    survey = _find(session, key)
    found = (
        repo.latest_version(session, survey.id)
        if version is None
        else repo.get_version(session, survey.id, version)
    )
    if found is None:
        raise NotFoundError(f"survey {key!r} has no version {version}")
    definition = _definition(found)
    if definition is None:
        raise InputError(
            f"version {found.version} of {survey.name!r} was imported from a file and has no "
            "definition to export",
            Location(field="version"),
            expected="a survey created from a definition or a template",
        )
    return dumps(definition, format)


def _find(session: Session, key: str) -> Survey:
    survey = repo.find_by_key(session, key) or repo.find_by_name(session, key)
    if survey is None:
        raise NotFoundError(f"no survey with key {key!r}")
    return survey


def _check_name_free(session: Session, name: str, survey_id: int | None) -> None:
    other = repo.find_by_name(session, name)
    if other is not None and other.id != survey_id:
        raise InputError(
            f"another survey is called {name!r}", Location(field="name"), expected="a new name"
        )


def _definition(version: SurveyVersion) -> SurveyDefinition | None:
    if version.definition is None:
        return None
    return SurveyDefinition.model_validate(version.definition)


def _infos(session: Session, ids: list[int] | None) -> list[SurveyInfo]:
    return [
        SurveyInfo(
            id=survey.id,
            key=survey.key,
            name=survey.name,
            kind=survey.kind,
            latest_version=latest,
            versions=int(versions),
            responses=int(responses),
            created_at=survey.created_at,
        )
        for survey, latest, versions, responses in repo.survey_stats(session, ids)
    ]
