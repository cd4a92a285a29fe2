"""``cxlens bounces import`` on a real store (both backends): .eml, mbox and Maildir."""

from __future__ import annotations

import json
import mailbox
from pathlib import Path

from sqlalchemy import select
from typer.testing import CliRunner

from channels.email.dsn_samples import ORIGINAL, dsn
from cxlens.cli.main import app
from cxlens.core.settings import Settings
from cxlens.db import engine_for_url, unit_of_work
from cxlens.features.distribution.messages import bounce_reference
from cxlens.features.distribution.service import create_invitation
from cxlens.features.surveys import create_from_template
from cxlens.models import Customer
from cxlens.models.distribution import ContactSuppression, InvitationDispatch

runner = CliRunner()


def _setup(database_url: str, tmp_path: Path) -> tuple[dict[str, str], int, bytes]:
    env = {
        "CXLENS_DATABASE_URL": database_url,
        "CXLENS_DATA_DIR": str(tmp_path / "data"),
        "CXLENS_SIGNING_KEYS": "cli-bounces-test-key-0123456789ab",
        "CXLENS_EMAIL_BOUNCE_ADDRESS": "bounces@acme.example",
    }
    settings = Settings(
        database_url=database_url,
        data_dir=tmp_path / "data",
        signing_keys=[env["CXLENS_SIGNING_KEYS"]],
        email_bounce_address="bounces@acme.example",
    )
    engine = engine_for_url(settings.resolved_database_url())
    try:
        with unit_of_work(engine) as session:
            survey = create_from_template(session, "relationship_nps", company_name="Acme")
            customer = Customer(customer_ref="c1", email="giulia@example.com")
            session.add(customer)
            session.flush()
            invitation = create_invitation(
                session, settings, customer_id=customer.id, survey_key=survey.key, channel="email"
            )
            ref = bounce_reference(settings, invitation.id)
            invitation_id = invitation.id
    finally:
        engine.dispose()
    original = ORIGINAL.format(recipient="giulia@example.com") + f"X-Cxlens-Invitation: {ref}\n"
    return env, invitation_id, dsn("exchange", original=original)


def test_import_eml_mbox_and_maildir_is_idempotent(
    migrated_database_url: str, tmp_path: Path
) -> None:
    env, invitation_id, bounce = _setup(migrated_database_url, tmp_path)
    box_path = tmp_path / "bounces.mbox"
    box = mailbox.mbox(box_path)
    box.add(bounce)
    box.add(dsn("autoreply"))
    box.flush()
    box.close()
    maildir = mailbox.Maildir(tmp_path / "Maildir")
    maildir.add(bounce)
    delayed = tmp_path / "delayed.eml"
    delayed.write_bytes(dsn("delayed"))

    args = ["bounces", "import", str(box_path), str(tmp_path / "Maildir"), str(delayed)]
    result = runner.invoke(app, [*args, "--json"], env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["messages"] == 4
    counts = {k: data[k] for k in ("bounced", "already", "transient", "unmatched", "not_dsn")}
    # the delayed DSN carries no reference of ours: unmatched, not transient
    assert counts == {"bounced": 1, "already": 1, "transient": 0, "unmatched": 1, "not_dsn": 1}
    assert data["results"][0]["invitation_id"] == invitation_id

    again = runner.invoke(app, args, env=env, catch_exceptions=False)
    assert again.exit_code == 0, again.output
    assert "0 bounced (suppressed), 2 already recorded" in " ".join(again.output.split())

    engine = engine_for_url(Settings(database_url=migrated_database_url).resolved_database_url())
    try:
        with unit_of_work(engine) as session:
            [row] = session.execute(select(ContactSuppression)).scalars()
            assert (row.reason, row.address) == ("bounce", "giulia@example.com")
            assert session.get_one(InvitationDispatch, invitation_id).status == "failed"
    finally:
        engine.dispose()


def test_a_folder_that_is_not_a_maildir_is_a_clear_error(tmp_path: Path) -> None:
    env = {"CXLENS_DATA_DIR": str(tmp_path / "data")}
    result = runner.invoke(app, ["bounces", "import", str(tmp_path)], env=env)
    assert result.exit_code == 2
    assert "not a Maildir" in result.output
