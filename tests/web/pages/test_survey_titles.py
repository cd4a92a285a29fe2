"""The hosted survey page shows the title (and introduction) in the invitation's language."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from cxlens.core.settings import Settings
from cxlens.db import engine_for_url, unit_of_work
from cxlens.features.collection.links import survey_url
from cxlens.features.surveys import create_survey
from cxlens.models import Customer, Invitation, SurveyVersion
from cxlens.web.app import create_app

from .conftest import DEFINITION


def _definition() -> dict[str, Any]:
    data = copy.deepcopy(DEFINITION)
    data["key"], data["name"] = "after-order-it", "After your order (IT)"
    data["languages"] = ["en", "it"]
    nps = data["questions"][0]
    nps["labels"] = {
        "en": {"text": "How likely are you to recommend us?"},
        "it": {"text": "Con quale probabilità ci consiglieresti?"},
    }
    nps["follow_up"] = {"labels": {"en": {"text": "Why?"}, "it": {"text": "Perché?"}}}
    data["thank_you"] = {"en": "Thanks.", "it": "Grazie."}
    data["title"] = {"en": "Your order at Acme", "it": "Il tuo ordine da Acme"}
    data["intro"] = {"it": "Due domande, un minuto."}
    return data


def test_the_page_in_italian_shows_the_italian_title_and_intro(
    migrated_database_url: str, tmp_path: Path
) -> None:
    engine = engine_for_url(migrated_database_url)
    with unit_of_work(engine) as session:
        stored = create_survey(session, _definition())
        version = session.query(SurveyVersion).filter_by(survey_id=stored.id).one()
        customers = [Customer(customer_ref="it1", locale="it-IT"), Customer(customer_ref="en1")]
        session.add_all(customers)
        session.flush()
        invitations = [
            Invitation(
                survey_version_id=version.id, customer_id=c.id, channel="email", token=f"t{c.id}"
            )
            for c in customers
        ]
        session.add_all(invitations)
        session.flush()
        italian, english = (i.id for i in invitations)
    engine.dispose()
    settings = Settings(
        database_url=migrated_database_url, data_dir=tmp_path, signing_keys=["t" * 32]
    )
    base = settings.public_base_url
    with TestClient(create_app(settings)) as client:
        page = client.get(survey_url(settings, italian).removeprefix(base))
        other = client.get(survey_url(settings, english).removeprefix(base))
    assert page.status_code == 200, page.text
    assert "<title>Il tuo ordine da Acme</title>" in page.text
    assert "<h1>Il tuo ordine da Acme</h1>" in page.text
    assert '<p class="intro">Due domande, un minuto.</p>' in page.text
    assert "Con quale probabilità ci consiglieresti?" in page.text
    assert "<h1>Your order at Acme</h1>" in other.text
    assert "Due domande" not in other.text  # no English intro, and no Italian one shown
