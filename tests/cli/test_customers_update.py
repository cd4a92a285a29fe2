"""``cxlens customers update`` on a real store (both backends): audited, names not values."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from cxlens.cli.main import app
from cxlens.db import engine_for_url, unit_of_work
from cxlens.features.accounts import recent_audit
from cxlens.features.customers import CustomerIn, upsert_customer
from cxlens.features.customers.repository import customer_by_ref

runner = CliRunner()


def test_update_changes_the_contact_details_and_audits_the_field_names(
    database_url: str, tmp_path: Path
) -> None:
    env = {"CXLENS_DATABASE_URL": database_url, "CXLENS_DATA_DIR": str(tmp_path / "data")}
    args = ["customers", "update", "c-1", "--email", "new@example.com", "--json"]
    missing = runner.invoke(app, args, env=env)
    assert missing.exit_code == 2 and "no customer 'c-1'" in missing.stderr
    engine = engine_for_url(database_url)
    try:
        with unit_of_work(engine) as session:
            upsert_customer(session, CustomerIn(ref="c-1", email="old@example.com"))
        result = runner.invoke(app, args, env=env)
        assert result.exit_code == 0, result.stderr
        assert json.loads(result.stdout) == {"customer": "c-1", "changed": ["email"]}
        again = runner.invoke(app, args[:-1], env=env)
        assert again.exit_code == 0 and "Nothing to change" in again.stdout
        with unit_of_work(engine) as session:
            stored = customer_by_ref(session, "c-1")
            assert stored is not None and stored.email == "new@example.com"
            [entry] = recent_audit(session)
        assert (entry.action, entry.source, entry.details) == (
            "customer.contact_changed",
            "cli",
            {"fields": ["email"]},
        )
    finally:
        engine.dispose()
