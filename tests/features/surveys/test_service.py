"""Surveys in the store, on SQLite and PostgreSQL: create, edit (versions), export, templates."""

from __future__ import annotations

import copy

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

import factories as f
from cxlens.core.errors import InputError, NotFoundError
from cxlens.features.imports import import_responses
from cxlens.features.surveys import (
    create_from_template,
    create_survey,
    export_survey,
    get_survey,
    import_survey,
    list_surveys,
    loads,
    template_names,
    update_survey,
)
from cxlens.models import Answer, Question, Response, SurveyVersion
from features.surveys.definitions import minimal


def versions_of(session: Session, survey_id: int) -> list[SurveyVersion]:
    stmt = select(SurveyVersion).where(SurveyVersion.survey_id == survey_id)
    return list(session.scalars(stmt.order_by(SurveyVersion.version)))


def questions_of(session: Session, version_id: int) -> list[Question]:
    stmt = select(Question).where(Question.survey_version_id == version_id)
    return list(session.scalars(stmt.order_by(Question.position)))


def answer_nps(session: Session, version_id: int, score: float) -> Response:
    """A stored response with an NPS answer on a version, as the survey page will write it."""
    nps = next(q for q in questions_of(session, version_id) if q.key == "nps")
    response = Response(
        survey_version_id=version_id,
        response_ref=f"r{score}",
        content_hash="h",
        source="web",
        dimensions={},
    )
    session.add(response)
    session.flush()
    session.add(Answer(response_id=response.id, question_id=nps.id, value=score))
    session.flush()
    return response


def test_create_stores_version_1_with_resolved_questions(session: Session) -> None:
    stored = create_survey(session, minimal())
    assert (stored.key, stored.kind, stored.latest_version, stored.versions) == (
        "pulse",
        "relationship",
        1,
        1,
    )
    assert stored.definition is not None and stored.definition.key == "pulse"
    [version] = versions_of(session, stored.id)
    rows = questions_of(session, version.id)
    assert [q.key for q in rows] == ["nps", "nps_why", "channel", "fix"]
    nps, why, channel, fix = rows
    assert (nps.scale_low, nps.scale_high, nps.positive_min, nps.negative_max) == (0, 10, 9, 6)
    assert nps.labels["fr"] == {"text": "Nous recommander ?"}
    assert why.type == "text" and why.options == {"required": False, "follow_up_of": "nps"}
    assert channel.options is not None and [c["key"] for c in channel.options["choices"]] == [
        "web",
        "shop",
    ]
    assert fix.logic == {"question": "nps", "op": "lte", "value": 6.0}


def test_create_refuses_a_taken_key_or_name(session: Session) -> None:
    create_survey(session, minimal())
    with pytest.raises(InputError) as caught:
        create_survey(session, minimal())
    assert caught.value.location.field == "key"
    other = minimal() | {"key": "other"}
    with pytest.raises(InputError) as caught:
        create_survey(session, other)
    assert caught.value.location.field == "name"


def test_editing_a_survey_with_responses_makes_a_new_version(session: Session) -> None:
    stored = create_survey(session, minimal())
    v1 = versions_of(session, stored.id)[0]
    response = answer_nps(session, v1.id, 9)
    edited = copy.deepcopy(minimal())
    edited["questions"][0]["labels"]["en"]["text"] = "Would you recommend us?"
    after = update_survey(session, "pulse", edited)
    assert (after.latest_version, after.versions, after.responses) == (2, 2, 1)
    v1_again, v2 = versions_of(session, stored.id)
    assert response.survey_version_id == v1_again.id
    assert questions_of(session, v1.id)[0].text == "Recommend us?"
    assert questions_of(session, v2.id)[0].text == "Would you recommend us?"
    assert export_survey(session, "pulse", version=1) != export_survey(session, "pulse")
    assert loads(export_survey(session, "pulse", version=1)).questions[0].labels["en"].text == (
        "Recommend us?"
    )


def test_editing_an_unused_draft_rewrites_it(session: Session) -> None:
    stored = create_survey(session, minimal())
    edited = copy.deepcopy(minimal())
    edited["questions"].pop()
    after = update_survey(session, "pulse", edited)
    assert (after.latest_version, after.versions) == (1, 1)
    [version] = versions_of(session, stored.id)
    assert [q.key for q in questions_of(session, version.id)] == ["nps", "nps_why", "channel"]


def test_an_edit_that_changes_nothing_adds_nothing(session: Session) -> None:
    stored = create_survey(session, minimal())
    answer_nps(session, versions_of(session, stored.id)[0].id, 3)
    assert update_survey(session, "pulse", minimal()).versions == 1


def test_update_checks_key_and_existence(session: Session) -> None:
    create_survey(session, minimal())
    with pytest.raises(InputError):
        update_survey(session, "pulse", minimal() | {"key": "other"})
    with pytest.raises(NotFoundError):
        update_survey(session, "missing", minimal() | {"key": "missing"})
    with pytest.raises(InputError) as caught:
        update_survey(session, "pulse", minimal() | {"languages": ["en", "en"]})
    assert caught.value.location.field == "languages"


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_export_then_import_round_trips_without_a_new_version(session: Session, fmt: str) -> None:
    create_survey(session, minimal())
    text = export_survey(session, "pulse", format=fmt)  # type: ignore[arg-type]
    again = import_survey(session, text, fmt)  # type: ignore[arg-type]
    assert again.versions == 1
    assert export_survey(session, "pulse", format=fmt) == text  # type: ignore[arg-type]
    changed = text.replace("Recommend us?", "Recommend us, really?")
    assert import_survey(session, changed).latest_version == 1  # draft rewritten
    assert "really" in export_survey(session, "pulse")


def test_list_and_get(session: Session) -> None:
    create_survey(session, minimal())
    create_from_template(session, "classic_cxi", company_name="Acme")
    assert [s.key for s in list_surveys(session)] == ["classic-cxi", "pulse"]
    assert get_survey(session, "pulse").name == "Pulse"
    with pytest.raises(NotFoundError):
        get_survey(session, "nope")


def test_every_template_creates_a_survey(session: Session) -> None:
    for name in template_names():
        stored = create_from_template(session, name, company_name="Acme Shoes")
        assert stored.definition is not None
        assert stored.latest_version == 1
        text = export_survey(session, stored.definition.key)
        assert "[Company]" not in text
        assert "Acme Shoes" in text
    assert len(list_surveys(session)) == len(template_names()) >= 10


def test_a_template_twice_under_another_key(session: Session) -> None:
    create_from_template(session, "relationship_nps", company_name="Acme")
    second = create_from_template(session, "relationship_nps", company_name="Acme", key="nps-b2b")
    assert (second.key, second.name) == ("nps-b2b", "Relationship NPS (nps-b2b)")
    with pytest.raises(NotFoundError):
        create_from_template(session, "no_such_template", company_name="Acme")
    with pytest.raises(InputError):
        create_from_template(session, "relationship_nps", company_name=" ", key="x")


def test_file_imports_still_find_a_defined_survey_by_name(session: Session) -> None:
    stored = create_from_template(session, "relationship_nps", company_name="Acme")
    result = import_responses(session, f.responses([{"nps": 10}], survey_name="Relationship NPS"))
    assert result.survey_id == stored.id
    after = get_survey(session, "relationship-nps")
    assert (after.latest_version, after.responses) == (2, 1)
    assert after.definition is None  # the imported version has no definition
    with pytest.raises(InputError):
        export_survey(session, "relationship-nps")
    assert loads(export_survey(session, "relationship-nps", version=1)).key == "relationship-nps"
    edited = update_survey(
        session, "relationship-nps", loads(export_survey(session, "relationship-nps", version=1))
    )
    assert edited.latest_version == 3
