"""The unit of work commits at the end; a read-only session refuses writes (both backends)."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import DBAPIError

from cxlens.db import read_only, unit_of_work
from cxlens.models import Customer


def test_a_read_only_session_reads_and_refuses_a_write(migrated_engine: Engine) -> None:
    with unit_of_work(migrated_engine) as session:
        session.add(Customer(customer_ref="c-1"))
    with read_only(migrated_engine) as session:
        assert session.scalar(select(func.count()).select_from(Customer)) == 1
    with pytest.raises(DBAPIError), read_only(migrated_engine) as session:
        session.add(Customer(customer_ref="c-2"))
        session.flush()  # a write that bypasses the writer fails at once
    with unit_of_work(migrated_engine) as session:  # the pooled connection writes again
        session.add(Customer(customer_ref="c-3"))
    with read_only(migrated_engine) as session:
        refs = set(session.scalars(select(Customer.customer_ref)))
    assert refs == {"c-1", "c-3"}
