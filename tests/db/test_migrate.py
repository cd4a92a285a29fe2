from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, select, text
from sqlalchemy.exc import IntegrityError

from cxlens.db import current_revision, downgrade, head_revision, unit_of_work, upgrade
from cxlens.db.migrate import MIGRATIONS_DIR
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


def test_opt_outs_move_into_the_one_store_and_back(engine: Engine) -> None:
    upgrade(engine, "0008_reminders_bounces")
    now = datetime(2026, 11, 1, 9, 30, tzinfo=UTC)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO customers (id, customer_ref, attributes, created_at) "
                "VALUES (1, 'c-1', '{}', :now), (2, 'c-2', '{}', :now)"
            ),
            {"now": now},
        )
        connection.execute(
            text(
                "INSERT INTO opt_outs (customer_id, invitation_id, method, opted_out_at) "
                "VALUES (1, NULL, 'one_click', :now)"
            ),
            {"now": now},
        )
        connection.execute(
            text(
                "INSERT INTO contact_suppressions (customer_id, channel, reason, created_at) "
                "VALUES (2, 'sms', 'opt_out', :now)"
            ),
            {"now": now},
        )
    upgrade(engine)
    assert "opt_outs" not in inspect(engine).get_table_names()
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT customer_id, channel, reason, method FROM contact_suppressions "
                "ORDER BY customer_id"
            )
        ).all()
    assert [tuple(r) for r in rows] == [
        (1, None, "opt_out", "one_click"),
        (2, "sms", "opt_out", None),
    ]
    downgrade(engine, "0008_reminders_bounces")
    with engine.connect() as connection:
        back = connection.execute(text("SELECT customer_id, method FROM opt_outs")).all()
        left = connection.execute(text("SELECT customer_id FROM contact_suppressions")).all()
    assert [tuple(r) for r in back] == [(1, "one_click")]
    assert [tuple(r) for r in left] == [(2,)]


def test_response_guards_come_after_the_one_opt_out_store_and_go_back(engine: Engine) -> None:
    upgrade(engine, "0009_house_one_opt_out_store")
    tables = set(inspect(engine).get_table_names())
    assert "vote_clicks" not in tables and "answer_changes" not in tables
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    tables = set(inspect(engine).get_table_names())
    assert {"vote_clicks", "answer_changes"} <= tables
    assert "voted_at" in {c["name"] for c in inspect(engine).get_columns("responses")}
    downgrade(engine, "0009_house_one_opt_out_store")
    assert current_revision(engine) == "0009_house_one_opt_out_store"
    tables = set(inspect(engine).get_table_names())
    assert "vote_clicks" not in tables and "answer_changes" not in tables
    assert "voted_at" not in {c["name"] for c in inspect(engine).get_columns("responses")}
    assert "contact_suppressions" in tables  # 0009 stays
    upgrade(engine)
    assert current_revision(engine) == head_revision()


def test_accounts_come_after_the_response_guards_and_go_back(engine: Engine) -> None:
    accounts = {"users", "api_tokens", "audit_log"}
    upgrade(engine, "0010_response_guards")
    assert accounts.isdisjoint(inspect(engine).get_table_names())
    upgrade(engine, "0011_accounts")
    assert accounts <= set(inspect(engine).get_table_names())
    now = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO users (id, email, role, is_active, created_at) "
                "VALUES (1, 'ann@example.com', 'admin', :yes, :now)"
            ),
            {"now": now, "yes": True},
        )
        connection.execute(
            text(
                "INSERT INTO api_tokens (user_id, prefix, secret_hash, role, created_at) "
                "VALUES (1, 'cxl_abcdefgh', :hash, 'viewer', :now)"
            ),
            {"now": now, "hash": "0" * 64},
        )
    with engine.begin() as connection, pytest.raises(IntegrityError):
        connection.execute(  # the CHECK constraint knows the four roles only
            text(
                "INSERT INTO users (email, role, is_active, created_at) "
                "VALUES ('bob@example.com', 'owner', :yes, :now)"
            ),
            {"now": now, "yes": True},
        )
    downgrade(engine, "0010_response_guards")
    assert current_revision(engine) == "0010_response_guards"
    assert accounts.isdisjoint(inspect(engine).get_table_names())
    assert "answer_changes" in inspect(engine).get_table_names()  # 0010 stays
    upgrade(engine)
    assert current_revision(engine) == head_revision()


def test_migration_files_sort_in_the_order_they_run() -> None:
    script = ScriptDirectory(str(MIGRATIONS_DIR))
    run_order = [Path(rev.path).name for rev in reversed(list(script.walk_revisions()))]
    assert run_order == sorted(run_order)
    assert len({name.split("_")[0] for name in run_order}) == len(run_order), "two share a number"
