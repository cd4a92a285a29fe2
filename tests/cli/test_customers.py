"""``cxlens customers export`` and ``erase`` on a real store (both backends)."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from sqlalchemy import func, select
from typer.testing import CliRunner

import factories as f
from cxlens.cli.main import app
from cxlens.db import engine_for_url, unit_of_work, upgrade
from cxlens.models import AuditEntry, Customer

runner = CliRunner()
EMAIL = "cli.erase@example.org"


def _env(database_url: str, tmp_path: Path) -> dict[str, str]:
    return {"CXLENS_DATABASE_URL": database_url, "CXLENS_DATA_DIR": str(tmp_path / "data")}


def _run(env: dict[str, str], *args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), env=env, input=stdin, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def _seed(database_url: str) -> None:
    engine = engine_for_url(database_url)
    try:
        upgrade(engine)
        with unit_of_work(engine) as session:
            f.add_customer_everywhere(session, "C1", EMAIL)
            f.add_customer_everywhere(session, "C2", "other@example.org")
    finally:
        engine.dispose()


def _customers_and_actions(database_url: str) -> tuple[list[str], list[str]]:
    engine = engine_for_url(database_url)
    try:
        with unit_of_work(engine) as session:
            refs = list(session.execute(select(Customer.customer_ref).order_by(Customer.id)))
            actions = session.execute(select(AuditEntry.action).order_by(AuditEntry.id))
            return [r for (r,) in refs], [a for (a,) in actions]
    finally:
        engine.dispose()


def test_export_to_a_file_and_to_stdout(database_url: str, tmp_path: Path) -> None:
    _seed(database_url)
    env = _env(database_url, tmp_path)
    out = tmp_path / "c1.json"
    code, said, err = _run(env, "customers", "export", "C1", "--out", str(out))
    assert code == 0, err
    assert str(out.name) in said
    assert stat.S_IMODE(out.stat().st_mode) == 0o600  # personal data: owner only
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["customer"]["email"] == EMAIL
    assert document["tables"]["responses"] and document["tables"]["support_cases"]
    code, said, err = _run(env, "customers", "export", "C2")
    assert code == 0, err
    assert json.loads(said)["customer"]["customer_ref"] == "C2"
    _, actions = _customers_and_actions(database_url)
    assert actions.count("customer.exported") == 2


def test_erase_asks_showing_the_counts_and_stops_on_no(database_url: str, tmp_path: Path) -> None:
    _seed(database_url)
    env = _env(database_url, tmp_path)
    code, said, err = _run(env, "customers", "erase", "C1", stdin="n\n")
    assert code == 1
    assert "Nothing erased" in err
    assert "opted out of or bounced on email" in " ".join(err.split())
    for name in ("responses", "answers", "invitations", "support_cases", "text_themes"):
        assert name in said
    assert "rows? This cannot be undone" in said
    refs, actions = _customers_and_actions(database_url)
    assert "C1" in refs and "customer.erased" not in actions

    code, said, err = _run(env, "customers", "erase", "C1", stdin="y\n")
    assert code == 0, err
    assert "Erased customer" in said
    refs, actions = _customers_and_actions(database_url)
    assert "C1" not in refs and "C2" in refs
    assert actions.count("customer.erased") == 1


def test_erase_yes_json_and_an_unknown_customer(database_url: str, tmp_path: Path) -> None:
    _seed(database_url)
    env = _env(database_url, tmp_path)
    code, said, err = _run(env, "customers", "erase", "C2", "--yes", "--json")
    assert code == 0, err
    report = json.loads(said)
    assert report["deleted"]["customers"] == 1 and report["reclaimed"]
    assert report["analytics_store"].startswith("no analytics store")
    assert "other@example.org" not in said
    code, said, err = _run(env, "customers", "erase", "C2", "--yes")
    assert code == 2
    assert "no customer 'C2'" in err
    engine = engine_for_url(database_url)
    try:
        with unit_of_work(engine) as session:
            assert session.execute(select(func.count()).select_from(Customer)).scalar() == 3
    finally:
        engine.dispose()
