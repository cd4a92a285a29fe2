"""The widget honours the contact-pressure rules and logs why it stays silent."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine, select

from cxlens.core.clock import ManualClock
from cxlens.core.settings import Settings
from cxlens.db import unit_of_work
from cxlens.features.distribution.pressure import widget_pressure
from cxlens.features.distribution.service import create_invitation, record_opt_out
from cxlens.features.surveys import get_survey
from cxlens.models.distribution import SuppressionLogEntry
from cxlens.worker.loop import Worker

from .conftest import START, MakeCustomer, Smtp


def _survey_id(engine: Engine, key: str) -> int:
    with unit_of_work(engine) as session:
        return get_survey(session, key).id


def test_widget_is_silent_within_the_frequency_window_and_says_why(
    migrated_engine: Engine,
    settings: Settings,
    clock: ManualClock,
    worker: Worker,
    smtp: Smtp,
    survey: str,
    make_customer: MakeCustomer,
) -> None:
    customer = make_customer()
    survey_id = _survey_id(migrated_engine, survey)
    with unit_of_work(migrated_engine) as session:
        assert (
            widget_pressure(session, customer, survey_id, "order.confirmation", now=START) is None
        )
        create_invitation(
            session, settings, clock=clock, customer_id=customer, survey_key=survey, channel="email"
        )
    worker.drain()
    assert len(smtp.messages) == 1
    with unit_of_work(migrated_engine) as session:
        reason = widget_pressure(
            session, customer, survey_id, "order.confirmation", now=START + timedelta(days=2)
        )
    assert reason is not None and reason.startswith("at most one invitation per 7 days")
    with unit_of_work(migrated_engine) as session:
        later = widget_pressure(
            session, customer, survey_id, "order.confirmation", now=START + timedelta(days=40)
        )
        entries = session.execute(select(SuppressionLogEntry)).scalars().all()
    assert later is None
    assert [(e.channel, e.rule) for e in entries] == [("widget", "frequency_global")]
    assert "order.confirmation" in entries[0].reason


def test_widget_respects_opt_outs_and_ignores_anonymous_visitors(
    migrated_engine: Engine, survey: str, make_customer: MakeCustomer
) -> None:
    customer = make_customer()
    survey_id = _survey_id(migrated_engine, survey)
    with unit_of_work(migrated_engine) as session:
        record_opt_out(session, customer)
    with unit_of_work(migrated_engine) as session:
        assert widget_pressure(session, customer, survey_id, "kb.article", now=START) is not None
        assert widget_pressure(session, None, survey_id, "kb.article", now=START) is None
