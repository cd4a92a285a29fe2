"""Inviting a list of customers by hand: all or none, errors that say where."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, func, select

from cxlens.core.errors import InputError, Location
from cxlens.core.settings import Settings
from cxlens.db import unit_of_work
from cxlens.features.customers import CustomerIn
from cxlens.features.distribution.invites import invite
from cxlens.models import Customer, Invitation

from .conftest import MakeCustomer

HERE = Location(field="customer")


def test_web_invitations_are_live_with_links_and_refs_count_once(
    migrated_engine: Engine, settings: Settings, survey: str, make_customer: MakeCustomer
) -> None:
    make_customer(), make_customer()
    with unit_of_work(migrated_engine) as session:
        rows = invite(
            session,
            settings,
            survey_key=survey,
            channel="web",
            customers=[("c1", HERE), ("c2", HERE), ("c1", HERE)],
        )
    assert [(r.customer, r.status) for r in rows] == [("c1", "live"), ("c2", "live")]
    assert all(r.link and r.link.startswith("http://127.0.0.1:8000/s/") for r in rows)


def test_an_unknown_customer_names_its_file_row_and_nothing_is_invited(
    migrated_engine: Engine, settings: Settings, survey: str, make_customer: MakeCustomer
) -> None:
    make_customer()
    where = Location(file="people.csv", row=3)
    with (
        pytest.raises(InputError, match="no customer 'zz'") as raised,
        unit_of_work(migrated_engine) as session,
    ):
        invite(
            session,
            settings,
            survey_key=survey,
            channel="email",
            customers=[("c1", Location(file="people.csv", row=2)), ("zz", where)],
        )
    assert raised.value.location == where
    with unit_of_work(migrated_engine) as session:
        assert session.scalar(select(func.count()).select_from(Invitation)) == 0


def test_contact_details_create_the_one_customer_given(
    migrated_engine: Engine, settings: Settings, survey: str
) -> None:
    contact = CustomerIn(ref="-", email="new@example.com", name="New")
    with unit_of_work(migrated_engine) as session:
        [row] = invite(
            session,
            settings,
            survey_key=survey,
            channel="email",
            customers=[("n1", HERE)],
            contact=contact,
        )
        assert row.status == "queued" and row.link is None
        stored = session.execute(select(Customer)).scalar_one()
        assert (stored.customer_ref, stored.email) == ("n1", "new@example.com")
    with unit_of_work(migrated_engine) as session, pytest.raises(InputError, match="one customer"):
        invite(
            session,
            settings,
            survey_key=survey,
            channel="email",
            customers=[("n1", HERE), ("n2", HERE)],
            contact=contact,
        )
    with unit_of_work(migrated_engine) as session, pytest.raises(InputError, match="no customers"):
        invite(session, settings, survey_key=survey, channel="email", customers=[])
