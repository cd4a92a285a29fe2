"""An app with the pages and widget routers, on a migrated database of each backend."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from cxlens.core.settings import Settings
from cxlens.db import engine_for_url, unit_of_work
from cxlens.features.collection.incentives import add_incentive_codes
from cxlens.features.collection.links import survey_url, vote_url
from cxlens.features.surveys import create_survey
from cxlens.models import Customer, Invitation, SurveyVersion
from cxlens.web.app import create_app
from cxlens.web.pages import router, widget_router

DEFINITION: dict[str, Any] = {
    "key": "after-order",
    "name": "After your order",
    "languages": ["en", "nl", "fy"],
    "questions": [
        {
            "key": "nps",
            "type": "nps",
            "required": True,
            "labels": {
                "en": {
                    "text": "How likely are you to recommend us?",
                    "low": "Not likely",
                    "high": "Very likely",
                },
                "nl": {"text": "Hoe waarschijnlijk is het dat u ons aanbeveelt?"},
                "fy": {"text": "Hoe wierskynlik is it dat jo ús oanrekommandearje?"},
            },
            "follow_up": {
                "labels": {
                    "en": {"text": "Why?"},
                    "nl": {"text": "Waarom?"},
                    "fy": {"text": "Wêrom?"},
                }
            },
        },
    ],
    "thank_you": {"en": "Thanks, see you soon.", "nl": "Bedankt, tot ziens."},
    "incentive": {"code_pool": "spring"},
    "anonymous_link": True,
}


@dataclass
class Site:
    """A test client, its settings and one invitation's links."""

    client: TestClient
    settings: Settings
    invitation_id: int

    def path(self, url: str) -> str:
        """The path of an absolute link."""
        return url.removeprefix(self.settings.public_base_url)

    def survey(self) -> str:
        """The survey page path of the invitation."""
        return self.path(survey_url(self.settings, self.invitation_id))

    def vote(self, score: int) -> str:
        """A vote link path."""
        return self.path(vote_url(self.settings, self.invitation_id, score))


@pytest.fixture
def site(migrated_database_url: str, tmp_path: Path) -> Iterator[Site]:
    """The app on a migrated database with one survey, one invitation and two codes."""
    engine = engine_for_url(migrated_database_url)
    with unit_of_work(engine) as session:
        stored = create_survey(session, DEFINITION)
        version = session.query(SurveyVersion).filter_by(survey_id=stored.id).one()
        customer = Customer(customer_ref="c1", locale="nl-NL")
        session.add(customer)
        session.flush()
        invitation = Invitation(
            survey_version_id=version.id, customer_id=customer.id, channel="email", token="t1"
        )
        session.add(invitation)
        add_incentive_codes(session, "spring", ["CODE-1", "CODE-2"])
        session.flush()
        invitation_id = invitation.id
    engine.dispose()
    settings = Settings(
        database_url=migrated_database_url, data_dir=tmp_path, signing_keys=["s" * 32]
    )
    app = create_app(settings)
    app.include_router(router)
    app.include_router(widget_router)
    with TestClient(app) as client:
        yield Site(client, settings, invitation_id)
