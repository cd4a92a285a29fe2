"""``cxlens widget sign`` and ``secret``: the signature the server accepts."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from typer.testing import CliRunner

from cxlens.cli.main import app
from cxlens.core.settings import Settings
from cxlens.core.signing import verify_customer_signature

runner = CliRunner()


def test_sign_makes_a_signature_the_server_accepts(tmp_path: Path) -> None:
    env = {"CXLENS_DATA_DIR": str(tmp_path), "CXLENS_SIGNING_KEYS": "cli-widget-key-0123456789"}
    result = runner.invoke(app, ["widget", "sign", "shopper 1", "--json"], env=env)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["customer"] == "shopper 1" and len(data["signature"]) == 64
    secret = runner.invoke(app, ["widget", "secret"], env=env).stdout.strip()
    settings = Settings(data_dir=tmp_path, signing_keys=["cli-widget-key-0123456789"])
    assert secret == settings.resolved_widget_secret() != "cli-widget-key-0123456789"
    now = datetime.fromtimestamp(data["issued_at"], UTC)
    verify_customer_signature(
        secret,
        "shopper 1",
        data["issued_at"],
        data["signature"],
        max_age=timedelta(hours=24),
        now=now,
    )
    env["CXLENS_WIDGET_SECRET"] = "the-site-secret-0123456789"
    args = ["widget", "sign", "c", "--issued-at", "1700000000", "--json"]
    fixed = json.loads(runner.invoke(app, args, env=env).stdout)
    # the recipe of docs/collection.md, computed by hand
    mac = hmac.new(b"the-site-secret-0123456789", b"1700000000.c", hashlib.sha256)
    assert fixed["signature"] == mac.hexdigest()
