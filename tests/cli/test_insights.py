"""``text`` commands on a real store: backfill (twice), themes add/list/delete, label, train."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from cxlens.cli import insights
from cxlens.db import engine_for_url, read_only, unit_of_work
from cxlens.features.accounts import recent_audit
from features.insights.helpers import OTHER, PARKING, add_comments, text_models

runner = CliRunner()


def test_backfill_themes_label_and_train(migrated_database_url: str, tmp_path: Path) -> None:
    db = engine_for_url(migrated_database_url)
    with unit_of_work(db) as session:
        ids = add_comments(session, OTHER + PARKING)
    db.dispose()
    insights.TEXT_MODELS[:] = [text_models()]
    env = {"CXLENS_DATABASE_URL": migrated_database_url, "CXLENS_DATA_DIR": str(tmp_path)}

    def run(*args: str) -> str:
        result = runner.invoke(insights.insights_app, list(args), env=env, catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.output

    try:
        assert "8 comments analysed" in run("backfill", "--batch", "3")
        assert "0 comments analysed" in run("backfill")
        assert "8 comments re-scored" in run(
            "themes", "add", "Parking", "--example", "parking lot full"
        )
        assert "parking" in run("themes", "list")
        run("label", str(ids[0]), "--sentiment", "negative", "--theme", "parking")
        bad = runner.invoke(
            insights.insights_app, ["label", str(ids[0]), "--sentiment", "angry"], env=env
        )
        assert bad.exit_code == 2
        assert "labels: 1" in run("train")
        run("themes", "delete", "parking")
        assert "parking" not in run("themes", "list")
        db = engine_for_url(migrated_database_url)
        with read_only(db) as session:
            audited = [(e.action, e.target, e.source) for e in recent_audit(session)]
        db.dispose()
        assert audited == [
            ("theme.deleted", "parking", "cli"),
            ("comment.labelled", str(ids[0]), "cli"),
            ("theme.added", "parking", "cli"),
        ]
    finally:
        insights.TEXT_MODELS.clear()
