"""Fixtures: a survey with score + why, conditional question, hidden field, incentive."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from cxlens.db import unit_of_work
from cxlens.features.surveys import create_survey, get_survey
from cxlens.models import Customer, Invitation, SurveyVersion

DEFINITION: dict[str, Any] = {
    "key": "after-order",
    "name": "After your order",
    "languages": ["en", "nl"],
    "hidden_fields": [{"key": "order_id"}],
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
            },
            "follow_up": {"labels": {"en": {"text": "Why?"}, "nl": {"text": "Waarom?"}}},
        },
        {
            "key": "fix",
            "type": "single_choice",
            "show_if": {"question": "nps", "op": "lte", "value": 6},
            "labels": {"en": {"text": "What went wrong?"}, "nl": {"text": "Wat ging er mis?"}},
            "choices": [
                {"key": "late", "labels": {"en": "Late", "nl": "Te laat"}},
                {"key": "broken", "labels": {"en": "Broken", "nl": "Kapot"}},
            ],
        },
    ],
    "thank_you": {"en": "Thanks, see you soon.", "nl": "Bedankt, tot ziens."},
    "incentive": {"code_pool": "spring"},
}


def make_invitation(session: Session, *, locale: str | None = None, ref: str = "c1") -> Invitation:
    """A survey (once), a customer and an invitation by email."""
    try:
        stored = get_survey(session, "after-order")
    except Exception:
        stored = create_survey(session, DEFINITION)
    version = session.query(SurveyVersion).filter_by(survey_id=stored.id).one()
    customer = Customer(customer_ref=ref, locale=locale)
    session.add(customer)
    session.flush()
    invitation = Invitation(
        survey_version_id=version.id, customer_id=customer.id, channel="email", token=f"t-{ref}"
    )
    session.add(invitation)
    session.flush()
    return invitation


@pytest.fixture
def new_invitation(session: Session) -> Callable[..., Invitation]:
    """``new_invitation(ref=..., locale=...)``: an invitation on the test survey."""

    def make(*, locale: str | None = None, ref: str = "c1") -> Invitation:
        return make_invitation(session, locale=locale, ref=ref)

    return make


@pytest.fixture
def committed_version(migrated_engine: Engine) -> int:
    """The id of the test survey's version, in use by a committed invitation."""
    with unit_of_work(migrated_engine) as session:
        return make_invitation(session).survey_version_id
