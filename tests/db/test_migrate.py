from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, select

from cxlens.db import current_revision, downgrade, head_revision, unit_of_work, upgrade
from cxlens.models import DEFAULT_TOUCHPOINTS, Base, Touchpoint


def test_upgrade_to_head_then_models_and_migrations_agree(engine: Engine) -> None:
    assert current_revision(engine) is None
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_upgrade_seeds_touchpoints_in_journey_order(engine: Engine) -> None:
    upgrade(engine)
    with unit_of_work(engine) as session:
        rows = session.execute(
            select(Touchpoint.key, Touchpoint.name).order_by(Touchpoint.position)
        )
        assert [tuple(r) for r in rows] == list(DEFAULT_TOUCHPOINTS)


def test_upgrade_is_idempotent_and_downgrade_empties(engine: Engine) -> None:
    upgrade(engine)
    upgrade(engine)
    assert "responses" in inspect(engine).get_table_names()
    downgrade(engine)
    assert current_revision(engine) is None
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
