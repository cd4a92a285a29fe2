"""``cxlens users`` and ``cxlens tokens`` on a real store (both backends)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from cxlens.cli.main import app
from cxlens.db import engine_for_url, unit_of_work
from cxlens.features import accounts
from cxlens.features.accounts import AuditAction

runner = CliRunner()
PASSWORD = "correct horse battery"


def _env(database_url: str, tmp_path: Path) -> dict[str, str]:
    return {"CXLENS_DATABASE_URL": database_url, "CXLENS_DATA_DIR": str(tmp_path / "data")}


def _run(env: dict[str, str], *args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), env=env, input=stdin, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_create_list_set_role_and_reset_password(
    migrated_database_url: str, tmp_path: Path
) -> None:
    env = _env(migrated_database_url, tmp_path)
    code, out, err = _run(
        env, "users", "create", "Ann@Example.com", "--admin", "--name", "Ann", "--password-stdin",
        stdin=PASSWORD + "\n",
    )  # fmt: skip
    assert code == 0, err
    assert "ann@example.com" in out and "admin" in out
    assert PASSWORD not in out + err
    # the hidden prompt asks twice
    code, out, err = _run(
        env, "users", "create", "bob@example.com", "--role", "analyst", "--scope", "region=NL,BE",
        stdin=f"{PASSWORD}\n{PASSWORD}\n",
    )  # fmt: skip
    assert code == 0, err
    assert PASSWORD not in out
    code, out, _ = _run(env, "users", "list", "--json")
    users = {u["email"]: u for u in json.loads(out)["users"]}
    assert users["ann@example.com"]["role"] == "admin"
    assert users["bob@example.com"]["data_scope"] == {"region": ["BE", "NL"]}
    assert all("password" not in key for u in users.values() for key in u)
    code, out, _ = _run(env, "users", "list")
    assert code == 0 and "Users" in out  # (cells: width-dependent)

    code, out, _ = _run(env, "users", "set-role", "BOB@example.com", "--role", "viewer", "--json")
    assert code == 0 and json.loads(out)["role"] == "viewer"
    code, _, err = _run(
        env, "users", "reset-password", "bob@example.com", "--password-stdin",
        stdin="a brand new passphrase\n",
    )  # fmt: skip
    assert code == 0, err
    engine = engine_for_url(migrated_database_url)
    try:
        with unit_of_work(engine) as session:
            assert accounts.authenticate(session, "bob@example.com", "a brand new passphrase")
            actions = [e.action for e in accounts.recent_audit(session)]
    finally:
        engine.dispose()
    assert actions.count(AuditAction.USER_CREATED) == 2
    assert AuditAction.USER_ROLE_CHANGED in actions
    assert AuditAction.USER_PASSWORD_RESET in actions


def test_bad_input_is_refused_with_the_field(migrated_database_url: str, tmp_path: Path) -> None:
    env = _env(migrated_database_url, tmp_path)
    code, _, err = _run(env, "users", "create", "a@example.com", "--password-stdin", stdin="x\n")
    assert code == 2 and "--role" in err
    code, _, err = _run(
        env, "users", "create", "a@example.com", "--role", "viewer", "--password-stdin",
        stdin="short\n",
    )  # fmt: skip
    assert code == 2 and "password" in err and "12 to 1024 characters" in err
    code, _, err = _run(
        env, "users", "create", "not-an-email", "--role", "viewer", "--password-stdin",
        stdin=PASSWORD + "\n",
    )  # fmt: skip
    assert code == 2 and "email" in err
    code, _, err = _run(
        env, "users", "create", "a@example.com", "--role", "viewer", "--scope", "region",
        "--password-stdin", stdin=PASSWORD + "\n",
    )  # fmt: skip
    assert code == 2 and "--scope" in err
    code, _, _ = _run(env, "users", "create", "a@example.com", "--role", "owner")
    assert code == 2  # not one of the four roles (typer refuses it)
    _run(env, "users", "create", "a@example.com", "--role", "viewer", "--password-stdin",
         stdin=PASSWORD + "\n")  # fmt: skip
    code, _, err = _run(
        env, "users", "create", "A@example.com", "--role", "viewer", "--password-stdin",
        stdin=PASSWORD + "\n",
    )  # fmt: skip
    assert code == 2 and "exists already" in err
    code, _, err = _run(env, "users", "set-role", "nobody@example.com", "--role", "admin")
    assert code == 2 and "no user" in err


def test_a_token_secret_is_printed_once_and_revoked_by_prefix(
    migrated_database_url: str, tmp_path: Path
) -> None:
    env = _env(migrated_database_url, tmp_path)
    _run(env, "users", "create", "ann@example.com", "--admin", "--password-stdin",
         stdin=PASSWORD + "\n")  # fmt: skip
    code, out, err = _run(
        env, "tokens", "create", "--user", "ann@example.com", "--role", "analyst",
        "--expires-days", "30",
    )  # fmt: skip
    assert code == 0, err
    secret = out.strip()
    assert secret.startswith("cxl_") and "\n" not in secret
    assert "not shown again" in err
    code, out, _ = _run(env, "tokens", "list", "--json")
    [listed] = json.loads(out)["tokens"]
    assert secret not in out and secret[:12] == listed["prefix"]
    assert (listed["role"], listed["user_email"]) == ("analyst", "ann@example.com")
    assert listed["expires_at"] is not None and listed["revoked_at"] is None
    code, out, _ = _run(env, "tokens", "list")
    assert code == 0 and secret not in out and "API tokens" in out  # (cells: width-dependent)

    engine = engine_for_url(migrated_database_url)
    try:
        with unit_of_work(engine) as session:
            assert accounts.verify_token(session, secret).role == "analyst"
        code, out, _ = _run(env, "tokens", "revoke", listed["prefix"])
        assert code == 0 and "Revoked" in out
        with unit_of_work(engine) as session:
            try:
                accounts.verify_token(session, secret)
            except accounts.InvalidApiTokenError:
                pass
            else:
                raise AssertionError("a revoked token was accepted")
    finally:
        engine.dispose()
    code, out, _ = _run(env, "tokens", "list", "--user", "ann@example.com", "--json")
    assert json.loads(out)["tokens"][0]["revoked_at"] is not None
    code, _, err = _run(env, "tokens", "revoke", "cxl_nothere")
    assert code == 2 and "no API token" in err
    code, _, err = _run(
        env, "tokens", "create", "--user", "nobody@example.com", "--role", "viewer", "--json"
    )
    assert code == 2 and "no user" in err
    code, out, _ = _run(
        env, "tokens", "create", "--user", "ann@example.com", "--role", "viewer", "--json"
    )
    data = json.loads(out)
    assert data["secret"].startswith("cxl_") and data["prefix"] == data["secret"][:12]


def test_deactivate_ends_sign_in_and_tokens_and_keeps_the_last_admin(
    migrated_database_url: str, tmp_path: Path
) -> None:
    env = _env(migrated_database_url, tmp_path)
    for email, role in (("boss@example.com", "admin"), ("ana@example.com", "analyst")):
        code, _, err = _run(
            env, "users", "create", email, "--role", role, "--password-stdin",
            stdin=PASSWORD + "\n",
        )  # fmt: skip
        assert code == 0, err
    code, secret, err = _run(
        env, "tokens", "create", "--user", "ana@example.com", "--role", "analyst"
    )
    assert code == 0, err
    code, out, err = _run(env, "users", "deactivate", "ana@example.com", "--json")
    assert code == 0, err
    assert json.loads(out)["is_active"] is False
    engine = engine_for_url(migrated_database_url)
    try:
        with unit_of_work(engine) as session:
            for refused in (
                lambda: accounts.authenticate(session, "ana@example.com", PASSWORD),
                lambda: accounts.verify_token(session, secret.strip(), touch=False),
            ):
                try:
                    refused()
                except accounts.AuthenticationError:
                    pass
                else:
                    raise AssertionError("a deactivated user was let in")
        code, _, err = _run(env, "users", "deactivate", "boss@example.com")
        assert code != 0 and "last active admin" in err
        code, out, _ = _run(env, "users", "reactivate", "ana@example.com")
        assert code == 0 and "is now active" in out
        with unit_of_work(engine) as session:
            assert (
                accounts.verify_token(session, secret.strip(), touch=False).role.value == "analyst"
            )
            actions = [e.action for e in accounts.recent_audit(session)]
        assert actions[:2] == [AuditAction.USER_REACTIVATED, AuditAction.USER_DEACTIVATED]
    finally:
        engine.dispose()
